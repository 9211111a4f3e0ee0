import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Event, Registration, Ticket } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DateBadge, StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { Alert, EmptyState, errorMessage, ErrorState, Loading } from '../../components/States';
import { holderCancel } from '../../lib/cancellation';
import { saveBlob, slug } from '../../lib/download';
import { formatEventDate, formatMoney, formatRelative, formatTimestamp, pluralize } from '../../lib/format';
import { eventToIcs } from '../../lib/ics';
import { useTitle } from '../../lib/useTitle';
import { useMyRegistrations } from '../events/api';
import { CancelError, CancelPolicyNote } from './CancelPolicy';
import { QrCode } from './QrCode';

function TicketView({
  ticket,
  index,
  total,
  event,
  onZoom,
}: {
  ticket: Ticket;
  index: number;
  total: number;
  event?: Event;
  onZoom: () => void;
}) {
  const [downloading, setDownloading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const voided = ticket.status === 'cancelled';

  const download = async () => {
    setError(null);
    setDownloading(true);
    // Opened now, while the click still counts as the person's, so no pop-up blocker steps in.
    const win = window.open('', '_blank');
    try {
      const { url } = await api.ticketDownload(ticket.ticketId);
      if (win) win.location.href = url;
      else window.location.assign(url);
    } catch (err) {
      win?.close();
      setError(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <li className={`ticket${voided ? ' void' : ''}`} data-ticket-id={ticket.ticketId}>
      <button
        type="button"
        className="qr"
        onClick={onZoom}
        disabled={voided}
        aria-label={`Enlarge the QR code of ticket ${index + 1}`}
      >
        <QrCode text={ticket.qrCode} label={`QR code of ticket ${index + 1} of ${total}${event ? ` for ${event.name}` : ''}`} />
      </button>
      <div className="row" style={{ justifyContent: 'center', gap: 8 }}>
        <strong>
          Ticket {index + 1} of {total}
        </strong>
        <StatusBadge status={ticket.status} />
      </div>
      <div className="ticket-stub">
        <div>{ticket.holderName}</div>
        {ticket.validatedAt && <div>Checked in {formatTimestamp(ticket.validatedAt)}</div>}
        <div className="mono muted" title="Ticket id">
          #{ticket.ticketId.slice(-8)}
        </div>
      </div>
      {!voided && (
        <div className="ticket-actions" style={{ justifyContent: 'center' }}>
          <button type="button" className="btn btn-sm" onClick={download} disabled={downloading}>
            {downloading ? <span className="spinner" aria-hidden="true" /> : <Icon name="download" size={15} />}
            PDF ticket
          </button>
        </div>
      )}
      {error && (
        <p className="small" role="alert" style={{ color: 'var(--bad)', margin: '8px 0 0' }}>
          {error}
        </p>
      )}
    </li>
  );
}

function RegistrationCard({
  registration: r,
  event,
  highlight,
  onCancel,
  onZoom,
}: {
  registration: Registration;
  event?: Event;
  highlight: boolean;
  onCancel: (r: Registration) => void;
  onZoom: (t: Ticket, e?: Event) => void;
}) {
  const addToCalendar = () => {
    if (!event) return;
    const ics = eventToIcs(event, { url: `${window.location.origin}/events/${event.eventId}` });
    saveBlob(new Blob([ics], { type: 'text/calendar;charset=utf-8' }), `${slug(event.name)}.ics`);
  };
  const active = r.status === 'confirmed' || r.status === 'pending_payment';
  const policy = holderCancel(r, event);
  const cancellable = policy.kind === 'hold' || policy.kind === 'open';
  return (
    <article
      id={`registration-${r.registrationId}`}
      className="card reg-card"
      style={highlight ? { borderColor: 'var(--brand)', boxShadow: '0 0 0 3px var(--brand-100)' } : undefined}
      aria-labelledby={`reg-title-${r.registrationId}`}
    >
      <div className="reg-head">
        {event ? (
          <DateBadge iso={event.date} timeZone={event.timezone} />
        ) : (
          <div className="skeleton" style={{ width: 56, height: 56 }} />
        )}
        <div style={{ flex: 1, minWidth: 200 }}>
          <h2 id={`reg-title-${r.registrationId}`}>
            {event ? <Link to={`/events/${event.eventId}`}>{event.name}</Link> : 'Loading event…'}
          </h2>
          {event && (
            <div className="small muted">
              {formatEventDate(event.date, event.timezone)} · {event.location}
            </div>
          )}
          <div className="row small" style={{ marginTop: 6, gap: 8 }}>
            <StatusBadge status={r.status} />
            <span className="muted">
              {pluralize(r.quantity, 'ticket', 'tickets')}
              {r.amount > 0 ? ` · ${formatMoney(r.amount, r.currency)}` : ' · Free'}
            </span>
            {event?.status === 'cancelled' && <span className="badge badge-bad">Event cancelled</span>}
          </div>
          {active && <CancelPolicyNote policy={policy} event={event} />}
        </div>
        <div className="row" style={{ gap: 8 }}>
          {event && active && (
            <button type="button" className="btn btn-sm" onClick={addToCalendar}>
              <Icon name="calendar" size={15} /> Add to calendar
            </button>
          )}
          {cancellable && (
            <button type="button" className="btn btn-sm btn-danger" onClick={() => onCancel(r)}>
              Cancel
            </button>
          )}
        </div>
      </div>
      {r.status === 'pending_payment' ? (
        <div className="reg-body">
          <Alert tone="warn" title="Payment needed">
            <p>
              Your seats are held
              {r.holdExpiresAt ? ` until ${formatTimestamp(r.holdExpiresAt)} (${formatRelative(r.holdExpiresAt)})` : ''}. Tickets
              appear here once you pay.
            </p>
            <p style={{ marginTop: 10 }}>
              <Link to={`/checkout/${r.registrationId}`} className="btn btn-primary btn-sm">
                Complete payment
              </Link>
            </p>
          </Alert>
        </div>
      ) : r.tickets.length > 0 ? (
        <div className="reg-body">
          {r.tickets.length > 1 && <p className="swipe-hint">Swipe to see all {r.tickets.length} tickets →</p>}
          <ul className="tickets" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Tickets">
            {r.tickets.map((t, i) => (
              <TicketView
                key={t.ticketId}
                ticket={t}
                index={i}
                total={r.tickets.length}
                event={event}
                onZoom={() => onZoom(t, event)}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </article>
  );
}

export default function MyTicketsPage() {
  useTitle('My tickets');
  const [params] = useSearchParams();
  const highlight = params.get('registration');
  const queryClient = useQueryClient();
  const registrations = useMyRegistrations(true);
  const eventIds = useMemo(() => [...new Set((registrations.data ?? []).map((r) => r.eventId))], [registrations.data]);
  const events = useQueries({
    queries: eventIds.map((id) => ({ queryKey: ['event', id], queryFn: () => api.event(id), staleTime: 60_000 })),
  });
  const eventById = new Map<string, Event>();
  events.forEach((q) => q.data && eventById.set(q.data.eventId, q.data));

  const [cancelling, setCancelling] = useState<Registration | null>(null);
  const [zoom, setZoom] = useState<{ ticket: Ticket; event?: Event } | null>(null);
  const cancel = useMutation({
    mutationFn: (r: Registration) => api.cancelRegistration(r.registrationId),
    onSuccess: (r) => {
      setCancelling(null);
      queryClient.invalidateQueries({ queryKey: ['registrations'] });
      queryClient.invalidateQueries({ queryKey: ['event', r.eventId] });
      queryClient.invalidateQueries({ queryKey: ['events'] });
    },
    // A refusal may mean a ticket was just used or the event changed: show the card as it now is.
    onError: (_e, r) => {
      queryClient.invalidateQueries({ queryKey: ['registrations'] });
      queryClient.invalidateQueries({ queryKey: ['event', r.eventId] });
    },
  });

  useEffect(() => {
    if (!highlight || !registrations.data) return;
    document.getElementById(`registration-${highlight}`)?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [highlight, registrations.data]);

  if (registrations.isPending) return <Loading label="Loading your tickets…" />;
  if (registrations.isError) {
    return (
      <div className="container">
        <ErrorState error={registrations.error} retry={() => registrations.refetch()} title="We could not load your tickets" />
      </div>
    );
  }

  const now = Date.now();
  const all = registrations.data;
  const isUpcoming = (r: Registration) => {
    const e = eventById.get(r.eventId);
    return (
      (r.status === 'confirmed' || r.status === 'pending_payment') &&
      (!e || (Date.parse(e.date) > now - 6 * 3600_000 && e.status !== 'cancelled'))
    );
  };
  const upcoming = all.filter(isUpcoming).sort((a, b) => {
    const ea = eventById.get(a.eventId)?.date ?? '';
    const eb = eventById.get(b.eventId)?.date ?? '';
    return ea.localeCompare(eb);
  });
  const past = all.filter((r) => !isUpcoming(r));
  const just = highlight ? all.find((r) => r.registrationId === highlight && r.status === 'confirmed') : undefined;

  return (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>My tickets</h1>
          <p>Show the QR code at the door — on your phone or printed from the PDF.</p>
        </div>
        <Link to="/" className="btn">
          <Icon name="search" size={16} /> Find more events
        </Link>
      </div>

      {just && (
        <div style={{ marginBottom: 20 }}>
          <Alert tone="ok" title="You’re booked!">
            {pluralize(just.tickets.length, 'ticket is', 'tickets are')} below. We keep them here for you.
          </Alert>
        </div>
      )}

      {all.length === 0 ? (
        <EmptyState icon="ticket" title="No tickets yet">
          <p>When you register for an event, your tickets show up here.</p>
          <Link to="/" className="btn btn-primary">
            Browse events
          </Link>
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="upcoming-title">
            <h2 id="upcoming-title" className="visually-hidden">
              Upcoming
            </h2>
            {upcoming.length === 0 ? (
              <p className="muted">No upcoming events. Time to find one!</p>
            ) : (
              <div className="stack">
                {upcoming.map((r) => (
                  <RegistrationCard
                    key={r.registrationId}
                    registration={r}
                    event={eventById.get(r.eventId)}
                    highlight={r.registrationId === highlight}
                    onCancel={setCancelling}
                    onZoom={(ticket, event) => setZoom({ ticket, event })}
                  />
                ))}
              </div>
            )}
          </section>
          {past.length > 0 && (
            <section className="section" aria-labelledby="past-title">
              <h2 id="past-title">Past and cancelled</h2>
              <div className="stack">
                {past.map((r) => (
                  <RegistrationCard
                    key={r.registrationId}
                    registration={r}
                    event={eventById.get(r.eventId)}
                    highlight={false}
                    onCancel={setCancelling}
                    onZoom={(ticket, event) => setZoom({ ticket, event })}
                  />
                ))}
              </div>
            </section>
          )}
        </>
      )}

      <ConfirmDialog
        open={!!cancelling}
        title="Cancel this registration?"
        confirmLabel={cancel.isPending ? 'Cancelling…' : 'Yes, cancel'}
        danger
        busy={cancel.isPending}
        onConfirm={() => cancelling && cancel.mutate(cancelling)}
        onClose={() => {
          setCancelling(null);
          cancel.reset();
        }}
      >
        {cancelling && (
          <>
            <p>
              Your {pluralize(cancelling.quantity, 'seat', 'seats')} for{' '}
              <strong>{eventById.get(cancelling.eventId)?.name ?? 'this event'}</strong> will be released and{' '}
              {cancelling.tickets.length === 1 ? 'the ticket stops' : 'the tickets stop'} working.
            </p>
            {cancelling.amount > 0 && cancelling.status === 'confirmed' && (
              <p>You will be refunded {formatMoney(cancelling.amount, cancelling.currency)} to your card.</p>
            )}
            {cancel.isError && <CancelError error={cancel.error} />}
          </>
        )}
      </ConfirmDialog>

      <ZoomDialog zoom={zoom} onClose={() => setZoom(null)} />
    </div>
  );
}

function ZoomDialog({ zoom, onClose }: { zoom: { ticket: Ticket; event?: Event } | null; onClose: () => void }) {
  return (
    <dialog
      className="modal"
      ref={(d) => {
        if (!d) return;
        if (zoom && !d.open) d.showModal?.();
        if (!zoom && d.open) d.close?.();
      }}
      onClose={onClose}
      aria-label="Ticket QR code"
    >
      {zoom && (
        <>
          <div className="modal-body" style={{ textAlign: 'center' }}>
            <h2>{zoom.event?.name ?? 'Your ticket'}</h2>
            <p className="muted">{zoom.ticket.holderName} · turn your screen brightness up</p>
            <QrCode text={zoom.ticket.qrCode} label="Ticket QR code" className="qr-full" />
          </div>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
