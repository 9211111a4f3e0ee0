#pragma once

/// Pieces shared by the PostgreSQL store's translation units.

#include <set>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "store/audit_rows.hpp"
#include "store/like_pattern.hpp"
#include "store/mail_rows.hpp"
#include "store/postgres/pg.hpp"
#include "store/rows.hpp"

namespace admit::pg_detail {

inline std::int64_t seconds(Timestamp t) {
  return t.time_since_epoch().count();
}

inline Timestamp timestamp(std::int64_t s) {
  return Timestamp{std::chrono::seconds{s}};
}

inline pg::Param optional_text(std::string_view text) {
  return text.empty() ? pg::Param{} : pg::param(text);
}

/// The audit row of a state change. Its event is `event_id`, or when that is empty the event of
/// the subject (an event, a registration or a ticket), looked up here; subjects that are gone by
/// the time they are audited (a deleted question) name theirs.
inline void audit(pg::Connection& db, Timestamp at, Actor const& actor, std::string_view action,
                  std::string_view subject_type, std::string_view subject_id, std::string_view detail = {},
                  std::string_view event_id = {}) {
  db.exec(
      "INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, detail, event_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::text, " ADMIT_AUDIT_EVENT_OF("$5::text", "$6::text") "))",
      {pg::param(seconds(at)), optional_text(actor.user_id), optional_text(actor.request_id), pg::param(action),
       pg::param(subject_type), pg::param(subject_id), optional_text(detail), optional_text(event_id)});
}

/// Writes a message into the outbox, in the caller's transaction: due at once, and nothing
/// when a row with its id exists.
inline void queue_mail(pg::Connection& db, OutboxEntry const& m) {
  db.exec(
      "INSERT INTO mail_outbox (id, kind, recipient, user_id, registration_id, event_id, reference, secret, paid, "
      "message_id, created_at, next_attempt_at_ms, priority) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $1, "
      "$10::bigint, $10::bigint * 1000, $11) ON CONFLICT (id) DO NOTHING",
      {pg::param(m.id), pg::param(mail_kind_name(m.kind)), pg::param(m.recipient), optional_text(m.user_id),
       optional_text(m.registration_id), optional_text(m.event_id), optional_text(m.reference), optional_text(m.secret),
       pg::param(std::int64_t{m.paid ? 1 : 0}), pg::param(seconds(m.created_at)),
       pg::param(std::int64_t{mail_priority(m.kind)})});
}

/// The statement that writes the `kind` message of each registration in `$1` (ids) to its
/// holder, in the caller's transaction.
inline pg::Statement registration_mail_rows(MailKind kind, std::vector<std::string> const& registration_ids,
                                            Timestamp now) {
  return {
      "INSERT INTO mail_outbox (id, kind, user_id, registration_id, event_id, paid, message_id, created_at, "
      "next_attempt_at_ms) SELECT $2 || '.' || r.id, $2, r.user_id, r.id, r.event_id, "
      "CASE WHEN r.amount_minor > 0 THEN 1 ELSE 0 END, $2 || '.' || r.id, $3::bigint, $3::bigint * 1000 "
      "FROM registrations r WHERE r.id = ANY($1::text[]) ON CONFLICT (id) DO NOTHING",
      {pg::text_array(registration_ids), pg::param(mail_kind_name(kind)), pg::param(seconds(now))}};
}

inline void queue_registration_mail(pg::Connection& db, MailKind kind, std::string_view registration_id,
                                    Timestamp now) {
  auto const statement = registration_mail_rows(kind, {std::string(registration_id)}, now);
  db.exec(statement.sql, statement.params);
}

/// The statement that writes newly issued tickets, all at once.
inline pg::Statement ticket_rows(std::vector<Ticket> const& tickets) {
  std::vector<std::string> ids, registrations, events, users, codes, types, names, emails, answers;
  std::vector<std::int64_t> generated, positions;
  for (auto const& t : tickets) {
    names.push_back(t.holder_name);
    emails.push_back(t.holder_email.value_or(""));
    answers.push_back(answers_json(t.answers));
    types.push_back(t.ticket_type_id);
    ids.push_back(t.id);
    registrations.push_back(t.registration_id);
    events.push_back(t.event_id);
    users.push_back(t.user_id);
    codes.push_back(t.qr_code);
    generated.push_back(seconds(t.generated_at));
    positions.push_back(t.position);
  }
  return {
      // A ticket whose buyer named nobody is the buyer's own.
      "INSERT INTO tickets (id, registration_id, event_id, user_id, status, qr_code, generated_at, position, "
      "ticket_type_id, holder_name, holder_email, answers) SELECT id, r, e, u, 'valid', q, g, p, NULLIF(k, ''), "
      "COALESCE(NULLIF(hn, ''), (SELECT name FROM users WHERE users.id = u), ''), NULLIF(he, ''), a "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::text[], "
      "$9::text[], $10::text[], $11::text[]) AS t(id, r, e, u, q, g, p, k, hn, he, a)",
      {pg::text_array(ids), pg::text_array(registrations), pg::text_array(events), pg::text_array(users),
       pg::text_array(codes), pg::int_array(generated), pg::int_array(positions), pg::text_array(types),
       pg::text_array(names), pg::text_array(emails), pg::text_array(answers)}};
}

/// The rows of placed registrations' items, in one statement: `items[i]` belongs to `registrations[i]`.
inline pg::Statement item_rows(std::vector<std::string> const& registrations,
                               std::vector<RegistrationItem const*> const& items,
                               std::vector<std::int64_t> const& positions) {
  std::vector<std::string> types;
  std::vector<std::int64_t> quantities, prices, discounted;
  for (auto const* item : items) {
    types.push_back(item->ticket_type_id);
    quantities.push_back(item->quantity);
    prices.push_back(item->unit_price_minor);
    discounted.push_back(item->discounted_unit_price_minor());
  }
  return {
      "INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price_minor, position, "
      "discounted_unit_price_minor) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::int[], "
      "$6::bigint[])",
      {pg::text_array(registrations), pg::text_array(types), pg::int_array(quantities), pg::int_array(prices),
       pg::int_array(positions), pg::int_array(discounted)}};
}

/// A registration's items, with their types' names.
inline std::vector<RegistrationItem> items_of(pg::Connection& db, std::string_view registration_id) {
  auto r = db.exec(ADMIT_ITEMS_OF("$1"), {pg::param(registration_id)});
  std::vector<RegistrationItem> items;
  items.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) items.push_back(read_item(pg::Row(r, i)));
  return items;
}

