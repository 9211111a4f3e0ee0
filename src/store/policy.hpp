#pragma once

/// The order rules (domain/order_rules.hpp) as both stores apply them inside their writing
/// transaction, and the SQL both dialects share for them.

#include <optional>
#include <string>

#include "app/ports.hpp"

namespace admit {

/// The select list of what one attendee holds of one event (AttendeeHoldings, in its order),
/// over that attendee's registrations of the event, given the current time's placeholder. A hold whose time is up
/// counts as lapsed before the sweep has marked it expired.
#define ADMIT_ATTENDEE_HOLDINGS(now)                                                                  \
  "COALESCE(SUM(CASE WHEN status IN ('pending_payment', 'confirmed') THEN quantity ELSE 0 END), 0), " \
  "COALESCE(SUM(CASE WHEN status = 'pending_payment' AND hold_expires_at > " now                      \
  " THEN 1 ELSE 0 END), 0), "                                                                         \
  "MAX(CASE WHEN status = 'expired' OR (status = 'pending_payment' AND hold_expires_at <= " now       \
  ") THEN hold_expires_at END), "                                                                     \
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
