// The registration, ticket and key parts of the SQLite store.

#include <exception>

#include "base/log.hpp"
#include "store/policy.hpp"
#include "store/promo_rows.hpp"
#include "store/redemption.hpp"
#include "store/refund_rows.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite::Statement;
using sqlite_detail::audit;
using sqlite_detail::seconds;
using sqlite_detail::timestamp;

namespace {

std::optional<Ticket> select_ticket(Connection& db, std::string_view id) {
  auto row = db.prepare("SELECT " ADMIT_TICKET_COLUMNS ADMIT_TICKETS_FROM "WHERE t.id = ?1");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  return read_ticket(row);
}

/// An exception from the writer, as a result: outages are 503s, anything else is logged.
Error write_failure(std::exception_ptr const& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (Outage const& e) {
    log::error("database write failed", {{"error", e.what()}});
  } catch (std::exception const& e) {
    log::error("write failed", {{"error", e.what()}});
  }
  return Error{Errc::unavailable, "The database could not record this; nothing was changed. Retry shortly.", {}};
}

std::vector<EventKey> select_event_keys(Connection& db, std::string_view event_id) {
  auto row = db.prepare(
      "SELECT key_id, public_key, secret_key, created_at, active FROM event_keys WHERE event_id = ?1 "
      "ORDER BY active DESC, created_at DESC, key_id");
  row.bind(1, event_id);
  std::vector<EventKey> keys;
  while (row.step()) {
    keys.push_back({static_cast<std::uint32_t>(row.integer(0)), row.blob(1), row.blob(2), timestamp(row.integer(3)),
                    row.integer(4) != 0});
  }
  return keys;
}

}  // namespace

std::vector<Ticket> SqliteStore::tickets_of(Connection& db, std::string_view registration_id) {
  auto row = db.prepare("SELECT " ADMIT_TICKET_COLUMNS ADMIT_TICKETS_FROM
                        "WHERE t.registration_id = ?1 "
                        "ORDER BY t.position");
  row.bind(1, registration_id);
  std::vector<Ticket> tickets;
  while (row.step()) tickets.push_back(read_ticket(row));
  return tickets;
}

