// The payment part of the PostgreSQL store.

#include <map>
#include <set>
#include <stdexcept>

#include "domain/refunds.hpp"
#include "store/policy.hpp"
#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

namespace {

/// Records the event id; false when it was handled before (on any node: a twin delivery
/// waits on the unique key until this transaction ends, then finds it taken).
bool first_delivery(Connection& db, std::string const& event_id, std::string_view type, Timestamp now) {
  return db.exec("INSERT INTO webhook_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                 {param(event_id), param(type), param(seconds(now))})
             .affected() == 1;
}

}  // namespace

bool PostgresStore::save_intent(std::string_view registration_id, std::string_view user_id, std::string_view provider,
                                PaymentIntent const& intent, std::string_view idempotency_key, Timestamp now) {
  try {
    return pg::transaction(*pool_, [&](Connection& db) {
      // A registration gets one intent: of two racing requests (on any nodes) the first
      // names its intent on the registration's row; the second waits for that row, finds it
      // named and records nothing, and its caller reads the first one back.
      auto const claimed =
          db.exec("UPDATE registrations SET payment_id = $2, updated_at = $3 WHERE id = $1 AND payment_id IS NULL",
                  {param(registration_id), param(intent.id), param(seconds(now))});
      if (claimed.affected() == 0) return true;
      db.exec(
          "INSERT INTO payments (intent_id, registration_id, provider, amount_minor, currency, client_secret, "
          "status, user_id, idempotency_key, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
          {param(intent.id), param(registration_id), param(provider), param(intent.amount_minor),
           param(intent.currency), param(intent.client_secret), param(intent.status), param(user_id),
           pg_detail::optional_text(idempotency_key), param(seconds(now))});
      audit(db, now, Actor{std::string(user_id), {}}, "payment.intent_created", "registration", registration_id,
            intent.id);
      return true;
    });
  } catch (pg::DatabaseError const& e) {
    if (e.unique_violation()) return false;  // the key names another intent of this user
    throw;
  }
}

std::optional<StoredPayment> PostgresStore::payment_by_key(std::string_view user_id, std::string_view idempotency_key) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_PAYMENT_COLUMNS
                    " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                    "WHERE p.user_id = $1 AND p.idempotency_key = $2",
                    {param(user_id), param(idempotency_key)});
  if (r.empty()) return std::nullopt;
  return read_payment(pg::Row(r, 0));
}

std::optional<StoredPayment> PostgresStore::find_payment(std::string_view intent_id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_PAYMENT_COLUMNS
                    " FROM payments p JOIN registrations r ON r.id = p.registration_id WHERE p.intent_id = $1",
                    {param(intent_id)});
  if (r.empty()) return std::nullopt;
  return read_payment(pg::Row(r, 0));
}

std::optional<StoredPayment> PostgresStore::payment_of(std::string_view registration_id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_PAYMENT_COLUMNS
                    " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                    "WHERE p.registration_id = $1 ORDER BY p.created_at DESC LIMIT 1",
                    {param(registration_id)});
  if (r.empty()) return std::nullopt;
  return read_payment(pg::Row(r, 0));
}

