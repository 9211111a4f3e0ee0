// The registration and ticket parts of the PostgreSQL store, with the batching
// registration writer.

#include <algorithm>
#include <exception>
#include <map>
#include <ranges>
#include <set>
#include <unordered_map>

#include "base/log.hpp"
#include "store/policy.hpp"
#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/promo_rows.hpp"
#include "store/redemption.hpp"
#include "store/refund_rows.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::seconds;
using pg_detail::timestamp;

namespace {

std::optional<Ticket> select_ticket(Connection& db, std::string_view id) {
  auto r = db.exec("SELECT " ADMIT_TICKET_COLUMNS ADMIT_TICKETS_FROM "WHERE t.id = $1", {param(id)});
  if (r.empty()) return std::nullopt;
  return read_ticket(pg::Row(r, 0));
}

/// An event as a registration batch read it (under its row lock when the batch claims that way).
struct BatchEvent {
  SaleSnapshot sale;       ///< its seats taken and types' sold count the orders this batch placed so far
  std::int32_t added = 0;  ///< seats this batch takes
};

using Pair = std::pair<std::string, std::string>;

/// Columns of the rows a batch inserts, one array per column.
struct RegistrationRows {
  std::vector<std::string> id, event_id, type_id, user_id, status, currency, request_hash, answers, attendees;
  std::vector<std::optional<std::string>> payment_id, idempotency_key, client_address, promo_code_id, promo_code,
      buyer_name;
  std::vector<std::int64_t> quantity, amount, registered_at, updated_at, discount;
  std::vector<std::optional<std::int64_t>> hold;

  void add(NewRegistration const& o) {
    auto const& r = o.registration;
    id.push_back(r.id);
    event_id.push_back(r.event_id);
    type_id.push_back(r.ticket_type_id);
    user_id.push_back(r.user_id);
    quantity.push_back(r.quantity);
    status.push_back(std::string(status_name(r.status)));
    amount.push_back(r.amount_minor);
    currency.push_back(r.currency);
    payment_id.push_back(r.payment_id);
    hold.push_back(r.hold_expires_at ? std::optional<std::int64_t>(seconds(*r.hold_expires_at)) : std::nullopt);
    registered_at.push_back(seconds(r.registered_at));
    updated_at.push_back(seconds(r.updated_at));
    idempotency_key.push_back(o.idempotency_key.empty() ? std::nullopt : std::optional<std::string>(o.idempotency_key));
    request_hash.push_back(o.request_hash);
    client_address.push_back(o.client_address.empty() ? std::nullopt : std::optional<std::string>(o.client_address));
    answers.push_back(answers_json(o.answers));
    attendees.push_back(attendees_json(o.attendees));
    promo_code_id.push_back(r.promo_code_id);
    promo_code.push_back(r.promo_code);
    discount.push_back(r.discount_minor);
    buyer_name.push_back(o.guest ? std::optional<std::string>(o.guest->name) : std::nullopt);
  }
};

struct AuditRows {
  std::vector<std::int64_t> at;
  std::vector<std::optional<std::string>> actor, request;
  std::vector<std::string> subject, detail, event;

