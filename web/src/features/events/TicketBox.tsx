import type { ReactNode } from 'react';
import type { Event, TicketType } from '../../api/types';
import { Alert } from '../../components/States';
import { cancellationDeadline } from '../../lib/cancellation';
import { formatEventDate, pluralize } from '../../lib/format';
import { priceLabel } from '../../lib/ticketTypes';
import type { EventPromo } from '../promo/types';
import { hasPriceRange, type Quantities } from './ticketChoice';
import { OrderTotal, TicketTypeChoice } from './TicketTypeChoice';

/// How long seats wait for payment, and until when tickets can be cancelled: told before buying.
function PolicyLine({ event: e }: { event: Event }) {
  const hold = e.holdSeconds
    ? e.holdSeconds % 60 === 0
      ? pluralize(e.holdSeconds / 60, 'minute', 'minutes')
      : pluralize(e.holdSeconds, 'second', 'seconds')
    : null;
  return (
    <p className="small muted policy-line">
      {e.price > 0 && (hold ? `Your seats are held for ${hold} while you pay. ` : 'Your seats are held while you pay. ')}
      {Date.now() < Date.parse(cancellationDeadline(e))
        ? `You can cancel until ${formatEventDate(cancellationDeadline(e), e.timezone)}.`
        : 'Tickets can no longer be cancelled.'}
    </p>
  );
}

/// The event page's box for buying: the price ("from" the lowest when the types differ), how full
/// it is, and either why it cannot be bought or each type with its quantity, the running total,
/// the answer to the last attempt and the button.
export function TicketBox({
  event: e,
  closedReason,
  types,
  quantities,
  seatsAllowed,
  onQuantity,
  total,
  count,
  error,
  busy,
  buttonLabel,
  onRegister,
  note,
  promo,
  waitlist,
  promoApplied,
}: {
  event: Event;
  closedReason: string | null;
  types: TicketType[];
  quantities: Quantities;
  /// What the per-person limit and the seats left allow, over all types.
  seatsAllowed: number;
  onQuantity: (type: TicketType, n: number) => void;
  total: number;
  /// Tickets chosen, over all types.
  count: number;
  /// Why the last attempt failed (a RegisterError), if it did.
  error: ReactNode;
  busy: boolean;
  buttonLabel: string;
  onRegister: () => void;
  /// Said under the button (to a visitor: that no account is needed).
  note?: ReactNode;
  /// The promo code field, under the types.
  promo?: ReactNode;
  /// Shown instead of the closed reason's bare alert when the event or a type is sold out (the
  /// waiting list).
  waitlist?: ReactNode;
  /// The applied code: the total shows what it takes off.
  promoApplied?: EventPromo | null;
}) {
  const soldPct = Math.min(100, Math.round((e.registeredCount / e.capacity) * 100));
  const range = hasPriceRange(e);
  return (
    <aside className="card card-pad ticket-box" aria-labelledby="tickets-title">
      <h2 id="tickets-title" className="visually-hidden">
        Tickets
      </h2>
      <div className="price-big">{priceLabel(e)}</div>
      <p className="muted small price-note">{e.price > 0 || range ? 'per ticket, taxes included' : 'No payment needed'}</p>
      <div className="meter" aria-hidden="true">
        <span style={{ width: `${soldPct}%` }} />
      </div>
      <p className="small muted meter-note">
        {soldPct}% taken · {e.seatsLeft.toLocaleString()} left
      </p>

      {closedReason ? (
        <div className="stack">
          <Alert tone={e.status === 'cancelled' ? 'bad' : 'warn'}>{closedReason}</Alert>
          {waitlist}
        </div>
      ) : (
        <div className="stack">
          <TicketTypeChoice event={e} types={types} quantities={quantities} seatsAllowed={seatsAllowed} onQuantity={onQuantity} />
          <span className="hint">
            {seatsAllowed < e.maxPerAttendee
              ? `You can add ${pluralize(seatsAllowed, 'more ticket', 'more tickets')}.`
              : `Up to ${e.maxPerAttendee} per person.`}
          </span>
          {promo}
          {total > 0 && <OrderTotal event={e} types={types} quantities={quantities} total={total} promo={promoApplied} />}
          {error}
          <button type="button" className="btn btn-primary btn-lg btn-block" onClick={onRegister} disabled={busy || count === 0}>
            {busy && <span className="spinner" aria-hidden="true" />}
            {buttonLabel}
          </button>
          {note}
          {waitlist}
          <PolicyLine event={e} />
        </div>
      )}
    </aside>
  );
}
