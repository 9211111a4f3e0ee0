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
  int changes() const;
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

/// A borrowed, cached statement. Bind with 1-based indexes, step, read columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);
  template <class T>
  Statement& bind(int index, std::optional<T> const& value) {
    return value ? bind(index, *value) : bind_null(index);
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
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// A UNIQUE, CHECK or FOREIGN KEY constraint refused a write.
class ConstraintError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

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