void SqliteStore::place_registration(NewRegistration order, Timestamp now, Actor actor,
                                     Completion<Result<PlacementResult>> done) {
  auto shared = std::make_shared<NewRegistration>(std::move(order));
  auto result = std::make_shared<PlacementResult>();
  writes_->submit(
      [shared, result, now, actor](Connection& db) {
        auto& reg = shared->registration;
        // Whose limits the order counts against: a guest order's, its address's account once one
        // proved it (the record's owner, or the account its record will be given to below).
        std::optional<std::string> owner;
        if (shared->guest) {
          // A guest order is decided with its address's buyer record as stored now.
          auto row = db.prepare(
              "SELECT g.id, COALESCE(g.user_id, (SELECT u.id FROM users u WHERE u.email = ?1 AND "
              "u.email_verified_at IS NOT NULL)) FROM (SELECT 1) AS one LEFT JOIN guest_buyers g ON g.email = ?1");
          row.bind(1, shared->guest->email);
          row.step();
          if (!row.is_null(0) && row.text(0) != reg.user_id) {
            result->outcome = Placement::buyer_changed;
            return;
          }
          if (!row.is_null(1)) owner = row.text(1);
        }
        std::string const attendee(attendee_of(reg.user_id, owner));
        auto const terms = terms_of(*shared);
        OrderFacts facts;
        std::string replayed_id;
        if (!shared->idempotency_key.empty()) {
          auto row =
              db.prepare("SELECT id, request_hash FROM registrations WHERE user_id = ?1 AND idempotency_key = ?2");
          row.bind(1, reg.user_id).bind(2, shared->idempotency_key);
          if (row.step()) {
            facts.key = key_use(row.text(1), shared->request_hash);
            replayed_id = row.text(0);
          }
        }
        if (facts.key == KeyUse::unused) {
          // The event and every type of it in one read: one row per type.
          auto row = db.prepare(
              "SELECT e.status = 'published', e.starts_at, e.capacity, e.registered_count, e.max_per_attendee, "
              ADMIT_TYPE_ON_SALE_COLUMNS("t.") " FROM events e LEFT JOIN ticket_types t ON t.event_id = e.id "
              "WHERE e.id = ?1 ORDER BY t.position, t.rowid");
          row.bind(1, reg.event_id);
          while (row.step()) {
            if (!facts.sale) {
              facts.sale = SaleSnapshot{
                  .published = row.integer(0) != 0,
                  .starts_at = timestamp(row.integer(1)),
                  .max_per_attendee = static_cast<std::int32_t>(row.integer(4)),
                  .event_seats = {.capacity = static_cast<std::int32_t>(row.integer(2)),
                                  .taken = static_cast<std::int32_t>(row.integer(3))},
                  .types = {},
              };
            }
            if (!row.is_null(5)) facts.sale->types.push_back(read_type_on_sale(row, 5));
          }
        }
        std::string holder;
        if (facts.sale) {
          // The buyer's holdings, then those of the attendee's other buyer records (rarely any:
          // the account that proved a guest's address, the guest records an account owns).
          auto row = db.prepare("SELECT " ADMIT_ATTENDEE_HOLDINGS(
              "?3") ", (SELECT name FROM users WHERE id = ?2), EXISTS (SELECT 1 FROM guest_buyers WHERE user_id = ?4) "
                    "FROM registrations WHERE event_id = ?1 AND user_id = ?2");
          row.bind(1, reg.event_id).bind(2, reg.user_id).bind(3, seconds(now)).bind(4, attendee);
          row.step();
          facts.holdings =
              read_holdings([&](int c) { return row.integer(c); }, [&](int c) { return row.optional_integer(c); });
          holder = shared->guest ? shared->guest->name : row.text(4);
          std::vector<std::string> others;
          if (attendee != reg.user_id) others.push_back(attendee);
          if (row.integer(5) != 0) {
            auto owned = db.prepare("SELECT id FROM guest_buyers WHERE user_id = ?1");
            owned.bind(1, attendee);
            while (owned.step()) {
              if (auto id = owned.text(0); id != reg.user_id) others.push_back(std::move(id));
            }
          }
          for (auto const& buyer : others) {
            auto theirs = db.prepare(
                "SELECT " ADMIT_ATTENDEE_HOLDINGS("?3") " FROM registrations WHERE event_id = ?1 AND user_id = ?2");
            theirs.bind(1, reg.event_id).bind(2, buyer).bind(3, seconds(now));
            theirs.step();
            facts.holdings =
                holdings_together(facts.holdings, read_holdings([&](int c) { return theirs.integer(c); },
                                                                [&](int c) { return theirs.optional_integer(c); }));
          }
        }
        if (facts.sale && terms.capped_by_client()) {
          auto row = db.prepare(
              "SELECT COUNT(*) FROM registrations WHERE event_id = ?1 AND client_address = ?2 AND " ADMIT_OPEN_HOLD(
                  "?3"));
          row.bind(1, reg.event_id).bind(2, shared->client_address).bind(3, seconds(now));
          row.step();
          facts.client_open_holds = static_cast<std::int32_t>(row.integer(0));
        }
        if (facts.sale && reg.promo_code_id) {
          // The order's code with the buyer's uses of it, as the single writer sees them.
          auto row = db.prepare(ADMIT_PROMO_FACTS("?1", "?2"));
          row.bind(1, *reg.promo_code_id).bind(2, reg.user_id);
          if (row.step()) facts.promo = read_promo_facts(row);
        }
        auto const decision = decide_placement(facts, terms, now);
        *result = placement_result(decision);
        if (decision.outcome == Placement::replayed || decision.outcome == Placement::idempotency_mismatch) {
          result->detail.registration.id = replayed_id;
        }
        if (decision.outcome != Placement::placed) return;
        if (shared->guest) sqlite_detail::save_guest(db, *shared->guest, now);
        reg.ticket_type_id = shared->items.front().ticket_type_id;
        if (decision.hold_end) reg.hold_expires_at = decision.hold_end;
        db.prepare("UPDATE events SET registered_count = registered_count + ?2 WHERE id = ?1")
            .bind(1, reg.event_id)
            .bind(2, reg.quantity)
            .run();
        if (reg.promo_code_id) {
          db.prepare("UPDATE promo_codes SET uses = uses + 1 WHERE id = ?1").bind(1, *reg.promo_code_id).run();
        }
        for (auto const& item : shared->items) {
          db.prepare("UPDATE ticket_types SET sold = sold + ?2 WHERE id = ?1")
              .bind(1, item.ticket_type_id)
              .bind(2, item.quantity)
              .run();
        }
        db.prepare(
              "INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, "
              "currency, payment_id, hold_expires_at, registered_at, updated_at, idempotency_key, request_hash, "
              "client_address, answers, attendees, promo_code_id, promo_code, discount_minor, buyer_name) VALUES (?1, "
              "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)")
            .bind(1, reg.id)
            .bind(2, reg.event_id)
            .bind(3, reg.ticket_type_id)
            .bind(4, reg.user_id)
            .bind(5, reg.quantity)
            .bind(6, status_name(reg.status))
            .bind(7, reg.amount_minor)
            .bind(8, reg.currency)
            .bind(9, reg.payment_id)
            .bind(10, reg.hold_expires_at ? std::optional<std::int64_t>(seconds(*reg.hold_expires_at)) : std::nullopt)
            .bind(11, seconds(reg.registered_at))
            .bind(12, seconds(reg.updated_at))
            .bind(13, shared->idempotency_key.empty() ? std::nullopt
                                                      : std::optional<std::string_view>(shared->idempotency_key))
            .bind(14, shared->request_hash)
            .bind(15, shared->client_address.empty() ? std::nullopt
                                                     : std::optional<std::string_view>(shared->client_address))
            .bind(16, answers_json(shared->answers))
            .bind(17, attendees_json(shared->attendees))
            .bind(18, reg.promo_code_id)
            .bind(19, reg.promo_code)
            .bind(20, reg.discount_minor)
            .bind(21, shared->guest ? std::optional<std::string_view>(shared->guest->name) : std::nullopt)
            .run();
        sqlite_detail::insert_items(db, reg.id, shared->items);
        for (auto& t : shared->tickets) {
          if (t.holder_name.empty()) t.holder_name = holder;
        }
        sqlite_detail::insert_tickets(db, shared->tickets);
        bool const confirmed = reg.status == RegistrationStatus::confirmed;
        if (confirmed) sqlite_detail::queue_registration_mail(db, MailKind::registration_confirmed, reg, now);
        sqlite_detail::store_order_link(
            db, reg.id, shared->link,
            confirmed ? registration_mail_id(MailKind::registration_confirmed, reg.id) : std::string(), now);
        audit(db, now, actor, "registration.created", "registration", reg.id, status_name(reg.status), reg.event_id);
        // Copied, not moved: when another job of the transaction throws, the writer runs every
        // job again (WriteQueue::loop), and this one must find its order whole.
        result->detail = {reg,           shared->tickets, queued_confirmation(reg),
                          shared->items, shared->answers, shared->attendees,
                          shared->guest};
      },
      [this, result, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) return done(std::unexpected(write_failure(failure)));
        if (result->outcome == Placement::replayed) {
          auto detail = find_registration(result->detail.registration.id);
          if (detail) result->detail = std::move(*detail);
        }
        done(std::move(*result));
      });
}

