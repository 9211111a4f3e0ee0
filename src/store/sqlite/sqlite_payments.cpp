// The payment part of the SQLite store.

#include "base/log.hpp"
#include "domain/refunds.hpp"
#include "store/policy.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite::Statement;
using sqlite_detail::audit;
using sqlite_detail::seconds;

namespace {

Error payment_write_failure(std::exception_ptr const& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (std::exception const& e) {
    log::error("payment write failed", {{"error", e.what()}});
  }
  return Error{Errc::unavailable, "The database could not record this payment event; deliver it again.", {}};
}

/// Records the event id; false when it was handled before.
bool first_delivery(Connection& db, std::string const& event_id, std::string_view type, Timestamp now) {
  db.prepare("INSERT OR IGNORE INTO webhook_events (id, type, received_at) VALUES (?1, ?2, ?3)")
      .bind(1, event_id)
      .bind(2, type)
      .bind(3, seconds(now))
      .run();
  return db.changes() == 1;
}

}  // namespace

bool SqliteStore::save_intent(std::string_view registration_id, std::string_view user_id, std::string_view provider,
                              PaymentIntent const& intent, std::string_view idempotency_key, Timestamp now) {
  return writes_->run([&](Connection& db) {
    // A registration gets one intent: a racing second request records nothing, and its
    // caller reads the first one back (the single writer makes check and write atomic).
    {
      auto named = db.prepare("SELECT 1 FROM registrations WHERE id = ?1 AND payment_id IS NOT NULL");
      named.bind(1, registration_id);
      if (named.step()) return true;
    }
    try {
      db.prepare(
            "INSERT INTO payments (intent_id, registration_id, provider, amount_minor, currency, "
            "client_secret, status, user_id, idempotency_key, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)")
          .bind(1, intent.id)
          .bind(2, registration_id)
          .bind(3, provider)
          .bind(4, intent.amount_minor)
          .bind(5, intent.currency)
          .bind(6, intent.client_secret)
          .bind(7, intent.status)
          .bind(8, user_id)
          .bind(9, idempotency_key.empty() ? std::nullopt : std::optional<std::string_view>(idempotency_key))
          .bind(10, seconds(now))
          .run();
    } catch (sqlite::ConstraintError const&) {
      return false;  // the key names another intent of this user
    }
    db.prepare("UPDATE registrations SET payment_id = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, registration_id)
        .bind(2, intent.id)
        .bind(3, seconds(now))
        .run();
    audit(db, now, Actor{std::string(user_id), {}}, "payment.intent_created", "registration", registration_id,
          intent.id);
    return true;
  });
}

std::optional<StoredPayment> SqliteStore::payment_by_key(std::string_view user_id, std::string_view idempotency_key) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_PAYMENT_COLUMNS
                         " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                         "WHERE p.user_id = ?1 AND p.idempotency_key = ?2");
  row.bind(1, user_id).bind(2, idempotency_key);
  if (!row.step()) return std::nullopt;
  return read_payment(row);
}

std::optional<StoredPayment> SqliteStore::find_payment(std::string_view intent_id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_PAYMENT_COLUMNS
                         " FROM payments p JOIN registrations r ON r.id = p.registration_id WHERE p.intent_id = ?1");
  row.bind(1, intent_id);
  if (!row.step()) return std::nullopt;
  return read_payment(row);
}

std::optional<StoredPayment> SqliteStore::payment_of(std::string_view registration_id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_PAYMENT_COLUMNS
                         " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                         "WHERE p.registration_id = ?1 ORDER BY p.created_at DESC LIMIT 1");
  row.bind(1, registration_id);
  if (!row.step()) return std::nullopt;
  return read_payment(row);
}