void PostgresStore::apply_payment_success(std::string event_id, std::string intent_id, std::vector<Ticket> tickets,
                                          OrderLink link, Timestamp now, Completion<Result<PaymentResult>> done) {
  post([this, event_id = std::move(event_id), intent_id = std::move(intent_id), tickets = std::move(tickets),
        link = std::move(link), now, done = std::move(done)] {
    Result<PaymentResult> outcome = PaymentResult{PaymentApplied::unknown_payment, {}};
    try {
      outcome = pg::transaction(*pool_, [&](Connection& db) -> PaymentResult {
        // The registration's row lock makes deliveries of one payment (on any nodes) take
        // turns; each then sees what the one before it did.
        auto r = db.exec("SELECT r.id, r.status, r.event_id, r.quantity, r.user_id, " ADMIT_BUYER_OWNER(
                             "r.user_id") " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                                          "WHERE p.intent_id = $1 FOR UPDATE OF r",
                         {param(intent_id)});
        if (r.empty()) return {PaymentApplied::unknown_payment, {}};
        auto const registration_id = r.text(0, 0);
        auto const status = r.text(0, 1);
        auto const event = r.text(0, 2);
        auto const quantity = r.integer(0, 3);
        if (!first_delivery(db, event_id, "payment_intent.succeeded", now)) {
          return {PaymentApplied::duplicate_event, registration_id};
        }
        db.exec(
            "UPDATE payments SET status = 'succeeded', last_error = NULL, updated_at = $2 WHERE intent_id = $1 "
            "AND status NOT IN ('succeeded', 'refunded')",
            {param(intent_id), param(seconds(now))});
        if (status == "confirmed" || status == "refund_pending" || status == "refunded") {
          return {PaymentApplied::already_done, registration_id};
        }
        // Money that cannot buy seats goes back: the registration waits for its refund.
        auto const refund = [&](std::string_view why) -> PaymentResult {
          db.exec("UPDATE registrations SET status = 'refund_pending', updated_at = $2 WHERE id = $1",
                  {param(registration_id), param(seconds(now))});
          audit(db, now, Actor{}, why, "registration", registration_id, intent_id);
          return {PaymentApplied::refund_needed, registration_id};
        };
        if (status == "cancelled") return refund("registration.paid_after_cancel");
        if (status != "pending_payment") {
          // The hold expired before the money arrived: take the seats again if the attendee may
          // still hold them (counted over every buyer record of the person, as a new order is)
          // and they are still free, never beyond capacity. The person's orders wait meanwhile:
          // this takes the advisory locks place_batch takes for them, the attendee's and the
          // buyer record's, in ascending order like it. The locks first, alone: a statement's
          // snapshot is taken before it waits for a lock.
          auto const user_id = r.text(0, 4);
          auto owner = r.optional_text(0, 5);
          std::set<std::int64_t> locked;
          LatePayerFacts payer;
          for (int reads = 1;; ++reads) {
            std::string const attendee(attendee_of(user_id, owner));
            std::vector<std::int64_t> keys;
            for (auto const key : std::set<std::int64_t>{pg_detail::attendee_lock_key(event, attendee),
                                                         pg_detail::attendee_lock_key(event, user_id)}) {
              if (locked.insert(key).second) keys.push_back(key);
            }
            if (!keys.empty()) {
              db.exec("SELECT pg_advisory_xact_lock(1, k) FROM unnest($1::int[]) AS k", {pg::int_array(keys)});
            }
            auto const facts = db.exec(ADMIT_LATE_PAYER_FACTS("$1", "$2::text", "$3::text", "$4"),
                                       {param(event), param(user_id), param(attendee), param(seconds(now))});
            payer = read_late_payer([&](int c) { return facts.integer(0, c); },
                                    [&](int c) { return facts.optional_integer(0, c); },
                                    [&](int c) { return facts.optional_text(0, c); });
            if (payer.owner == owner) break;
            // An account proved the guest's address meanwhile: that person's lock too, then read again.
            if (reads == 3) throw std::runtime_error("the buyer's account kept changing during a late payment");
            owner = payer.owner;
          }
          if (!within_attendee_limit(payer.holdings.seats, static_cast<std::int32_t>(quantity),
                                     payer.max_per_attendee)) {
            return refund("registration.paid_over_attendee_limit");
          }
          // The event's row first: its types' seats change only under it.
          db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event)});
          if (db.exec(ADMIT_TYPES_WITHOUT_ROOM("$1"), {param(registration_id)}).integer(0, 0) > 0) {
            return refund("registration.paid_too_late");
          }
          // Its promo code too (every use taken is taken under the event's lock, held here).
          if (!pg_detail::promo_use_left(db, registration_id)) return refund("registration.paid_too_late");
          auto const retaken = db.exec(
              "UPDATE events SET registered_count = registered_count + $2 WHERE id = $1 "
              "AND status = 'published' AND registered_count + $2 <= capacity",
              {param(event), param(quantity)});
          if (retaken.affected() == 0) return refund("registration.paid_too_late");
          db.exec(ADMIT_RETAKE_TYPE_SEATS("$1"), {param(registration_id)});
          pg_detail::retake_promo_use(db, registration_id);
        }
        db.exec(
            "UPDATE registrations SET status = 'confirmed', hold_expires_at = NULL, payment_id = $2, updated_at = $3 "
            "WHERE id = $1",
            {param(registration_id), param(intent_id), param(seconds(now))});
        pg_detail::insert_tickets(db, tickets);
        audit(db, now, Actor{}, "registration.paid", "registration", registration_id, intent_id);
        pg_detail::queue_registration_mail(db, MailKind::registration_confirmed, registration_id, now);
        pg_detail::store_order_link(db, registration_id, link, now);
        return {PaymentApplied::confirmed, registration_id};
      });
    } catch (...) {
      outcome = std::unexpected(pg_detail::write_failure(std::current_exception(), "applying a payment"));
    }
    done(std::move(outcome));
  });
}

