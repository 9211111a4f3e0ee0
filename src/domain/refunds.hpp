#pragma once

/// Partial cancellation and refunds: which tickets of an order may be cancelled, what each
/// ticket was paid, and how much a cancellation gives back. Both stores call these inside the
/// transaction that voids the tickets, under the registration's lock, so the rules exist once.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/registration.hpp"

namespace admit {

/// What the buyer paid for one ticket of `item`: the one place that says which price of an
/// item a refund returns.
std::int64_t paid_unit_price(RegistrationItem const& item);

/// What the buyer paid for the ticket at `position` (1-based) of an order with these items:
/// each item's tickets in turn, as issue_tickets numbers them. 0 past the last item.
std::int64_t price_paid_for_ticket(std::vector<RegistrationItem> const& items, std::int32_t position);

/// The tickets of a registration that a request to cancel `ticket_ids` names, in the order of
/// the registration's tickets; or, naming the field `ticketIds`, why the request is refused:
/// an empty list, an id twice, an id that is not a ticket of this registration (another
/// person's, another order's, or none at all: the same answer), a ticket already void or
/// cancelled, or one that was used at the door.
std::expected<std::vector<Ticket>, FieldError> select_tickets_to_cancel(std::vector<std::string> const& ticket_ids,
                                                                        std::vector<Ticket> const& tickets);

/// Whether cancelling `selected` leaves the registration without a valid ticket: then the
/// registration is cancelled whole (status, and the refund of what is left of its amount).
bool cancels_every_ticket(std::vector<Ticket> const& selected, std::vector<Ticket> const& tickets);

/// What a cancellation refunds: the prices paid for the cancelled tickets, never below 0 each,
/// and never more than what is left of the order's amount after earlier refunds. An order that
/// was not paid (an unpaid hold, a comp, a free order) refunds nothing.
std::int64_t refund_for(std::span<std::int64_t const> ticket_prices_minor, std::int64_t already_refunded_minor,
                        std::int64_t order_amount_minor, bool paid);

/// What is left to refund of an order's amount once `already_refunded_minor` went back: what a
/// whole-order cancellation (by the holder, the organizer, or the event's) refunds.
std::int64_t refund_remainder(std::int64_t order_amount_minor, std::int64_t already_refunded_minor);

/// The provider's idempotency key of the refund a partial cancellation makes:
/// `cancel:<registration>:<ticket ids sorted, comma-separated>`. The same tickets of the same
/// order give the same key, so a retried refund never pays twice.
std::string partial_refund_key(std::string_view registration_id, std::vector<Ticket> const& selected);

/// The provider's idempotency key of a whole order's (remainder) refund.
std::string whole_refund_key(std::string_view registration_id);

}  // namespace admit
