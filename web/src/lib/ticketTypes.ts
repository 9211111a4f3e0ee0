import type { Event, TicketType } from '../api/types';
import { formatMoney, formatPrice } from './format';

/// The types a buyer sees, in display order. A hidden type is listed only to the event's
/// organizer (or with an access code: `unlocked` are the hidden types the buyer's code shows) and is
/// not offered on public pages otherwise. Listings may carry no types at all.
export function visibleTypes(e: Pick<Event, 'ticketTypes'>, unlocked?: ReadonlySet<string>): TicketType[] {
  return (e.ticketTypes ?? []).filter((t) => !t.hidden || unlocked?.has(t.ticketTypeId)).sort((a, b) => a.position - b.position);
}

/// Whether the visible types differ in price, so the event's `price` (the lowest) reads "from".
export function hasPriceRange(e: Pick<Event, 'ticketTypes'>): boolean {
  return new Set(visibleTypes(e).map((t) => t.price)).size > 1;
}

/// The event's price for people: its lowest visible type's, "From €25" when the types differ.
export function priceLabel(e: Pick<Event, 'ticketTypes' | 'price' | 'currency'>): string {
  return hasPriceRange(e) ? `From ${formatMoney(e.price, e.currency)}` : formatPrice(e.price, e.currency);
}