  void add(Timestamp when, Actor const& a, std::string const& registration_id, std::string_view status,
           std::string const& event_id) {
    at.push_back(seconds(when));
    actor.push_back(a.user_id.empty() ? std::nullopt : std::optional<std::string>(a.user_id));
    request.push_back(a.request_id.empty() ? std::nullopt : std::optional<std::string>(a.request_id));
    subject.push_back(registration_id);
    detail.push_back(std::string(status));
    event.push_back(event_id);
  }
};

/// The SQLSTATE `admit_require` raises (migration V005): the seats or the event changed
/// between an optimistic batch's reads and its counter update.
constexpr std::string_view kGuardFailed = "AD001";

/// A batch's events as its decisions need them.
#define ADMIT_BATCH_EVENTS                                                                                \
  "SELECT e.id, e.status = 'published', e.starts_at, e.capacity, e.registered_count, e.max_per_attendee " \
  "FROM events e WHERE e.id = ANY($1::text[])"

/// Each address's guest buyer record (its id, or NULL) and the account its orders count
/// against: the record's owner, or the verified account the record would be given to.
#define ADMIT_GUEST_OWNERS \
  "SELECT a.email, g.id, " ADMIT_ADDRESS_OWNER("g", "a.email") " FROM (SELECT DISTINCT email FROM " \
  "unnest($1::text[]) AS x(email)) a LEFT JOIN guest_buyers g ON g.email = a.email"

/// How a batch claims its seats.
enum class Claim {
  /// Reads without locking the events, decides, inserts, and takes the seats at the very end
  /// with one guarded counter update (capacity left, event unchanged) just before COMMIT, so
  /// an event's row is locked only while a commit is flushed and batches of several writers
  /// and nodes insert in parallel.
  optimistic,
  /// After the guard failed: locks the batch's events first (id order) and decides against
  /// the locked counts, at the cost of holding the rows for the whole transaction.
  locked,
};

/// Decides and writes one batch of orders in one transaction. Orders of one attendee for one
/// event are serialised across nodes by an advisory lock taken first, so their seat limit
/// holds; capacity is decided under the events' row locks (Claim::locked) or guarded by the
/// final counter update (Claim::optimistic, which throws DatabaseError kGuardFailed when the
/// guard finds the seats or the event changed). Orders of one batch see each other's seats
/// and idempotency keys.
void place_batch(Connection& db, std::vector<PostgresStore::Order>& batch, Claim claim) {
  // Whose limits each guest order counts against (domain attendee_of): its address's account,
  // read before the locks so that the order takes that person's lock, and read again under
  // them: if a sign-up proved the address in between, the order is decided again.
  std::unordered_map<std::string, std::string> owners;  // address → the account that proved it
  {
    std::vector<std::string> addresses;
    for (auto const& o : batch) {
      if (o.order.guest) addresses.push_back(o.order.guest->email);
    }
    if (!addresses.empty()) {
      auto const r = db.exec(ADMIT_GUEST_OWNERS, {pg::text_array(addresses)});
      for (int i : std::views::iota(0, r.rows())) {
        if (!r.is_null(i, 2)) owners[r.text(i, 0)] = r.text(i, 2);
      }
    }
  }
  auto const attendee_of_order = [&owners](NewRegistration const& order) {
    std::optional<std::string> owner;
    if (order.guest) {
      if (auto const found = owners.find(order.guest->email); found != owners.end()) owner = found->second;
    }
    return std::string(attendee_of(order.registration.user_id, owner));
  };
  std::set<std::string> event_ids;
  std::set<std::string> user_ids;
  std::set<std::int64_t> attendee_keys;
  std::vector<std::string> key_users, keys, pair_events, pair_users, pair_attendees, client_events, clients,
      guest_emails;
  std::vector<std::string> promo_ids, promo_buyers;  // each order's code with its buyer
  for (auto& o : batch) {
    auto const& reg = o.order.registration;
    o.result = PlacementResult{};
    if (o.order.guest) {
      // One address's first guest orders (with ids chosen apart) take turns too, so the
      // address gets one buyer record.
      attendee_keys.insert(pg_detail::attendee_lock_key({}, o.order.guest->email, "guest\n"));
      guest_emails.push_back(o.order.guest->email);
    }
    event_ids.insert(reg.event_id);
    user_ids.insert(reg.user_id);
    pair_events.push_back(reg.event_id);
    pair_users.push_back(reg.user_id);
    pair_attendees.push_back(attendee_of_order(o.order));
    // One lock per person and event: every order counted against the attendee takes turns (a
    // guest order of a proved address with its account's), and the buyer record's; a payment
    // arriving after its hold ended takes the same two (apply_payment_success).
    attendee_keys.insert(pg_detail::attendee_lock_key(reg.event_id, pair_attendees.back()));
    attendee_keys.insert(pg_detail::attendee_lock_key(reg.event_id, reg.user_id));
    if (terms_of(o.order).capped_by_client()) {
      // One client's unpaid orders for one event take turns across nodes too, so its cap holds.
      attendee_keys.insert(pg_detail::attendee_lock_key(reg.event_id, o.order.client_address, "client\n"));
      client_events.push_back(reg.event_id);
      clients.push_back(o.order.client_address);
    }
    if (!o.order.idempotency_key.empty()) {
      key_users.push_back(reg.user_id);
      keys.push_back(o.order.idempotency_key);
    }
    if (reg.promo_code_id) {
      promo_ids.push_back(*reg.promo_code_id);
      promo_buyers.push_back(reg.user_id);
    }
  }
  std::vector<std::string> const event_list(event_ids.begin(), event_ids.end());
  // Every read in one round trip. Locks come first, each kind in ascending order (batches
  // never wait for each other in a cycle): the attendees' advisory locks, then — when claiming
  // under lock — the events' rows. The reads after them see whatever the last holder of those
  // locks committed: a twin request's idempotency key, an attendee's seats.
  std::vector<pg::Statement> read_statements{
      {"BEGIN", {}},
      {"SELECT pg_advisory_xact_lock(1, k) FROM unnest($1::int[]) AS k",
       {pg::int_array(std::vector<std::int64_t>(attendee_keys.begin(), attendee_keys.end()))}},
      {claim == Claim::locked ? ADMIT_BATCH_EVENTS " ORDER BY e.id FOR NO KEY UPDATE OF e" : ADMIT_BATCH_EVENTS,
       {pg::text_array(event_list)}},
      // After the events (and their locks, when claiming under lock): a type's seats change only
      // under its event's row lock.
      {"SELECT " ADMIT_TICKET_TYPE_COLUMNS("") " FROM ticket_types WHERE event_id = ANY($1::text[]) "
                                               "ORDER BY event_id, position, id",
       {pg::text_array(event_list)}},
      {"SELECT r.user_id, r.idempotency_key, r.id, r.request_hash FROM registrations r "
       "JOIN unnest($1::text[], $2::text[]) AS ik(u, k) ON r.user_id = ik.u AND r.idempotency_key = ik.k",
       {pg::text_array(key_users), pg::text_array(keys)}},
      // One row per (event, attendee, buyer record of the attendee's), combined below.
      {"SELECT k.e, k.a, " ADMIT_ATTENDEE_HOLDINGS(
           "$4") " FROM registrations r "
                 "JOIN (SELECT DISTINCT p.e, p.a, b.id FROM unnest($1::text[], $2::text[], $3::text[]) AS p(e, u, a) "
                 "CROSS JOIN LATERAL (" ADMIT_PERSON_RECORDS(
                     "p.u", "p.a") ") AS b) k "
                                   "ON r.event_id = k.e AND r.user_id = k.id GROUP BY k.e, k.a, k.id",
       {pg::text_array(pair_events), pg::text_array(pair_users), pg::text_array(pair_attendees),
        param(seconds(batch.front().now))}},
      {"SELECT id, name FROM users WHERE id = ANY($1::text[])",
       {pg::text_array(std::vector<std::string>(user_ids.begin(), user_ids.end()))}},
      {"SELECT r.event_id, r.client_address, COUNT(*) FROM registrations r "
       "JOIN (SELECT DISTINCT e, c FROM unnest($1::text[], $2::text[]) AS k(e, c)) k "
       "ON r.event_id = k.e AND r.client_address = k.c WHERE " ADMIT_OPEN_HOLD("$3") " GROUP BY 1, 2",
       {pg::text_array(client_events), pg::text_array(clients), param(seconds(batch.front().now))}},
  };
  // Only a batch with guest orders reads their addresses' buyer records: the signed-in sale
  // does no extra work.
  if (!guest_emails.empty()) {
    read_statements.push_back({ADMIT_GUEST_OWNERS, {pg::text_array(guest_emails)}});
  }
  // Only a batch with codes reads them, each with its buyers' uses: read after the attendees'
  // locks, under which a buyer's uses change, and (claiming under lock) the events' locks,
  // under which a code's uses rise.
  std::size_t promo_read = 0;
  if (!promo_ids.empty()) {
    promo_read = read_statements.size();
    read_statements.push_back({"SELECT k.u, " ADMIT_PROMO_COLUMNS(
                                   "p.") ", (SELECT COUNT(*) FROM registrations r WHERE r.promo_code_id = p.id "
                                         "AND r.user_id = k.u AND r.status IN " ADMIT_SEAT_HOLDING
                                         ") FROM promo_codes p JOIN (SELECT DISTINCT c, u FROM "
                                         "unnest($1::text[], $2::text[]) AS k(c, u)) k ON p.id = k.c",
                               {pg::text_array(promo_ids), pg::text_array(promo_buyers)}});
  }
  auto const reads = db.pipeline(read_statements);

  std::unordered_map<std::string, BatchEvent> events;
  for (auto const& r = reads[2]; int i : std::views::iota(0, r.rows())) {
    events[r.text(i, 0)] = BatchEvent{.sale = {.published = r.integer(i, 1) != 0,
                                               .starts_at = timestamp(r.integer(i, 2)),
                                               .max_per_attendee = static_cast<std::int32_t>(r.integer(i, 5)),
                                               .event_seats = {.capacity = static_cast<std::int32_t>(r.integer(i, 3)),
                                                               .taken = static_cast<std::int32_t>(r.integer(i, 4))},
                                               .types = {}}};
  }
  for (auto const& r = reads[3]; int i : std::views::iota(0, r.rows())) {
    auto type = read_ticket_type(pg::Row(r, i));
    if (auto const found = events.find(type.event_id); found != events.end()) {
      found->second.sale.types.push_back(type_on_sale(type));
    }
  }
  std::map<Pair, Pair> used_keys;  // (user, key) → (registration id, request hash)
  for (auto const& r = reads[4]; int i : std::views::iota(0, r.rows())) {
    used_keys[{r.text(i, 0), r.text(i, 1)}] = {r.text(i, 2), r.text(i, 3)};
  }
  // (event, attendee) → what the attendee holds already, over all their buyer records
  std::map<Pair, AttendeeHoldings> held;
  for (auto const& r = reads[5]; int i : std::views::iota(0, r.rows())) {
    auto& person = held[{r.text(i, 0), r.text(i, 1)}];
    person = holdings_together(person, read_holdings([&](int c) { return r.integer(i, c + 2); },
                                                     [&](int c) { return r.optional_integer(i, c + 2); }));
  }
  std::map<Pair, std::int32_t> client_holds;  // (event, client address) → its open unpaid orders
  for (auto const& r = reads[7]; int i : std::views::iota(0, r.rows())) {
    client_holds[{r.text(i, 0), r.text(i, 1)}] = static_cast<std::int32_t>(r.integer(i, 2));
  }
  std::unordered_map<std::string, std::string> names;
  for (auto const& r = reads[6]; int i : std::views::iota(0, r.rows())) names[r.text(i, 0)] = r.text(i, 1);
  std::unordered_map<std::string, std::string> guest_ids;   // address → its buyer record's id
  std::unordered_map<std::string, std::string> owners_now;  // address → its account, under the locks
  if (!guest_emails.empty()) {
    for (auto const& r = reads[8]; int i : std::views::iota(0, r.rows())) {
      if (!r.is_null(i, 1)) guest_ids[r.text(i, 0)] = r.text(i, 1);
      if (!r.is_null(i, 2)) owners_now[r.text(i, 0)] = r.text(i, 2);
    }
  }
  std::map<std::string, PromoFacts> promos;       // code id → the code, its uses as this batch left them
  std::map<Pair, std::int32_t> promo_buyer_uses;  // (code id, buyer) → the buyer's uses, likewise
  if (promo_read > 0) {
    for (auto const& r = reads[promo_read]; int i : std::views::iota(0, r.rows())) {
      auto facts = read_promo_facts(pg::Row(r, i), 1);
      promo_buyer_uses[{facts.id, r.text(i, 0)}] = facts.buyer_uses;
      promos.try_emplace(facts.id, std::move(facts));
    }
  }
  std::map<std::string, std::int64_t> promo_taken;  // code id → uses this batch takes
  // The buyer records this batch's guest orders write: one per address (guest_row: its index).
  std::vector<std::string> guest_row_ids, guest_row_emails, guest_row_names, link_registrations;
  std::map<std::string, std::size_t> guest_row;
  std::vector<OrderLink> links;

  RegistrationRows rows;
  std::vector<std::string> item_registrations;  // one entry per item written, with its order's id
  std::vector<RegistrationItem const*> items;
  std::vector<std::int64_t> item_positions;
  AuditRows audits;
  std::vector<Ticket> tickets;
  std::vector<std::string> confirmed;  // registrations confirmed at once, whose holders get their tickets
  for (auto& o : batch) {
    auto& reg = o.order.registration;
    if (o.order.guest) {
      // Decided with the address's buyer record as stored (or as an earlier order of this batch made it).
      auto const& email = o.order.guest->email;
      auto const known = guest_ids.find(email);
      auto const owner_now = owners_now.find(email);
      auto const owner = owners.find(email);
      bool const same_owner = owner_now == owners_now.end()
                                  ? owner == owners.end()
                                  : owner != owners.end() && owner->second == owner_now->second;
      if ((known != guest_ids.end() && known->second != reg.user_id) || !same_owner) {
        o.result.outcome = Placement::buyer_changed;
        continue;
      }
    }
    auto const terms = terms_of(o.order);
    // The facts as this batch's reads and its orders so far left them.
    OrderFacts facts;
    std::string earlier_id;
    if (!o.order.idempotency_key.empty()) {
      if (auto const found = used_keys.find({reg.user_id, o.order.idempotency_key}); found != used_keys.end()) {
        facts.key = key_use(found->second.second, o.order.request_hash);
        earlier_id = found->second.first;
      }
    }
    auto const event = events.find(reg.event_id);
    if (event != events.end()) facts.sale = event->second.sale;
    Pair const attendee{reg.event_id, attendee_of_order(o.order)};
    if (auto const found = held.find(attendee); found != held.end()) facts.holdings = found->second;
    Pair const client{reg.event_id, o.order.client_address};
    if (terms.capped_by_client()) {
      if (auto const found = client_holds.find(client); found != client_holds.end()) {
        facts.client_open_holds = found->second;
      }
    }
    std::optional<Pair> promo_buyer;
    if (reg.promo_code_id) {
      if (auto const found = promos.find(*reg.promo_code_id); found != promos.end()) {
        facts.promo = found->second;
        promo_buyer = Pair{found->first, reg.user_id};
        facts.promo->buyer_uses = promo_buyer_uses[*promo_buyer];
      }
    }
    // Too few seats as of this batch's reads is a refusal true at that instant, whatever
    // cancellations commit meanwhile (later orders take those seats).
    auto const decision = decide_placement(facts, terms, o.now);
    o.result = placement_result(decision);
    if (decision.outcome == Placement::replayed || decision.outcome == Placement::idempotency_mismatch) {
      o.result.detail.registration.id = earlier_id;
    }
    if (decision.outcome != Placement::placed) continue;

    count_placed(facts, terms);
    held[attendee] = facts.holdings;
    if (terms.capped_by_client()) client_holds[client] = facts.client_open_holds;
    if (facts.promo && promo_buyer) {
      promos[facts.promo->id].uses = facts.promo->uses;
      promo_buyer_uses[*promo_buyer] = facts.promo->buyer_uses;
      ++promo_taken[facts.promo->id];
    }
    auto& e = event->second;
    e.sale = *facts.sale;
    e.added += reg.quantity;
    reg.ticket_type_id = o.order.items.front().ticket_type_id;
    for (std::size_t i = 0; i < o.order.items.size(); ++i) {
      item_registrations.push_back(reg.id);
      items.push_back(&o.order.items[i]);
      item_positions.push_back(static_cast<std::int64_t>(i));
    }
    if (decision.hold_end) reg.hold_expires_at = decision.hold_end;
    if (!o.order.idempotency_key.empty()) {
      used_keys[{reg.user_id, o.order.idempotency_key}] = {reg.id, o.order.request_hash};
    }
    rows.add(o.order);
    audits.add(o.now, o.actor, reg.id, status_name(reg.status), reg.event_id);
    if (reg.status == RegistrationStatus::confirmed) confirmed.push_back(reg.id);
    if (auto const& guest = o.order.guest) {
      // One row per address, made or (a known address) given the latest order's name.
      guest_ids.insert_or_assign(guest->email, reg.user_id);
      if (auto const [row, first] = guest_row.try_emplace(guest->email, guest_row_ids.size()); first) {
        guest_row_ids.push_back(guest->id);
        guest_row_emails.push_back(guest->email);
        guest_row_names.push_back(guest->name);
      } else {
        guest_row_names[row->second] = guest->name;
      }
      link_registrations.push_back(reg.id);
      links.push_back(reg.status == RegistrationStatus::confirmed
                          ? o.order.link
                          : OrderLink{.token = {}, .token_hash = o.order.link.token_hash});
    }
    auto const& holder = o.order.guest ? o.order.guest->name : names[reg.user_id];
    for (auto& t : o.order.tickets) {
      if (t.holder_name.empty()) t.holder_name = holder;
      tickets.push_back(t);
    }
    o.result.detail = {reg,           o.order.tickets, queued_confirmation(reg),
                       o.order.items, o.order.answers, o.order.attendees,
                       o.order.guest};
  }
  if (rows.id.empty()) {
    db.exec("COMMIT");
    return;
  }
  std::vector<std::string> changed_events;  // in id order: `events` is unordered
  std::vector<std::int64_t> added, starts_at;
  // The types whose seats this batch takes, with what the decisions read of them, for the guard.
  std::vector<std::string> changed_types;
  std::vector<std::int64_t> type_added, type_price;
  std::vector<std::optional<std::int64_t>> type_start, type_end;
  std::map<std::string, std::int64_t> sold_now;  // type id → seats this batch takes of it
  for (auto const* item : items) sold_now[item->ticket_type_id] += item->quantity;
  for (auto const& id : event_list) {
    auto const found = events.find(id);
    if (found == events.end() || found->second.added == 0) continue;
    changed_events.push_back(id);
    added.push_back(found->second.added);
    starts_at.push_back(seconds(found->second.sale.starts_at));
    for (auto const& type : found->second.sale.types) {
      auto const n = sold_now.find(type.id);
      if (n == sold_now.end()) continue;
      changed_types.push_back(type.id);
      type_added.push_back(n->second);
      type_price.push_back(type.unit_price_minor);
      type_start.push_back(type.sales_start ? std::optional<std::int64_t>(seconds(*type.sales_start)) : std::nullopt);
      type_end.push_back(type.sales_end ? std::optional<std::int64_t>(seconds(*type.sales_end)) : std::nullopt);
    }
  }
  // Every write and the commit in one round trip. The CHECK (registered_count <= capacity)
  // would refuse an oversell even if the decisions above were wrong.
  std::vector<pg::Statement> writes{
      {"INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, currency, "
       "payment_id, hold_expires_at, registered_at, updated_at, idempotency_key, request_hash, client_address, "
       "answers, attendees, promo_code_id, promo_code, discount_minor, buyer_name) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], "
       "$8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::text[], $15::text[], "
       "$16::text[], $17::text[], $18::text[], $19::text[], $20::bigint[], $21::text[])",
       {pg::text_array(rows.id),
        pg::text_array(rows.event_id),
        pg::text_array(rows.type_id),
        pg::text_array(rows.user_id),
        pg::int_array(rows.quantity),
        pg::text_array(rows.status),
        pg::int_array(rows.amount),
        pg::text_array(rows.currency),
        pg::text_array(rows.payment_id),
        pg::int_array(rows.hold),
        pg::int_array(rows.registered_at),
        pg::int_array(rows.updated_at),
        pg::text_array(rows.idempotency_key),
        pg::text_array(rows.request_hash),
        pg::text_array(rows.client_address),
        pg::text_array(rows.answers),
        pg::text_array(rows.attendees),
        pg::text_array(rows.promo_code_id),
        pg::text_array(rows.promo_code),
        pg::int_array(rows.discount),
        pg::text_array(rows.buyer_name)}},
      {"INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, detail, event_id) "
       "SELECT at, a, q, 'registration.created', 'registration', s, d, e "
       "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(at, a, q, s, d, e)",
       {pg::int_array(audits.at), pg::text_array(audits.actor), pg::text_array(audits.request),
        pg::text_array(audits.subject), pg::text_array(audits.detail), pg::text_array(audits.event)}},
  };
  writes.push_back(pg_detail::item_rows(item_registrations, items, item_positions));
  if (!tickets.empty()) writes.push_back(pg_detail::ticket_rows(tickets));
  if (!confirmed.empty()) {
    writes.push_back(pg_detail::registration_mail_rows(MailKind::registration_confirmed, confirmed, batch.front().now));
  }
  if (!guest_row_ids.empty()) {
    writes.push_back(pg_detail::guest_rows(guest_row_ids, guest_row_emails, guest_row_names, batch.front().now));
  }
  if (!links.empty()) {
    for (auto& statement : pg_detail::order_link_rows(link_registrations, links, batch.front().now)) {
      writes.push_back(std::move(statement));
    }
  }
  if (claim == Claim::locked) {
    writes.push_back(
        {"UPDATE events e SET registered_count = e.registered_count + d.n "
         "FROM unnest($1::text[], $2::int[]) AS d(id, n) WHERE e.id = d.id",
         {pg::text_array(changed_events), pg::int_array(added)}});
    writes.push_back(
        {"UPDATE ticket_types t SET sold = t.sold + d.n FROM unnest($1::text[], $2::int[]) AS d(id, n) "
         "WHERE t.id = d.id",
         {pg::text_array(changed_types), pg::int_array(type_added)}});
  } else {
    // The seats are taken last, so the rows stay locked only until the commit: lock them in id
    // order, then take the seats only where they are still free under the event's capacity and
    // every type's own, and the event and its types are as read (open, same start; same price
    // and sales window); if any event or type fails that, the transaction fails with
    // kGuardFailed and nothing of it remains. A type's seats change only under its event's lock.
    writes.push_back({"SELECT 1 FROM events WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE",
                      {pg::text_array(changed_events)}});
    writes.push_back(
        {"WITH taken AS (UPDATE events e SET registered_count = e.registered_count + d.n "
         "FROM unnest($1::text[], $2::int[], $3::bigint[]) AS d(id, n, starts_at) "
         "WHERE e.id = d.id AND e.status = 'published' AND e.starts_at = d.starts_at "
         "AND e.registered_count + d.n <= e.capacity RETURNING e.id), "
         "typed AS (UPDATE ticket_types t SET sold = t.sold + d.n "
         "FROM unnest($5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[]) AS d(id, n, price, s, f) "
         "WHERE t.id = d.id AND t.price_minor = d.price AND t.sales_start IS NOT DISTINCT FROM d.s "
         "AND t.sales_end IS NOT DISTINCT FROM d.f AND (t.capacity IS NULL OR t.sold + d.n <= t.capacity) "
         "RETURNING t.id) "
         "SELECT admit_require((SELECT COUNT(*) FROM taken) = $4 AND (SELECT COUNT(*) FROM typed) = $10, "
         "'seats or event changed')",
         {pg::text_array(changed_events), pg::int_array(added), pg::int_array(starts_at),
          param(static_cast<std::int64_t>(changed_events.size())), pg::text_array(changed_types),
          pg::int_array(type_added), pg::int_array(type_price), pg::int_array(type_start), pg::int_array(type_end),
          param(static_cast<std::int64_t>(changed_types.size()))}});
  }
  if (!promo_taken.empty()) {
    // The codes' uses, guarded like the seats (after the events' locks, taken above in either
    // claim): each only while it has that many uses left, else the batch fails with
    // kGuardFailed and is decided again under lock. The CHECK (uses <= max_uses) would refuse
    // an overuse even if this guard were wrong.
    std::vector<std::string> codes;
    std::vector<std::int64_t> taken;
    codes.reserve(promo_taken.size());
    taken.reserve(promo_taken.size());
    for (auto const& [id, n] : promo_taken) {
      codes.push_back(id);
      taken.push_back(n);
    }
    writes.push_back(
        {"WITH used AS (UPDATE promo_codes p SET uses = p.uses + d.n FROM unnest($1::text[], $2::int[]) AS d(id, n) "
         "WHERE p.id = d.id AND (p.max_uses IS NULL OR p.uses + d.n <= p.max_uses) RETURNING p.id) "
         "SELECT admit_require((SELECT COUNT(*) FROM used) = $3, 'promo code uses changed')",
         {pg::text_array(codes), pg::int_array(taken), param(static_cast<std::int64_t>(codes.size()))}});
  }
  writes.push_back({"COMMIT", {}});
  db.pipeline(writes);
}

}  // namespace

