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
  std::string filters;
  if (q.event_id) filters += " AND event_id = ?1";
  if (q.action)
    filters += audit_volume_action(*q.action) ? " AND action = ?3" : " AND action = ?3 AND " ADMIT_AUDIT_NOT_VOLUME;
  if (q.from) filters += " AND at >= ?4";
  if (q.to) filters += " AND at <= ?5";
  if (q.before_id) filters += " AND id < ?6";
  std::string sql;
  if (!q.actor_id) {
    sql = "SELECT " ADMIT_AUDIT_COLUMNS " FROM audit_log WHERE 1 = 1" + filters;
  } else {
    // An actor's orders are not in the actor index (V028): they are found through the
    // registrations of the actor's buyer records, by the index of orders created.
    std::string const created =
        q.action && *q.action != "registration.created"
            ? std::string()
            : "SELECT " ADMIT_AUDIT_COLUMNS
              " FROM audit_log WHERE action = 'registration.created' AND actor_id = ?2 "
              "AND subject_id IN (SELECT id FROM registrations WHERE user_id = ?2 UNION ALL SELECT r.id FROM "
              "guest_buyers g JOIN registrations r ON r.user_id = g.id WHERE g.user_id = ?2)" +
                  filters;
    std::string const others = q.action && *q.action == "registration.created"
                                   ? std::string()
                                   : "SELECT " ADMIT_AUDIT_COLUMNS
                                     " FROM audit_log WHERE actor_id = ?2 AND action <> 'registration.created'" +
                                         filters;
    sql = created.empty() ? others : others.empty() ? created : others + " UNION ALL " + created;
  }
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
