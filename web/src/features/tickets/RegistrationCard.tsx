import { Link } from 'react-router';
import { queryKeys } from '../../api/queryKeys';
import type { Event, Registration, Ticket } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { Alert } from '../../components/States';
import { holderCancel } from '../../lib/cancellation';
import { saveBlob, slug } from '../../lib/download';
import { formatRelative, formatTimestamp } from '../../lib/format';
import { eventToIcs } from '../../lib/ics';
import { CancelPolicyNote } from './CancelPolicy';
import { RegistrationHeading } from './RegistrationHeading';
import { SendTicketsButton } from './SendTicketsButton';
import { TicketView } from './TicketView';
import { cancellableTickets } from './refund';
import { AnswerList } from '../../components/AnswerList';
import { useQuestions } from '../events/api';

interface Props {
  registration: Registration;
  event?: Event;
  highlight: boolean;
  onCancel: (r: Registration) => void;
  /// Choosing some of its tickets to cancel (offered while more than one is valid).
  onCancelTickets: (r: Registration) => void;
  onZoom: (t: Ticket, e?: Event) => void;
}

/// One registration on the tickets page: its event, status, policy and actions, then either the
/// payment still needed or its tickets.
export function RegistrationCard({ registration: r, event, highlight, onCancel, onCancelTickets, onZoom }: Props) {
  const addToCalendar = () => {
    if (!event) return;
    const ics = eventToIcs(event, { url: `${window.location.origin}/events/${event.eventId}` });
    saveBlob(new Blob([ics], { type: 'text/calendar;charset=utf-8' }), `${slug(event.name)}.ics`);
  };
  const active = r.status === 'confirmed' || r.status === 'pending_payment';
  const policy = holderCancel(r, event);
  const cancellable = policy.kind === 'hold' || policy.kind === 'open';
  const someTickets = policy.kind === 'open' && cancellableTickets(r).length > 1;
  const answered = Object.keys(r.answers ?? {}).length > 0 || r.tickets.some((t) => t.answers);
  // The labels of the answers' questions, fetched only for an order that has answers.
  const questions = useQuestions(r.eventId, answered).data ?? [];
  const typeName = (id?: string) => (r.items.length > 1 ? r.items.find((i) => i.ticketTypeId === id)?.name : undefined);
  return (
    <article
      id={`registration-${r.registrationId}`}
      className={`card reg-card${highlight ? ' highlight' : ''}`}
      aria-labelledby={`reg-title-${r.registrationId}`}
    >
      <div className="reg-head">
        {event ? <DateBadge iso={event.date} timeZone={event.timezone} /> : <div className="skeleton date-badge-skeleton" />}
        <div className="reg-info">
          <RegistrationHeading
            registration={r}
            event={event}
            titleId={`reg-title-${r.registrationId}`}
            meta={event?.status === 'cancelled' && <span className="badge badge-bad">Event cancelled</span>}
          />
          {active && <CancelPolicyNote policy={policy} event={event} />}
          <AnswerList questions={questions} answers={r.answers} />
          {r.status === 'confirmed' && (
            <div className="reg-email">
              <SendTicketsButton
                registrationId={r.registrationId}
                label="Email me my tickets"
                accessibleName={event ? `Email me my tickets for ${event.name}` : undefined}
                doneText="Sent to your address"
                invalidate={queryKeys.registrations.all}
              />
            </div>
          )}
        </div>
        <div className="row row-tight">
          {event && active && (
            <button type="button" className="btn btn-sm" onClick={addToCalendar}>
              <Icon name="calendar" size={15} /> Add to calendar
            </button>
          )}
          {someTickets && (
            <button type="button" className="btn btn-sm btn-danger" onClick={() => onCancelTickets(r)}>
              Cancel some tickets…
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
            <p className="alert-actions">
              <Link to={`/checkout/${r.registrationId}`} className="btn btn-primary btn-sm">
                Complete payment
              </Link>
            </p>
          </Alert>
        </div>
      ) : r.tickets.length > 0 ? (
        <div className="reg-body">
          {r.tickets.length > 1 && <p className="swipe-hint">Swipe to see all {r.tickets.length} tickets →</p>}
          <ul className="tickets" aria-label="Tickets">
            {r.tickets.map((t, i) => (
              <TicketView
                key={t.ticketId}
                ticket={t}
                index={i}
                total={r.tickets.length}
                event={event}
                typeName={typeName(t.ticketTypeId)}
                questions={answered ? questions : undefined}
                onZoom={() => onZoom(t, event)}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </article>
  );
}