std::optional<RegistrationDetail> SqliteStore::find_registration(std::string_view id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_DETAIL_COLUMNS ADMIT_DETAIL_FROM "WHERE r.id = ?1");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  auto detail = read_detail(row);
  row.run();
  detail.tickets = tickets_of(*db, id);
  detail.items = sqlite_detail::items_of(*db, id);
  return detail;
}

std::vector<RegistrationDetail> SqliteStore::list_user_registrations(std::string_view user_id,
                                                                     std::optional<RegistrationCursor> const& after,
                                                                     int limit) {
  auto db = reader();
  // Within one second the insertion order (rowid) breaks ties, newest first; the cursor
  // names the last registration seen.
  auto rows =
      db->prepare(after ? "SELECT " ADMIT_DETAIL_COLUMNS
                          ADMIT_DETAIL_FROM "WHERE " ADMIT_OWNED_BY("?1") "AND (r.registered_at < ?2 OR "
                          "(r.registered_at = ?2 AND r.rowid < (SELECT rowid FROM registrations WHERE id = ?3))) "
                          "ORDER BY r.registered_at DESC, r.rowid DESC LIMIT ?4"
                        : "SELECT " ADMIT_DETAIL_COLUMNS
                          ADMIT_DETAIL_FROM "WHERE " ADMIT_OWNED_BY("?1")
                          "ORDER BY r.registered_at DESC, r.rowid DESC LIMIT ?4");
  rows.bind(1, user_id).bind(4, limit);
  if (after) rows.bind(2, seconds(after->registered_at)).bind(3, after->id);
  std::vector<RegistrationDetail> out;
  while (rows.step()) out.push_back(read_detail(rows));
  rows.run();
  for (auto& d : out) {
    d.tickets = tickets_of(*db, d.registration.id);
    d.items = sqlite_detail::items_of(*db, d.registration.id);
  }
  return out;
}