/// An event's ticket types in display order.
inline std::vector<TicketType> ticket_types_of(pg::Connection& db, std::string_view event_id) {
  auto r =
      db.exec("SELECT " ADMIT_TICKET_TYPE_COLUMNS("") " FROM ticket_types WHERE event_id = $1 ORDER BY position, id",
              {pg::param(event_id)});
  std::vector<TicketType> types;
  types.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) types.push_back(read_ticket_type(pg::Row(r, i)));
  return types;
}

/// Writes newly issued tickets, all in one statement.
inline void insert_tickets(pg::Connection& db, std::vector<Ticket> const& tickets) {
  if (tickets.empty()) return;
  auto const statement = ticket_rows(tickets);
  db.exec(statement.sql, statement.params);
}

inline std::optional<Timestamp> optional_timestamp(std::optional<std::int64_t> s) {
  return s ? std::optional<Timestamp>(timestamp(*s)) : std::nullopt;
}

inline std::optional<std::int32_t> optional_int32(std::optional<std::int64_t> v) {
  return v ? std::optional<std::int32_t>(static_cast<std::int32_t>(*v)) : std::nullopt;
}

/// A stable 32-bit key for the advisory lock (class kAttendeeLock) that serialises what one
/// attendee takes of one event across nodes: new orders and late payments (FNV-1a, so that
/// every node computes the same key). `kind` keeps keys of other subjects apart.
inline std::int32_t attendee_lock_key(std::string_view event_id, std::string_view user_id, std::string_view kind = {}) {
  std::uint32_t hash = 2166136261u;
  auto const mix = [&hash](std::string_view text) {
    for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  };
  mix(kind);
  mix(event_id);
  mix(std::string_view("\n", 1));
  mix(user_id);
  return static_cast<std::int32_t>(hash);
}

inline pg::Param optional_seconds(std::optional<Timestamp> t) {
  return t ? pg::param(seconds(*t)) : pg::Param{};
}

/// Every row of a result as an entity, read by `read` (one of store/rows.hpp's readers).
template <class Read>
auto read_all(pg::Result const& r, Read read) {
  std::vector<decltype(read(pg::Row(r, 0)))> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(pg::Row(r, i)));
  return out;
}

std::vector<EventKey> select_event_keys(pg::Connection& db, std::string_view event_id);

/// What PostgresStore::cancel_registration does, in the caller's transaction.
Cancellation cancel_registration_in(pg::Connection& db, std::string_view id, CancellationRequest const& request,
                                    Timestamp now, Actor const& actor);

/// Promo code uses (postgres_promo.cpp), in the caller's transaction. A registration leaving a
/// seat-holding status gives its code's use back (call once, as it leaves).
void return_promo_use(pg::Connection& db, std::string_view registration_id);
/// … for several registrations at once (the sweeper's expired holds).
void return_promo_uses(pg::Connection& db, std::vector<std::string> const& registration_ids);
/// Every order of the event that holds seats gives its code's use back: call before they end.
void return_event_promo_uses(pg::Connection& db, std::string_view event_id);
/// Whether a registration whose hold lapsed may hold its code again (it has none, or a use is
/// left); call under the event's row lock, which every increase of uses takes.
bool promo_use_left(pg::Connection& db, std::string_view registration_id);
/// … and takes it.
void retake_promo_use(pg::Connection& db, std::string_view registration_id);