void SqliteStore::apply_payment_success(std::string event_id, std::string intent_id, std::vector<Ticket> tickets,
                                        OrderLink link, Timestamp now, Completion<Result<PaymentResult>> done) {
  auto result = std::make_shared<PaymentResult>(PaymentResult{PaymentApplied::unknown_payment, {}});
  auto shared_tickets = std::make_shared<std::vector<Ticket>>(std::move(tickets));
  writes_->submit(
      [result, shared_tickets, event_id = std::move(event_id), intent_id = std::move(intent_id), now,
       link = std::move(link)](Connection& db) {
        std::string registration_id, status, event, user_id;
        std::optional<std::string> owner;  // a guest buyer's account (domain attendee_of)
        std::int64_t quantity = 0;
        {
          auto row = db.prepare("SELECT r.id, r.status, r.event_id, r.quantity, r.user_id, " ADMIT_BUYER_OWNER(
              "r.user_id") " FROM payments p JOIN registrations r ON r.id = p.registration_id WHERE p.intent_id = ?1");
          row.bind(1, intent_id);
          if (!row.step()) {
            result->outcome = PaymentApplied::unknown_payment;
            return;
          }
          registration_id = row.text(0);
          status = row.text(1);
          event = row.text(2);
          quantity = row.integer(3);
          user_id = row.text(4);
          if (!row.is_null(5)) owner = row.text(5);
        }
        result->registration_id = registration_id;
        if (!first_delivery(db, event_id, "payment_intent.succeeded", now)) {
          result->outcome = PaymentApplied::duplicate_event;
          return;
        }
        db.prepare(
              "UPDATE payments SET status = 'succeeded', last_error = NULL, updated_at = ?2 WHERE intent_id = ?1 "
              "AND status NOT IN ('succeeded', 'refunded')")
            .bind(1, intent_id)
            .bind(2, seconds(now))
            .run();
        if (status == "confirmed" || status == "refund_pending" || status == "refunded") {
          result->outcome = PaymentApplied::already_done;
          return;
        }
        // Money that cannot buy seats goes back: the registration waits for its refund.
        auto const refund = [&](std::string_view why) {
          db.prepare("UPDATE registrations SET status = 'refund_pending', updated_at = ?2 WHERE id = ?1")
              .bind(1, registration_id)
              .bind(2, seconds(now))
              .run();
          audit(db, now, Actor{}, why, "registration", registration_id, intent_id);
          result->outcome = PaymentApplied::refund_needed;
        };
        if (status == "cancelled") return refund("registration.paid_after_cancel");
        if (status != "pending_payment") {
          // The hold expired before the money arrived: take the seats again if the attendee may
          // still hold them (counted over every buyer record of the person, as a new order is)
          // and they are still free, never beyond capacity.
          {
            auto row = db.prepare(ADMIT_LATE_PAYER_FACTS("?1", "?2", "?3", "?4"));
            row.bind(1, event).bind(2, user_id).bind(3, attendee_of(user_id, owner)).bind(4, seconds(now));
            row.step();
            auto const payer = read_late_payer(
                [&](int c) { return row.integer(c); }, [&](int c) { return row.optional_integer(c); },
                [&](int c) { return row.is_null(c) ? std::nullopt : std::optional<std::string>(row.text(c)); });
            row.run();
            if (!within_attendee_limit(payer.holdings.seats, static_cast<std::int32_t>(quantity),
                                       payer.max_per_attendee)) {
              return refund("registration.paid_over_attendee_limit");
            }
          }
          {
            auto row = db.prepare(ADMIT_TYPES_WITHOUT_ROOM("?1"));
            row.bind(1, registration_id);
            row.step();
            if (row.integer(0) > 0) {
              row.run();
              return refund("registration.paid_too_late");
            }
          }
          // Its promo code too: a use given back when the hold lapsed may be someone else's by now.
          if (!sqlite_detail::promo_use_left(db, registration_id)) return refund("registration.paid_too_late");
          db.prepare(
                "UPDATE events SET registered_count = registered_count + ?2 WHERE id = ?1 "
                "AND status = 'published' AND registered_count + ?2 <= capacity")
              .bind(1, event)
              .bind(2, quantity)
              .run();
          if (db.changes() == 0) return refund("registration.paid_too_late");
          db.prepare(ADMIT_RETAKE_TYPE_SEATS("?1")).bind(1, registration_id).run();
          sqlite_detail::retake_promo_use(db, registration_id);
        }
        db.prepare(
              "UPDATE registrations SET status = 'confirmed', hold_expires_at = NULL, payment_id = ?2, updated_at = ?3 "
              "WHERE id = ?1")
            .bind(1, registration_id)
            .bind(2, intent_id)
            .bind(3, seconds(now))
            .run();
        sqlite_detail::insert_tickets(db, *shared_tickets);
        audit(db, now, Actor{}, "registration.paid", "registration", registration_id, intent_id);
        sqlite_detail::queue_registration_mail(db, MailKind::registration_confirmed, registration_id, now);
        sqlite_detail::store_order_link(db, registration_id, link,
                                        registration_mail_id(MailKind::registration_confirmed, registration_id), now);
        result->outcome = PaymentApplied::confirmed;
      },
      [result, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) return done(std::unexpected(payment_write_failure(failure)));
        done(*result);
      });
}

