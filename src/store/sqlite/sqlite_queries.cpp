// Read-only queries behind the web app's door-staff lists and registration search. They live
// apart from the write path (sqlite_store.cpp, sqlite_registrations.cpp) and only read.

#include <string>

#include "store/like_pattern.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Statement;
using sqlite_detail::seconds;

std::vector<Event> SqliteStore::list_staff_events(std::string_view user_id, Timestamp from,
                                                  std::optional<EventCursor> const& after, int limit) {
  std::string sql =
      "SELECT " ADMIT_EVENT_COLUMNS("e.") " FROM staff_invitations s JOIN events e ON e.id = s.event_id "
      "WHERE s.user_id = ?1 AND s.status = 'active' AND e.status = 'published' AND e.starts_at >= ?2";
  if (after) sql += " AND (e.starts_at > ?3 OR (e.starts_at = ?3 AND e.id > ?4))";
  sql += " ORDER BY e.starts_at, e.id LIMIT ?5";
  auto db = reader();
  auto rows = db->prepare(sql);
  rows.bind(1, user_id).bind(2, seconds(from)).bind(5, limit);
  if (after) rows.bind(3, seconds(after->starts_at)).bind(4, after->id);
  std::vector<Event> out;
  while (rows.step()) out.push_back(read_event(rows));
  return out;
}

namespace {

/// An event's registrations in the order they were made, after the cursor, at most `limit`
/// (0: all); with a `pattern`, only those whose attendee's name or email matches it (LIKE).
std::vector<RegistrationRow> event_registrations(sqlite::Connection& db, std::string_view event_id,
                                                 std::optional<std::string> const& pattern,
                                                 std::optional<RegistrationCursor> const& after, int limit) {
  std::string sql = "SELECT " ADMIT_REGISTRATION_ROW_COLUMNS(ADMIT_ITEMS_SUMMARY_SQLITE) ADMIT_REGISTRATION_ROWS_FROM
      "WHERE r.event_id = ?1 AND r.status <> 'offered'";
  // SQLite's LIKE ignores the case of ASCII letters only, which is the contract.
  if (pattern) sql += " AND (" ADMIT_BUYER_NAME " LIKE ?5 ESCAPE '\\' OR " ADMIT_BUYER_EMAIL " LIKE ?5 ESCAPE '\\')";
  if (after) {
    sql +=
        " AND (r.registered_at > ?2 OR (r.registered_at = ?2 AND r.rowid > (SELECT rowid FROM registrations "
        "WHERE id = ?3)))";
  }
  sql += " ORDER BY r.registered_at, r.rowid";
  if (limit > 0) sql += " LIMIT ?4";
  auto rows = db.prepare(sql);
  rows.bind(1, event_id);
  if (pattern) rows.bind(5, *pattern);
  if (after) rows.bind(2, seconds(after->registered_at)).bind(3, after->id);
  if (limit > 0) rows.bind(4, limit);
  std::vector<RegistrationRow> out;
  while (rows.step()) out.push_back(read_registration_row(rows));
  return out;
}

}  // namespace

std::vector<RegistrationRow> SqliteStore::list_event_registrations(std::string_view event_id,
                                                                   std::optional<RegistrationCursor> const& after,
                                                                   int limit) {
  auto db = reader();
  return event_registrations(*db, event_id, std::nullopt, after, limit);
}

std::vector<TicketRow> SqliteStore::list_event_tickets(std::string_view event_id) {
  auto db = reader();
  auto rows = db->prepare("SELECT " ADMIT_TICKET_COLUMNS ", COALESCE(tt.name, '')" ADMIT_EVENT_TICKETS_FROM
                          "WHERE t.event_id = ?1 ORDER BY r.registered_at, r.rowid, t.position");
  rows.bind(1, event_id);
  std::vector<TicketRow> out;
  while (rows.step()) out.push_back({read_ticket(rows), rows.text(13)});
  return out;
}

std::vector<RegistrationRow> SqliteStore::search_event_registrations(std::string_view event_id, std::string_view text,
                                                                     std::optional<RegistrationCursor> const& after,
                                                                     int limit) {
  auto db = reader();
  return event_registrations(*db, event_id, like_anywhere(text), after, limit);
}

}  // namespace admit
