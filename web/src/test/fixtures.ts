import type { TicketType } from '../api/types';

/// A ticket type on sale with room left; tests override what they are about.
export function ticketType(over: Partial<TicketType> = {}): TicketType {
  return {
    ticketTypeId: 'tt-general',
    name: 'General admission',
    description: '',
    price: 25,
    capacity: null,
    sold: 0,
    available: 38,
    salesStart: null,
    salesEnd: null,
    minPerOrder: 1,
    maxPerOrder: 4,
    hidden: false,
    position: 0,
    ...over,
  };
}
