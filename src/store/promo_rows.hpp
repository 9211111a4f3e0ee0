#pragma once

/// Promo codes as both engines store them (migrations/V021__promo_codes), and the SQL that
/// keeps a code's `uses` equal to the orders holding it (pending payment or confirmed).

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "domain/promo.hpp"
#include "store/policy.hpp"
#include "store/rows.hpp"

namespace admit {

#define ADMIT_PROMO_COLUMNS(p)                                                                                     \
  p "id, " p "event_id, " p "code, " p "discount_percent_bp, " p "discount_amount_minor, " p "ticket_type_ids, " p \
    "unlocks_type_ids, " p "max_uses, " p "max_uses_per_buyer, " p "valid_from, " p "valid_until, " p "uses, " p   \
    "created_at"

/// Type ids as the JSON array stored in ticket_type_ids and unlocks_type_ids.
inline std::string type_ids_json(std::vector<std::string> const& ids) {
  boost::json::array array;
  for (auto const& id : ids) array.emplace_back(id);
  return boost::json::serialize(array);
}

inline std::vector<std::string> read_type_ids(std::string const& text) {
  std::vector<std::string> ids;
  boost::system::error_code ec;
  auto const value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return ids;
  for (auto const& id : value.as_array()) {
    if (id.is_string()) ids.emplace_back(id.as_string());
  }
  return ids;
}

template <class Row>
PromoCode read_promo_code(Row const& row, int first = 0) {
  Cells const c(row, first);
  return PromoCode{
      .id = c.text(0),
      .event_id = c.text(1),
      .details =
          PromoCodeDraft{
              .code = c.text(2),
              .discount_percent_bp = c.optional_int32(3),
              .discount_amount_minor =
                  row.is_null(first + 4) ? std::nullopt : std::optional<std::int64_t>(c.integer(4)),
              .ticket_type_ids = read_type_ids(c.text(5)),
              .unlocks_type_ids = read_type_ids(c.text(6)),
              .max_uses = c.optional_int32(7),
              .max_uses_per_buyer = c.optional_int32(8),
              .valid_from = c.optional_time(9),
              .valid_until = c.optional_time(10),
          },
      .uses = c.int32(11),
      .created_at = c.time(12),
  };
}

/// A registration's (placeholder `reg`) code gets its use back: run in the transaction that
/// moves the registration out of a seat-holding status, once.
#define ADMIT_RETURN_PROMO_USE(reg)                                                             \
  "UPDATE promo_codes SET uses = uses - 1 WHERE id = (SELECT promo_code_id FROM registrations " \
  "WHERE id = " reg ")"

/// Every code of an event (placeholder `event`) gets back the uses of the event's orders that
/// hold seats: run before they are cancelled with the event.
#define ADMIT_RETURN_EVENT_PROMO_USES(event)                                                            \
  "UPDATE promo_codes SET uses = uses - (SELECT COUNT(*) FROM registrations r WHERE r.promo_code_id = " \
  "promo_codes.id AND r.status IN " ADMIT_SEAT_HOLDING ") WHERE event_id = " event

/// Whether a registration (placeholder `reg`) whose hold lapsed may hold its code again: 1 when
/// it has no code or the code has a use left, else 0.
#define ADMIT_PROMO_USE_LEFT(reg)                                                                            \
  "SELECT COUNT(*) FROM registrations r LEFT JOIN promo_codes p ON p.id = r.promo_code_id WHERE r.id = " reg \
  " AND (p.id IS NULL OR p.max_uses IS NULL OR p.uses + 1 <= p.max_uses)"

/// A registration (placeholder `reg`) whose hold lapsed holds its code again.
#define ADMIT_RETAKE_PROMO_USE(reg)                                                             \
  "UPDATE promo_codes SET uses = uses + 1 WHERE id = (SELECT promo_code_id FROM registrations " \
  "WHERE id = " reg ")"

/// The code of an order in the order's transaction, with the buyer's uses of it: binds the
/// code's id (1) and the buyer (2).
#define ADMIT_PROMO_FACTS(id, buyer) \
  "SELECT " ADMIT_PROMO_COLUMNS("p.") ", (SELECT COUNT(*) FROM registrations r WHERE r.promo_code_id = p.id " \
  "AND r.user_id = " buyer " AND r.status IN " ADMIT_SEAT_HOLDING ") FROM promo_codes p WHERE p.id = " id

template <class Row>
PromoFacts read_promo_facts(Row const& row, int first = 0) {
  auto code = read_promo_code(row, first);
  return PromoFacts{.id = std::move(code.id),
                    .event_id = std::move(code.event_id),
                    .code = std::move(code.details),
                    .uses = code.uses,
                    .buyer_uses = Cells(row, first).int32(13)};
}

}  // namespace admit