namespace pg_detail {

std::vector<EventKey> select_event_keys(Connection& db, std::string_view event_id) {
  auto r = db.exec(
      "SELECT key_id, public_key, secret_key, created_at, active FROM event_keys WHERE event_id = $1 "
      "ORDER BY active DESC, created_at DESC, key_id",
      {param(event_id)});
  std::vector<EventKey> keys;
  keys.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    keys.push_back({static_cast<std::uint32_t>(r.integer(i, 0)), r.bytes(i, 1), r.bytes(i, 2),
                    timestamp(r.integer(i, 3)), r.integer(i, 4) != 0});
  }
  return keys;
}

std::vector<Ticket> tickets_of(Connection& db, std::string_view registration_id) {
  auto r = db.exec("SELECT " ADMIT_TICKET_COLUMNS ADMIT_TICKETS_FROM "WHERE t.registration_id = $1 ORDER BY t.position",
                   {param(registration_id)});
  return read_all(r, [](pg::Row const& row) { return read_ticket(row); });
}

Error write_failure(std::exception_ptr const& failure, std::string_view what) {
  try {
    std::rethrow_exception(failure);
  } catch (Outage const& e) {
    log::error("database unavailable", {{"while", what}, {"error", e.what()}});
  } catch (std::exception const& e) {
    log::error("database write failed", {{"while", what}, {"error", e.what()}});
  }
  return Error{Errc::unavailable, "The database could not record this; nothing was changed. Retry shortly.", {}};
}

}  // namespace pg_detail

