import type { QueryKey } from '@tanstack/react-query';

/// Every query key the app uses, from one factory, so a change invalidates exactly what it
/// affects. The values are the literals the pages used before they were gathered here: a prefix
/// (`events.all`, `registrations.all`) reaches the same queries it reached then.
export const queryKeys = {
  events: {
    /// Every public listing of events (the home page's searches).
    all: ['events'] as const,
    list: (q: string, range: string) => ['events', 'browse', q, range] as const,
    /// One event. Outside `all`: a change that refreshes the listings refetches only the event
    /// pages it names.
    detail: (eventId: string) => ['event', eventId] as const,
    /// The event as a promo or access code shows it (the hidden types it unlocks, and `promo`).
    /// Under `detail`, so whatever refreshes the event refreshes this too.
    withCode: (eventId: string, code: string) => ['event', eventId, 'code', code.toUpperCase()] as const,
    /// The questions an event's checkout asks. Not public (a draft's are its organizer's only),
    /// so a logout forgets them.
    questions: (eventId: string) => ['questions', eventId] as const,
  },
  registrations: {
    /// Every list of the signed-in attendee's registrations.
    all: ['registrations'] as const,
    mine: () => ['registrations', 'mine'] as const,
    detail: (registrationId: string) => ['registration', registrationId] as const,
    /// A guest's order, read with its order token (outside `all`, and kept apart from the
    /// signed-in view of the same id).
    guest: (registrationId: string) => ['guestOrder', registrationId] as const,
  },
  organizer: {
    /// Every event the organizer owns (all pages in one list).
    myEvents: ['myEvents'] as const,
    /// An event's registrations, every search of them.
    registrations: (eventId: string) => ['eventRegistrations', eventId] as const,
    registrationSearch: (eventId: string, q: string) => ['eventRegistrations', eventId, q] as const,
    analytics: (eventId: string) => ['analytics', eventId] as const,
    /// An event's audit entries, as its organizer sees them.
    audit: (eventId: string) => ['eventAudit', eventId] as const,
    /// An event's promo and access codes.
    promoCodes: (eventId: string) => ['promoCodes', eventId] as const,
    /// An event's waiting list as its organizer sees it (entries and whether it is paused).
    waitlist: (eventId: string) => ['eventWaitlist', eventId] as const,
  },
  waitlist: {
    /// The signed-in person's waiting-list entries.
    mine: () => ['waitlist', 'mine'] as const,
    /// One offer, as its link (or its owner) reads it.
    offer: (entryId: string) => ['waitlist', 'offer', entryId] as const,
  },
  staff: {
    all: ['staff'] as const,
    /// An event's invitations and active staff, as its organizer sees them.
    event: (eventId: string) => ['staff', 'event', eventId] as const,
    /// The signed-in person's invitations.
    mine: () => ['staff', 'mine'] as const,
    /// The events the signed-in person is door staff of (the scanner's choice).
    events: ['staffEvents'] as const,
  },
  auth: {
    /// Every account's `me` query (a verification link may be opened while anyone, or no one, is signed in).
    all: ['me'] as const,
    /// The signed-in account as the server has it now (name, roles and whether its address is verified may have changed).
    me: (userId: string) => ['me', userId] as const,
  },
  admin: {
    /// Every query of the admin console (account searches and audit log views).
    all: ['admin'] as const,
    /// Every search of accounts.
    users: ['admin', 'users'] as const,
    userSearch: (q: string) => ['admin', 'users', q] as const,
    /// The audit log with these filters.
    audit: (filters: Record<string, string>) => ['admin', 'audit', filters] as const,
  },
  checkout: {
    /// Which payment provider the server uses, and Stripe's publishable key.
    setup: ['checkoutSetup'] as const,
  },
};

/// Queries anyone may make (the public listings and event pages), kept across a logout; not an
/// event as only its organizer sees it (a draft, or with its hidden ticket types).
export function isPublicQuery(key: QueryKey, data?: unknown): boolean {
  if (key[0] === queryKeys.events.all[0]) return true;
  if (key[0] !== queryKeys.events.detail('')[0]) return false;
  const event = data as { status?: string; ticketTypes?: { hidden: boolean }[] } | undefined;
  return event?.status !== 'draft' && !event?.ticketTypes?.some((t) => t.hidden);
}