void PostgresStore::apply_payment_failure(std::string event_id, std::string intent_id, std::string message,
                                          Timestamp now, Completion<Result<PaymentResult>> done) {
  post([this, event_id = std::move(event_id), intent_id = std::move(intent_id), message = std::move(message), now,
        done = std::move(done)] {
    Result<PaymentResult> outcome = PaymentResult{PaymentApplied::unknown_payment, {}};
    try {
      outcome = pg::transaction(*pool_, [&](Connection& db) -> PaymentResult {
        auto r = db.exec("SELECT registration_id FROM payments WHERE intent_id = $1 FOR UPDATE", {param(intent_id)});
        if (r.empty()) return {PaymentApplied::unknown_payment, {}};
        auto const registration_id = r.text(0, 0);
        if (!first_delivery(db, event_id, "payment_intent.payment_failed", now)) {
          return {PaymentApplied::duplicate_event, registration_id};
        }
        // A failure never undoes a success that arrived first (events come in any order).
        db.exec(
            "UPDATE payments SET status = 'failed', last_error = $2, updated_at = $3 WHERE intent_id = $1 "
            "AND status NOT IN ('succeeded', 'refunded')",
            {param(intent_id), param(message), param(seconds(now))});
        audit(db, now, Actor{}, "payment.failed", "registration", registration_id, message);
        return {PaymentApplied::failure_recorded, registration_id};
      });
    } catch (...) {
      outcome = std::unexpected(pg_detail::write_failure(std::current_exception(), "recording a failed payment"));
    }
    done(std::move(outcome));
  });
}

int PostgresStore::expire_holds(Timestamp now) {
  return pg::transaction(*pool_, [&](Connection& db) {
    // The conditional update decides: a hold ends once, whichever node sweeps (a second
    // sweeper waits for the row locks, then finds the status changed).
    auto r = db.exec(
        "UPDATE registrations SET status = 'expired', updated_at = $1 "
        "WHERE status = 'pending_payment' AND hold_expires_at <= $1 RETURNING id, event_id, quantity",
        {param(seconds(now))});
    if (r.empty()) return pg_detail::expire_offers(db, now, waitlist_, {});
    std::map<std::string, std::int64_t> released;
    std::vector<std::int64_t> at;
    std::vector<std::string> ids;
    for (int i = 0; i < r.rows(); ++i) {
      released[r.text(i, 1)] += r.integer(i, 2);
      at.push_back(seconds(now));
      ids.push_back(r.text(i, 0));
    }
    std::vector<std::string> events;
    std::vector<std::int64_t> seats;
    for (auto const& [event, n] : released) {
      events.push_back(event);
      seats.push_back(n);
    }
    db.exec(
        "UPDATE events e SET registered_count = e.registered_count - d.n "
        "FROM unnest($1::text[], $2::int[]) AS d(id, n) WHERE e.id = d.id",
        {pg::text_array(events), pg::int_array(seats)});
    // Under the events' row locks just taken, as every change of a type's seats.
    db.exec(
        "UPDATE ticket_types t SET sold = t.sold - d.n FROM (SELECT i.ticket_type_id, SUM(i.quantity) AS n FROM "
        "registration_items i WHERE i.registration_id = ANY($1::text[]) GROUP BY 1) AS d WHERE t.id = d.ticket_type_id",
        {pg::text_array(ids)});
    pg_detail::return_promo_uses(db, ids);
    db.exec(
        "INSERT INTO audit_log (at, action, subject_type, subject_id, event_id) "
        "SELECT at, 'registration.hold_expired', 'registration', s, (SELECT r.event_id FROM registrations r WHERE "
        "r.id = s) FROM unnest($1::bigint[], $2::text[]) AS x(at, s)",
        {pg::int_array(at), pg::text_array(ids)});
    auto const told = pg_detail::registration_mail_rows(MailKind::hold_expired, ids, now);
    db.exec(told.sql, told.params);
    // Offers run out in the same sweep; every list whose seats came free is served.
    return r.rows() + pg_detail::expire_offers(db, now, waitlist_, std::set<std::string>(events.begin(), events.end()));
  });
}