// ---- the registration writer -----------------------------------------------------------

void PostgresStore::place_registration(NewRegistration order, Timestamp now, Actor actor,
                                       Completion<Result<PlacementResult>> done) {
  done = trace::span_until_done("postgresql registration batch", "postgresql", std::move(done));
  {
    std::lock_guard lock(orders_mutex_);
    orders_.push_back(Order{std::move(order), now, std::move(actor), std::move(done), {}});
  }
  orders_ready_.notify_one();
}

void PostgresStore::run_registration_writer(std::stop_token const& stop) {
  std::vector<Order> batch;
  while (true) {
    {
      std::unique_lock lock(orders_mutex_);
      if (!orders_ready_.wait(lock, stop, [this] { return !orders_.empty(); })) return;
      // Orders that arrived while the last batch committed form the next one.
      auto const take = std::min(orders_.size(), static_cast<std::size_t>(std::max(1, settings_.max_batch)));
      auto const end = orders_.begin() + static_cast<std::ptrdiff_t>(take);
      batch.assign(std::make_move_iterator(orders_.begin()), std::make_move_iterator(end));
      orders_.erase(orders_.begin(), end);
    }
    place_orders(batch);
    batch.clear();
  }
}

// It calls itself at most one level deep: a batch that fails is placed again one order at a time.
// NOLINTNEXTLINE(misc-no-recursion)
void PostgresStore::place_orders(std::vector<Order>& batch) {
  std::exception_ptr failure;
  for (int attempt = 1;; ++attempt) {
    try {
      auto db = pool_->acquire();
      try {
        // BEGIN … COMMIT; again the locked way when the seats or the event changed meanwhile.
        try {
          place_batch(*db, batch, Claim::optimistic);
        } catch (pg::DatabaseError const& e) {
          if (e.sqlstate() != kGuardFailed) throw;
          db->exec_script("ROLLBACK");
          ++guard_fallbacks_;
          place_batch(*db, batch, Claim::locked);
        }
      } catch (...) {
        if (db->healthy()) {
          try {
            db->exec_script("ROLLBACK");
            // The batch's exception, rethrown below, is the one to report; a ROLLBACK that
            // fails leaves the connection unhealthy, and the pool drops it.
            // NOLINTNEXTLINE(bugprone-empty-catch)
          } catch (...) {
          }
        }
        throw;
      }
      failure = nullptr;
      break;
    } catch (pg::DatabaseError const& e) {
      failure = std::current_exception();
      // A deadlock, a serialization failure, or another node's twin request winning the
      // race for an idempotency key: run the batch again, which now sees what won.
      if ((e.retryable() || e.unique_violation()) && attempt < 5) {
        ++batch_retries_;
        continue;
      }
      if (batch.size() > 1) {
        // One bad order must not sink the others: place each on its own.
        for (auto& order : batch) {
          std::vector<Order> single;
          single.push_back(std::move(order));
          place_orders(single);
        }
        return;
      }
      break;
    } catch (...) {
      failure = std::current_exception();
      break;
    }
  }
  if (!failure) {
    ++batches_;
    batched_orders_ += batch.size();
  }
  for (auto& order : batch) {
    if (failure) {
      order.done(std::unexpected(pg_detail::write_failure(failure, "placing a registration")));
      continue;
    }
    if (order.result.outcome == Placement::replayed) {
      try {
        if (auto detail = find_registration(order.result.detail.registration.id)) {
          order.result.detail = std::move(*detail);
        }
      } catch (std::exception const&) {
        order.done(std::unexpected(pg_detail::write_failure(std::current_exception(), "reading a replay")));
        continue;
      }
    }
    order.done(std::move(order.result));
  }
}

