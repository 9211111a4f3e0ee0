// Promo codes on PostgreSQL, and the helpers that give a code's use back where orders stop
// holding seats. A code's uses rise only in a registration batch (a guarded update beside the
// seat guard, under the event's row lock) and fall only with the orders that held them, in
// their transactions; the CHECK (uses <= max_uses) refuses anything else.

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/promo_rows.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

namespace {

std::vector<pg::Param> detail_params(PromoCode const& c) {
  auto const& d = c.details;
  auto const time = [](std::optional<Timestamp> t) {
    return t ? std::optional<std::int64_t>(seconds(*t)) : std::nullopt;
  };
  return {param(c.id),
          param(c.event_id),
          param(d.code),
          param(promo_code_key(d.code)),
          param(d.discount_percent_bp),
          param(d.discount_amount_minor),
          param(type_ids_json(d.ticket_type_ids)),
          param(type_ids_json(d.unlocks_type_ids)),
          param(d.max_uses),
          param(d.max_uses_per_buyer),
          param(time(d.valid_from)),
          param(time(d.valid_until))};
}

bool lock_event(Connection& db, std::string_view event_id) {
  return !db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)}).empty();
}

bool key_taken(Connection& db, PromoCode const& c) {
  return !db.exec("SELECT 1 FROM promo_codes WHERE event_id = $1 AND code_key = $2 AND id <> $3",
                  {param(c.event_id), param(promo_code_key(c.details.code)), param(c.id)})
              .empty();
}

}  // namespace

namespace pg_detail {

void return_promo_use(Connection& db, std::string_view registration_id) {
  db.exec(ADMIT_RETURN_PROMO_USE("$1"), {param(registration_id)});
}

void return_promo_uses(Connection& db, std::vector<std::string> const& registration_ids) {
  db.exec(
      "UPDATE promo_codes p SET uses = p.uses - d.n FROM (SELECT promo_code_id, COUNT(*) AS n FROM registrations "
      "WHERE id = ANY($1::text[]) AND promo_code_id IS NOT NULL GROUP BY 1) AS d WHERE p.id = d.promo_code_id",
      {pg::text_array(registration_ids)});
}

void return_event_promo_uses(Connection& db, std::string_view event_id) {
  db.exec(ADMIT_RETURN_EVENT_PROMO_USES("$1"), {param(event_id)});
}

bool promo_use_left(Connection& db, std::string_view registration_id) {
  return db.exec(ADMIT_PROMO_USE_LEFT("$1"), {param(registration_id)}).integer(0, 0) > 0;
}

void retake_promo_use(Connection& db, std::string_view registration_id) {
  db.exec(ADMIT_RETAKE_PROMO_USE("$1"), {param(registration_id)});
}

}  // namespace pg_detail

std::optional<PromoCode> PostgresStore::find_promo_code(std::string_view event_id, std::string_view code_key) {
  auto db = pool_->acquire();
  auto const r = db->exec("SELECT " ADMIT_PROMO_COLUMNS("") " FROM promo_codes WHERE event_id = $1 AND code_key = $2",
                          {param(event_id), param(code_key)});
  if (r.empty()) return std::nullopt;
  return read_promo_code(pg::Row(r, 0));
}

std::optional<PromoCode> PostgresStore::promo_code_by_id(std::string_view event_id, std::string_view id) {
  auto db = pool_->acquire();
  auto const r = db->exec("SELECT " ADMIT_PROMO_COLUMNS("") " FROM promo_codes WHERE event_id = $1 AND id = $2",
                          {param(event_id), param(id)});
  if (r.empty()) return std::nullopt;
  return read_promo_code(pg::Row(r, 0));
}

std::vector<PromoCode> PostgresStore::list_promo_codes(std::string_view event_id,
                                                       std::optional<std::string> const& after_key, int limit) {
  auto db = pool_->acquire();
  return pg_detail::read_all(
      db->exec("SELECT " ADMIT_PROMO_COLUMNS("") " FROM promo_codes WHERE event_id = $1 "
                                                 "AND ($2::text IS NULL OR code_key > $2) ORDER BY code_key LIMIT $3",
               {param(event_id), param(after_key), param(std::int64_t{limit})}),
      [](pg::Row const& row) { return read_promo_code(row); });
}

PromoChange PostgresStore::add_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    if (!lock_event(db, code.event_id)) return PromoChange::not_found;
    if (key_taken(db, code)) return PromoChange::code_taken;
    auto params = detail_params(code);
    params.push_back(param(seconds(now)));
    db.exec(
        "INSERT INTO promo_codes (id, event_id, code, code_key, discount_percent_bp, discount_amount_minor, "
        "ticket_type_ids, unlocks_type_ids, max_uses, max_uses_per_buyer, valid_from, valid_until, uses, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $13)",
        params);
    audit(db, now, actor, "promo_code.created", "promo_code", code.id, code.details.code, code.event_id);
    return PromoChange::done;
  });
}

PromoChange PostgresStore::update_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    if (!lock_event(db, code.event_id)) return PromoChange::not_found;
    // Under the event's lock no order takes a use meanwhile (returns only lower `uses`).
    auto const row = db.exec("SELECT uses FROM promo_codes WHERE id = $1 AND event_id = $2 FOR UPDATE",
                             {param(code.id), param(code.event_id)});
    if (row.empty()) return PromoChange::not_found;
    if (key_taken(db, code)) return PromoChange::code_taken;
    if (code.details.max_uses && *code.details.max_uses < row.integer(0, 0)) return PromoChange::below_uses;
    auto params = detail_params(code);
    params.push_back(param(seconds(now)));
    db.exec(
        "UPDATE promo_codes SET code = $3, code_key = $4, discount_percent_bp = $5, discount_amount_minor = $6, "
        "ticket_type_ids = $7, unlocks_type_ids = $8, max_uses = $9, max_uses_per_buyer = $10, valid_from = $11, "
        "valid_until = $12, updated_at = $13 WHERE id = $1 AND event_id = $2",
        params);
    audit(db, now, actor, "promo_code.updated", "promo_code", code.id, code.details.code, code.event_id);
    return PromoChange::done;
  });
}

PromoChange PostgresStore::delete_promo_code(std::string_view event_id, std::string_view id, Timestamp now,
                                             Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    if (!lock_event(db, event_id)) return PromoChange::not_found;
    auto const row = db.exec(
        "SELECT code, uses > 0 OR EXISTS (SELECT 1 FROM registrations WHERE promo_code_id = p.id) "
        "FROM promo_codes p WHERE id = $1 AND event_id = $2 FOR UPDATE",
        {param(id), param(event_id)});
    if (row.empty()) return PromoChange::not_found;
    if (row.text(0, 1) == "t") return PromoChange::used;
    db.exec("DELETE FROM promo_codes WHERE id = $1", {param(id)});
    audit(db, now, actor, "promo_code.deleted", "promo_code", id, row.text(0, 0), event_id);
    return PromoChange::done;
  });
}

}  // namespace admit
