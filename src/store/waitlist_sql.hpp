#pragma once

/// The waiting list as both stores run it, written once over a small adapter (`Db`) that each
/// engine provides (store/sqlite/sqlite_waitlist.cpp, store/postgres/postgres_waitlist.cpp).
/// Every function runs inside the caller's transaction; SQL uses `$n` placeholders (SQLite's
/// adapter reads them as `?n`).
///
/// The Db adapter:
///   Table query(std::string_view sql, std::vector<Value> params);  // rows as text (NULL: nullopt)
///   std::int64_t run(std::string_view sql, std::vector<Value> params);  // rows changed
///   void lock_event(std::string_view event_id);  // the event's row lock (PostgreSQL); no-op on SQLite's one writer
///   void lock_buyer(std::string_view event_id, std::string_view buyer_id);  // the lock an order of that
///   buyer takes (PostgreSQL's advisory lock); no-op on SQLite
///   std::optional<PromoFacts> query_promo_facts(std::string_view code_id, std::string_view buyer_id);
///   void queue_mail(OutboxEntry const&);
///   void audit(Timestamp, Actor const&, action, subject_type, subject_id, detail, event_id);
///   void save_guest(GuestBuyer const&, Timestamp);
///   void insert_tickets(std::vector<Ticket> const&);
///   void queue_registration_mail(MailKind, std::string_view registration_id, Timestamp);
///   void store_order_link(std::string const& registration_id, OrderLink const&, std::string const& mail_id,
///   Timestamp);

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/ports.hpp"
#include "domain/promo.hpp"
#include "domain/waitlist.hpp"
#include "store/answer_rows.hpp"
#include "store/rows.hpp"