void SqliteStore::apply_payment_failure(std::string event_id, std::string intent_id, std::string message, Timestamp now,
                                        Completion<Result<PaymentResult>> done) {
  auto result = std::make_shared<PaymentResult>(PaymentResult{PaymentApplied::unknown_payment, {}});
  writes_->submit(
      [result, event_id = std::move(event_id), intent_id = std::move(intent_id), message = std::move(message),
       now](Connection& db) {
        {
          auto row = db.prepare("SELECT registration_id FROM payments WHERE intent_id = ?1");
          row.bind(1, intent_id);
          if (!row.step()) return;
          result->registration_id = row.text(0);
        }
        if (!first_delivery(db, event_id, "payment_intent.payment_failed", now)) {
          result->outcome = PaymentApplied::duplicate_event;
          return;
        }
        // A failure never undoes a success that arrived first (events come in any order).
        db.prepare(
              "UPDATE payments SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE intent_id = ?1 "
              "AND status NOT IN ('succeeded', 'refunded')")
            .bind(1, intent_id)
            .bind(2, message)
            .bind(3, seconds(now))
            .run();
        audit(db, now, Actor{}, "payment.failed", "registration", result->registration_id, message);
        result->outcome = PaymentApplied::failure_recorded;
      },
      [result, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) return done(std::unexpected(payment_write_failure(failure)));
        done(*result);
      });
}

int SqliteStore::expire_holds(Timestamp now) {
  return writes_->run([&](Connection& db) {
    std::vector<std::pair<std::string, std::int64_t>> released;
    std::vector<std::string> expired;
    {
      // The conditional update decides: a hold ends once, whoever runs the sweep.
      auto rows = db.prepare(
          "UPDATE registrations SET status = 'expired', updated_at = ?1 "
          "WHERE status = 'pending_payment' AND hold_expires_at <= ?1 RETURNING id, event_id, quantity");
      rows.bind(1, seconds(now));
      while (rows.step()) {
        audit(db, now, Actor{}, "registration.hold_expired", "registration", rows.text(0));
        sqlite_detail::queue_registration_mail(db, MailKind::hold_expired, rows.text(0), now);
        released.emplace_back(rows.text(1), rows.integer(2));
        expired.push_back(rows.text(0));
      }
    }
    for (auto const& id : expired) {
      db.prepare(ADMIT_RELEASE_TYPE_SEATS("?1")).bind(1, id).run();
      sqlite_detail::return_promo_use(db, id);
    }
    std::set<std::string> freed;
    for (auto const& [event_id, quantity] : released) {
      db.prepare("UPDATE events SET registered_count = registered_count - ?2 WHERE id = ?1")
          .bind(1, event_id)
          .bind(2, quantity)
          .run();
      freed.insert(event_id);
    }
    // Offers run out in the same sweep; every list whose seats came free is served.
    return static_cast<int>(released.size()) + sqlite_detail::expire_offers(db, now, waitlist_, std::move(freed));
  });
}

