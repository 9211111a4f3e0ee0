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

/// Signs a person in for the test (the session the API client reads from localStorage).
export function signIn(roles: string[] = ['attendee'], name = 'Ada Lovelace'): void {
  localStorage.setItem(
    'admit.session',
    JSON.stringify({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 3600_000,
      user: { userId: 'u1', email: 'ada@example.org', name, roles },
    }),
  );
}
