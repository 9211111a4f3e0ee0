import { currencyDecimals, formatMoney } from '../../lib/format';

/// The bottom of an order's running total: what an applied code takes off (named after the code),
/// then the total to pay. The server prices the order by the same rule; the payment page shows its
/// figures.
export function TotalLines({
  total,
  discount,
  code,
  currency,
}: {
  /// Before any discount.
  total: number;
  discount: number;
  /// As the organizer spelled it.
  code: string | null | undefined;
  currency: string;
}) {
  const scale = 10 ** currencyDecimals(currency);
  const toPay = (Math.round(total * scale) - Math.round(discount * scale)) / scale;
  return (
    <>
      {discount > 0 && (
        <div className="summary-line discount">
          <span>Discount{code ? ` (code ${code})` : ''}</span>
          <span>−{formatMoney(discount, currency)}</span>
        </div>
      )}
      <div className="summary-line total">
        <span>Total</span>
        <span>{formatMoney(toPay, currency)}</span>
      </div>
    </>
  );
}
