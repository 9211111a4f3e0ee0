import { describe, expect, it } from 'vitest';
import type { Ticket } from '../api/types';
import { holderCancel, organizerNeedsReason } from './cancellation';

const now = Date.parse('2027-03-01T12:00:00Z');
const event = { date: '2027-03-02T19:00:00Z', cancellationDeadline: null };
const ticket = (status: Ticket['status']) => ({ status }) as Ticket;

describe('holderCancel', () => {
  it('lets the holder cancel until the event starts when it sets no deadline', () => {
    expect(holderCancel({ status: 'confirmed', tickets: [ticket('valid')] }, event, now)).toEqual({
      kind: 'open',
      until: '2027-03-02T19:00:00Z',
    });
    expect(holderCancel({ status: 'confirmed', tickets: [] }, event, Date.parse('2027-03-02T19:00:00Z'))).toMatchObject({
      kind: 'closed',
      why: 'deadline',
    });
  });
  it('closes at the event’s own deadline', () => {
    const withDeadline = { ...event, cancellationDeadline: '2027-03-01T09:00:00Z' };
    expect(holderCancel({ status: 'confirmed', tickets: [] }, withDeadline, now)).toEqual({
      kind: 'closed',
      why: 'deadline',
      deadline: '2027-03-01T09:00:00Z',
    });
    expect(holderCancel({ status: 'confirmed', tickets: [] }, withDeadline, Date.parse('2027-03-01T08:59:59Z'))).toEqual({
      kind: 'open',
      until: '2027-03-01T09:00:00Z',
    });
  });
  it('closes once any ticket was used', () => {
    expect(holderCancel({ status: 'confirmed', tickets: [ticket('valid'), ticket('used')] }, event, now)).toMatchObject({
      kind: 'closed',
      why: 'used',
    });
  });
  it('always lets an unpaid hold go, even after the deadline', () => {
    expect(holderCancel({ status: 'pending_payment', tickets: [] }, event, Date.parse('2028-01-01T00:00:00Z'))).toEqual({
      kind: 'hold',
    });
  });
  it('offers nothing for inactive registrations or before the event is known', () => {
    expect(holderCancel({ status: 'refunded', tickets: [] }, event, now)).toEqual({ kind: 'none' });
    expect(holderCancel({ status: 'confirmed', tickets: [] }, undefined, now)).toEqual({ kind: 'none' });
  });
});

describe('organizerNeedsReason', () => {
  it('asks for a reason when the holder could no longer cancel', () => {
    expect(organizerNeedsReason({ status: 'confirmed', checkedIn: 0 }, event, now)).toBe(false);
    expect(organizerNeedsReason({ status: 'confirmed', checkedIn: 1 }, event, now)).toBe(true);
    expect(organizerNeedsReason({ status: 'confirmed', checkedIn: 0 }, event, Date.parse('2027-03-03T00:00:00Z'))).toBe(true);
    expect(organizerNeedsReason({ status: 'pending_payment', checkedIn: 0 }, event, Date.parse('2027-03-03T00:00:00Z'))).toBe(
      false,
    );
  });
});
