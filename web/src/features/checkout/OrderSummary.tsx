import type { Event, Registration } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { formatEventDate, formatMoney } from '../../lib/format';

/// The order beside the card form: the event, each ticket type ordered with its price (before and
/// after a code's discount), the discount and the total — all the server's figures.
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
            {item.quantity} × {item.name} (
            {item.discountedUnitPrice !== item.unitPrice && (
              <>
                <del className="price-was">{formatMoney(item.unitPrice, r.currency)}</del>
                <span className="visually-hidden"> now </span>
              </>
            )}
            {formatMoney(item.discountedUnitPrice, r.currency)})
          </span>
          <span>{formatMoney(item.amount, r.currency)}</span>
        </div>
      ))}
      {!!r.discount && r.discount > 0 && (
        <div className="summary-line discount">
          <span>Discount{r.promoCode ? ` (code ${r.promoCode})` : ''}</span>
          <span>−{formatMoney(r.discount, r.currency)}</span>
        </div>
      )}
      <div className="summary-line total">
        <span>Total</span>
        <span>{formatMoney(r.amount, r.currency)}</span>
      </div>
    </aside>
  );
}
