#pragma once

#include <string_view>
#include <vector>

namespace admit {

/// One numbered schema change; the text may hold several statements.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// The SQLite migrations in version order, generated from migrations/*.sqlite.sql.
std::vector<Migration> const& sqlite_migrations();

/// The PostgreSQL migrations in version order, generated from migrations/*.postgres.sql.
std::vector<Migration> const& postgres_migrations();

}  // namespace admit
