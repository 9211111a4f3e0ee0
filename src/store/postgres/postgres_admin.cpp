// The admin console's reads on PostgreSQL: accounts and the audit log.

#include "store/like_pattern.hpp"
#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::param;
using pg_detail::seconds;

std::vector<User> PostgresStore::search_users(std::string_view text, std::optional<std::string> const& after_email,
                                              int limit) {
  auto db = pool_->acquire();
  // ILIKE under the "C" collation ignores the case of ASCII letters only, as SQLite's LIKE.
  std::string sql = "SELECT " ADMIT_USER_COLUMNS " FROM users WHERE true";
  std::vector<pg::Param> params;
  auto next = [&](pg::Param p) {
    params.push_back(std::move(p));
    return "$" + std::to_string(params.size());
  };
  if (!text.empty()) {
    auto const n = next(param(like_anywhere(text)));
    sql += " AND (name COLLATE \"C\" ILIKE " + n + " ESCAPE '\\' OR email COLLATE \"C\" ILIKE " + n + " ESCAPE '\\')";
  }
  if (after_email) sql += " AND email > " + next(param(*after_email));
  sql += " ORDER BY email LIMIT " + next(param(std::int64_t{limit}));
  return pg_detail::read_all(db->exec(sql, params), [](pg::Row const& row) { return read_user(row); });
}

std::vector<AuditEntry> PostgresStore::list_audit(AuditQuery const& q) {
  auto db = pool_->acquire();
  // Only the filters given become conditions, so each combination reads the index that leads
  // with its column, in id order (the plans are in migrations/V025's comment).
  std::string sql = "SELECT " ADMIT_AUDIT_COLUMNS " FROM audit_log WHERE true";
  std::vector<pg::Param> params;
  auto next = [&](pg::Param p) {
    params.push_back(std::move(p));
    return "$" + std::to_string(params.size());
  };
  if (q.event_id) sql += " AND event_id = " + next(param(*q.event_id));
  if (q.actor_id) sql += " AND actor_id = " + next(param(*q.actor_id));
  if (q.action) {
    sql += " AND action = " + next(param(*q.action));
    if (!audit_volume_action(*q.action)) sql += " AND " ADMIT_AUDIT_NOT_VOLUME;
  }
  if (q.from) sql += " AND at >= " + next(param(seconds(*q.from)));
  if (q.to) sql += " AND at <= " + next(param(seconds(*q.to)));
  if (q.before_id) sql += " AND id < " + next(param(*q.before_id));
  sql += " ORDER BY id DESC LIMIT " + next(param(std::int64_t{q.limit}));
  return pg_detail::read_all(db->exec(sql, params), [](pg::Row const& row) { return read_audit_entry(row); });
}

}  // namespace admit