void PostgresStore::record_refund(DueRefund const& due, std::string_view provider_refund_id, bool completed,
                                  Timestamp now) {
  pg::transaction(*pool_, [&](Connection& db) {
    if (!due.refund_id.empty()) {
      // A partial cancellation's refund: its own record, marked once (on whichever node).
      auto const marked = db.exec(
          "UPDATE refunds SET status = $2, provider_refund_id = $3, updated_at = $4 WHERE id = $1 AND status = 'due'",
          {param(due.refund_id), param(completed ? "succeeded" : "requested"), param(provider_refund_id),
           param(seconds(now))});
      if (marked.affected() == 0) return;
      audit(db, now, Actor{}, completed ? "registration.partly_refunded" : "registration.partial_refund_requested",
            "registration", due.registration_id, std::string(provider_refund_id) + "; " + due.refund_id);
      return;
    }
    auto const status = completed ? "refunded" : "refund_pending";
    auto const recorded = db.exec(
        "UPDATE payments SET status = $2, refund_id = $3, updated_at = $4 WHERE registration_id = $1 "
        "AND status = 'succeeded'",
        {param(due.registration_id), param(status), param(provider_refund_id), param(seconds(now))});
    // Every node sweeps: a refund another node recorded first is not recorded (nor audited) again.
    if (recorded.affected() == 0) return;
    db.exec(
        "UPDATE registrations SET status = $2, refunded_minor = refunded_minor + $4, updated_at = $3 WHERE id = $1 "
        "AND status = 'refund_pending'",
        {param(due.registration_id), param(status), param(seconds(now)), param(due.amount_minor)});
    db.exec(
        "INSERT INTO refunds (id, registration_id, amount_minor, ticket_ids, idempotency_key, provider_refund_id, "
        "status, created_at, updated_at) VALUES ('whole-' || $1, $1, $2, '', $3, $4, $5, $6, $6) "
        "ON CONFLICT DO NOTHING",
        {param(due.registration_id), param(due.amount_minor), param(due.idempotency_key), param(provider_refund_id),
         param(completed ? "succeeded" : "requested"), param(seconds(now))});
    audit(db, now, Actor{}, completed ? "registration.refunded" : "registration.refund_requested", "registration",
          due.registration_id, provider_refund_id);
  });
}

