#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/ports.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace admit::sqlite {

/// A database fault: I/O error, full disk, corruption, a lock held too long. Never an
/// expected outcome, so it travels as an exception and becomes a 503.
class DatabaseError : public Outage {
 public:
  DatabaseError(std::string const& what, int code) : Outage(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement;

/// One SQLite connection, used by one thread at a time. Statements are prepared once per
/// connection and reused.
class Connection {
 public:
  explicit Connection(std::string const& path, bool read_only = false);
  ~Connection();
  Connection(Connection const&) = delete;
  Connection& operator=(Connection const&) = delete;

  /// Runs SQL text without results (several statements allowed).
  void exec(std::string_view sql);
  /// The cached prepared statement for `sql`, reset and with bindings cleared.
  Statement prepare(std::string_view sql);
  /// The same for SQL text written in the program (a string literal): its statement is found by
  /// the text's address, which spares hashing hundreds of characters at every use; the text is
  /// still compared, so a buffer reused for other text finds its own statement.
  template <std::size_t N>
  Statement prepare(char const (&sql)[N]);
  int changes() const;
  sqlite3* handle() { return db_; }

 private:
  sqlite3_stmt* cached(std::string_view sql);
  Statement prepare_at(std::string_view sql);

  sqlite3* db_ = nullptr;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
  struct Known {
    std::string text;
    sqlite3_stmt* statement = nullptr;  // owned by cache_
  };
  std::unordered_map<char const*, Known> by_address_;
};

/// A borrowed, cached statement. Bind with 1-based indexes, step, read columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;

  // Bound on a named statement, text and blobs are copied (the statement may be stepped after
  // the bound value is gone). Bound in one expression with the statement prepare() returned
  // (`db.prepare(…).bind(…).run()`), they are not: every value bound there lives until the
  // expression ends, after the last step, and the statement is reset when it ends too.
  Statement& bind(int index, std::string_view text) & { return bind_text(index, text, false); }
  Statement&& bind(int index, std::string_view text) && { return std::move(bind_text(index, text, true)); }
  Statement& bind(int index, std::int64_t value) &;
  Statement&& bind(int index, std::int64_t value) && { return std::move(bind(index, value)); }
  Statement& bind(int index, int value) & { return bind(index, static_cast<std::int64_t>(value)); }
  Statement&& bind(int index, int value) && { return std::move(bind(index, static_cast<std::int64_t>(value))); }
  Statement& bind_null(int index) &;
  Statement&& bind_null(int index) && { return std::move(bind_null(index)); }
  Statement& bind_blob(int index, std::string_view bytes) & { return bind_bytes(index, bytes, false); }
  Statement&& bind_blob(int index, std::string_view bytes) && { return std::move(bind_bytes(index, bytes, true)); }
  template <class T>
  Statement& bind(int index, std::optional<T> const& value) & {
    return value ? bind(index, *value) : bind_null(index);
  }
  template <class T>
  Statement&& bind(int index, std::optional<T> const& value) && {
    return std::move(value ? std::move(*this).bind(index, *value) : std::move(*this).bind_null(index));
  }

  /// True when a row is available; false when done. Throws DatabaseError on faults;
  /// constraint violations throw ConstraintError.
  bool step();
  /// Steps to completion, for statements that return no rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::string blob(int column) const;
  bool is_null(int column) const;
  int columns() const;

 private:
  Statement& bind_text(int index, std::string_view text, bool lives_until_reset);
  Statement& bind_bytes(int index, std::string_view bytes, bool lives_until_reset);
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// A UNIQUE, CHECK or FOREIGN KEY constraint refused a write.
class ConstraintError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

template <std::size_t N>
Statement Connection::prepare(char const (&sql)[N]) {
  return prepare_at(std::string_view(sql, N - 1));
}

/// BEGIN IMMEDIATE … COMMIT, rolled back when left without commit().
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(Transaction const&) = delete;
  Transaction& operator=(Transaction const&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace admit::sqlite