void SqliteStore::record_refund(DueRefund const& due, std::string_view provider_refund_id, bool completed,
                                Timestamp now) {
  writes_->run([&](Connection& db) {
    if (!due.refund_id.empty()) {
      // A partial cancellation's refund: its own record, marked once.
      db.prepare(
            "UPDATE refunds SET status = ?2, provider_refund_id = ?3, updated_at = ?4 WHERE id = ?1 AND status = "
            "'due'")
          .bind(1, due.refund_id)
          .bind(2, completed ? "succeeded" : "requested")
          .bind(3, provider_refund_id)
          .bind(4, seconds(now))
          .run();
      if (db.changes() == 0) return;
      audit(db, now, Actor{}, completed ? "registration.partly_refunded" : "registration.partial_refund_requested",
            "registration", due.registration_id, std::string(provider_refund_id) + "; " + due.refund_id);
      return;
    }
    db.prepare(
          "UPDATE payments SET status = ?2, refund_id = ?3, updated_at = ?4 WHERE registration_id = ?1 "
          "AND status = 'succeeded'")
        .bind(1, due.registration_id)
        .bind(2, completed ? "refunded" : "refund_pending")
        .bind(3, provider_refund_id)
        .bind(4, seconds(now))
        .run();
    // A refund another sweep recorded first is not recorded (nor audited) again.
    if (db.changes() == 0) return;
    db.prepare(
          "UPDATE registrations SET status = ?2, refunded_minor = refunded_minor + ?4, updated_at = ?3 WHERE id = ?1 "
          "AND status = 'refund_pending'")
        .bind(1, due.registration_id)
        .bind(2, completed ? "refunded" : "refund_pending")
        .bind(3, seconds(now))
        .bind(4, due.amount_minor)
        .run();
    db.prepare(
          "INSERT INTO refunds (id, registration_id, amount_minor, ticket_ids, idempotency_key, provider_refund_id, "
          "status, created_at, updated_at) VALUES ('whole-' || ?1, ?1, ?2, '', ?3, ?4, ?5, ?6, ?6) "
          "ON CONFLICT DO NOTHING")
        .bind(1, due.registration_id)
        .bind(2, due.amount_minor)
        .bind(3, due.idempotency_key)
        .bind(4, provider_refund_id)
        .bind(5, completed ? "succeeded" : "requested")
        .bind(6, seconds(now))
        .run();
    audit(db, now, Actor{}, completed ? "registration.refunded" : "registration.refund_requested", "registration",
          due.registration_id, provider_refund_id);
  });
}

