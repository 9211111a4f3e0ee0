import type { Event, Registration } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { formatEventDate, formatMoney, pluralize } from '../../lib/format';

/// The order beside the card form: the event, the tickets and the total.
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
      <div className="summary-line">
        <span>{pluralize(r.quantity, 'ticket', 'tickets')}</span>
        <span>{e ? formatMoney(e.price, r.currency) + ' each' : ''}</span>
      </div>
      <div className="summary-line total">
        <span>Total</span>
        <span>{formatMoney(r.amount, r.currency)}</span>
      </div>
    </aside>
  );
}
