#pragma once

/// Pieces shared by the SQLite store's translation units.

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"

namespace admit {
namespace sqlite_detail {

inline std::int64_t seconds(Timestamp t) {
  return t.time_since_epoch().count();
}

inline Timestamp timestamp(std::int64_t s) {
  return Timestamp{std::chrono::seconds{s}};
}

inline Event read_event(sqlite::Statement const& row) {
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
              .cancellation_deadline =
                  row.is_null(15) ? std::nullopt : std::optional<Timestamp>(timestamp(row.integer(15))),
              .hold_seconds = row.is_null(16) ? std::nullopt
                                              : std::optional<std::int32_t>(static_cast<std::int32_t>(row.integer(16))),
          },
      .registered_count = static_cast<std::int32_t>(row.integer(8)),
      .status = parse_event_status(row.text(12)).value_or(EventStatus::cancelled),
      .created_at = timestamp(row.integer(13)),
      .updated_at = timestamp(row.integer(14)),
  };
}

inline Registration read_registration(sqlite::Statement const& row, int c = 0) {
  auto const hold = row.optional_integer(c + 9);
  return Registration{
      .id = row.text(c + 0),
      .event_id = row.text(c + 1),
      .ticket_type_id = row.text(c + 2),
      .user_id = row.text(c + 3),
      .quantity = static_cast<std::int32_t>(row.integer(c + 4)),
      .status = parse_registration_status(row.text(c + 5)).value_or(RegistrationStatus::cancelled),
      .amount_minor = row.integer(c + 6),
      .currency = row.text(c + 7),
      .payment_id = row.is_null(c + 8) ? std::nullopt : std::optional<std::string>(row.text(c + 8)),
      .registered_at = timestamp(row.integer(c + 10)),
      .hold_expires_at = hold ? std::optional<Timestamp>(timestamp(*hold)) : std::nullopt,
      .updated_at = timestamp(row.integer(c + 11)),
  };
}

inline void audit(sqlite::Connection& db, Timestamp at, Actor const& actor, std::string_view action,
                  std::string_view subject_type, std::string_view subject_id, std::string_view detail = {}) {
  db.prepare(
        "INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, seconds(at))
      .bind(2, actor.user_id.empty() ? std::nullopt : std::optional<std::string_view>(actor.user_id))
      .bind(3, actor.request_id.empty() ? std::nullopt : std::optional<std::string_view>(actor.request_id))
      .bind(4, action)
      .bind(5, subject_type)
      .bind(6, subject_id)
      .bind(7, detail.empty() ? std::nullopt : std::optional<std::string_view>(detail))
      .run();
}

/// Writes newly issued tickets.
inline void insert_tickets(sqlite::Connection& db, std::vector<Ticket> const& tickets) {
  for (auto const& t : tickets) {
    db.prepare(
          "INSERT INTO tickets (id, registration_id, event_id, user_id, status, qr_code, generated_at, position) "
          "VALUES (?1, ?2, ?3, ?4, 'valid', ?5, ?6, ?7)")
        .bind(1, t.id)
        .bind(2, t.registration_id)
        .bind(3, t.event_id)
        .bind(4, t.user_id)
        .bind(5, t.qr_code)
        .bind(6, seconds(t.generated_at))
        .bind(7, t.position)
        .run();
  }
}

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
};

}  // namespace admit
