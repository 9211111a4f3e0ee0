#include "store/sqlite/sqlite.hpp"

#include <sqlite3.h>

#include <mutex>

namespace admit::sqlite {
namespace {

/// Process-wide settings, before SQLite initializes: no memory statistics, which SQLite
/// otherwise keeps under one global mutex taken on every allocation and free of every
/// connection (the writer, the readers, the checkpointer). Admit never reads them.
void configure_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Fails harmlessly (SQLITE_MISUSE) when something initialized SQLite earlier.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

[[noreturn]] void raise(sqlite3* db, int code, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if ((code & 0xFF) == SQLITE_CONSTRAINT) throw ConstraintError(message, code);
  throw DatabaseError(message, code);
}

}  // namespace

Connection::Connection(std::string const& path, bool read_only) {
  configure_once();
  int const flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int const rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  // A writer waits this long for another process's lock before the request fails with a 503.
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  if (!read_only) {
    exec("PRAGMA journal_mode = WAL");
    // FULL: a commit is on disk before it returns (the durability invariant). The writer's
    // connection switches to NORMAL and syncs the log itself before acknowledging anything
    // (WriteQueue), which gives the same guarantee without waiting in the commit.
    exec("PRAGMA synchronous = FULL");
    // A page cache big enough for the hot indexes (negative: KiB), and the database file
    // mapped into memory so that reading a page is not a system call.
    exec("PRAGMA cache_size = -32768");
    exec("PRAGMA mmap_size = 67108864");
  }
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  std::string const text(sql);
  char* error = nullptr;
  int const rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) throw ConstraintError(message, rc);
    throw DatabaseError(message, rc);
  }
}

sqlite3_stmt* Connection::cached(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int const rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) raise(db_, rc, "prepare");
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Statement Connection::prepare(std::string_view sql) {
  return Statement(db_, cached(sql));
}

Statement Connection::prepare_at(std::string_view sql) {
  auto& known = by_address_[sql.data()];
  if (known.statement == nullptr || known.text != sql) known = {std::string(sql), cached(sql)};
  return Statement(db_, known.statement);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind_text(int index, std::string_view text, bool lives_until_reset) {
  int const rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                   lives_until_reset ? SQLITE_STATIC : SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) raise(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) & {
  int const rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) raise(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_bytes(int index, std::string_view bytes, bool lives_until_reset) {
  int const rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                                   lives_until_reset ? SQLITE_STATIC : SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) raise(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) & {
  int const rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) raise(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  int const rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  raise(db_, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  auto const* data = reinterpret_cast<char const*>(sqlite3_column_text(stmt_, column));
  if (!data) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::string Statement::blob(int column) const {
  auto const* data = static_cast<char const*>(sqlite3_column_blob(stmt_, column));
  if (!data) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::columns() const {
  return sqlite3_column_count(stmt_);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.prepare("BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      connection_.prepare("ROLLBACK").run();
      // The transaction is already gone (SQLite rolls back on some errors by itself).
      // NOLINTNEXTLINE(bugprone-empty-catch)
    } catch (DatabaseError const&) {
    }
  }
}

void Transaction::commit() {
  connection_.prepare("COMMIT").run();
  done_ = true;
}

}  // namespace admit::sqlite