// ---- registrations ---------------------------------------------------------------------

std::optional<RegistrationDetail> PostgresStore::find_registration(std::string_view id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_DETAIL_COLUMNS ADMIT_DETAIL_FROM "WHERE r.id = $1", {param(id)});
  if (r.empty()) return std::nullopt;
  auto detail = read_detail(pg::Row(r, 0));
  detail.tickets = pg_detail::tickets_of(*db, id);
  detail.items = pg_detail::items_of(*db, id);
  return detail;
}

std::vector<RegistrationDetail> PostgresStore::list_user_registrations(std::string_view user_id,
                                                                       std::optional<RegistrationCursor> const& after,
                                                                       int limit) {
  auto db = pool_->acquire();
  // Within one second the insertion order (seq) breaks ties, newest first; the cursor names
  // the last registration seen.
  auto r = db->exec("SELECT " ADMIT_DETAIL_COLUMNS
                    ADMIT_DETAIL_FROM "WHERE " ADMIT_OWNED_BY("$1") "AND ($2::bigint IS NULL OR r.registered_at < $2 OR "
                    "(r.registered_at = $2 AND r.seq < (SELECT seq FROM registrations WHERE id = $3))) "
                    "ORDER BY r.registered_at DESC, r.seq DESC LIMIT $4",
                    {param(user_id), after ? param(seconds(after->registered_at)) : param(nullptr),
                     after ? param(after->id) : param(""), param(std::int64_t{limit})});
  std::vector<RegistrationDetail> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(read_detail(pg::Row(r, i)));
  }
  for (auto& d : out) {
    d.tickets = pg_detail::tickets_of(*db, d.registration.id);
    d.items = pg_detail::items_of(*db, d.registration.id);
  }
  return out;
}

