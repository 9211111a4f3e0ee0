import { client, enc, get, post } from '../../api';
import type { RequestOptions } from '../../api/client';
import type { Answers, Attendee, PlacedOrder } from '../../api/types';
import type { EventWaitlist, JoinWaitlistRequest, WaitlistEntry, WaitlistOffer } from './types';

/// How a request proves it may touch an offer: the token from its link (header `X-Offer-Token`,
/// without the session's token), else the session of the entry's owner.
function offerAuth(offerToken?: string | null, opts: RequestOptions = {}): RequestOptions {
  if (!offerToken) return opts;
  return { ...opts, auth: false, headers: { ...opts.headers, 'X-Offer-Token': offerToken } };
}

/// Claiming an offer: the tickets and their number come from the offer; who holds each and the
/// answers are given as for any order.
export interface ClaimRequest {
  eventId: string;
  waitlistOfferToken: string;
  attendees?: Attendee[];
  answers?: Answers;
}

/// The waiting-list routes.
export const waitlistRequests = {
  /// Joins as the signed-in person, or (with `name` and `email`, no session) as a guest whose
  /// entry counts once the mailed link is followed.
  join: (eventId: string, body: JoinWaitlistRequest) =>
    post<WaitlistEntry>(`/api/events/${enc(eventId)}/waitlist`, body, body.email ? { auth: false } : {}),
  /// The token is the proof, so no sign-in is needed.
  confirm: (token: string) => post<WaitlistEntry>('/api/waitlist/confirm', { token }, { auth: false }),
  mine: () => get<{ items: WaitlistEntry[] }>('/api/me/waitlist'),
  /// One page of an event's list, as its organizer sees it.
  eventList: (eventId: string, cursor?: string | null) =>
    get<EventWaitlist>(`/api/events/${enc(eventId)}/waitlist`, { query: { limit: 100, cursor } }),
  pause: (eventId: string) => post<{ paused: boolean }>(`/api/events/${enc(eventId)}/waitlist/pause`),
  resume: (eventId: string) => post<{ paused: boolean }>(`/api/events/${enc(eventId)}/waitlist/resume`),
  /// Takes an entry off the list (its organizer, its owner, or the offer's link); a live offer's
  /// seats go to the next in line.
  remove: (eventId: string, entryId: string, offerToken?: string | null) =>
    client.request<void>(`/api/events/${enc(eventId)}/waitlist/${enc(entryId)}`, offerAuth(offerToken, { method: 'DELETE' })),
  offer: (entryId: string, offerToken?: string | null) =>
    get<WaitlistOffer>(`/api/waitlist/offers/${enc(entryId)}`, offerAuth(offerToken)),
  /// Places the order on the offer's held seats: signed in, with the session; a guest's entry
  /// without one (the reply then carries the order token, as any guest order's).
  claim: (body: ClaimRequest, idempotencyKey: string, { guest }: { guest: boolean }) =>
    post<PlacedOrder>('/api/registrations', body, {
      headers: { 'Idempotency-Key': idempotencyKey },
      ...(guest ? { auth: false } : {}),
    }),
};
