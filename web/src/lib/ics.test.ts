import { describe, expect, it } from 'vitest';
import type { Event } from '../api/types';
import { eventToIcs } from './ics';

const event: Event = {
  eventId: 'ev1',
  name: 'Jazz night; live, loud',
  description: 'Line one\nLine two',
  date: '2027-03-01T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Blue Room, Berlin',
  capacity: 100,
  registeredCount: 0,
  seatsLeft: 100,
  maxPerAttendee: 10,
  organizerId: 'o1',
  price: 0,
  currency: 'EUR',
  status: 'published',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  cancellationDeadline: null,
  holdSeconds: null,
  endDate: null,
  ticketTypes: [],
};

describe('eventToIcs', () => {
  it('writes a VEVENT with escaped text and UTC times', () => {
    const ics = eventToIcs(event, { now: Date.parse('2026-11-25T10:00:00Z'), url: 'https://x.test/events/ev1' });
    expect(ics).toContain('BEGIN:VCALENDAR\r\n');
    expect(ics).toContain('DTSTART:20270301T190000Z');
    expect(ics).toContain('DTEND:20270301T210000Z');
    expect(ics).toContain('DTSTAMP:20261125T100000Z');
    expect(ics).toContain('SUMMARY:Jazz night\\; live\\, loud');
    expect(ics).toContain('LOCATION:Blue Room\\, Berlin');
    expect(ics).toContain('DESCRIPTION:Line one\\nLine two');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });
  it('ends at the event’s endDate when it has one', () => {
    const ics = eventToIcs({ ...event, endDate: '2027-03-01T23:30:00Z' });
    expect(ics).toContain('DTEND:20270301T233000Z');
  });
  it('folds long lines at 75 octets', () => {
    const ics = eventToIcs({ ...event, description: 'x'.repeat(300) });
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});
