import type { TicketType } from '../../api/types';
import { currencyDecimals } from '../../lib/format';
import type { EventPromo } from './types';

/// What an applied code takes off one ticket of `type`, in minor units: the server's rule
/// (src/domain/promo.cpp): a percentage rounded half-up to the currency's minor unit, or a fixed
/// amount, per ticket, never more than the ticket's price, only on the types the code names.
function discountPerTicketMinor(type: TicketType, promo: EventPromo, scale: number): number {
  const price = Math.round(type.price * scale);
  if (price <= 0) return 0;
  if (promo.ticketTypeIds.length > 0 && !promo.ticketTypeIds.includes(type.ticketTypeId)) return 0;
  let off = 0;
  if (promo.discountPercent != null) {
    const basisPoints = Math.round(promo.discountPercent * 100);
    off = Math.floor((price * basisPoints + 5_000) / 10_000);
  } else if (promo.discountAmount != null) {
    off = Math.round(promo.discountAmount * scale);
  }
  return Math.min(Math.max(off, 0), price);
}

/// What the code takes off the chosen tickets, in the currency's units, before the order is
/// placed; the server prices the order by the same rule, and the payment page shows its figures.
export function orderDiscount(
  types: TicketType[],
  quantities: Record<string, number>,
  promo: EventPromo | null | undefined,
  currency: string,
): number {
  if (!promo) return 0;
  const scale = 10 ** currencyDecimals(currency);
  const minor = types.reduce((sum, t) => sum + discountPerTicketMinor(t, promo, scale) * (quantities[t.ticketTypeId] ?? 0), 0);
  return minor / scale;
}