namespace sqlite_detail {

Cancellation cancel_registration_in(Connection& db, std::string_view id, CancellationRequest const& request,
                                    Timestamp now, Actor const& actor) {
  // The single writer makes the policy's reads and the change one step: no scan slips between.
  CancellationFacts facts{.now = now, .starts_at = {}, .deadline = std::nullopt};
  std::string event_id;
  {
    auto row = db.prepare(
        "SELECT r.event_id, r.status, r.quantity, e.starts_at, e.cancellation_deadline, "
        "(SELECT COUNT(*) FROM tickets t WHERE t.registration_id = r.id AND t.validated_at IS NOT NULL) "
        "FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.id = ?1");
    row.bind(1, id);
    if (!row.step()) return Cancellation::not_found;
    auto const status = parse_registration_status(row.text(1));
    if (!status || !holds_seats(*status) || !is_order(*status)) return Cancellation::not_active;
    event_id = row.text(0);
    facts.unpaid_hold = *status == RegistrationStatus::pending_payment;
    facts.quantity = static_cast<std::int32_t>(row.integer(2));
    facts.starts_at = timestamp(row.integer(3));
    if (!row.is_null(4)) facts.deadline = timestamp(row.integer(4));
    facts.admitted = static_cast<std::int32_t>(row.integer(5));
  }
  if (auto const refused = cancellation_refusal(facts, request)) return *refused;
  auto const released = seats_released(facts);
  // A paid registration ends as refund_pending; the refund itself goes through the provider.
  db.prepare(
        "UPDATE registrations SET updated_at = ?2, retained_seats = ?3, status = CASE WHEN EXISTS (SELECT 1 "
        "FROM payments p WHERE p.registration_id = registrations.id AND p.status = 'succeeded') "
        "THEN 'refund_pending' ELSE 'cancelled' END WHERE id = ?1")
      .bind(1, id)
      .bind(2, seconds(now))
      .bind(3, facts.quantity - released)
      .run();
  db.prepare("UPDATE events SET registered_count = registered_count - ?2 WHERE id = ?1")
      .bind(1, event_id)
      .bind(2, released)
      .run();
  if (released > 0) db.prepare(ADMIT_RELEASE_TYPE_SEATS("?1")).bind(1, id).run();
  sqlite_detail::return_promo_use(db, id);
  db.prepare("UPDATE tickets SET status = 'cancelled' WHERE registration_id = ?1").bind(1, id).run();
  audit(db, now, actor, "registration.cancelled", "registration", id, cancellation_detail(request, released));
  sqlite_detail::queue_registration_mail(db, MailKind::registration_cancelled, id, now);
  return Cancellation::cancelled;
}

}  // namespace sqlite_detail

Cancellation SqliteStore::cancel_registration(std::string_view id, CancellationRequest const& request, Timestamp now,
                                              Actor const& actor) {
  return writes_->run([&](Connection& db) {
    auto const outcome = sqlite_detail::cancel_registration_in(db, id, request, now, actor);
    if (outcome == Cancellation::cancelled) {
      auto row = db.prepare("SELECT event_id FROM registrations WHERE id = ?1");
      row.bind(1, id);
      if (row.step()) sqlite_detail::offer_freed_seats(db, row.text(0), now, waitlist_);
    }
    return outcome;
  });
}

EventStats SqliteStore::event_stats(std::string_view event_id) {
  auto db = reader();
  EventStats stats;
  {
    auto row = db->prepare("SELECT capacity, registered_count FROM events WHERE id = ?1");
    row.bind(1, event_id);
    if (row.step()) {
      stats.capacity = static_cast<std::int32_t>(row.integer(0));
      stats.registered_count = static_cast<std::int32_t>(row.integer(1));
    }
  }
  {
    auto row = db->prepare(ADMIT_STATS_BY_STATUS "?1 GROUP BY status");
    row.bind(1, event_id);
    while (row.step())
      add_status_stats(
          stats, [&](int i) { return row.text(i); }, [&](int i) { return row.integer(i); });
  }
  {
    auto row = db->prepare(ADMIT_REFUND_STATS("?1"));
    row.bind(1, event_id);
    row.step();
    add_refund_stats(stats, [&](int i) { return row.integer(i); });
  }
  {
    auto row = db->prepare(ADMIT_HOLD_COUNTS "?1");
    row.bind(1, event_id);
    row.step();
    stats.holds_placed = static_cast<std::int32_t>(row.integer(0));
    stats.holds_paid = static_cast<std::int32_t>(row.integer(1));
    stats.holds_expired = static_cast<std::int32_t>(row.integer(2));
  }
  {
    auto row = db->prepare("SELECT COUNT(*) FROM tickets WHERE event_id = ?1 AND validated_at IS NOT NULL");
    row.bind(1, event_id);
    if (row.step()) stats.checked_in = static_cast<std::int32_t>(row.integer(0));
  }
  {
    auto row = db->prepare(
        "SELECT registered_at / 3600, SUM(quantity), SUM(CASE WHEN status = 'confirmed' THEN amount_minor - "
        "refunded_minor ELSE 0 END), SUM(CASE WHEN status = 'confirmed' THEN discount_minor ELSE 0 END) "
        "FROM registrations WHERE event_id = ?1 AND status IN " ADMIT_SEAT_HOLDING
        " AND status <> 'offered'"
        " "
        "GROUP BY registered_at / 3600 ORDER BY 1");
    row.bind(1, event_id);
    while (row.step()) {
      stats.by_hour.push_back(
          {row.integer(0), static_cast<std::int32_t>(row.integer(1)), row.integer(2), row.integer(3)});
    }
  }
  return stats;
}

