import type { Registration, Ticket } from '../../api/types';
import { currencyDecimals } from '../../lib/format';

/// The tickets of a registration that may still be cancelled one by one (not used, not void).
export const cancellableTickets = (r: Pick<Registration, 'tickets'>): Ticket[] => r.tickets.filter((t) => t.status === 'valid');

/// What cancelling these tickets gives back, as the server reckons it: each ticket's price after
/// any discount (its type's `discountedUnitPrice` in the order), never more than is left of what
/// was paid. Summed in minor units, so 3 × 0.10 is 0.30. 0 for a free, unpaid or comp order.
export function refundFor(r: Registration, ticketIds: readonly string[]): number {
  if (r.status !== 'confirmed' || r.source === 'comp' || r.amount <= 0) return 0;
  const scale = 10 ** currencyDecimals(r.currency);
  const minor = (major: number) => Math.round(major * scale);
  const price = new Map(r.items.map((i) => [i.ticketTypeId, minor(i.discountedUnitPrice)]));
  // An order of one type may list tickets without their type.
  const only = r.items.length === 1 ? minor(r.items[0]!.discountedUnitPrice) : 0;
  const sum = r.tickets
    .filter((t) => ticketIds.includes(t.ticketId))
    .reduce((n, t) => n + (t.ticketTypeId ? (price.get(t.ticketTypeId) ?? 0) : only), 0);
  const left = minor(r.amount) - minor(r.refundedAmount ?? 0);
  return Math.max(0, Math.min(sum, left)) / scale;
}
