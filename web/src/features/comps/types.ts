import type { Registration } from '../../api/types';

/// The shapes of issue 15's complimentary tickets, written from the contract (API.md "Partial
/// cancellation and complimentary tickets", api15-extra.md) until the OpenAPI document has them.

export interface CompRecipient {
  name: string;
  email: string;
}

/// One confirmed, free registration per attendee, all or none.
export interface CompRequest {
  /// Absent: the event's first visible type.
  ticketTypeId?: string;
  attendees: CompRecipient[];
  /// Added to each recipient's email.
  message?: string;
}

export interface CompResult {
  registrations: Registration[];
}
