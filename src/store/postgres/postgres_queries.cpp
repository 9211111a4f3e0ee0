// Read-only listings of the PostgreSQL store: door staff and an event's registrations (all or searched).

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::param;
using pg_detail::seconds;

std::vector<Event> PostgresStore::list_staff_events(std::string_view user_id, Timestamp from,
                                                    std::optional<EventCursor> const& after, int limit) {
  auto db = pool_->acquire();
  auto r = db->exec(
      "SELECT " ADMIT_EVENT_COLUMNS("e.") " FROM staff_invitations s JOIN events e ON e.id = s.event_id "
      "WHERE s.user_id = $1 AND s.status = 'active' AND e.status = 'published' AND e.starts_at >= $2 "
      "AND ($3::bigint IS NULL OR e.starts_at > $3 OR (e.starts_at = $3 AND e.id > $4)) "
      "ORDER BY e.starts_at, e.id LIMIT $5",
      {param(user_id), param(seconds(from)), after ? param(seconds(after->starts_at)) : param(nullptr),
       after ? param(after->id) : param(""), param(std::int64_t{limit})});
  return pg_detail::read_all(r, [](pg::Row const& row) { return read_event(row); });
}

namespace {

/// An event's registrations in the order they were made, after the cursor, at most `limit`
/// (0: all); with a `pattern`, only those whose attendee's name or email matches it (ILIKE).
std::vector<RegistrationRow> event_registrations(pg::Connection& db, std::string_view event_id,
                                                 std::optional<std::string> const& pattern,
                                                 std::optional<RegistrationCursor> const& after, int limit) {
  // ILIKE under the "C" collation ignores the case of ASCII letters only, which is the contract
  // (and what SQLite's LIKE does), whatever the database's locale.
  static std::string const select = "SELECT " ADMIT_REGISTRATION_ROW_COLUMNS(ADMIT_ITEMS_SUMMARY_POSTGRES)
      ADMIT_REGISTRATION_ROWS_FROM "WHERE r.event_id = $1 AND r.status <> 'offered' ";
  static std::string const rest =
      "AND ($2::bigint IS NULL OR r.registered_at > $2 OR "
      "(r.registered_at = $2 AND r.seq > (SELECT seq FROM registrations WHERE id = $3))) "
      "ORDER BY r.registered_at, r.seq LIMIT $4";
  static std::string const all = select + rest;
  static std::string const matching = select +
                                      "AND (" ADMIT_BUYER_NAME
                                      " COLLATE \"C\" ILIKE $5 ESCAPE '\\' OR " ADMIT_BUYER_EMAIL
                                      " COLLATE \"C\" ILIKE $5 ESCAPE '\\') " +
                                      rest;
  std::vector<pg::Param> params{param(event_id), after ? param(seconds(after->registered_at)) : param(nullptr),
                                after ? param(after->id) : param(""),
                                limit > 0 ? param(std::int64_t{limit}) : param(nullptr)};
  if (pattern) params.push_back(param(*pattern));
  auto const r = db.exec(pattern ? matching : all, params);
  return pg_detail::read_all(r, [](pg::Row const& row) { return read_registration_row(row); });
}

}  // namespace

std::vector<RegistrationRow> PostgresStore::list_event_registrations(std::string_view event_id,
                                                                     std::optional<RegistrationCursor> const& after,
                                                                     int limit) {
  auto db = pool_->acquire();
  return event_registrations(*db, event_id, std::nullopt, after, limit);
}

std::vector<TicketRow> PostgresStore::list_event_tickets(std::string_view event_id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_TICKET_COLUMNS ", COALESCE(tt.name, '')" ADMIT_EVENT_TICKETS_FROM
                    "WHERE t.event_id = $1 ORDER BY r.registered_at, r.seq, t.position",
                    {param(event_id)});
  return pg_detail::read_all(r, [](pg::Row const& row) { return TicketRow{read_ticket(row), row.text(13)}; });
}

std::vector<RegistrationRow> PostgresStore::search_event_registrations(std::string_view event_id, std::string_view text,
                                                                       std::optional<RegistrationCursor> const& after,
                                                                       int limit) {
  auto db = pool_->acquire();
  return event_registrations(*db, event_id, like_anywhere(text), after, limit);
}

}  // namespace admit
