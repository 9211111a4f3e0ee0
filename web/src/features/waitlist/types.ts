/// The shapes of issue 15's waiting list, written from the contract (API.md "Waiting list",
/// api15-extra.md) until the OpenAPI document describes them.

export type WaitlistStatus = 'waiting' | 'offered' | 'claimed' | 'expired' | 'removed';

/// One person's place on an event's waiting list (for one ticket type, or any).
export interface WaitlistEntry {
  waitlistEntryId: string;
  eventId: string;
  /// null: any type of the event.
  ticketTypeId: string | null;
  quantity: number;
  name: string;
  email: string;
  /// 1-based among the entries still waiting or offered, by joining order.
  position: number | null;
  status: WaitlistStatus;
  /// A guest's entry counts only once the address is confirmed through the emailed link.
  confirmed: boolean;
  offerExpiresAt: string | null;
  createdAt: string;
}

export interface JoinWaitlistRequest {
  ticketTypeId?: string;
  quantity: number;
  /// A guest (no account) gives both.
  name?: string;
  email?: string;
}

export interface EventWaitlist {
  items: WaitlistEntry[];
  nextCursor: string | null;
  paused: boolean;
}

/// Seats held for a waiting-list entry until `offerExpiresAt`.
export interface WaitlistOffer {
  waitlistEntryId: string;
  eventId: string;
  eventName: string;
  ticketTypeId: string | null;
  ticketTypeName: string | null;
  quantity: number;
  unitPrice: number;
  currency: string;
  status: WaitlistStatus;
  offerExpiresAt: string | null;
}
