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
#define ADMIT_SEAT_HOLDING "('pending_payment', 'confirmed', 'offered')"

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

/// Gives back to their types the seats a cancelled or expired registration (placeholder `reg`)
/// held: each item's seats but those whose ticket was used, or voided alone before (a partial
/// cancellation gave those back already). Run only when the registration gives seats back at
/// all (seats_released > 0), in the transaction that updates its event's counter.
#define ADMIT_RELEASE_TYPE_SEATS(reg)                                                                             \
  "UPDATE ticket_types SET sold = sold - (SELECT SUM(i.quantity) FROM registration_items i WHERE "                \
  "i.registration_id = " reg                                                                                      \
  " AND i.ticket_type_id = ticket_types.id) + (SELECT COUNT(*) FROM tickets "                                     \
  "k WHERE k.registration_id = " reg                                                                              \
  " AND k.ticket_type_id = ticket_types.id AND (k.validated_at IS NOT "                                           \
  "NULL OR k.status = 'void')) WHERE id IN (SELECT ticket_type_id FROM registration_items WHERE registration_id " \
  "= " reg ")"

/// Takes again for their types the seats of a registration (placeholder `reg`) whose hold ran out
/// before its payment arrived; ADMIT_TYPES_WITHOUT_ROOM first says whether every type has room.
#define ADMIT_RETAKE_TYPE_SEATS(reg)                                                               \
  "UPDATE ticket_types SET sold = sold + (SELECT SUM(i.quantity) FROM registration_items i WHERE " \
  "i.registration_id = " reg                                                                       \
  " AND i.ticket_type_id = ticket_types.id) WHERE id IN (SELECT "                                  \
  "ticket_type_id FROM registration_items WHERE registration_id = " reg ")"

/// The number of a registration's (placeholder `reg`) types too full to take its seats again.
#define ADMIT_TYPES_WITHOUT_ROOM(reg)                                                                      \
  "SELECT COUNT(*) FROM ticket_types t WHERE t.capacity IS NOT NULL AND t.sold + (SELECT SUM(i.quantity) " \
  "FROM registration_items i WHERE i.registration_id = " reg                                               \
  " AND i.ticket_type_id = t.id) > t.capacity "                                                            \
  "AND t.id IN (SELECT ticket_type_id FROM registration_items WHERE registration_id = " reg ")"

/// Sets the event's (placeholder `event`) price to its lowest visible type's (of all its types
/// when every one is hidden).
#define ADMIT_REFRESH_EVENT_PRICE(event)                                                                     \
  "UPDATE events SET price_minor = COALESCE((SELECT MIN(price_minor) FROM ticket_types WHERE "               \
  "event_id = " event " AND NOT hidden), (SELECT MIN(price_minor) FROM ticket_types WHERE event_id = " event \
  "), 0) WHERE id = " event

/// The terms decide_placement judges a registration ready to be written by.
inline OrderTerms terms_of(NewRegistration const& order) {
  auto const& reg = order.registration;
  std::vector<OrderItem> items;
  items.reserve(order.items.size());
  for (auto const& item : order.items) {
    items.push_back({.ticket_type_id = item.ticket_type_id,
                     .quantity = item.quantity,
                     .unit_price_minor = item.unit_price_minor,
                     .discount_minor = item.discount_minor});
  }
  return OrderTerms{
      .items = std::move(items),
      .sees_hidden = order.sees_hidden,
      .waits_for_payment = reg.status == RegistrationStatus::pending_payment,
      .hold_rules = order.hold_rules,
      .proposed_hold_end = reg.hold_expires_at,
      .client_hold_limit = order.client_address.empty() ? 0 : order.client_hold_limit,
      .event_id = reg.event_id,
      .promo_code_id = reg.promo_code_id.value_or(""),
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
                         .retry_at = decision.retry_at,
                         .item = decision.item,
                         .min_per_order = decision.min_per_order,
                         .max_per_order = decision.max_per_order};
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

/// The buyer records whose orders count as one attendee's (domain/order_rules.hpp, attendee_of),
/// besides the order's own buyer: the attendee and every guest buyer record it owns; `attendee`
/// is an SQL expression. Each is then read apart by (user_id, event_id), which an index serves,
/// where one condition naming them all made the planners read the event's every order.
#define ADMIT_ATTENDEE_RECORDS(attendee) \
  "SELECT " attendee " UNION SELECT gb.id FROM guest_buyers gb WHERE gb.user_id = " attendee

/// One person's buyer records (domain attendee_of) as one column `id`: an order's own buyer
/// record `buyer` and ADMIT_ATTENDEE_RECORDS(attendee). A new order and a payment that arrives
/// after its hold ended both count the person's seats over these.
#define ADMIT_PERSON_RECORDS(buyer, attendee) "SELECT " buyer " AS id UNION " ADMIT_ATTENDEE_RECORDS(attendee)

/// The account whose limits a guest buyer record's orders count against (the owner attendee_of
/// takes): the record's owner, else the verified account of its address; `record` names a
/// guest_buyers row and `email` its address (SQL expressions). NULL when none has proved it.
#define ADMIT_ADDRESS_OWNER(record, email)                                        \
  "COALESCE(" record ".user_id, (SELECT u.id FROM users u WHERE u.email = " email \
  " AND u.email_verified_at IS NOT NULL))"

/// ADMIT_ADDRESS_OWNER of the buyer record `buyer` (an SQL expression): NULL for an account's
/// own orders, whose attendee is the account.
#define ADMIT_BUYER_OWNER(buyer) \
  "(SELECT " ADMIT_ADDRESS_OWNER("g", "g.email") " FROM guest_buyers g WHERE g.id = " buyer ")"

/// What a payment arriving after its hold ended is judged by, in one row: the event's
/// (placeholder `event`) maxPerAttendee, what the person holds of it (ADMIT_ATTENDEE_HOLDINGS,
/// over ADMIT_PERSON_RECORDS(buyer, attendee)), and ADMIT_BUYER_OWNER(buyer) as read now.
#define ADMIT_LATE_PAYER_FACTS(event, buyer, attendee, now)                                                    \
  "SELECT (SELECT max_per_attendee FROM events WHERE id = " event                                              \
  "), " ADMIT_ATTENDEE_HOLDINGS(now) ", " ADMIT_BUYER_OWNER(                                                   \
      buyer) " FROM registrations r JOIN (" ADMIT_PERSON_RECORDS(buyer, attendee) ") k ON r.event_id = " event \
                                                                                  " AND r.user_id = k.id"

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

/// A row of ADMIT_LATE_PAYER_FACTS: `integer(i)`, `optional(i)` and `optional_text(i)` read
/// column i.
struct LatePayerFacts {
  std::int32_t max_per_attendee = 0;
  AttendeeHoldings holdings;
  std::optional<std::string> owner;
};

template <class Integer, class Optional, class OptionalText>
LatePayerFacts read_late_payer(Integer integer, Optional optional, OptionalText optional_text) {
  return LatePayerFacts{
      .max_per_attendee = static_cast<std::int32_t>(integer(0)),
      .holdings = read_holdings([&](int c) { return integer(c + 1); }, [&](int c) { return optional(c + 1); }),
      .owner = optional_text(5),
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
  "FROM registrations r WHERE r.amount_minor > 0 AND r.status <> 'offered' AND r.event_id = "

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
