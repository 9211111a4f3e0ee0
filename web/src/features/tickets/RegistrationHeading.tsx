import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Event, Registration } from '../../api/types';
import { StatusBadge } from '../../components/EventBits';
import { formatEventDate, formatMoney, pluralize } from '../../lib/format';

interface Props {
  registration: Registration;
  event?: Event;
  titleId: string;
  /// Badges after the status and the count (e.g. "Event cancelled").
  meta?: ReactNode;
}

/// The head of a registration's card, on My tickets and on a guest's order page: the event's name
/// as the card's title, when and where, the status, the ticket count and the price.
export function RegistrationHeading({ registration: r, event, titleId, meta }: Props) {
  const voided = r.tickets.filter((t) => t.status === 'void').length;
  return (
    <>
      <h2 id={titleId}>{event ? <Link to={`/events/${event.eventId}`}>{event.name}</Link> : 'Loading event…'}</h2>
      {event && (
        <div className="small muted">
          {formatEventDate(event.date, event.timezone)} · {event.location}
        </div>
      )}
      <div className="row small reg-meta">
        <StatusBadge status={r.status} />
        <span className="muted">
          {pluralize(r.quantity, 'ticket', 'tickets')}
          {voided > 0 && ` (${voided} cancelled)`}
          {r.source === 'comp' ? ' · Complimentary' : r.amount > 0 ? ` · ${formatMoney(r.amount, r.currency)}` : ' · Free'}
          {!!r.discount &&
            r.discount > 0 &&
            ` · ${formatMoney(r.discount, r.currency)} off${r.promoCode ? ` with ${r.promoCode}` : ''}`}
          {!!r.refundedAmount && r.refundedAmount > 0 && ` · ${formatMoney(r.refundedAmount, r.currency)} refunded`}
        </span>
        {meta}
      </div>
    </>
  );
}
