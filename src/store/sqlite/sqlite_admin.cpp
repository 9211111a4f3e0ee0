// The admin console's reads on SQLite: accounts and the audit log, from the pooled readers.

#include "store/like_pattern.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite_detail::seconds;

std::vector<User> SqliteStore::search_users(std::string_view text, std::optional<std::string> const& after_email,
                                            int limit) {
  auto db = reader();
  std::string sql = "SELECT " ADMIT_USER_COLUMNS " FROM users WHERE 1 = 1";
  // SQLite's LIKE ignores the case of ASCII letters only, which is the contract.
  if (!text.empty()) sql += " AND (name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\')";
  if (after_email) sql += " AND email > ?2";
  sql += " ORDER BY email LIMIT ?3";
  auto rows = db->prepare(sql);
  if (!text.empty()) rows.bind(1, like_anywhere(text));
  if (after_email) rows.bind(2, *after_email);
  rows.bind(3, limit);
  std::vector<User> out;
  while (rows.step()) out.push_back(read_user(rows));
  return out;
}

std::vector<AuditEntry> SqliteStore::list_audit(AuditQuery const& q) {
  auto db = reader();
  // Only the filters given become conditions, so each combination reads the index that leads
  // with its column, in id order (the plans are in migrations/V025's comment).
  std::string sql = "SELECT " ADMIT_AUDIT_COLUMNS " FROM audit_log WHERE 1 = 1";
  if (q.event_id) sql += " AND event_id = ?1";
  if (q.actor_id) sql += " AND actor_id = ?2";
  if (q.action)
    sql += audit_volume_action(*q.action) ? " AND action = ?3" : " AND action = ?3 AND " ADMIT_AUDIT_NOT_VOLUME;
  if (q.from) sql += " AND at >= ?4";
  if (q.to) sql += " AND at <= ?5";
  if (q.before_id) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?7";
  auto rows = db->prepare(sql);
  if (q.event_id) rows.bind(1, *q.event_id);
  if (q.actor_id) rows.bind(2, *q.actor_id);
  if (q.action) rows.bind(3, *q.action);
  if (q.from) rows.bind(4, seconds(*q.from));
  if (q.to) rows.bind(5, seconds(*q.to));
  if (q.before_id) rows.bind(6, *q.before_id);
  rows.bind(7, q.limit);
  std::vector<AuditEntry> out;
  while (rows.step()) out.push_back(read_audit_entry(rows));
  return out;
}

}  // namespace admit
