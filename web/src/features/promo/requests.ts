import { client, enc, get, post } from '../../api';
import type { EventWithCode, PromoCode, PromoCodeInput, PromoCodeList } from './types';

/// The promo-code routes (its organizer's, and the event as a code shows it).
export const promoRequests = {
  /// One page of an event's codes, with their uses.
  list: (eventId: string, cursor?: string | null) =>
    get<PromoCodeList>(`/api/events/${enc(eventId)}/promo-codes`, { query: { limit: 100, cursor } }),
  create: (eventId: string, body: PromoCodeInput) => post<PromoCode>(`/api/events/${enc(eventId)}/promo-codes`, body),
  /// The whole code replaced; `maxUses` below `uses` is refused (409).
  update: (eventId: string, promoCodeId: string, body: PromoCodeInput) =>
    client.request<PromoCode>(`/api/events/${enc(eventId)}/promo-codes/${enc(promoCodeId)}`, { method: 'PUT', body }),
  /// A used code is kept for the books (409 `promo-code-used`).
  remove: (eventId: string, promoCodeId: string) =>
    client.request<void>(`/api/events/${enc(eventId)}/promo-codes/${enc(promoCodeId)}`, { method: 'DELETE' }),
  /// The event with what the code unlocks; an unknown, expired or other event's code is a 404.
  /// Sent with the session when there is one (failed attempts count per account too).
  eventWithCode: (eventId: string, code: string) => get<EventWithCode>(`/api/events/${enc(eventId)}`, { query: { code } }),
};
