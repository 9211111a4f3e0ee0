#pragma once

/// Pieces shared by the SQLite store's translation units.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/trace.hpp"
#include "store/audit_rows.hpp"
#include "store/mail_rows.hpp"
#include "store/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace admit {
namespace sqlite_detail {

inline std::int64_t seconds(Timestamp t) {
  return t.time_since_epoch().count();
}

inline Timestamp timestamp(std::int64_t s) {
  return Timestamp{std::chrono::seconds{s}};
}

/// The audit row of a state change. Its event is `event_id`, or when that is empty the event of
/// the subject (an event, a registration or a ticket), looked up here; subjects that are gone by
/// the time they are audited (a deleted question) name theirs.
inline void audit(sqlite::Connection& db, Timestamp at, Actor const& actor, std::string_view action,
                  std::string_view subject_type, std::string_view subject_id, std::string_view detail = {},
                  std::string_view event_id = {}) {
  db.prepare(
        "INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, detail, event_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, " ADMIT_AUDIT_EVENT_OF("?5", "?6") "))")
      .bind(1, seconds(at))
      .bind(2, actor.user_id.empty() ? std::nullopt : std::optional<std::string_view>(actor.user_id))
      .bind(3, actor.request_id.empty() ? std::nullopt : std::optional<std::string_view>(actor.request_id))
      .bind(4, action)
      .bind(5, subject_type)
      .bind(6, subject_id)
      .bind(7, detail.empty() ? std::nullopt : std::optional<std::string_view>(detail))
      .bind(8, event_id.empty() ? std::nullopt : std::optional<std::string_view>(event_id))
      .run();
}

/// Writes newly issued tickets.
inline void insert_tickets(sqlite::Connection& db, std::vector<Ticket> const& tickets) {
  for (auto const& t : tickets) {
    db.prepare(
          // A ticket whose buyer named nobody is the buyer's own.
          "INSERT INTO tickets (id, registration_id, event_id, user_id, status, qr_code, generated_at, position, "
          "ticket_type_id, holder_name, holder_email, answers) VALUES (?1, ?2, ?3, ?4, 'valid', ?5, ?6, ?7, ?8, "
          "COALESCE(NULLIF(?9, ''), (SELECT name FROM users WHERE id = ?4), ''), ?10, ?11)")
        .bind(1, t.id)
        .bind(2, t.registration_id)
        .bind(3, t.event_id)
        .bind(4, t.user_id)
        .bind(5, t.qr_code)
        .bind(6, seconds(t.generated_at))
        .bind(7, t.position)
        .bind(8, t.ticket_type_id)
        .bind(9, t.holder_name)
        .bind(10, t.holder_email)
        .bind(11, answers_json(t.answers))
        .run();
  }
}

/// Writes a placed registration's items.
inline void insert_items(sqlite::Connection& db, std::string_view registration_id,
                         std::vector<RegistrationItem> const& items) {
  std::int32_t position = 0;
  for (auto const& item : items) {
    db.prepare(
          "INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price_minor, position, "
          "discounted_unit_price_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, registration_id)
        .bind(2, item.ticket_type_id)
        .bind(3, item.quantity)
        .bind(4, item.unit_price_minor)
        .bind(5, position++)
        .bind(6, item.discounted_unit_price_minor())
        .run();
  }
}

/// A registration's items, with their types' names.
inline std::vector<RegistrationItem> items_of(sqlite::Connection& db, std::string_view registration_id) {
  auto row = db.prepare(ADMIT_ITEMS_OF("?1"));
  row.bind(1, registration_id);
  std::vector<RegistrationItem> items;
  while (row.step()) items.push_back(read_item(row));
  return items;
}

/// An event's ticket types in display order.
inline std::vector<TicketType> ticket_types_of(sqlite::Connection& db, std::string_view event_id) {
  auto row = db.prepare("SELECT " ADMIT_TICKET_TYPE_COLUMNS(
      "") " FROM ticket_types WHERE event_id = ?1 ORDER BY "
          "position, rowid");
  row.bind(1, event_id);
  std::vector<TicketType> types;
  while (row.step()) types.push_back(read_ticket_type(row));
  return types;
}

inline std::optional<std::string_view> unless_empty(std::string const& text) {
  return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
}

/// Writes a message into the outbox, in the caller's transaction: due at once, and nothing
/// when a row with its id exists.
inline void queue_mail(sqlite::Connection& db, OutboxEntry const& m) {
  db.prepare(
        "INSERT INTO mail_outbox (id, kind, recipient, user_id, registration_id, event_id, reference, secret, paid, "
        "message_id, created_at, next_attempt_at_ms, priority) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?1, ?10, "
        "?11, "
        "?12) ON CONFLICT (id) DO NOTHING")
      .bind(1, m.id)
      .bind(2, mail_kind_name(m.kind))
      .bind(3, m.recipient)
      .bind(4, unless_empty(m.user_id))
      .bind(5, unless_empty(m.registration_id))
      .bind(6, unless_empty(m.event_id))
      .bind(7, unless_empty(m.reference))
      .bind(8, unless_empty(m.secret))
      .bind(9, m.paid ? 1 : 0)
      .bind(10, seconds(m.created_at))
      .bind(11, seconds(m.created_at) * 1000)
      .bind(12, mail_priority(m.kind))
      .run();
}

/// Writes the `kind` message of a registration to its holder, in the caller's transaction.
inline void queue_registration_mail(sqlite::Connection& db, MailKind kind, Registration const& r, Timestamp now) {
  queue_mail(db, OutboxEntry{.id = registration_mail_id(kind, r.id),
                             .kind = kind,
                             .user_id = r.user_id,
                             .registration_id = r.id,
                             .event_id = r.event_id,
                             .paid = r.amount_minor > 0,
                             .created_at = now});
}

/// As queue_registration_mail for the registration `id`, read in the caller's transaction.
inline void queue_registration_mail(sqlite::Connection& db, MailKind kind, std::string_view id, Timestamp now) {
  auto const name = registration_mail_id(kind, id);
  db.prepare(
        "INSERT INTO mail_outbox (id, kind, user_id, registration_id, event_id, paid, message_id, created_at, "
        "next_attempt_at_ms) SELECT ?1, ?2, r.user_id, r.id, r.event_id, r.amount_minor > 0, ?1, ?4, ?4 * 1000 "
        "FROM registrations r WHERE r.id = ?3 ON CONFLICT (id) DO NOTHING")
      .bind(1, name)
      .bind(2, mail_kind_name(kind))
      .bind(3, id)
      .bind(4, seconds(now))
      .run();
}

/// Writes a guest buyer's record when its address has none yet: owned at once by an account
/// that has proved the address already. The record's name is the latest order's (each order
/// keeps its own, registrations.buyer_name).
inline void save_guest(sqlite::Connection& db, GuestBuyer const& guest, Timestamp now) {
  db.prepare(
        "INSERT INTO guest_buyers (id, email, name, user_id, created_at, joined_at) "
        "SELECT ?1, ?2, ?3, u.id, ?4, CASE WHEN u.id IS NULL THEN NULL ELSE ?4 END FROM (SELECT 1) AS one "
        "LEFT JOIN users u ON u.email = ?2 AND u.email_verified_at IS NOT NULL WHERE true "
        "ON CONFLICT (email) DO UPDATE SET name = excluded.name WHERE guest_buyers.name <> excluded.name")
      .bind(1, guest.id)
      .bind(2, guest.email)
      .bind(3, guest.name)
      .bind(4, seconds(now))
      .run();
}

/// Stores a guest order's token (its digest) and, when `mail_id` names a message queued in the
/// same transaction, lets that message carry the token until it is sent.
inline void store_order_link(sqlite::Connection& db, std::string_view registration_id, OrderLink const& link,
                             std::string_view mail_id, Timestamp now) {
  if (link.token_hash.empty()) return;
  db.prepare("INSERT INTO order_tokens (token_hash, registration_id, created_at) VALUES (?1, ?2, ?3)")
      .bind(1, link.token_hash)
      .bind(2, registration_id)
      .bind(3, seconds(now))
      .run();
  if (mail_id.empty() || link.token.empty()) return;
  db.prepare("UPDATE mail_outbox SET secret = ?2 WHERE id = ?1 AND status = 'queued'")
      .bind(1, mail_id)
      .bind(2, link.token)
      .run();
}

/// Gives the guest buyer of the account's (just proved) address to the account.
inline void join_guest_orders(sqlite::Connection& db, std::string_view user_id, Timestamp now) {
  db.prepare(
        "UPDATE guest_buyers SET user_id = ?1, joined_at = ?2 WHERE user_id IS NULL "
        "AND email = (SELECT email FROM users WHERE id = ?1 AND email_verified_at IS NOT NULL)")
      .bind(1, user_id)
      .bind(2, seconds(now))
      .run();
}

/// What SqliteStore::cancel_registration does, on the writer.
Cancellation cancel_registration_in(sqlite::Connection& db, std::string_view id, CancellationRequest const& request,
                                    Timestamp now, Actor const& actor);

/// Offers the event's freed seats to its waiting list (store/waitlist_sql.hpp), in the
/// caller's transaction. Every change that frees seats calls it.
int offer_freed_seats(sqlite::Connection& db, std::string const& event_id, Timestamp now, WaitlistConfig const& config);
/// Ends the offers whose time is up and serves the lists of `events` plus theirs.
int expire_offers(sqlite::Connection& db, Timestamp now, WaitlistConfig const& config, std::set<std::string> events);
/// Takes an erased person out of every waiting line and out of its entries.
void erase_from_waitlists(sqlite::Connection& db, std::string const& user_id, std::string const& email, Timestamp now,
                          WaitlistConfig const& config, Actor const& actor);
/// Closes the waiting list of an event being cancelled (before its registrations are).
void close_waitlist(sqlite::Connection& db, std::string const& event_id, Timestamp now);
/// Promo code uses (sqlite_promo.cpp), in the caller's transaction. A registration leaving a
/// seat-holding status gives its code's use back (call once, as it leaves).
void return_promo_use(sqlite::Connection& db, std::string_view registration_id);
/// Every order of the event that holds seats gives its code's use back: call before they end.
void return_event_promo_uses(sqlite::Connection& db, std::string_view event_id);
/// Whether a registration whose hold lapsed may hold its code again (it has none, or a use is left).
bool promo_use_left(sqlite::Connection& db, std::string_view registration_id);
/// … and takes it.
void retake_promo_use(sqlite::Connection& db, std::string_view registration_id);

}  // namespace sqlite_detail

/// A reader connection borrowed from the pool for one call.
class SqliteStore::Reader {
 public:
  Reader(SqliteStore& store, std::unique_ptr<sqlite::Connection> connection)
      : store_(store), connection_(std::move(connection)) {}
  ~Reader() {
    if (!connection_) return;
    std::lock_guard lock(store_.readers_mutex_);
    store_.idle_readers_.push_back(std::move(connection_));
  }
  Reader(Reader&&) = default;
  sqlite::Connection* operator->() { return connection_.get(); }
  sqlite::Connection& operator*() { return *connection_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<sqlite::Connection> connection_;
  trace::Span span_ = trace::database_span("sqlite read", "sqlite");
};

}  // namespace admit