std::optional<Ticket> SqliteStore::find_ticket(std::string_view id) {
  auto db = reader();
  return select_ticket(*db, id);
}

void SqliteStore::redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now,
                                Actor actor, Completion<Result<RedemptionResult>> done) {
  auto result = std::make_shared<RedemptionResult>(RedemptionResult{Redemption::unknown, std::nullopt});
  writes_->submit(
      [result, ticket_id = std::move(ticket_id), event_id = std::move(event_id), code = std::move(code), now,
       actor](Connection& db) {
        // The conditional update is the whole decision: of two simultaneous scans exactly one
        // changes the row, and only with the code that was issued.
        db.prepare(
              "UPDATE tickets SET validated_at = ?2, validated_by = ?3 WHERE id = ?1 AND event_id = ?4 "
              "AND qr_code = ?5 AND status = 'valid' AND validated_at IS NULL")
            .bind(1, ticket_id)
            .bind(2, seconds(now))
            .bind(3, actor.user_id)
            .bind(4, event_id)
            .bind(5, code)
            .run();
        bool const admitted = db.changes() == 1;
        if (admitted) audit(db, now, actor, "ticket.validated", "ticket", ticket_id, {}, event_id);
        *result = redemption_outcome(admitted, select_ticket(db, ticket_id), event_id, code);
      },
      [result, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) return done(std::unexpected(write_failure(failure)));
        done(std::move(*result));
      });
}

std::vector<EventKey> SqliteStore::event_keys(std::string_view event_id) {
  auto db = reader();
  return select_event_keys(*db, event_id);
}

std::vector<EventKey> SqliteStore::add_event_key(std::string_view event_id, EventKey const& key, bool replace_active,
                                                 Actor const& actor) {
  return writes_->run([&](Connection& db) {
    if (!replace_active) {
      auto row = db.prepare("SELECT 1 FROM event_keys WHERE event_id = ?1 AND active = 1");
      row.bind(1, event_id);
      if (row.step()) {
        row.run();
        return select_event_keys(db, event_id);
      }
    } else {
      db.prepare("UPDATE event_keys SET active = 0 WHERE event_id = ?1").bind(1, event_id).run();
    }
    db.prepare(
          "INSERT INTO event_keys (event_id, key_id, public_key, secret_key, created_at, active) "
          "VALUES (?1, ?2, ?3, ?4, ?5, 1)")
        .bind(1, event_id)
        .bind(2, std::int64_t{key.key_id})
        .bind_blob(3, key.public_key)
        .bind_blob(4, key.secret_key)
        .bind(5, seconds(key.created_at))
        .run();
    audit(db, key.created_at, actor, "event.scan_key_added", "event", event_id, std::to_string(key.key_id));
    return select_event_keys(db, event_id);
  });
}

std::string SqliteStore::instance_secret(std::string_view name, std::string const& fresh) {
  return writes_->run([&](Connection& db) {
    db.prepare("INSERT OR IGNORE INTO instance_secrets (name, value, created_at) VALUES (?1, ?2, unixepoch())")
        .bind(1, name)
        .bind_blob(2, fresh)
        .run();
    auto row = db.prepare("SELECT value FROM instance_secrets WHERE name = ?1");
    row.bind(1, name);
    row.step();
    return row.blob(0);
  });
}

}  // namespace admit
