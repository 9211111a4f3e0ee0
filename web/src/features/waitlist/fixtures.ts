import type { Event } from '../../api/types';
import { ticketType } from '../../test/fixtures';
import type { WaitlistEntry, WaitlistOffer } from './types';

/// A sold-out event of two types, for the waiting-list tests.
export const soldOutEvent = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  description: '',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  capacity: 40,
  registeredCount: 40,
  seatsLeft: 0,
  maxPerAttendee: 4,
  organizerId: 'o1',
  price: 25,
  currency: 'EUR',
  status: 'published',
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  cancellationDeadline: null,
  holdSeconds: null,
  endDate: null,
  ticketTypes: [
    ticketType({ ticketTypeId: 'gen', name: 'General', available: 0, sold: 30 }),
    ticketType({ ticketTypeId: 'vip', name: 'VIP', price: 60, available: 0, sold: 10, position: 1 }),
  ],
} as Event;

export const entry = (over: Partial<WaitlistEntry> = {}): WaitlistEntry => ({
  waitlistEntryId: 'w1',
  eventId: 'e1',
  ticketTypeId: null,
  quantity: 2,
  name: 'Ada Lovelace',
  email: 'ada@example.org',
  position: 3,
  status: 'waiting',
  confirmed: true,
  offerExpiresAt: null,
  createdAt: '2030-06-01T10:00:00Z',
  ...over,
});

export const offer = (over: Partial<WaitlistOffer> = {}): WaitlistOffer => ({
  waitlistEntryId: 'w1',
  eventId: 'e1',
  eventName: 'Rooftop Jazz',
  ticketTypeId: 'gen',
  ticketTypeName: 'General',
  quantity: 2,
  unitPrice: 25,
  currency: 'EUR',
  status: 'offered',
  offerExpiresAt: new Date(Date.now() + 20 * 3600_000).toISOString(),
  ...over,
});