namespace pg_detail {

Cancellation cancel_registration_in(Connection& db, std::string_view id, CancellationRequest const& request,
                                    Timestamp now, Actor const& actor) {
  auto r = db.exec(
      "SELECT r.event_id, r.status, r.quantity, e.starts_at, e.cancellation_deadline FROM registrations r "
      "JOIN events e ON e.id = r.event_id WHERE r.id = $1 FOR NO KEY UPDATE OF r",
      {param(id)});
  if (r.empty()) return Cancellation::not_found;
  auto const status = parse_registration_status(r.text(0, 1));
  if (!status || !holds_seats(*status) || !is_order(*status)) return Cancellation::not_active;
  auto const event_id = r.text(0, 0);
  CancellationFacts facts{
      .now = now,
      .starts_at = timestamp(r.integer(0, 3)),
      .deadline = pg_detail::optional_timestamp(r.optional_integer(0, 4)),
      .quantity = static_cast<std::int32_t>(r.integer(0, 2)),
      .admitted = 0,
      .unpaid_hold = *status == RegistrationStatus::pending_payment,
  };
  // The tickets' row locks hold off a scan until this decision commits; a scan that committed
  // first is seen here, since a locking read returns the newest version of each row.
  auto const tickets =
      db.exec("SELECT validated_at IS NOT NULL FROM tickets WHERE registration_id = $1 FOR UPDATE", {param(id)});
  for (int i = 0; i < tickets.rows(); ++i) facts.admitted += tickets.text(i, 0) == "t" ? 1 : 0;
  if (auto const refused = cancellation_refusal(facts, request)) return *refused;
  auto const released = seats_released(facts);
  // A paid registration ends as refund_pending; the refund itself goes through the provider.
  db.exec(
      "UPDATE registrations SET updated_at = $2, retained_seats = $3, status = CASE WHEN EXISTS (SELECT 1 "
      "FROM payments p WHERE p.registration_id = registrations.id AND p.status = 'succeeded') "
      "THEN 'refund_pending' ELSE 'cancelled' END WHERE id = $1",
      {param(id), param(seconds(now)), param(facts.quantity - released)});
  if (released > 0) {
    db.exec("UPDATE events SET registered_count = registered_count - $2 WHERE id = $1",
            {param(event_id), param(released)});
    db.exec(ADMIT_RELEASE_TYPE_SEATS("$1"), {param(id)});
  }
  pg_detail::return_promo_use(db, id);
  db.exec("UPDATE tickets SET status = 'cancelled' WHERE registration_id = $1", {param(id)});
  audit(db, now, actor, "registration.cancelled", "registration", id, cancellation_detail(request, released));
  pg_detail::queue_registration_mail(db, MailKind::registration_cancelled, id, now);
  return Cancellation::cancelled;
}

}  // namespace pg_detail

