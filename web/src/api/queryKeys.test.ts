import { describe, expect, it } from 'vitest';
import { isPublicQuery, queryKeys } from './queryKeys';

describe('isPublicQuery', () => {
  it('keeps the public listings and event pages across a logout, and nothing of the account', () => {
    expect(isPublicQuery(queryKeys.events.list('jazz', 'week'))).toBe(true);
    expect(isPublicQuery(queryKeys.events.detail('e1'))).toBe(true);
    for (const key of [
      queryKeys.auth.me('u1'),
      queryKeys.registrations.mine(),
      queryKeys.registrations.detail('r1'),
      queryKeys.registrations.guest('r1'),
      queryKeys.events.questions('e1'),
      queryKeys.organizer.myEvents,
      queryKeys.organizer.analytics('e1'),
      queryKeys.staff.mine(),
      queryKeys.staff.events,
      queryKeys.checkout.setup,
      queryKeys.organizer.audit('e1'),
      queryKeys.admin.userSearch('ada'),
      queryKeys.admin.audit({ action: 'registration.cancelled' }),
      queryKeys.organizer.promoCodes('e1'),
      queryKeys.organizer.waitlist('e1'),
      queryKeys.waitlist.mine(),
      queryKeys.waitlist.offer('w1'),
    ]) {
      expect(isPublicQuery(key)).toBe(false);
    }
  });

  it('forgets an event as its organizer saw it: a draft, or one with hidden types', () => {
    const key = queryKeys.events.detail('e1');
    expect(isPublicQuery(key, { status: 'published', ticketTypes: [{ hidden: false }] })).toBe(true);
    expect(isPublicQuery(key, { status: 'draft', ticketTypes: [] })).toBe(false);
    expect(isPublicQuery(key, { status: 'published', ticketTypes: [{ hidden: false }, { hidden: true }] })).toBe(false);
  });

  it('lets a prefix reach what it reached before the keys were gathered', () => {
    const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) => prefix.every((p, i) => key[i] === p);
    expect(startsWith(queryKeys.events.list('', 'all'), queryKeys.events.all)).toBe(true);
    expect(startsWith(queryKeys.registrations.mine(), queryKeys.registrations.all)).toBe(true);
    expect(startsWith(queryKeys.auth.me('u1'), queryKeys.auth.all)).toBe(true);
    // What refreshes an event refreshes it as a code shows it (the code's case does not matter).
    expect(startsWith(queryKeys.events.withCode('e1', 'early'), queryKeys.events.detail('e1'))).toBe(true);
    expect(queryKeys.events.withCode('e1', 'early')).toEqual(queryKeys.events.withCode('e1', 'EARLY'));
    // The event page is refreshed on its own, not by every change to the listings.
    expect(startsWith(queryKeys.events.detail('e1'), queryKeys.events.all)).toBe(false);
  });
});
