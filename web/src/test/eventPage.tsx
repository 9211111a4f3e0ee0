import { useLocation } from 'react-router';
import type { Mock } from 'vitest';
import { ApiError } from '../api/client';
import type { Event } from '../api/types';
import { signIn, ticketType } from './fixtures';

/// What the event page's tests share: a published paid event in Berlin (one type unless `over`
/// says otherwise), the API's problem answers, a page that shows where the event page went, and
/// the API answers every one of them starts from.

export function rooftopJazz(over: Partial<Event> = {}): Event {
  return {
    eventId: 'e1',
    name: 'Rooftop Jazz',
    description: '',
    date: '2030-07-02T19:00:00Z',
    timezone: 'Europe/Berlin',
    location: 'Roof',
    capacity: 40,
    registeredCount: 2,
    seatsLeft: 38,
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
    ticketTypes: [ticketType()],
    ...over,
  } as Event;
}

/// The API's problem+json answer of `kind`, as the client throws it.
export const problem = (status: number, kind: string, detail = `${kind}.`, errors?: { field: string; message: string }[]) =>
  new ApiError(status, { type: `urn:admit:problem:${kind}`, title: kind, status, detail, errors });

/// Where the page went: the path and query.
export function Where() {
  const l = useLocation();
  return <p>at {`${l.pathname}${l.search}`}</p>;
}

/// A signed-in attendee with no registrations looks at `event`, which asks no questions.
export function stubEventPage(api: { event: Mock; myRegistrations: Mock; questions: Mock }, event: Event): void {
  signIn();
  api.event.mockResolvedValue(event);
  api.myRegistrations.mockResolvedValue({ items: [], nextCursor: null });
  api.questions.mockResolvedValue({ items: [] });
}