Cancellation PostgresStore::cancel_registration(std::string_view id, CancellationRequest const& request, Timestamp now,
                                                Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto const outcome = pg_detail::cancel_registration_in(db, id, request, now, actor);
    if (outcome == Cancellation::cancelled) {
      auto const r = db.exec("SELECT event_id FROM registrations WHERE id = $1", {param(id)});
      if (!r.empty()) pg_detail::offer_freed_seats(db, r.text(0, 0), now, waitlist_);
    }
    return outcome;
  });
}

EventStats PostgresStore::event_stats(std::string_view event_id) {
  auto db = pool_->acquire();
  EventStats stats;
  if (auto r = db->exec("SELECT capacity, registered_count FROM events WHERE id = $1", {param(event_id)}); !r.empty()) {
    stats.capacity = static_cast<std::int32_t>(r.integer(0, 0));
    stats.registered_count = static_cast<std::int32_t>(r.integer(0, 1));
  }
  {
    auto r = db->exec(ADMIT_STATS_BY_STATUS "$1 GROUP BY status", {param(event_id)});
    for (int i = 0; i < r.rows(); ++i) {
      add_status_stats(
          stats, [&](int c) { return r.text(i, c); }, [&](int c) { return r.integer(i, c); });
    }
  }
  {
    auto r = db->exec(ADMIT_REFUND_STATS("$1"), {param(event_id)});
    add_refund_stats(stats, [&](int c) { return r.integer(0, c); });
  }
  {
    auto r = db->exec(ADMIT_HOLD_COUNTS "$1", {param(event_id)});
    stats.holds_placed = static_cast<std::int32_t>(r.integer(0, 0));
    stats.holds_paid = static_cast<std::int32_t>(r.integer(0, 1));
    stats.holds_expired = static_cast<std::int32_t>(r.integer(0, 2));
  }
  stats.checked_in = static_cast<std::int32_t>(
      db->exec("SELECT COUNT(*) FROM tickets WHERE event_id = $1 AND validated_at IS NOT NULL", {param(event_id)})
          .integer(0, 0));
  {
    auto r = db->exec(
        "SELECT registered_at / 3600, SUM(quantity), SUM(CASE WHEN status = 'confirmed' THEN amount_minor - "
        "refunded_minor ELSE 0 END), SUM(CASE WHEN status = 'confirmed' THEN discount_minor ELSE 0 END) "
        "FROM registrations WHERE event_id = $1 AND status IN " ADMIT_SEAT_HOLDING
        " AND status <> 'offered'"
        " "
        "GROUP BY registered_at / 3600 ORDER BY 1",
        {param(event_id)});
    for (int i = 0; i < r.rows(); ++i) {
      stats.by_hour.push_back(
          {r.integer(i, 0), static_cast<std::int32_t>(r.integer(i, 1)), r.integer(i, 2), r.integer(i, 3)});
    }
  }
  return stats;
}

