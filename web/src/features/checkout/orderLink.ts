import type { OrderItem } from '../../api/types';

/// The checkout form's address for a choice of tickets: `/events/{id}/order?items=typeA:2,typeB:1`
/// (and `&code=…` with a promo code), so a reload or a login on the way keeps the choice.
export function orderPath(eventId: string, items: readonly OrderItem[], code?: string | null): string {
  const list = items.map((i) => `${i.ticketTypeId}:${i.quantity}`).join(',');
  const withCode = code ? `&code=${encodeURIComponent(code)}` : '';
  return `/events/${encodeURIComponent(eventId)}/order?items=${encodeURIComponent(list)}${withCode}`;
}

/// The quantities a checkout address asks for, by ticket type (malformed parts are left out).
export function parseItems(param: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (param ?? '').split(',')) {
    const m = /^([^:]+):(\d{1,3})$/.exec(part.trim());
    if (m && Number(m[2]) > 0) out[m[1]!] = Number(m[2]);
  }
  return out;
}
