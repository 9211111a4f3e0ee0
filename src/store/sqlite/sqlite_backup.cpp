#include "store/sqlite/sqlite_backup.hpp"

#include <sqlite3.h>

#include "store/migration.hpp"
#include "store/sqlite/sqlite.hpp"

namespace admit::sqlite {
namespace {

/// A bare connection: no pragmas changed, so opening a copy never turns it into something else.
class RawConnection {
 public:
  RawConnection(std::filesystem::path const& path, int flags) {
    int const rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message =
          "cannot open database " + path.string() + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError(message, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawConnection() { sqlite3_close_v2(db_); }
  RawConnection(RawConnection const&) = delete;
  RawConnection& operator=(RawConnection const&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

void snapshot_database(std::filesystem::path const& source, std::filesystem::path const& destination) {
  RawConnection const from(source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
  RawConnection const to(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (backup == nullptr) {
    throw DatabaseError(std::string("cannot start the backup: ") + sqlite3_errmsg(to.get()), sqlite3_errcode(to.get()));
  }
  // -1: every page in this one call, under one read transaction of the source. A busy
  // source (a checkpoint holding a lock a moment) is waited for by the busy timeout.
  int const stepped = sqlite3_backup_step(backup, -1);
  int const finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) {
    throw DatabaseError(std::string("the backup did not complete: ") + sqlite3_errstr(stepped), stepped);
  }
  if (finished != SQLITE_OK) {
    throw DatabaseError(std::string("the backup did not complete: ") + sqlite3_errmsg(to.get()), finished);
  }
  // The copy carries the source's WAL flag; as a rollback-journal file it is one self-contained
  // file that opens read-only anywhere (a server turns WAL on again when it opens it).
  char* error = nullptr;
  if (sqlite3_exec(to.get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string const message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw DatabaseError("cannot finish the copy: " + message, SQLITE_ERROR);
  }
}

std::string integrity_problems(std::filesystem::path const& path) {
  RawConnection const db(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    // A file that is no database at all ("file is not a database") fails here.
    return std::string(sqlite3_errmsg(db.get()));
  }
  std::string problems;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto const* text = reinterpret_cast<char const*>(sqlite3_column_text(stmt, 0));
    std::string const line = text != nullptr ? text : "";
    if (line == "ok") continue;
    if (!problems.empty()) problems += '\n';
    problems += line;
  }
  if (rc != SQLITE_DONE) {
    if (!problems.empty()) problems += '\n';
    problems += sqlite3_errmsg(db.get());
  }
  sqlite3_finalize(stmt);
  return problems;
}

int schema_version_of(std::filesystem::path const& path) {
  RawConnection const db(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    return 0;  // no such table: not an Admit database, or an empty one
  }
  int version = 0;
  if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

int newest_schema_version() {
  auto const& migrations = sqlite_migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace admit::sqlite
