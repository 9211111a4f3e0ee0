// Promo codes on SQLite, and the helpers that give a code's use back where orders stop holding
// seats. Every write runs on the single writer, so a code's uses and the orders holding it
// change together.

#include "store/promo_rows.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite_detail::audit;
using sqlite_detail::seconds;

namespace {

void bind_details(sqlite::Statement& s, PromoCode const& c) {
  auto const& d = c.details;
  auto const time = [](std::optional<Timestamp> t) {
    return t ? std::optional<std::int64_t>(seconds(*t)) : std::nullopt;
  };
  s.bind(1, c.id)
      .bind(2, c.event_id)
      .bind(3, d.code)
      .bind(4, promo_code_key(d.code))
      .bind(5, d.discount_percent_bp ? std::optional<std::int64_t>(*d.discount_percent_bp) : std::nullopt)
      .bind(6, d.discount_amount_minor)
      .bind(7, type_ids_json(d.ticket_type_ids))
      .bind(8, type_ids_json(d.unlocks_type_ids))
      .bind(9, d.max_uses ? std::optional<std::int64_t>(*d.max_uses) : std::nullopt)
      .bind(10, d.max_uses_per_buyer ? std::optional<std::int64_t>(*d.max_uses_per_buyer) : std::nullopt)
      .bind(11, time(d.valid_from))
      .bind(12, time(d.valid_until));
}

bool key_taken(Connection& db, PromoCode const& c) {
  auto row = db.prepare("SELECT 1 FROM promo_codes WHERE event_id = ?1 AND code_key = ?2 AND id <> ?3");
  row.bind(1, c.event_id).bind(2, promo_code_key(c.details.code)).bind(3, c.id);
  return row.step();
}

}  // namespace

namespace sqlite_detail {

void return_promo_use(Connection& db, std::string_view registration_id) {
  db.prepare(ADMIT_RETURN_PROMO_USE("?1")).bind(1, registration_id).run();
}

void return_event_promo_uses(Connection& db, std::string_view event_id) {
  db.prepare(ADMIT_RETURN_EVENT_PROMO_USES("?1")).bind(1, event_id).run();
}

bool promo_use_left(Connection& db, std::string_view registration_id) {
  auto row = db.prepare(ADMIT_PROMO_USE_LEFT("?1"));
  row.bind(1, registration_id);
  return row.step() && row.integer(0) > 0;
}

void retake_promo_use(Connection& db, std::string_view registration_id) {
  db.prepare(ADMIT_RETAKE_PROMO_USE("?1")).bind(1, registration_id).run();
}

}  // namespace sqlite_detail

std::optional<PromoCode> SqliteStore::find_promo_code(std::string_view event_id, std::string_view code_key) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_PROMO_COLUMNS("") " FROM promo_codes WHERE event_id = ?1 AND code_key = ?2");
  row.bind(1, event_id).bind(2, code_key);
  if (!row.step()) return std::nullopt;
  return read_promo_code(row);
}

std::optional<PromoCode> SqliteStore::promo_code_by_id(std::string_view event_id, std::string_view id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_PROMO_COLUMNS("") " FROM promo_codes WHERE event_id = ?1 AND id = ?2");
  row.bind(1, event_id).bind(2, id);
  if (!row.step()) return std::nullopt;
  return read_promo_code(row);
}

std::vector<PromoCode> SqliteStore::list_promo_codes(std::string_view event_id,
                                                     std::optional<std::string> const& after_key, int limit) {
  auto db = reader();
  auto rows = db->prepare("SELECT " ADMIT_PROMO_COLUMNS(
      "") " FROM promo_codes WHERE event_id = ?1 AND (?2 IS NULL OR code_key > ?2) ORDER BY code_key LIMIT ?3");
  rows.bind(1, event_id).bind(2, after_key).bind(3, limit);
  std::vector<PromoCode> codes;
  while (rows.step()) codes.push_back(read_promo_code(rows));
  return codes;
}

PromoChange SqliteStore::add_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    {
      auto row = db.prepare("SELECT 1 FROM events WHERE id = ?1");
      row.bind(1, code.event_id);
      if (!row.step()) return PromoChange::not_found;
    }
    if (key_taken(db, code)) return PromoChange::code_taken;
    auto insert = db.prepare(
        "INSERT INTO promo_codes (id, event_id, code, code_key, discount_percent_bp, discount_amount_minor, "
        "ticket_type_ids, unlocks_type_ids, max_uses, max_uses_per_buyer, valid_from, valid_until, uses, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, ?13)");
    bind_details(insert, code);
    insert.bind(13, seconds(now)).run();
    audit(db, now, actor, "promo_code.created", "promo_code", code.id, code.details.code, code.event_id);
    return PromoChange::done;
  });
}

PromoChange SqliteStore::update_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    std::int64_t uses = 0;
    {
      auto row = db.prepare("SELECT uses FROM promo_codes WHERE id = ?1 AND event_id = ?2");
      row.bind(1, code.id).bind(2, code.event_id);
      if (!row.step()) return PromoChange::not_found;
      uses = row.integer(0);
    }
    if (key_taken(db, code)) return PromoChange::code_taken;
    if (code.details.max_uses && *code.details.max_uses < uses) return PromoChange::below_uses;
    auto update = db.prepare(
        "UPDATE promo_codes SET code = ?3, code_key = ?4, discount_percent_bp = ?5, discount_amount_minor = ?6, "
        "ticket_type_ids = ?7, unlocks_type_ids = ?8, max_uses = ?9, max_uses_per_buyer = ?10, valid_from = ?11, "
        "valid_until = ?12, updated_at = ?13 WHERE id = ?1 AND event_id = ?2");
    bind_details(update, code);
    update.bind(13, seconds(now)).run();
    audit(db, now, actor, "promo_code.updated", "promo_code", code.id, code.details.code, code.event_id);
    return PromoChange::done;
  });
}

PromoChange SqliteStore::delete_promo_code(std::string_view event_id, std::string_view id, Timestamp now,
                                           Actor const& actor) {
  return writes_->run([&](Connection& db) {
    std::string code;
    {
      // Used: an order, of any status, names it.
      auto row = db.prepare(
          "SELECT code, uses > 0 OR EXISTS (SELECT 1 FROM registrations WHERE promo_code_id = p.id) "
          "FROM promo_codes p WHERE id = ?1 AND event_id = ?2");
      row.bind(1, id).bind(2, event_id);
      if (!row.step()) return PromoChange::not_found;
      if (row.integer(1) != 0) return PromoChange::used;
      code = row.text(0);
    }
    db.prepare("DELETE FROM promo_codes WHERE id = ?1").bind(1, id).run();
    audit(db, now, actor, "promo_code.deleted", "promo_code", id, code, event_id);
    return PromoChange::done;
  });
}

}  // namespace admit