namespace admit::waitlist_sql {

using Value = std::variant<std::monostate, std::int64_t, std::string>;
using Cell = std::optional<std::string>;
using Table = std::vector<std::vector<Cell>>;

inline std::int64_t seconds_of(Timestamp t) {
  return t.time_since_epoch().count();
}
inline Timestamp time_of(std::int64_t s) {
  return Timestamp{std::chrono::seconds{s}};
}
inline std::int64_t integer(Cell const& cell) {
  std::int64_t v = 0;
  if (cell) std::from_chars(cell->data(), cell->data() + cell->size(), v);
  return v;
}
inline std::int32_t int32(Cell const& cell) {
  return static_cast<std::int32_t>(integer(cell));
}
inline std::string text(Cell const& cell) {
  return cell.value_or(std::string());
}
inline Value nullable(std::string const& s) {
  return s.empty() ? Value{} : Value{s};
}

/// An entry with its position: 1-based among the event's entries in line, by joining order.
#define ADMIT_WAITLIST_COLUMNS                                                                                    \
  "w.id, w.event_id, w.ticket_type_id, w.user_id, w.name, w.email, w.quantity, w.status, w.confirmed, "           \
  "w.registration_id, w.offer_expires_at, w.created_at, w.seq, CASE WHEN w.status IN ('waiting', 'offered') "     \
  "THEN (SELECT COUNT(*) FROM waitlist_entries o WHERE o.event_id = w.event_id AND o.status IN ('waiting', "      \
  "'offered') AND o.seq <= w.seq) ELSE 0 END, w.buyer_id, CASE WHEN w.status = 'offered' THEN (SELECT "           \
  "i.unit_price_minor FROM registration_items i WHERE i.registration_id = w.registration_id AND i.position = 0) " \
  "END "

inline WaitlistEntry read_entry(std::vector<Cell> const& r) {
  return WaitlistEntry{
      .id = text(r[0]),
      .event_id = text(r[1]),
      .ticket_type_id = text(r[2]),
      .user_id = text(r[3]),
      .buyer_id = text(r[14]),
      .name = text(r[4]),
      .email = text(r[5]),
      .quantity = int32(r[6]),
      .status = parse_waitlist_status(text(r[7])).value_or(WaitlistStatus::removed),
      .confirmed = integer(r[8]) != 0,
      .registration_id = r[9],
      .offer_expires_at = r[10] ? std::optional<Timestamp>(time_of(integer(r[10]))) : std::nullopt,
      .created_at = time_of(integer(r[11])),
      .seq = integer(r[12]),
      .position = int32(r[13]),
      .offer_unit_price_minor = integer(r[15]),
  };
}

template <class Db>
std::optional<WaitlistEntry> find_entry(Db& db, std::string_view id) {
  auto const rows =
      db.query("SELECT " ADMIT_WAITLIST_COLUMNS "FROM waitlist_entries w WHERE w.id = $1", {std::string(id)});
  if (rows.empty()) return std::nullopt;
  return read_entry(rows.front());
}

/// The message that tells an entry its seats are held, with its personal link.
inline OutboxEntry offer_mail(WaitlistConfig const& config, std::string const& entry_id, std::string const& email,
                              std::string const& user_id, std::string const& event_id, Timestamp now) {
  return OutboxEntry{.id = "waitlist_offer." + entry_id,
                     .kind = MailKind::waitlist_offer,
                     .recipient = email,
                     .user_id = user_id,
                     .registration_id = {},
                     .event_id = event_id,
                     .reference = entry_id,
                     .secret = config.token ? config.token("offer", entry_id) : std::string(),
                     .paid = false,
                     .created_at = now};
}

/// Offers the event's free seats to its waiting, confirmed entries, strictly in joining order
/// (choose_offers), under the event's lock: each offer is a registration `offered` (id: the
/// entry's) holding its seats until the offer expires, and its message is queued. Nothing while
/// the event is not on sale (a draft, cancelled, begun) or its list is paused. Returns the
/// number of offers made.
template <class Db>
int serve(Db& db, std::string const& event_id, Timestamp now, WaitlistConfig const& config, Actor const& actor) {
  db.lock_event(event_id);
  auto const event = db.query(
      "SELECT status, capacity, registered_count, waitlist_paused, starts_at, currency FROM events WHERE id = $1",
      {event_id});
  if (event.empty()) return 0;
  auto const& e = event.front();
  if (text(e[0]) != "published" || integer(e[3]) != 0 || line_over(time_of(integer(e[4])), now)) return 0;
  FreeSeats free{.event = int32(e[1]) - int32(e[2]), .types = {}};
  if (free.event <= 0) return 0;
  auto const currency = text(e[5]);
  auto const starts_at = time_of(integer(e[4]));
  auto const types =
      db.query("SELECT id, capacity, sold, price_minor, sales_start, sales_end FROM ticket_types WHERE event_id = $1",
               {event_id});
  std::vector<std::int64_t> prices;
  std::vector<Timestamp> expiries;  // per type: offers never outlive its sale
  free.types.reserve(types.size());
  prices.reserve(types.size());
  expiries.reserve(types.size());
  auto const optional_time = [](Cell const& cell) {
    return cell ? std::optional<Timestamp>(time_of(integer(cell))) : std::nullopt;
  };
  for (auto const& t : types) {
    OfferWindow const window{
        .sales_start = optional_time(t[4]), .sales_end = optional_time(t[5]), .event_starts_at = starts_at};
    free.types.push_back({.ticket_type_id = text(t[0]),
                          .free = t[1] ? std::optional<std::int32_t>(int32(t[1]) - int32(t[2])) : std::nullopt,
                          .open = offers_open(window, now)});
    prices.push_back(integer(t[3]));
    expiries.push_back(offer_end(window, now, config.offer_for));
  }
  int offers = 0;
  std::int64_t after_seq = -1;
  // In pages, so a long list is read only as far as the free seats reach.
  constexpr std::int64_t kPage = 500;
  while (free.event > 0) {
    auto const page = db.query(
        "SELECT id, ticket_type_id, quantity, seq, buyer_id, email, user_id, name FROM waitlist_entries "
        "WHERE event_id = $1 AND status = 'waiting' AND confirmed = 1 AND seq > $2 ORDER BY seq LIMIT $3",
        {event_id, after_seq, kPage});
    if (page.empty()) break;
    std::vector<WaitingEntry> waiting;
    waiting.reserve(page.size());
    for (auto const& r : page) {
      waiting.push_back({.id = text(r[0]), .ticket_type_id = text(r[1]), .quantity = int32(r[2])});
    }
    for (auto const i : choose_offers(free, waiting)) {
      auto const& r = page[i];
      auto const& entry = waiting[i];
      std::size_t type_index = 0;
      while (free.types[type_index].ticket_type_id != entry.ticket_type_id) ++type_index;
      auto& type_free = free.types[type_index].free;
      free.event -= entry.quantity;
      if (type_free) *type_free -= entry.quantity;
      auto const price = prices[type_index];
      auto const expires = expiries[type_index];
      // A guest's offer keeps the name they joined with, as a guest order keeps its buyer's
      // (an account's shows the account's).
      db.run(
          "INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, "
          "currency, hold_expires_at, registered_at, updated_at, request_hash, buyer_name) "
          "VALUES ($1, $2, $3, $4, $5, 'offered', $6, $7, $8, $9, $9, '', $10)",
          {entry.id, event_id, entry.ticket_type_id, text(r[4]), std::int64_t{entry.quantity}, price * entry.quantity,
           currency, seconds_of(expires), seconds_of(now), r[6] ? Value{} : Value{text(r[7])}});
      db.run(
          // An offer is at the list price: no promo code is entered for it.
          "INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price_minor, position, "
          "discounted_unit_price_minor) VALUES ($1, $2, $3, $4, 0, $4)",
          {entry.id, entry.ticket_type_id, std::int64_t{entry.quantity}, price});
      db.run("UPDATE events SET registered_count = registered_count + $2 WHERE id = $1",
             {event_id, std::int64_t{entry.quantity}});
      db.run("UPDATE ticket_types SET sold = sold + $2 WHERE id = $1",
             {entry.ticket_type_id, std::int64_t{entry.quantity}});
      db.run(
          "UPDATE waitlist_entries SET status = 'offered', registration_id = $1, offer_expires_at = $2, "
          "updated_at = $3 WHERE id = $1",
          {entry.id, seconds_of(expires), seconds_of(now)});
      db.queue_mail(offer_mail(config, entry.id, text(r[5]), text(r[6]), event_id, now));
      db.audit(now, actor, "waitlist.offered", "waitlist_entry", entry.id, std::to_string(entry.quantity), event_id);
      ++offers;
    }
    if (static_cast<std::int64_t>(page.size()) < kPage) break;
    after_seq = integer(page.back()[3]);
  }
  return offers;
}

/// Gives back the seats of a live offer and removes its hold (it never became an order); the
/// entry ends as `status`. Only when the entry is still `offered` (the conditional update
/// decides between a claim, an expiry and a removal); true when it was.
template <class Db>
bool end_offer(Db& db, std::string const& entry_id, std::string_view status, Timestamp now,
               std::string_view extra_condition = {}) {
  auto const ended =
      db.query(std::string("UPDATE waitlist_entries SET status = $2, updated_at = $3 WHERE id = $1 AND "
                           "status = 'offered'") +
                   std::string(extra_condition) + " RETURNING event_id, ticket_type_id, quantity, registration_id",
               {entry_id, std::string(status), seconds_of(now)});
  if (ended.empty()) return false;
  auto const& r = ended.front();
  auto const quantity = integer(r[2]);
  db.run("UPDATE events SET registered_count = registered_count - $2 WHERE id = $1", {text(r[0]), quantity});
  db.run("UPDATE ticket_types SET sold = sold - $2 WHERE id = $1", {text(r[1]), quantity});
  db.run("UPDATE waitlist_entries SET registration_id = NULL WHERE id = $1", {entry_id});
  db.run("DELETE FROM registration_items WHERE registration_id = $1", {text(r[3])});
  db.run("DELETE FROM registrations WHERE id = $1 AND status = 'offered'", {text(r[3])});
  return true;
}

/// An event's entries still in line (waiting or offered), in joining order, as rows of id,
/// email, user_id, confirmed: what tell_line_closed reads.
template <class Db>
Table entries_in_line(Db& db, std::string const& event_id) {
  return db.query(
      "SELECT id, email, user_id, confirmed FROM waitlist_entries WHERE event_id = $1 AND status IN "
      "('waiting', 'offered') ORDER BY seq",
      {event_id});
}

/// Tells the person of an entry (a row of entries_in_line) that the event's line is closed;
/// an unconfirmed address is not written to.
template <class Db>
void tell_line_closed(Db& db, std::vector<Cell> const& entry, std::string const& event_id, Timestamp now) {
  if (integer(entry[3]) == 0) return;
  auto const id = text(entry[0]);
  db.queue_mail(OutboxEntry{.id = "waitlist_closed." + id,
                            .kind = MailKind::waitlist_closed,
                            .recipient = text(entry[1]),
                            .user_id = text(entry[2]),
                            .registration_id = {},
                            .event_id = event_id,
                            .reference = id,
                            .secret = {},
                            .paid = false,
                            .created_at = now});
}

/// The event has begun (line_over): every entry still in line ends `expired`, a live offer's
/// seats released (its hold never became an order), and each confirmed person is told their
/// place is closed. Under the event's lock; once, whichever node sweeps.
template <class Db>
void close_begun_line(Db& db, std::string const& event_id, Timestamp now) {
  db.lock_event(event_id);
  auto const in_line_rows = entries_in_line(db, event_id);
  for (auto const& r : in_line_rows) {
    auto const id = text(r[0]);
    if (!end_offer(db, id, "expired", now) &&
        db.run("UPDATE waitlist_entries SET status = 'expired', updated_at = $2 WHERE id = $1 AND status = 'waiting'",
               {id, seconds_of(now)}) == 0) {
      continue;
    }
    tell_line_closed(db, r, event_id, now);
  }
  if (!in_line_rows.empty()) {
    db.audit(now, Actor{}, "waitlist.closed", "event", event_id, std::to_string(in_line_rows.size()), event_id);
  }
}

/// Ends every offer whose time is up (once, whichever node sweeps) and serves the lists whose
/// seats that freed; closes the lines of events that have begun. Returns the offers ended.
template <class Db>
int expire_offers(Db& db, Timestamp now, WaitlistConfig const& config, std::set<std::string>& events) {
  auto const begun = db.query(
      "SELECT DISTINCT w.event_id FROM waitlist_entries w JOIN events e ON e.id = w.event_id WHERE w.status IN "
      "('waiting', 'offered') AND e.status = 'published' AND e.starts_at <= $1 ORDER BY w.event_id",
      {seconds_of(now)});
  for (auto const& r : begun) close_begun_line(db, text(r[0]), now);
  auto const due = db.query(
      "SELECT id, event_id FROM waitlist_entries WHERE status = 'offered' AND offer_expires_at <= $1 "
      "ORDER BY event_id, seq",
      {seconds_of(now)});
  int ended = 0;
  for (auto const& r : due) {
    auto const event_id = text(r[1]);
    db.lock_event(event_id);
    if (!end_offer(db, text(r[0]), "expired", now, " AND offer_expires_at <= $3")) continue;
    db.audit(now, Actor{}, "waitlist.offer_expired", "waitlist_entry", text(r[0]), {}, event_id);
    events.insert(event_id);
    ++ended;
  }
  (void)config;
  return ended;
}

/// Serves every list in `events` (in id order, so nodes take the events' locks in one order).
template <class Db>
void serve_all(Db& db, std::set<std::string> const& events, Timestamp now, WaitlistConfig const& config) {
  for (auto const& id : events) serve(db, id, now, config, Actor{});
}

template <class Db>
WaitlistJoinResult join(Db& db, WaitlistEntry entry, Timestamp now, WaitlistConfig const& config, Actor const& actor) {
  db.lock_event(entry.event_id);
  auto const event =
      db.query("SELECT status, starts_at, capacity, registered_count FROM events WHERE id = $1", {entry.event_id});
  if (event.empty() || text(event.front()[0]) == "draft") return {WaitlistJoin::not_found, {}};
  auto const& e = event.front();
  if (text(e[0]) != "published" || time_of(integer(e[1])) <= now) return {WaitlistJoin::closed, {}};
  auto const type = db.query("SELECT capacity, sold FROM ticket_types WHERE id = $1 AND event_id = $2",
                             {entry.ticket_type_id, entry.event_id});
  if (type.empty()) return {WaitlistJoin::not_found, {}};
  auto available = integer(e[2]) - integer(e[3]);
  if (type.front()[0]) available = std::min(available, integer(type.front()[0]) - integer(type.front()[1]));
  if (available >= entry.quantity) return {WaitlistJoin::not_sold_out, {}};
  auto const twin = db.query(
      "SELECT 1 FROM waitlist_entries WHERE event_id = $1 AND ticket_type_id = $2 AND status IN ('waiting', "
      "'offered') AND (email = $3 OR user_id = $4)",
      {entry.event_id, entry.ticket_type_id, entry.email, nullable(entry.user_id)});
  if (!twin.empty()) return {WaitlistJoin::already_waiting, {}};
  auto const seq =
      integer(db.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM waitlist_entries WHERE event_id = $1", {entry.event_id})
                  .front()[0]);
  entry.confirmed = !entry.user_id.empty();
  db.run(
      "INSERT INTO waitlist_entries (id, event_id, ticket_type_id, user_id, buyer_id, name, email, quantity, seq, "
      "status, confirmed, created_at, updated_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, 'waiting', $9, $10, "
      "$10)",
      {entry.id, entry.event_id, entry.ticket_type_id, nullable(entry.user_id), entry.name, entry.email,
       std::int64_t{entry.quantity}, seq, std::int64_t{entry.confirmed ? 1 : 0}, seconds_of(now)});
  db.audit(now, actor, "waitlist.joined", "waitlist_entry", entry.id, std::to_string(entry.quantity), entry.event_id);
  if (entry.confirmed) {
    serve(db, entry.event_id, now, config, actor);
  } else {
    db.queue_mail(OutboxEntry{.id = "waitlist_confirmation." + entry.id,
                              .kind = MailKind::waitlist_confirmation,
                              .recipient = entry.email,
                              .user_id = {},
                              .registration_id = {},
                              .event_id = entry.event_id,
                              .reference = entry.id,
                              .secret = config.token ? config.token("confirm", entry.id) : std::string(),
                              .paid = false,
                              .created_at = now});
  }
  return {WaitlistJoin::joined, *find_entry(db, entry.id)};
}

template <class Db>
std::optional<WaitlistEntry> confirm(Db& db, std::string const& id, Timestamp now, WaitlistConfig const& config,
                                     Actor const& actor) {
  auto entry = find_entry(db, id);
  if (!entry || !in_line(entry->status)) return std::nullopt;
  if (entry->confirmed) return entry;
  db.lock_event(entry->event_id);
  // The address now has a guest buyer record (its own, or one an earlier guest order made), who
  // holds the offers.
  db.save_guest(GuestBuyer{.id = entry->id, .name = entry->name, .email = entry->email}, now);
  db.run(
      "UPDATE waitlist_entries SET confirmed = 1, updated_at = $2, buyer_id = (SELECT id FROM guest_buyers WHERE "
      "email = waitlist_entries.email) WHERE id = $1 AND confirmed = 0",
      {id, seconds_of(now)});
  db.audit(now, actor, "waitlist.confirmed", "waitlist_entry", id, {}, entry->event_id);
  serve(db, entry->event_id, now, config, actor);
  return find_entry(db, id);
}

template <class Db>
bool remove(Db& db, std::string const& event_id, std::string const& id, Timestamp now, WaitlistConfig const& config,
            Actor const& actor) {
  db.lock_event(event_id);
  auto const entry = find_entry(db, id);
  if (!entry || entry->event_id != event_id || !in_line(entry->status)) return false;
  if (!end_offer(db, id, "removed", now)) {
    if (db.run("UPDATE waitlist_entries SET status = 'removed', updated_at = $2 WHERE id = $1 AND status = 'waiting'",
               {id, seconds_of(now)}) == 0) {
      return false;
    }
  }
  db.audit(now, actor, "waitlist.removed", "waitlist_entry", id, {}, event_id);
  serve(db, event_id, now, config, actor);
  return true;
}

/// The event is being cancelled: every entry in line is closed and each confirmed one told.
/// The offers' holds go first, so the event's cancellation finds no offer to cancel; its seat
/// counters are reset by the cancellation itself.
template <class Db>
void close_all(Db& db, std::string const& event_id, Timestamp now) {
  auto const in_line_rows = entries_in_line(db, event_id);
  if (in_line_rows.empty()) return;
  db.run(
      "DELETE FROM registration_items WHERE registration_id IN (SELECT id FROM registrations WHERE event_id = $1 "
      "AND status = 'offered')",
      {event_id});
  db.run(
      "UPDATE waitlist_entries SET status = 'removed', registration_id = NULL, updated_at = $2 WHERE event_id = $1 "
      "AND status IN ('waiting', 'offered')",
      {event_id, seconds_of(now)});
  db.run("DELETE FROM registrations WHERE event_id = $1 AND status = 'offered'", {event_id});
  for (auto const& r : in_line_rows) tell_line_closed(db, r, event_id, now);
  db.audit(now, Actor{}, "waitlist.closed", "event", event_id, std::to_string(in_line_rows.size()), event_id);
}

/// Erasing a person: their places in line (by account or address) are taken out, a live offer's
/// seats going to the next in line, and every entry of theirs loses their name and address.
template <class Db>
void erase_person(Db& db, std::string const& user_id, std::string const& email, std::string const& erased_name,
                  std::string const& erased_address, Timestamp now, WaitlistConfig const& config, Actor const& actor) {
  auto const theirs = db.query(
      "SELECT id, event_id, status FROM waitlist_entries WHERE (user_id = $1 OR email = $2) AND status IN "
      "('waiting', 'offered') ORDER BY event_id, seq",
      {user_id, email});
  std::set<std::string> events;
  for (auto const& r : theirs) {
    db.lock_event(text(r[1]));
    if (!end_offer(db, text(r[0]), "removed", now)) {
      db.run("UPDATE waitlist_entries SET status = 'removed', updated_at = $2 WHERE id = $1",
             {text(r[0]), seconds_of(now)});
    }
    events.insert(text(r[1]));
  }
  db.run("UPDATE waitlist_entries SET name = $3, email = $4 WHERE user_id = $1 OR email = $2",
         {user_id, email, erased_name, erased_address});
  for (auto const& id : events) serve(db, id, now, config, actor);
}

template <class Db>
bool set_paused(Db& db, std::string const& event_id, bool paused, Timestamp now, WaitlistConfig const& config,
                Actor const& actor) {
  db.lock_event(event_id);
  if (db.run("UPDATE events SET waitlist_paused = $2 WHERE id = $1", {event_id, std::int64_t{paused ? 1 : 0}}) == 0) {
    return false;
  }
  db.audit(now, actor, paused ? "waitlist.paused" : "waitlist.resumed", "event", event_id, {}, event_id);
  if (!paused) serve(db, event_id, now, config, actor);
  return true;
}

/// Claims a live offer: the conditional update decides (of a claim, an expiry and a removal at
/// once, one wins); the offer's hold becomes the order, its seats already counted. A claim with
/// a promo code decides the code's use as an order does (check_promo_use, under the buyer's
/// lock, so the per-buyer limit holds across nodes) and takes it with a guarded update, so its
/// uses never pass its limit; the order then carries the discount on every ticket.
template <class Db>
OfferClaim claim(Db& db, OfferClaimRequest const& request, Timestamp now, Actor const& actor) {
  auto const owner = db.query(
      "SELECT w.user_id, (SELECT g.user_id FROM guest_buyers g WHERE g.id = w.buyer_id), w.registration_id, "
      "w.event_id, CASE WHEN w.status = 'offered' AND w.offer_expires_at > $2 THEN 1 ELSE 0 END, w.buyer_id, "
      "w.ticket_type_id, w.quantity "
      "FROM waitlist_entries w WHERE w.id = $1",
      {request.entry_id, seconds_of(now)});
  if (owner.empty()) return OfferClaim::not_available;
  auto const& o = owner.front();
  bool const guest_entry = !o[0];
  bool const yours = request.claimant_user_id.empty() ? guest_entry
                                                      : (text(o[0]) == request.claimant_user_id ||
                                                         (guest_entry && o[1] == request.claimant_user_id));
  if (!yours || integer(o[4]) == 0) return OfferClaim::not_available;
  auto const registration_id = text(o[2]);
  auto const event_id = text(o[3]);
  auto const quantity = integer(o[7]);
  std::int64_t unit_price = 0;
  std::optional<PromoFacts> promo;
  if (!request.promo_code_id.empty()) {
    // The buyer's uses of the code change only under this lock (as for orders).
    db.lock_buyer(event_id, text(o[5]));
    auto const facts = db.query_promo_facts(request.promo_code_id, text(o[5]));
    switch (check_promo_use(facts, event_id, now)) {
      case PromoVerdict::usable: break;
      case PromoVerdict::invalid: return OfferClaim::promo_invalid;
      case PromoVerdict::used_up: return OfferClaim::promo_used_up;
    }
    promo = facts;
    auto const item =
        db.query("SELECT unit_price_minor FROM registration_items WHERE registration_id = $1 AND position = 0",
                 {registration_id});
    if (item.empty()) return OfferClaim::not_available;
    unit_price = integer(item.front()[0]);
    if (discount_per_ticket(unit_price, promo->code, text(o[6])) != request.discount_per_ticket_minor) {
      return OfferClaim::promo_changed;
    }
  }
  if (db.run("UPDATE waitlist_entries SET status = 'claimed', updated_at = $2 WHERE id = $1 AND status = 'offered' "
             "AND offer_expires_at > $2",
             {request.entry_id, seconds_of(now)}) == 0) {
    return OfferClaim::not_available;
  }
  if (promo) {
    // Guarded: of two orders racing for a code's last use (on any node), one gets it.
    if (db.run("UPDATE promo_codes SET uses = uses + 1 WHERE id = $1 AND (max_uses IS NULL OR uses + 1 <= max_uses)",
               {promo->id}) == 0) {
      db.run("UPDATE waitlist_entries SET status = 'offered' WHERE id = $1", {request.entry_id});
      return OfferClaim::promo_used_up;
    }
    auto const discounted = unit_price - request.discount_per_ticket_minor;
    db.run(
        "UPDATE registrations SET promo_code_id = $2, promo_code = $3, discount_minor = $4, amount_minor = $5 "
        "WHERE id = $1",
        {registration_id, promo->id, promo->code.code, request.discount_per_ticket_minor * quantity,
         discounted * quantity});
    db.run("UPDATE registration_items SET discounted_unit_price_minor = $2 WHERE registration_id = $1",
           {registration_id, discounted});
  }
  bool const confirmed = request.status == RegistrationStatus::confirmed;
  db.run(
      "UPDATE registrations SET status = $2, hold_expires_at = $3, registered_at = $4, updated_at = $4, answers = $5, "
      "attendees = $6 WHERE id = $1 AND status = 'offered'",
      {registration_id, std::string(status_name(request.status)),
       request.hold_expires_at ? Value{seconds_of(*request.hold_expires_at)} : Value{}, seconds_of(now),
       answers_json(request.answers), attendees_json(request.attendees)});
  if (confirmed) {
    db.insert_tickets(request.tickets);
    db.queue_registration_mail(MailKind::registration_confirmed, registration_id, now);
  }
  db.store_order_link(
      registration_id, request.link,
      confirmed ? registration_mail_id(MailKind::registration_confirmed, registration_id) : std::string(), now);
  db.audit(now, actor, "waitlist.claimed", "waitlist_entry", request.entry_id, {}, event_id);
  db.audit(now, actor, "registration.created", "registration", registration_id,
           std::string(status_name(request.status)), event_id);
  return OfferClaim::claimed;
}

}  // namespace admit::waitlist_sql