// ---- tickets ---------------------------------------------------------------------------

std::optional<Ticket> PostgresStore::find_ticket(std::string_view id) {
  auto db = pool_->acquire();
  return select_ticket(*db, id);
}

void PostgresStore::redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now,
                                  Actor actor, Completion<Result<RedemptionResult>> done) {
  post([this, ticket_id = std::move(ticket_id), event_id = std::move(event_id), code = std::move(code), now,
        actor = std::move(actor), done = std::move(done)] {
    try {
      auto db = pool_->acquire();
      // One statement decides and audits: of two simultaneous scans on any nodes exactly one
      // changes the row (the other waits for its lock, then finds validated_at set), and only
      // with the code that was issued.
      auto const changed = db->exec(
          "WITH admitted AS (UPDATE tickets SET validated_at = $2, validated_by = $3 WHERE id = $1 AND event_id = $4 "
          "AND qr_code = $7 AND status = 'valid' AND validated_at IS NULL RETURNING id) "
          "INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, event_id) "
          "SELECT $2, $5, $6, 'ticket.validated', 'ticket', id, $4 FROM admitted",
          {param(ticket_id), param(seconds(now)), param(actor.user_id), param(event_id),
           pg_detail::optional_text(actor.user_id), pg_detail::optional_text(actor.request_id), param(code)});
      done(redemption_outcome(changed.affected() == 1, select_ticket(*db, ticket_id), event_id, code));
    } catch (...) {
      done(std::unexpected(pg_detail::write_failure(std::current_exception(), "validating a ticket")));
    }
  });
}

}  // namespace admit
