import type { ReactNode } from 'react';
import type { Event } from '../../api/types';
import { Alert } from '../../components/States';
import { cancellationDeadline } from '../../lib/cancellation';
import { formatEventDate, formatMoney, formatPrice, pluralize } from '../../lib/format';

/// The number of tickets, from 1 to `max`, with a button either side.
function QuantityPicker({
  qty,
  max,
  maxPerAttendee,
  onChange,
}: {
  qty: number;
  max: number;
  maxPerAttendee: number;
  onChange: (n: number) => void;
}) {
  return (
    <div className="field">
      <span className="label" id="qty-label">
        Tickets
      </span>
      <div className="qty" role="group" aria-labelledby="qty-label">
        <button type="button" aria-label="One fewer ticket" disabled={qty <= 1} onClick={() => onChange(qty - 1)}>
          −
        </button>
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          value={qty}
          aria-label="Number of tickets"
          onChange={(ev) => {
            const n = Number.parseInt(ev.target.value, 10);
            if (Number.isFinite(n)) onChange(Math.min(Math.max(1, n), max));
          }}
        />
        <button type="button" aria-label="One more ticket" disabled={qty >= max} onClick={() => onChange(qty + 1)}>
          +
        </button>
      </div>
      <span className="hint">
        {max < maxPerAttendee
          ? `You can add ${pluralize(max, 'more ticket', 'more tickets')}.`
          : `Up to ${maxPerAttendee} per person.`}
      </span>
    </div>
  );
}

function OrderTotal({ event: e, qty }: { event: Event; qty: number }) {
  return (
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
  );
}

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

/// The event page's box for buying: price, how full it is, and either why it cannot be bought or
/// the number of tickets, the total, the answer to the last attempt and the button.
export function TicketBox({
  event: e,
  closedReason,
  qty,
  maxQty,
  onQuantity,
  error,
  busy,
  buttonLabel,
  onRegister,
}: {
  event: Event;
  closedReason: string | null;
  qty: number;
  maxQty: number;
  onQuantity: (n: number) => void;
  /// Why the last attempt failed (a RegisterError), if it did.
  error: ReactNode;
  busy: boolean;
  buttonLabel: string;
  onRegister: () => void;
}) {
  const soldPct = Math.min(100, Math.round((e.registeredCount / e.capacity) * 100));
  return (
    <aside className="card card-pad ticket-box" aria-labelledby="tickets-title">
      <h2 id="tickets-title" className="visually-hidden">
        Tickets
      </h2>
      <div className="price-big">{formatPrice(e.price, e.currency)}</div>
      <p className="muted small price-note">{e.price > 0 ? 'per ticket, taxes included' : 'No payment needed'}</p>
      <div className="meter" aria-hidden="true">
        <span style={{ width: `${soldPct}%` }} />
      </div>
      <p className="small muted meter-note">
        {soldPct}% taken · {e.seatsLeft.toLocaleString()} left
      </p>

      {closedReason ? (
        <Alert tone={e.status === 'cancelled' ? 'bad' : 'warn'}>{closedReason}</Alert>
      ) : (
        <div className="stack">
          <QuantityPicker qty={qty} max={maxQty} maxPerAttendee={e.maxPerAttendee} onChange={onQuantity} />
          {e.price > 0 && <OrderTotal event={e} qty={qty} />}
          {error}
          <button type="button" className="btn btn-primary btn-lg btn-block" onClick={onRegister} disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            {buttonLabel}
          </button>
          <PolicyLine event={e} />
        </div>
      )}
    </aside>
  );
}
