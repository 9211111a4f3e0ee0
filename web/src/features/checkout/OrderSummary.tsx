import type { Event, Registration } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { formatEventDate, formatMoney } from '../../lib/format';

/// The order beside the card form: the event, each ticket type ordered with its price, and the total.
export function OrderSummary({ registration: r, event: e }: { registration: Registration; event?: Event }) {
  return (
    <aside className="card card-pad" aria-labelledby="order-title">
      <h2 id="order-title" className="card-title">
        Your order
      </h2>
      {e ? (
        <div className="order-event">
          <DateBadge iso={e.date} timeZone={e.timezone} />
          <div>
            <strong>{e.name}</strong>
            <div className="small muted">{formatEventDate(e.date, e.timezone)}</div>
            <div className="small muted">{e.location}</div>
          </div>
        </div>
      ) : (
        <div className="skeleton order-event-skeleton" />
      )}
      {r.items.map((item) => (
        <div className="summary-line" key={item.ticketTypeId}>
          <span>
            {item.quantity} × {item.name} ({formatMoney(item.discountedUnitPrice, r.currency)})
          </span>
          <span>{formatMoney(item.amount, r.currency)}</span>
        </div>
      ))}
      <div className="summary-line total">
        <span>Total</span>
        <span>{formatMoney(r.amount, r.currency)}</span>
      </div>
    </aside>
  );
}
