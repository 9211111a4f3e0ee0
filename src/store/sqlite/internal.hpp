#pragma once

/// Pieces shared by the SQLite store's translation units.

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

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
