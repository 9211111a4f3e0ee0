#pragma once

#include <filesystem>
#include <string>

namespace admit::sqlite {

/// Copies the database at `source` into a new file `destination` as of one moment, while
/// other connections (a running server) go on writing: SQLite's online backup API in a single
/// step, which copies every page under one read transaction. In WAL mode that transaction
/// never blocks the writer, and the copy never restarts because of a write (as the
/// page-at-a-time backup does), so it takes one pass over the file however busy the server is.
/// Throws DatabaseError on a fault.
void snapshot_database(std::filesystem::path const& source, std::filesystem::path const& destination);

/// What `PRAGMA integrity_check` finds wrong in the database file at `path`: empty when it
/// answers "ok", else its messages one a line. Opens the file read-only.
std::string integrity_problems(std::filesystem::path const& path);

/// The schema version recorded in the database at `path` (0 when it has none); read-only.
int schema_version_of(std::filesystem::path const& path);

/// The newest schema version this build knows how to migrate to.
int newest_schema_version();

}  // namespace admit::sqlite
