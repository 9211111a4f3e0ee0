import type { Event, TicketType } from '../../api/types';
import { formatEventDate, formatMoney, formatPrice } from '../../lib/format';
import { orderDiscount } from '../promo/discount';
import { TotalLines } from '../promo/TotalLines';
import type { EventPromo } from '../promo/types';
import { clampQuantity, maxForType, orderTotal, saleState, stepQuantity, type Quantities } from './ticketChoice';

/// Why a type cannot be ordered now, or until when it can, in the event's time zone.
function SaleNote({ type: t, event: e }: { type: TicketType; event: Event }) {
  const state = saleState(t);
  if (state === 'sold-out') return <span className="badge badge-bad">Sold out</span>;
  if (state === 'not-yet') return <span className="small muted">On sale from {formatEventDate(t.salesStart!, e.timezone)}</span>;
  if (state === 'ended') return <span className="badge">Sales ended</span>;
  return t.salesEnd ? <span className="small muted">On sale until {formatEventDate(t.salesEnd, e.timezone)}</span> : null;
}

/// One type's number of tickets, with a button either side; named after the type for assistive technology.
function TypeQuantity({
  type: t,
  named,
  qty,
  max,
  onChange,
}: {
  type: TicketType;
  /// Whether the names carry the type's (an event of one type says just "ticket").
  named: boolean;
  qty: number;
  max: number;
  onChange: (n: number) => void;
}) {
  const what = named ? `${t.name} ticket` : 'ticket';
  return (
    <div className="qty" role="group" aria-label={named ? `${t.name} tickets` : 'Tickets'}>
      <button
        type="button"
        aria-label={`One fewer ${what}`}
        disabled={qty <= 0}
        onClick={() => onChange(stepQuantity(t, qty, -1, max))}
      >
        −
      </button>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        max={max}
        value={qty}
        aria-label={`Number of ${what}s`}
        onChange={(ev) => onChange(clampQuantity(t, Number.parseInt(ev.target.value, 10), max))}
      />
      <button
        type="button"
        aria-label={`One more ${what}`}
        disabled={stepQuantity(t, qty, 1, max) <= qty}
        onClick={() => onChange(stepQuantity(t, qty, 1, max))}
      >
        +
      </button>
    </div>
  );
}

/// The event's visible ticket types, each with its price, whether it is on sale and, when it
/// is, a quantity; `seatsAllowed` is what the per-person limit and the seats left allow over all types.
export function TicketTypeChoice({
  event: e,
  types,
  quantities,
  seatsAllowed,
  onQuantity,
}: {
  event: Event;
  types: TicketType[];
  quantities: Quantities;
  seatsAllowed: number;
  onQuantity: (type: TicketType, n: number) => void;
}) {
  return (
    <ul className="type-choice" aria-label="Ticket types">
      {types.map((t) => {
        const qty = quantities[t.ticketTypeId] ?? 0;
        const onSale = saleState(t) === 'on-sale';
        return (
          <li key={t.ticketTypeId} className="type-choice-row">
            <div className="type-choice-main">
              <strong>{t.name}</strong>
              <span className="price">{formatPrice(t.price, e.currency)}</span>
              {t.description && <span className="small muted">{t.description}</span>}
              <SaleNote type={t} event={e} />
              {onSale && t.minPerOrder > 1 && <span className="small muted">At least {t.minPerOrder} per order.</span>}
            </div>
            {onSale && (
              <TypeQuantity
                type={t}
                named={types.length > 1}
                qty={qty}
                max={maxForType(t, quantities, seatsAllowed)}
                onChange={(n) => onQuantity(t, n)}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/// The running total: one line per chosen type, what an applied code takes off, then the total.
export function OrderTotal({
  event: e,
  types,
  quantities,
  total,
  promo,
}: {
  event: Event;
  types: TicketType[];
  quantities: Quantities;
  /// Before any discount.
  total: number;
  /// The applied code, if any.
  promo?: EventPromo | null;
}) {
  const chosen = types.filter((t) => (quantities[t.ticketTypeId] ?? 0) > 0);
  return (
    <div aria-live="polite">
      {chosen.map((t) => (
        <div className="summary-line" key={t.ticketTypeId}>
          <span>
            {quantities[t.ticketTypeId]} × {t.name} ({formatMoney(t.price, e.currency)})
          </span>
          <span>{formatMoney(orderTotal([t], quantities, e.currency), e.currency)}</span>
        </div>
      ))}
      <TotalLines
        total={total}
        discount={orderDiscount(types, quantities, promo, e.currency)}
        code={promo?.code}
        currency={e.currency}
      />
    </div>
  );
}