void PostgresStore::apply_refund_states(std::string event_id, std::string event_type, std::vector<RefundState> refunds,
                                        Timestamp now, Completion<Result<RefundApplied>> done) {
  post([this, event_id = std::move(event_id), event_type = std::move(event_type), refunds = std::move(refunds), now,
        done = std::move(done)] {
    Result<RefundApplied> outcome = RefundApplied::unknown_refund;
    try {
      outcome = pg::transaction(*pool_, [&](Connection& db) -> RefundApplied {
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
          auto const row = db.exec(
              "SELECT id, registration_id, amount_minor, ticket_ids = '' FROM refunds WHERE provider_refund_id = $1",
              {param(refund.id)});
          if (!row.empty()) {
            known.push_back({&refund, row.text(0, 0), row.text(0, 1), row.integer(0, 2), row.text(0, 3) == "t"});
          }
        }
        // Someone else's refund (or one not recorded yet) is no reason to remember the event.
        if (known.empty()) return RefundApplied::unknown_refund;
        if (!first_delivery(db, event_id, event_type, now)) return RefundApplied::duplicate_event;
        auto applied = RefundApplied::already_done;
        for (auto const& k : known) {
          bool const succeeded = k.state->status == "succeeded";
          // The conditional update decides: a refund ends once, on whichever node, whatever arrives later.
          auto const moved = db.exec(
              "UPDATE refunds SET status = $2, failure_reason = $3, updated_at = $4 WHERE id = $1 AND status = "
              "'requested'",
              {param(k.id), param(succeeded ? "succeeded" : "failed"), param(k.state->failure_reason),
               param(seconds(now))});
          if (moved.affected() == 0) continue;
          applied = RefundApplied::recorded;
          auto const detail = k.state->id + "; " + k.id;
          if (succeeded) {
            if (k.whole) {
              db.exec(
                  "UPDATE payments SET status = 'refunded', updated_at = $2 WHERE registration_id = $1 AND status = "
                  "'refund_pending'",
                  {param(k.registration_id), param(seconds(now))});
              db.exec(
                  "UPDATE registrations SET status = 'refunded', updated_at = $2 WHERE id = $1 AND status = "
                  "'refund_pending'",
                  {param(k.registration_id), param(seconds(now))});
            }
            audit(db, now, Actor{}, k.whole ? "registration.refunded" : "registration.partly_refunded", "registration",
                  k.registration_id, detail);
            continue;
          }
          // No money went back: the amount leaves the refunded total. The order stays cancelled
          // (a whole one without its refund); the organizer settles it with the buyer.
          db.exec(
              "UPDATE registrations SET refunded_minor = GREATEST(0, refunded_minor - $2), updated_at = $3, status = "
              "CASE WHEN status = 'refund_pending' AND $4 THEN 'cancelled' ELSE status END WHERE id = $1",
              {param(k.registration_id), param(k.amount_minor), param(seconds(now)),
               param(k.whole ? "true" : "false")});
          if (k.whole) {
            db.exec(
                "UPDATE payments SET status = 'refund_failed', updated_at = $2 WHERE registration_id = $1 AND status = "
                "'refund_pending'",
                {param(k.registration_id), param(seconds(now))});
          }
          audit(db, now, Actor{}, "registration.refund_failed", "registration", k.registration_id,
                detail + "; " + (k.state->failure_reason.empty() ? "unknown" : k.state->failure_reason));
        }
        return applied;
      });
    } catch (...) {
      outcome = std::unexpected(pg_detail::write_failure(std::current_exception(), "recording a refund's outcome"));
    }
    done(std::move(outcome));
  });
}

std::vector<StoredPayment> PostgresStore::pending_payments() {
  auto db = pool_->acquire();
  return pg_detail::read_all(
      db->exec("SELECT " ADMIT_PAYMENT_COLUMNS " FROM payments p JOIN registrations r ON r.id = p.registration_id "
               "WHERE r.status = 'pending_payment' AND p.status <> 'succeeded'"),
      [](pg::Row const& row) { return read_payment(row); });
}

std::vector<DueRefund> PostgresStore::refunds_due() {
  auto db = pool_->acquire();
  auto due = pg_detail::read_all(
      db->exec("SELECT f.id, f.registration_id, r.payment_id, f.amount_minor, f.idempotency_key FROM refunds f "
               "JOIN registrations r ON r.id = f.registration_id WHERE f.status = 'due' AND r.payment_id IS NOT NULL "
               "ORDER BY f.created_at, f.id"),
      [](pg::Row const& row) {
        return DueRefund{.refund_id = row.text(0),
                         .registration_id = row.text(1),
                         .intent_id = row.text(2),
                         .amount_minor = row.integer(3),
                         .idempotency_key = row.text(4)};
      });
  auto whole = pg_detail::read_all(
      db->exec("SELECT r.id, p.intent_id, r.amount_minor, r.refunded_minor FROM payments p JOIN registrations r "
               "ON r.id = p.registration_id WHERE r.status = 'refund_pending' AND p.status = 'succeeded'"),
      [](pg::Row const& row) {
        return DueRefund{.refund_id = {},
                         .registration_id = row.text(0),
                         .intent_id = row.text(1),
                         .amount_minor = refund_remainder(row.integer(2), row.integer(3)),
                         .idempotency_key = whole_refund_key(row.text(0))};
      });
  due.insert(due.end(), whole.begin(), whole.end());
  return due;
}

}  // namespace admit