void SqliteStore::apply_refund_states(std::string event_id, std::string event_type, std::vector<RefundState> refunds,
                                      Timestamp now, Completion<Result<RefundApplied>> done) {
  auto result = std::make_shared<RefundApplied>(RefundApplied::unknown_refund);
  writes_->submit(
      [result, event_id = std::move(event_id), event_type = std::move(event_type), refunds = std::move(refunds),
       now](Connection& db) {
        struct Known {
          RefundState const* state;
          std::string id;
          std::string registration_id;
          std::int64_t amount_minor;
          bool whole;  ///< a whole order's remainder, not a partial cancellation's
        };
        std::vector<Known> known;
        known.reserve(refunds.size());
        for (auto const& refund : refunds) {
          auto row = db.prepare(
              "SELECT id, registration_id, amount_minor, ticket_ids = '' FROM refunds WHERE provider_refund_id = ?1");
          row.bind(1, refund.id);
          if (row.step()) known.push_back({&refund, row.text(0), row.text(1), row.integer(2), row.integer(3) != 0});
        }
        // Someone else's refund (or one not recorded yet) is no reason to remember the event.
        if (known.empty()) return;
        if (!first_delivery(db, event_id, event_type, now)) {
          *result = RefundApplied::duplicate_event;
          return;
        }
        *result = RefundApplied::already_done;
        for (auto const& k : known) {
          bool const succeeded = k.state->status == "succeeded";
          // The conditional update decides: a refund ends once, whatever arrives later.
          db.prepare(
                "UPDATE refunds SET status = ?2, failure_reason = ?3, updated_at = ?4 WHERE id = ?1 AND status = "
                "'requested'")
              .bind(1, k.id)
              .bind(2, succeeded ? "succeeded" : "failed")
              .bind(3, k.state->failure_reason)
              .bind(4, seconds(now))
              .run();
          if (db.changes() == 0) continue;
          *result = RefundApplied::recorded;
          auto const detail = k.state->id + "; " + k.id;
          if (succeeded) {
            if (k.whole) {
              db.prepare(
                    "UPDATE payments SET status = 'refunded', updated_at = ?2 WHERE registration_id = ?1 AND status = "
                    "'refund_pending'")
                  .bind(1, k.registration_id)
                  .bind(2, seconds(now))
                  .run();
              db.prepare(
                    "UPDATE registrations SET status = 'refunded', updated_at = ?2 WHERE id = ?1 AND status = "
                    "'refund_pending'")
                  .bind(1, k.registration_id)
                  .bind(2, seconds(now))
                  .run();
            }
            audit(db, now, Actor{}, k.whole ? "registration.refunded" : "registration.partly_refunded", "registration",
                  k.registration_id, detail);
            continue;
          }
          // No money went back: the amount leaves the refunded total. The order stays cancelled
          // (a whole one without its refund); the organizer settles it with the buyer.
          db.prepare(
                "UPDATE registrations SET refunded_minor = MAX(0, refunded_minor - ?2), updated_at = ?3, status = "
                "CASE WHEN status = 'refund_pending' AND ?4 THEN 'cancelled' ELSE status END WHERE id = ?1")
              .bind(1, k.registration_id)
              .bind(2, k.amount_minor)
              .bind(3, seconds(now))
              .bind(4, k.whole ? 1 : 0)
              .run();
          if (k.whole) {
            db.prepare(
                  "UPDATE payments SET status = 'refund_failed', updated_at = ?2 WHERE registration_id = ?1 AND status "
                  "= 'refund_pending'")
                .bind(1, k.registration_id)
                .bind(2, seconds(now))
                .run();
          }
          audit(db, now, Actor{}, "registration.refund_failed", "registration", k.registration_id,
                detail + "; " + (k.state->failure_reason.empty() ? "unknown" : k.state->failure_reason));
        }
      },
      [result, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) return done(std::unexpected(payment_write_failure(failure)));
        done(*result);
      });
}

std::vector<StoredPayment> SqliteStore::pending_payments() {
  auto db = reader();
  auto rows = db->prepare("SELECT " ADMIT_PAYMENT_COLUMNS
                          " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                          "WHERE r.status = 'pending_payment' AND p.status <> 'succeeded'");
  std::vector<StoredPayment> out;
  while (rows.step()) out.push_back(read_payment(rows));
  return out;
}

std::vector<DueRefund> SqliteStore::refunds_due() {
  auto db = reader();
  std::vector<DueRefund> out;
  {
    auto rows = db->prepare(
        "SELECT f.id, f.registration_id, r.payment_id, f.amount_minor, f.idempotency_key FROM refunds f "
        "JOIN registrations r ON r.id = f.registration_id WHERE f.status = 'due' AND r.payment_id IS NOT NULL "
        "ORDER BY f.created_at, f.id");
    while (rows.step()) {
      out.push_back({.refund_id = rows.text(0),
                     .registration_id = rows.text(1),
                     .intent_id = rows.text(2),
                     .amount_minor = rows.integer(3),
                     .idempotency_key = rows.text(4)});
    }
  }
  auto rows = db->prepare(
      "SELECT r.id, p.intent_id, r.amount_minor, r.refunded_minor FROM payments p JOIN registrations r ON r.id = "
      "p.registration_id WHERE r.status = 'refund_pending' AND p.status = 'succeeded'");
  while (rows.step()) {
    out.push_back({.refund_id = {},
                   .registration_id = rows.text(0),
                   .intent_id = rows.text(1),
                   .amount_minor = refund_remainder(rows.integer(2), rows.integer(3)),
                   .idempotency_key = whole_refund_key(rows.text(0))});
  }
  return out;
}

}  // namespace admit
