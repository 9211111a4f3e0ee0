#pragma once

/// The order rules (domain/order_rules.hpp) as both stores apply them inside their writing
/// transaction, and the SQL both dialects share for them.

#include <optional>
#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "domain/placement.hpp"
#include "domain/registration.hpp"

namespace admit {

/// The statuses that hold seats (holds_seats in domain/registration.hpp) as an SQL list, for
/// `status IN ADMIT_SEAT_HOLDING`. The compiler checks it against the domain's function.
#define ADMIT_SEAT_HOLDING "('pending_payment', 'confirmed')"

namespace policy_detail {
/// Whether `sql` lists exactly the statuses that hold seats, in kRegistrationStatuses' order,
/// as "('a', 'b')". (It walks the text rather than building the expected string: clang cannot
/// evaluate libstdc++'s std::string in a constant expression.)
constexpr bool is_sql_list_of_seat_holding(std::string_view sql) {
  auto const take = [&sql](std::string_view part) {
    if (!sql.starts_with(part)) return false;
    sql.remove_prefix(part.size());
    return true;
  };
  if (!take("(")) return false;
  bool first = true;
  for (auto const& [status, name] : kRegistrationStatuses) {
    if (!holds_seats(status)) continue;
    if (!first && !take(", ")) return false;
    first = false;
    if (!take("'") || !take(name) || !take("'")) return false;
  }
  return sql == ")";
}
}  // namespace policy_detail
static_assert(policy_detail::is_sql_list_of_seat_holding(ADMIT_SEAT_HOLDING),
              "ADMIT_SEAT_HOLDING must list exactly the statuses holds_seats() is true for");

/// The terms decide_placement judges a registration ready to be written by.
inline OrderTerms terms_of(NewRegistration const& order) {
  auto const& reg = order.registration;
  return OrderTerms{
      .quantity = reg.quantity,
      .unit_price_minor = order.unit_price_minor,
      .waits_for_payment = reg.status == RegistrationStatus::pending_payment,
      .hold_rules = order.hold_rules,
      .proposed_hold_end = reg.hold_expires_at,
      .client_hold_limit = order.client_address.empty() ? 0 : order.client_hold_limit,
  };
}

/// What an earlier order with the same idempotency key, whose request hash is `stored_hash`,
/// means for an order whose request hashes to `request_hash`.
inline KeyUse key_use(std::string_view stored_hash, std::string_view request_hash) {
  return stored_hash == request_hash ? KeyUse::same_request : KeyUse::other_request;
}

/// The result a store reports for a decision (it adds the registration when placed or replayed).
inline PlacementResult placement_result(PlacementDecision const& decision) {
  return PlacementResult{.outcome = decision.outcome,
                         .detail = {},
                         .seats_left = decision.seats_left,
                         .attendee_limit = decision.attendee_limit,
                         .retry_at = decision.retry_at};
}

/// The select list of what one attendee holds of one event (AttendeeHoldings, in its order),
/// over that attendee's registrations of the event, given the current time's placeholder. A hold whose time is up
/// counts as lapsed before the sweep has marked it expired.
#define ADMIT_ATTENDEE_HOLDINGS(now)                                                            \
  "COALESCE(SUM(CASE WHEN status IN " ADMIT_SEAT_HOLDING                                        \
  " THEN quantity ELSE 0 END), 0), "                                                            \
  "COALESCE(SUM(CASE WHEN status = 'pending_payment' AND hold_expires_at > " now                \
  " THEN 1 ELSE 0 END), 0), "                                                                   \
  "MAX(CASE WHEN status = 'expired' OR (status = 'pending_payment' AND hold_expires_at <= " now \
  ") THEN hold_expires_at END), "                                                               \
  "MAX(CASE WHEN status = 'cancelled' AND hold_expires_at > " now " THEN hold_expires_at END) "

/// Unpaid orders of a client address that hold seats (index registrations_unpaid_by_client).
#define ADMIT_OPEN_HOLD(now) "status = 'pending_payment' AND hold_expires_at > " now

/// AttendeeHoldings from a row of ADMIT_ATTENDEE_HOLDINGS: `integer(i)` and `optional(i)` read
/// column i of the select list.
template <class Integer, class Optional>
AttendeeHoldings read_holdings(Integer integer, Optional optional) {
  auto const time = [](std::optional<std::int64_t> s) {
    return s ? std::optional<Timestamp>(Timestamp{std::chrono::seconds{*s}}) : std::nullopt;
  };
  return AttendeeHoldings{
      .seats = static_cast<std::int32_t>(integer(0)),
      .open_holds = static_cast<std::int32_t>(integer(1)),
      .last_lapse = time(optional(2)),
      .cancelled_hold_end = time(optional(3)),
  };
}

/// An event's holds for its analytics, in both dialects (the event id's placeholder follows):
/// every order of a paid event began as a hold; paid ones have a payment that succeeded (and
/// may since be refunded); expired ones ran out unpaid.
#define ADMIT_HOLD_COUNTS                                                                                   \
  "SELECT COUNT(*), "                                                                                       \
  "COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM payments p WHERE p.registration_id = r.id AND p.status IN " \
  "('succeeded', 'refund_pending', 'refunded')) THEN 1 ELSE 0 END), 0), "                                   \
  "COALESCE(SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END), 0) "                                     \
  "FROM registrations r WHERE r.amount_minor > 0 AND r.event_id = "

/// Why the request may not cancel a registration with these facts, or nothing when it may.
inline std::optional<Cancellation> cancellation_refusal(CancellationFacts const& facts,
                                                        CancellationRequest const& request) {
  if (request.by_organizer) {
    if (request.reason.empty() && organizer_needs_reason(facts)) return Cancellation::reason_required;
    return std::nullopt;
  }
  switch (holder_may_cancel(facts)) {
    case CancellationVerdict::allowed: return std::nullopt;
    case CancellationVerdict::ticket_used: return Cancellation::ticket_used;
    case CancellationVerdict::deadline_passed: return Cancellation::deadline_passed;
  }
  return Cancellation::not_active;
}

/// The audit log's detail for a cancellation: who asked, why, and the seats put back on sale.
inline std::string cancellation_detail(CancellationRequest const& request, std::int32_t released) {
  std::string detail = request.by_organizer ? "by organizer" : "by holder";
  detail += "; seats released: " + std::to_string(released);
  if (!request.reason.empty()) detail += "; reason: " + request.reason;
  return detail;
}

}  // namespace admit
