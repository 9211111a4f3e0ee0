import type { OrderItem, TicketType } from '../../api/types';
import { currencyDecimals } from '../../lib/format';

export { hasPriceRange, visibleTypes } from '../../lib/ticketTypes';

/// Whether a ticket type can be ordered now, and if not, why.
export type TypeSaleState = 'on-sale' | 'sold-out' | 'not-yet' | 'ended';

/// How many of each ticket type the buyer chose, by `ticketTypeId`.
export type Quantities = Record<string, number>;

/// The sales window first (judged again by the server's clock when ordering), then what is left.
export function saleState(t: TicketType, now = Date.now()): TypeSaleState {
  if (t.salesStart && now < Date.parse(t.salesStart)) return 'not-yet';
  if (t.salesEnd && now >= Date.parse(t.salesEnd)) return 'ended';
  if (t.available <= 0) return 'sold-out';
  return 'on-sale';
}

/// The most of one type the buyer may still add: its per-order maximum and what is left of it,
/// and what the per-person limit (`seatsAllowed`, over all types) leaves after the other types chosen.
export function maxForType(t: TicketType, quantities: Quantities, seatsAllowed: number): number {
  const others = Object.entries(quantities).reduce((n, [id, q]) => (id === t.ticketTypeId ? n : n + q), 0);
  return Math.max(0, Math.min(t.maxPerOrder, t.available, seatsAllowed - others));
}

/// A typed quantity made possible: 0, or from the type's `minPerOrder` to `max` (below the
/// minimum it is raised to it, when the minimum fits).
export function clampQuantity(t: TicketType, wanted: number, max: number): number {
  if (!Number.isFinite(wanted) || wanted <= 0 || max < t.minPerOrder) return 0;
  return Math.min(Math.max(Math.floor(wanted), t.minPerOrder), max);
}

/// One step down or up: below the minimum drops to 0, up from 0 jumps to the minimum.
export function stepQuantity(t: TicketType, current: number, step: -1 | 1, max: number): number {
  if (step < 0) return current <= t.minPerOrder ? 0 : current - 1;
  return clampQuantity(t, current === 0 ? t.minPerOrder : current + 1, max);
}

/// The order's lines (types with a quantity), in display order, as POST /api/registrations takes them.
export function orderItems(types: TicketType[], quantities: Quantities): OrderItem[] {
  return types
    .filter((t) => (quantities[t.ticketTypeId] ?? 0) > 0)
    .map((t) => ({ ticketTypeId: t.ticketTypeId, quantity: quantities[t.ticketTypeId]! }));
}

/// The order's total in major units, summed in minor units so that 3 × 0.10 is 0.30.
export function orderTotal(types: TicketType[], quantities: Quantities, currency: string): number {
  const scale = 10 ** currencyDecimals(currency);
  const minor = types.reduce((sum, t) => sum + Math.round(t.price * scale) * (quantities[t.ticketTypeId] ?? 0), 0);
  return minor / scale;
}

/// The quantities a buyer starts with: one ticket (or the minimum) when exactly one type is on
/// sale, else nothing chosen yet.
export function initialQuantities(types: TicketType[], now = Date.now()): Quantities {
  const onSale = types.filter((t) => saleState(t, now) === 'on-sale');
  return onSale.length === 1 ? { [onSale[0]!.ticketTypeId]: onSale[0]!.minPerOrder } : {};
}