/// Tickets of a registration (with the holder's name), in seat order.
std::vector<Ticket> tickets_of(pg::Connection& db, std::string_view registration_id);

/// An exception from an asynchronous write, as a result: outages are 503s, anything else is
/// logged with what was being done.
Error write_failure(std::exception_ptr const& failure, std::string_view what);

/// The statement that writes guest buyers' records (id, email, name arrays) where their
/// addresses have none yet, each owned at once by an account that proved the address already;
/// a known address's record takes the latest order's name (each order keeps its own,
/// registrations.buyer_name). One row per address.
inline pg::Statement guest_rows(std::vector<std::string> const& ids, std::vector<std::string> const& emails,
                                std::vector<std::string> const& names, Timestamp now) {
  return {
      "INSERT INTO guest_buyers (id, email, name, user_id, created_at, joined_at) "
      "SELECT g.id, g.email, g.name, u.id, $4::bigint, CASE WHEN u.id IS NULL THEN NULL ELSE $4::bigint END "
      "FROM unnest($1::text[], $2::text[], $3::text[]) AS g(id, email, name) "
      "LEFT JOIN users u ON u.email = g.email AND u.email_verified_at IS NOT NULL "
      "ON CONFLICT (email) DO UPDATE SET name = excluded.name WHERE guest_buyers.name <> excluded.name",
      {pg::text_array(ids), pg::text_array(emails), pg::text_array(names), pg::param(seconds(now))}};
}

/// The statements that store guest orders' tokens (digests) and let the confirmations queued in
/// the same transaction (`registration_confirmed.<id>`, for tokens given) carry them until sent.
inline std::vector<pg::Statement> order_link_rows(std::vector<std::string> const& registration_ids,
                                                  std::vector<OrderLink> const& links, Timestamp now) {
  std::vector<std::string> hashes, tokens, mailed;
  hashes.reserve(links.size());
  for (std::size_t i = 0; i < links.size(); ++i) {
    hashes.push_back(links[i].token_hash);
    if (!links[i].token.empty()) {
      tokens.push_back(links[i].token);
      mailed.push_back(registration_mail_id(MailKind::registration_confirmed, registration_ids[i]));
    }
  }
  std::vector<pg::Statement> out{
      {"INSERT INTO order_tokens (token_hash, registration_id, created_at) "
       "SELECT h, r, $3::bigint FROM unnest($1::text[], $2::text[]) AS x(h, r)",
       {pg::text_array(hashes), pg::text_array(registration_ids), pg::param(seconds(now))}}};
  if (!mailed.empty()) {
    out.push_back(
        {"UPDATE mail_outbox m SET secret = x.t FROM unnest($1::text[], $2::text[]) AS x(id, t) "
         "WHERE m.id = x.id AND m.status = 'queued'",
         {pg::text_array(mailed), pg::text_array(tokens)}});
  }
  return out;
}

inline void store_order_link(pg::Connection& db, std::string const& registration_id, OrderLink const& link,
                             Timestamp now) {
  if (link.token_hash.empty()) return;
  for (auto const& statement : order_link_rows({registration_id}, {link}, now))
    db.exec(statement.sql, statement.params);
}

/// Gives the guest buyer of the account's (just proved) address to the account; true when it
/// had one.
inline bool join_guest_orders(pg::Connection& db, std::string_view user_id, Timestamp now) {
  return db.exec(
               "UPDATE guest_buyers SET user_id = $1, joined_at = $2 WHERE user_id IS NULL "
               "AND email = (SELECT email FROM users WHERE id = $1 AND email_verified_at IS NOT NULL)",
               {pg::param(user_id), pg::param(seconds(now))})
             .affected() > 0;
}

/// Offers the event's freed seats to its waiting list (store/waitlist_sql.hpp), in the
/// caller's transaction, under the event's row lock. Every change that frees seats calls it.
int offer_freed_seats(pg::Connection& db, std::string const& event_id, Timestamp now, WaitlistConfig const& config);
/// Ends the offers whose time is up and serves the lists of `events` plus theirs.
int expire_offers(pg::Connection& db, Timestamp now, WaitlistConfig const& config, std::set<std::string> events);
/// Takes an erased person out of every waiting line and out of its entries.
void erase_from_waitlists(pg::Connection& db, std::string const& user_id, std::string const& email, Timestamp now,
                          WaitlistConfig const& config, Actor const& actor);
/// Closes the waiting list of an event being cancelled (before its registrations are).
void close_waitlist(pg::Connection& db, std::string const& event_id, Timestamp now);

}  // namespace admit::pg_detail
