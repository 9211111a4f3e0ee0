#pragma once

/// The rules that decide what one attendee may hold of one event and when a registration may
/// be cancelled. Both stores read the facts these functions need in the transaction that
/// writes the outcome, and call them, so the rules exist once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace admit {

/// The attendee an order's limits count against (maxPerAttendee, the open hold, the cooldown),
/// given its buyer (an account, or a guest buyer record) and, for a guest order, the account that
/// proved the guest's address (nullopt or empty: none has): that account. A person is one
/// attendee however they order: an account together with the guest buyer records of the
/// addresses it proved, so an address's guest orders count against its account's limit and the
/// account's orders against a guest order of that address. Stores read the holdings of the
/// order's own buyer, of the attendee and of every guest buyer record the attendee owns, and
/// combine them (holdings_together), under one lock per attendee.
std::string_view attendee_of(std::string_view buyer_id, std::optional<std::string> const& owner_id);

/// What one attendee already has of one event, as read in the writing transaction.
struct AttendeeHoldings {
  std::int32_t seats = 0;       ///< seats of confirmed registrations and of unpaid ones still holding
  std::int32_t open_holds = 0;  ///< unpaid orders whose hold has not ended
  /// The end of the attendee's latest hold that ran out unpaid (swept or not yet).
  std::optional<Timestamp> last_lapse;
  /// The latest end an unpaid hold would have had, of those its holder cancelled and that would
  /// still be running now: a new hold never outlasts it, so cancelling and holding again cannot
  /// keep seats forever.
  std::optional<Timestamp> cancelled_hold_end;
};

/// What one person holds over two of their buyer records (attendee_of): the seats and open holds
/// of both, the later of their lapsed holds and of their cancelled holds' ends.
AttendeeHoldings holdings_together(AttendeeHoldings const& a, AttendeeHoldings const& b);

/// How unpaid orders of one event hold their seats.
struct HoldRules {
  std::chrono::seconds length{15 * 60};   ///< the event's hold length
  std::int32_t max_open_per_account = 1;  ///< unpaid orders one account may have open at once
};

enum class AttendeeVerdict {
  allowed,
  attendee_limit,  ///< more seats than the event allows one attendee
  hold_open,       ///< an unpaid order of this attendee still holds seats: pay or cancel it first
  hold_cooldown,   ///< a hold of this attendee ran out unpaid less than a hold's length ago
};

/// Whether taking `quantity` more seats keeps an attendee who has `held` within `max_per_attendee`.
/// Every path that gives an attendee seats calls it: a new order and a payment that arrives after
/// its hold ended.
bool within_attendee_limit(std::int32_t held, std::int32_t quantity, std::int32_t max_per_attendee);

/// Whether an attendee may place an order of `quantity` seats; `holds` is true for an order that
/// waits for payment (a paid event), which the hold limits apply to.
AttendeeVerdict check_attendee_order(AttendeeHoldings const& holdings, std::int32_t quantity,
                                     std::int32_t max_per_attendee, bool holds, HoldRules const& rules, Timestamp now);

/// When a hold placed at `now` to end at `proposed` (a hold's length later) ends: never after a
/// hold the attendee cancelled unpaid would have ended.
Timestamp hold_end(AttendeeHoldings const& holdings, Timestamp proposed, Timestamp now);

/// When the cooldown after the attendee's last lapsed hold ends (nullopt: none applies).
std::optional<Timestamp> hold_cooldown_end(AttendeeHoldings const& holdings, HoldRules const& rules);

/// What a cancellation policy needs to know about a registration and its event.
struct CancellationFacts {
  Timestamp now;
  Timestamp starts_at;                ///< the event's start
  std::optional<Timestamp> deadline;  ///< the event's cancellation deadline; nullopt: its start
  std::int32_t quantity = 0;          ///< seats of the registration
  std::int32_t admitted = 0;          ///< its tickets that were scanned valid
  bool unpaid_hold = false;           ///< it still waits for payment: nothing to refund
};

enum class CancellationVerdict {
  allowed,
  ticket_used,      ///< a ticket of it was admitted: the seat was used
  deadline_passed,  ///< the event's cancellation deadline (or start) has passed
};

/// Whether the holder may cancel: not once a ticket was used, nor after the deadline, except an
/// unpaid hold, which may always be let go. The organizer may cancel regardless, with a reason.
CancellationVerdict holder_may_cancel(CancellationFacts const& facts);

/// Whether the organizer's cancellation needs a written reason: whenever the holder could not
/// cancel, so every refund outside the policy is explained in the audit log.
bool organizer_needs_reason(CancellationFacts const& facts);

/// Seats a cancellation gives back to the sale: none once the event began, otherwise every seat
/// whose ticket was not used. A used seat is never sold again.
std::int32_t seats_released(CancellationFacts const& facts);

}  // namespace admit
