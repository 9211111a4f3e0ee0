import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api';
import type { Registration } from '../../api/types';
import { coverStyle, StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { cancellationDeadline } from '../../lib/cancellation';
import { newIdempotencyKey } from '../../lib/download';
import { formatEventDate, formatEventTime, formatMoney, formatPrice, pluralize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../auth/session';
import { RegisterError } from './RegisterError';

export function useMyRegistrations(enabled: boolean) {
  return useQuery({
    queryKey: ['registrations', 'mine'],
    queryFn: async () => {
      const all: Registration[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.myRegistrations(cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 1000);
      return all;
    },
    enabled,
  });
}

const holdsSeats = (r: Registration) => r.status === 'confirmed' || r.status === 'pending_payment';

export default function EventPage() {
  const { eventId = '' } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api.event(eventId) });
  const mine = useMyRegistrations(!!session);
  const [quantity, setQuantity] = useState(1);
  const attemptKey = useRef<string | null>(null);
  useTitle(event.data?.name);

  const register = useMutation({
    mutationFn: () => {
      attemptKey.current ??= newIdempotencyKey();
      return api.register(eventId, quantity, attemptKey.current);
    },
    onSuccess: (registration) => {
      attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: ['event', eventId] });
      queryClient.invalidateQueries({ queryKey: ['events'] });
      queryClient.setQueryData(['registration', registration.registrationId], registration);
      queryClient.invalidateQueries({ queryKey: ['registrations'] });
      if (registration.status === 'pending_payment') navigate(`/checkout/${registration.registrationId}`);
      else navigate(`/tickets?registration=${registration.registrationId}`);
    },
    onError: (error) => {
      // A definite answer from the server ends this attempt; a lost connection may be retried with the same key.
      if (!(error instanceof ApiError && error.isNetwork)) attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: ['event', eventId] });
      // An unpaid order the app did not know of (another tab, another device) is linked once loaded.
      if (error instanceof ApiError && error.kind === 'unpaid-order-open')
        queryClient.invalidateQueries({ queryKey: ['registrations'] });
    },
  });

  if (event.isPending) return <Loading label="Loading event…" />;
  if (event.isError) {
    return (
      <div className="container">
        <ErrorState
          error={event.error}
          title={
            event.error instanceof ApiError && event.error.status === 404
              ? 'This event does not exist'
              : 'We could not load this event'
          }
          retry={event.error instanceof ApiError && event.error.status === 404 ? undefined : () => event.refetch()}
        />
      </div>
    );
  }

  const e = event.data;
  const myRegs = (mine.data ?? []).filter((r) => r.eventId === e.eventId);
  const held = myRegs.filter(holdsSeats).reduce((n, r) => n + r.quantity, 0);
  const started = Date.parse(e.date) <= Date.now();
  const cancelled = e.status === 'cancelled';
  const maxQty = Math.max(0, Math.min(e.maxPerAttendee - held, e.seatsLeft, 100));
  const qty = Math.min(Math.max(1, quantity), Math.max(1, maxQty));
  const soldPct = Math.min(100, Math.round((e.registeredCount / e.capacity) * 100));
  const closedReason = cancelled
    ? 'This event was cancelled.'
    : started
      ? 'This event has already started.'
      : e.seatsLeft <= 0
        ? 'Sold out.'
        : maxQty <= 0
          ? `You hold the most seats one person may (${e.maxPerAttendee}).`
          : null;

  const onRegister = () => {
    if (!session) {
      navigate(`/login?next=${encodeURIComponent(`/events/${eventId}`)}`);
      return;
    }
    if (qty !== quantity) setQuantity(qty);
    register.mutate();
  };

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">
          <Icon name="arrowLeft" size={14} /> All events
        </Link>
      </nav>
      <header className="event-hero" style={coverStyle(e.eventId)}>
        <div>
          <div className="row">
            {cancelled ? (
              <span className="badge">Cancelled</span>
            ) : (
              <span className="badge">{formatPrice(e.price, e.currency)}</span>
            )}
            {!cancelled && e.seatsLeft <= 0 && <span className="badge">Sold out</span>}
          </div>
          <h1>{e.name}</h1>
        </div>
      </header>

      <div className="event-layout">
        <div>
          <div className="facts">
            <div className="fact">
              <span className="ico">
                <Icon name="calendar" />
              </span>
              <div>
                <strong>{formatEventDate(e.date, e.timezone)}</strong>
                <span>
                  Local time at the venue ({e.timezone})
                  {Intl.DateTimeFormat().resolvedOptions().timeZone !== e.timezone &&
                    ` · ${formatEventTime(e.date, Intl.DateTimeFormat().resolvedOptions().timeZone)} where you are`}
                </span>
              </div>
            </div>
            <div className="fact">
              <span className="ico">
                <Icon name="pin" />
              </span>
              <div>
                <strong>{e.location}</strong>
                <span>
                  <a
                    href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(e.location)}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    Show on a map <Icon name="external" size={13} />
                  </a>
                </span>
              </div>
            </div>
            <div className="fact">
              <span className="ico">
                <Icon name="users" />
              </span>
              <div>
                <strong>
                  {e.seatsLeft.toLocaleString()} of {e.capacity.toLocaleString()} seats left
                </strong>
                <span>Up to {pluralize(e.maxPerAttendee, 'ticket', 'tickets')} per person</span>
              </div>
            </div>
          </div>

          {myRegs.length > 0 && (
            <div className="section">
              <Alert
                tone="info"
                icon="ticket"
                title={held > 0 ? `You have ${pluralize(held, 'seat', 'seats')} for this event` : 'Your earlier registrations'}
              >
                <ul style={{ margin: '6px 0 0', paddingLeft: 18 }}>
                  {myRegs.map((r) => (
                    <li key={r.registrationId}>
                      {pluralize(r.quantity, 'seat', 'seats')} · <StatusBadge status={r.status} />{' '}
                      {r.status === 'pending_payment' ? (
                        <Link to={`/checkout/${r.registrationId}`}>Complete payment</Link>
                      ) : r.status === 'confirmed' ? (
                        <Link to={`/tickets?registration=${r.registrationId}`}>View tickets</Link>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </Alert>
            </div>
          )}

          <section className="section" aria-labelledby="about">
            <h2 id="about">About this event</h2>
            {e.description ? (
              <p className="description">{e.description}</p>
            ) : (
              <p className="muted">The organizer has not added a description.</p>
            )}
          </section>
        </div>

        <aside className="card card-pad ticket-box" aria-labelledby="tickets-title">
          <h2 id="tickets-title" className="visually-hidden">
            Tickets
          </h2>
          <div className="price-big">{formatPrice(e.price, e.currency)}</div>
          <p className="muted small" style={{ marginBottom: 14 }}>
            {e.price > 0 ? 'per ticket, taxes included' : 'No payment needed'}
          </p>
          <div className="meter" aria-hidden="true">
            <span style={{ width: `${soldPct}%` }} />
          </div>
          <p className="small muted" style={{ marginTop: 6 }}>
            {soldPct}% taken · {e.seatsLeft.toLocaleString()} left
          </p>

          {closedReason ? (
            <Alert tone={cancelled ? 'bad' : 'warn'}>{closedReason}</Alert>
          ) : (
            <div className="stack">
              <div className="field">
                <span className="label" id="qty-label">
                  Tickets
                </span>
                <div className="qty" role="group" aria-labelledby="qty-label">
                  <button type="button" aria-label="One fewer ticket" disabled={qty <= 1} onClick={() => setQuantity(qty - 1)}>
                    −
                  </button>
                  <input
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={maxQty}
                    value={qty}
                    aria-label="Number of tickets"
                    onChange={(ev) => {
                      const n = Number.parseInt(ev.target.value, 10);
                      if (Number.isFinite(n)) setQuantity(Math.min(Math.max(1, n), maxQty));
                    }}
                  />
                  <button
                    type="button"
                    aria-label="One more ticket"
                    disabled={qty >= maxQty}
                    onClick={() => setQuantity(qty + 1)}
                  >
                    +
                  </button>
                </div>
                <span className="hint">
                  {maxQty < e.maxPerAttendee
                    ? `You can add ${pluralize(maxQty, 'more ticket', 'more tickets')}.`
                    : `Up to ${e.maxPerAttendee} per person.`}
                </span>
              </div>
              {e.price > 0 && (
                <div>
                  <div className="summary-line">
                    <span>
                      {qty} × {formatMoney(e.price, e.currency)}
                    </span>
                    <span>{formatMoney(qty * e.price, e.currency)}</span>
                  </div>
                  <div className="summary-line total">
                    <span>Total</span>
                    <span>{formatMoney(Math.round(qty * e.price * 1000) / 1000, e.currency)}</span>
                  </div>
                </div>
              )}
              {register.isError && (
                <RegisterError
                  error={register.error}
                  event={e}
                  held={held}
                  openOrder={myRegs.find((r) => r.status === 'pending_payment')}
                />
              )}
              <button
                type="button"
                className="btn btn-primary btn-lg btn-block"
                onClick={onRegister}
                disabled={register.isPending}
              >
                {register.isPending && <span className="spinner" aria-hidden="true" />}
                {register.isPending
                  ? 'Reserving…'
                  : !session
                    ? 'Log in to register'
                    : e.price > 0
                      ? `Reserve ${pluralize(qty, 'ticket', 'tickets')}`
                      : `Get ${pluralize(qty, 'free ticket', 'free tickets')}`}
              </button>
              <p className="small muted" style={{ margin: 0 }}>
                {e.price > 0 &&
                  (e.holdSeconds
                    ? `Your seats are held for ${e.holdSeconds % 60 === 0 ? pluralize(e.holdSeconds / 60, 'minute', 'minutes') : pluralize(e.holdSeconds, 'second', 'seconds')} while you pay. `
                    : 'Your seats are held while you pay. ')}
                {Date.now() < Date.parse(cancellationDeadline(e))
                  ? `You can cancel until ${formatEventDate(cancellationDeadline(e), e.timezone)}.`
                  : 'Tickets can no longer be cancelled.'}
              </p>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
