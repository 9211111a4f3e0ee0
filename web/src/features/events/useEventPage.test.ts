import { describe, expect, it } from 'vitest';
import type { Event, Registration } from '../../api/types';
import { ticketLimits } from './useEventPage';

const event = {
  eventId: 'e1',
  date: '2030-07-02T19:00:00Z',
  status: 'published',
  capacity: 500,
  seatsLeft: 300,
  maxPerAttendee: 4,
} as Event;

const reg = (status: Registration['status'], quantity: number) => ({ eventId: 'e1', status, quantity }) as Registration;

describe('ticketLimits', () => {
  it('counts confirmed and unpaid seats against the per-person limit, not released ones', () => {
    const limits = ticketLimits(event, [reg('confirmed', 1), reg('pending_payment', 1), reg('cancelled', 2), reg('expired', 1)]);
    expect(limits.held).toBe(2);
    expect(limits.maxQty).toBe(2);
    expect(limits.closedReason).toBeNull();
  });

  it('does not count tickets cancelled on their own', () => {
    const partly = {
      ...reg('confirmed', 3),
      tickets: [{ status: 'valid' }, { status: 'void' }, { status: 'used' }],
    } as Registration;
    expect(ticketLimits(event, [partly]).held).toBe(2);
  });

  it('offers no more than the seats left, nor more than 100 at once', () => {
    expect(ticketLimits({ ...event, seatsLeft: 1 }, []).maxQty).toBe(1);
    expect(ticketLimits({ ...event, maxPerAttendee: 500 }, []).maxQty).toBe(100);
  });

  it('says why nothing can be bought, the event’s state before the attendee’s limit', () => {
    expect(ticketLimits({ ...event, status: 'cancelled' }, []).closedReason).toBe('This event was cancelled.');
    expect(ticketLimits({ ...event, status: 'draft' }, []).closedReason).toMatch(/^This event is a draft/);
    expect(ticketLimits({ ...event, date: '2020-01-01T00:00:00Z' }, []).closedReason).toBe('This event has already started.');
    expect(ticketLimits({ ...event, seatsLeft: 0 }, [reg('confirmed', 4)]).closedReason).toBe('Sold out.');
    expect(ticketLimits(event, [reg('confirmed', 4)]).closedReason).toBe('You hold the most seats one person may (4).');
  });
});
