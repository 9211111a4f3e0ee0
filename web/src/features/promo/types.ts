import type { Event } from '../../api/types';

/// The shapes of issue 15's promo codes, written from the contract (API.md "Promo codes",
/// api15-extra.md) until the OpenAPI document describes them.

/// A promo or access code of an event, as its organizer sees it.
export interface PromoCode {
  promoCodeId: string;
  eventId: string;
  /// As the organizer wrote it; buyers may type it in any case.
  code: string;
  /// 0 < p ≤ 100, at most 2 decimals; null when the code takes an amount off, or nothing.
  discountPercent: number | null;
  /// Off each ticket, in the event's currency (never below 0); null when it is a percentage, or nothing.
  discountAmount: number | null;
  /// The types it applies to; empty: all.
  ticketTypeIds: string[];
  /// Hidden types the code shows and lets its holders order.
  unlocksTicketTypeIds: string[];
  maxUses: number | null;
  maxUsesPerBuyer: number | null;
  validFrom: string | null;
  validUntil: string | null;
  /// Orders that used it (one order is one use); a lapsed hold or a cancelled order gives its use back.
  uses: number;
  createdAt: string;
}

/// POST and PUT (whole replacement) take the same body; absent optional fields mean "none".
export interface PromoCodeInput {
  code: string;
  discountPercent?: number;
  discountAmount?: number;
  ticketTypeIds: string[];
  unlocksTicketTypeIds: string[];
  maxUses?: number;
  maxUsesPerBuyer?: number;
  validFrom?: string;
  validUntil?: string;
}

export interface PromoCodeList {
  items: PromoCode[];
  nextCursor: string | null;
}

/// What `GET /api/events/{id}?code=` says of the code to a buyer.
export interface EventPromo {
  code: string;
  discountPercent: number | null;
  discountAmount: number | null;
  /// The types it takes money off; empty: all.
  ticketTypeIds: string[];
}

/// The event as a code shows it: the hidden types it unlocks among `ticketTypes`, and `promo`.
export type EventWithCode = Event & { promo?: EventPromo };
