// Read-only queries behind the web app's door-staff lists and registration search. They live
// apart from the write path (sqlite_store.cpp, sqlite_registrations.cpp) and only read.

#include <string>

#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Statement;
using sqlite_detail::seconds;
using sqlite_detail::timestamp;

namespace {

/// A LIKE pattern matching `text` anywhere, with LIKE's wildcards and the escape escaped.
std::string like_anywhere(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

Event staff_event_row(Statement const& row) {
  return Event{
      .id = row.text(0),
      .organizer_id = row.text(1),
      .details =
          EventDraft{
              .name = row.text(2),
              .description = row.text(3),
              .starts_at = timestamp(row.integer(4)),
              .timezone = row.text(5),
              .location = row.text(6),
              .capacity = static_cast<std::int32_t>(row.integer(7)),
              .price_minor = row.integer(10),
              .currency = row.text(11),
              .max_per_attendee = static_cast<std::int32_t>(row.integer(9)),
          },
      .registered_count = static_cast<std::int32_t>(row.integer(8)),
      .status = parse_event_status(row.text(12)).value_or(EventStatus::cancelled),
      .created_at = timestamp(row.integer(13)),
      .updated_at = timestamp(row.integer(14)),
  };
}

RegistrationRow registration_row(Statement const& row) {
  auto const hold = row.optional_integer(9);
  return RegistrationRow{
      .registration =
          Registration{
              .id = row.text(0),
              .event_id = row.text(1),
              .ticket_type_id = row.text(2),
              .user_id = row.text(3),
              .quantity = static_cast<std::int32_t>(row.integer(4)),
              .status = parse_registration_status(row.text(5)).value_or(RegistrationStatus::cancelled),
              .amount_minor = row.integer(6),
              .currency = row.text(7),
              .payment_id = row.is_null(8) ? std::nullopt : std::optional<std::string>(row.text(8)),
              .registered_at = timestamp(row.integer(10)),
              .hold_expires_at = hold ? std::optional<Timestamp>(timestamp(*hold)) : std::nullopt,
              .updated_at = timestamp(row.integer(11)),
          },
      .attendee_name = row.text(12),
      .attendee_email = row.text(13),
      .checked_in = static_cast<std::int32_t>(row.integer(14)),
  };
}

}  // namespace

std::vector<StaffAssignment> SqliteStore::list_event_staff(std::string_view event_id) {
  auto db = reader();
  auto rows = db->prepare(
      "SELECT s.user_id, u.email, u.name, s.created_at FROM event_staff s JOIN users u ON u.id = s.user_id "
      "WHERE s.event_id = ?1 ORDER BY s.created_at, s.user_id");
  rows.bind(1, event_id);
  std::vector<StaffAssignment> out;
  while (rows.step()) out.push_back({rows.text(0), rows.text(1), rows.text(2), timestamp(rows.integer(3))});
  return out;
}

std::vector<Event> SqliteStore::list_staff_events(std::string_view user_id, Timestamp from,
                                                  std::optional<EventCursor> const& after, int limit) {
  std::string sql =
      "SELECT e.id, e.organizer_id, e.name, e.description, e.starts_at, e.timezone, e.location, e.capacity, "
      "e.registered_count, e.max_per_attendee, e.price_minor, e.currency, e.status, e.created_at, e.updated_at "
      "FROM event_staff s JOIN events e ON e.id = s.event_id "
      "WHERE s.user_id = ?1 AND e.status = 'published' AND e.starts_at >= ?2";
  if (after) sql += " AND (e.starts_at > ?3 OR (e.starts_at = ?3 AND e.id > ?4))";
  sql += " ORDER BY e.starts_at, e.id LIMIT ?5";
  auto db = reader();
  auto rows = db->prepare(sql);
  rows.bind(1, user_id).bind(2, seconds(from)).bind(5, limit);
  if (after) rows.bind(3, seconds(after->starts_at)).bind(4, after->id);
  std::vector<Event> out;
  while (rows.step()) out.push_back(staff_event_row(rows));
  return out;
}

std::vector<RegistrationRow> SqliteStore::search_event_registrations(std::string_view event_id, std::string_view text,
                                                                     std::optional<RegistrationCursor> const& after,
                                                                     int limit) {
  // SQLite's LIKE ignores the case of ASCII letters only, which is the contract.
  std::string sql =
      "SELECT r.id, r.event_id, r.ticket_type_id, r.user_id, r.quantity, r.status, r.amount_minor, r.currency, "
      "r.payment_id, r.hold_expires_at, r.registered_at, r.updated_at, u.name, u.email, "
      "(SELECT COUNT(*) FROM tickets t WHERE t.registration_id = r.id AND t.validated_at IS NOT NULL) "
      "FROM registrations r JOIN users u ON u.id = r.user_id "
      "WHERE r.event_id = ?1 AND (u.name LIKE ?5 ESCAPE '\\' OR u.email LIKE ?5 ESCAPE '\\')";
  if (after) {
    sql += " AND (r.registered_at > ?2 OR (r.registered_at = ?2 AND r.rowid > (SELECT rowid FROM registrations "
           "WHERE id = ?3)))";
  }
  sql += " ORDER BY r.registered_at, r.rowid";
  if (limit > 0) sql += " LIMIT ?4";
  auto db = reader();
  auto rows = db->prepare(sql);
  rows.bind(1, event_id).bind(5, like_anywhere(text));
  if (after) rows.bind(2, seconds(after->registered_at)).bind(3, after->id);
  if (limit > 0) rows.bind(4, limit);
  std::vector<RegistrationRow> out;
  while (rows.step()) out.push_back(registration_row(rows));
  return out;
}

}  // namespace admit
