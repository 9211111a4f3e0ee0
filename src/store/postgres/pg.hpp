#pragma once

/// A thin C++ face on libpq: connections that prepare each statement once, results read by
/// row and column, parameters as text, errors as exceptions that say what the caller may do
/// (retry the transaction, report a conflict, or answer 503 because the server is gone), and
/// a bounded pool of connections that replaces broken ones.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/ports.hpp"
#include "base/trace.hpp"

struct pg_conn;
struct pg_result;

namespace admit::pg {

/// Any error PostgreSQL reported for a statement, with its SQLSTATE.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string const& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  std::string const& sqlstate() const { return sqlstate_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }
  /// A serialization failure or deadlock: the whole transaction may simply run again.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

/// A statement parameter in PostgreSQL's text form; nullopt is SQL NULL.
using Param = std::optional<std::string>;

Param param(std::string_view text);
Param param(std::string const& text);
Param param(char const* text);
Param param(std::int64_t value);
Param param(std::int32_t value);
Param param(std::nullptr_t);
template <class T>
Param param(std::optional<T> const& value) {
  return value ? param(*value) : Param{};
}
/// bytea in hex form.
Param bytes(std::string_view raw);
/// A text[] or bigint[] literal for `unnest($n::text[])` and `= ANY($n)`.
Param text_array(std::vector<std::string> const& items);
Param text_array(std::vector<std::optional<std::string>> const& items);
Param int_array(std::vector<std::int64_t> const& items);
Param int_array(std::vector<std::optional<std::int64_t>> const& items);

/// A statement and its parameters, for a pipeline.
struct Statement {
  std::string sql;
  std::vector<Param> params;
};

/// One statement's rows.
class Result {
 public:
  explicit Result(pg_result* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&&) = delete;

  int rows() const;
  int columns() const;
  bool empty() const { return rows() == 0; }
  /// Rows a data-changing statement touched.
  int affected() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  /// A bytea column, decoded.
  std::string bytes(int row, int column) const;

 private:
  pg_result* result_;
};

/// One row of a result, read by column (the entity readers of store/rows.hpp take it).
class Row {
 public:
  Row(Result const& result, int row) : result_(result), row_(row) {}
  bool is_null(int column) const { return result_.is_null(row_, column); }
  std::string text(int column) const { return result_.text(row_, column); }
  std::int64_t integer(int column) const { return result_.integer(row_, column); }

 private:
  Result const& result_;
  int row_;
};

/// One connection. Not thread-safe: a connection belongs to one caller at a time (the pool
/// hands it out).
class Connection {
 public:
  /// Connects; throws Outage when the server cannot be reached.
  explicit Connection(std::string const& url);
  ~Connection();
  Connection(Connection const&) = delete;
  Connection& operator=(Connection const&) = delete;

  /// Runs `sql` with parameters as a prepared statement (prepared once per connection).
  Result exec(std::string const& sql, std::vector<Param> const& params = {});
  /// Runs `statements` in order in one round trip (libpq's pipeline mode) and returns their
  /// results; when one fails, the later ones are skipped and its error is thrown once all
  /// have been read. Inside BEGIN … COMMIT they all belong to that transaction.
  std::vector<Result> pipeline(std::vector<Statement> const& statements);
  /// Runs `sql`, which may hold several statements, without parameters.
  void exec_script(std::string const& sql);
  /// False once the connection broke; the pool then drops it.
  bool healthy() const;

 private:
  Result check(pg_result* result, std::string_view sql);
  /// The prepared statement's name, preparing it on first use.
  std::string const& prepared(std::string const& sql, std::size_t parameters);
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL → statement name
};

/// A bounded set of connections shared by threads.
class Pool {
 public:
  Pool(std::string url, int size, std::chrono::milliseconds wait);

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    ~Lease();
    Connection* operator->() { return connection_.get(); }
    Connection& operator*() { return *connection_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
    trace::Span span_ = trace::database_span("postgresql", "postgresql");
  };

  /// A connection, new or idle; waits for one to come back when all are busy and throws
  /// Outage when none comes in time or the server cannot be reached.
  Lease acquire();
  std::string const& url() const { return url_; }

  struct Stats {
    int open = 0;
    int idle = 0;
  };
  Stats stats() const;

 private:
  void give_back(std::unique_ptr<Connection> connection);

  std::string url_;
  int size_;
  std::chrono::milliseconds wait_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

/// Runs `work(connection)` inside BEGIN … COMMIT on a pooled connection, running it again
/// (a few times) when PostgreSQL reports a serialization failure or deadlock. `work` must be
/// safe to run again: it writes its outcome, it does not accumulate it.
template <class F>
auto transaction(Pool& pool, F&& work) -> decltype(work(std::declval<Connection&>())) {
  for (int attempt = 1;; ++attempt) {
    auto db = pool.acquire();
    db->exec("BEGIN");
    try {
      if constexpr (std::is_void_v<decltype(work(*db))>) {
        work(*db);
        db->exec("COMMIT");
        return;
      } else {
        auto result = work(*db);
        db->exec("COMMIT");
        return result;
      }
    } catch (DatabaseError const& e) {
      if (db->healthy()) db->exec_script("ROLLBACK");
      if (!e.retryable() || attempt >= 5) throw;
    } catch (...) {
      if (db->healthy()) {
        try {
          db->exec_script("ROLLBACK");
          // The work's exception, rethrown below, is the one to report; a ROLLBACK that fails
          // leaves the connection unhealthy, and the pool drops it when it comes back.
          // NOLINTNEXTLINE(bugprone-empty-catch)
        } catch (...) {
        }
      }
      throw;
    }
  }
}

}  // namespace admit::pg
