// Door staff invitations on SQLite: every decision (invite once per address, accept once,
// remove) is one conditional statement on the writer, so the single writer orders racing
// requests and each sees the state the one before it left.

#include <string>

#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite::Statement;
using sqlite_detail::audit;
using sqlite_detail::seconds;

namespace {

std::string select_sql(std::string_view where) {
  return "SELECT " ADMIT_INVITATION_COLUMNS ADMIT_INVITATION_FROM + std::string(where);
}

std::optional<StaffInvitation> invitation_where(Connection& db, std::string_view where, std::string_view a,
                                                std::string_view b) {
  auto row = db.prepare(select_sql(where));
  row.bind(1, a).bind(2, b);
  if (!row.step()) return std::nullopt;
  return read_invitation(row);
}

}  // namespace

bool SqliteStore::is_event_staff(std::string_view event_id, std::string_view user_id) {
  auto db = reader();
  auto row = db->prepare("SELECT 1 FROM staff_invitations WHERE user_id = ?2 AND event_id = ?1 AND status = 'active'");
  row.bind(1, event_id).bind(2, user_id);
  return row.step();
}

InviteResult SqliteStore::invite_staff(StaffInvitation const& fresh, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    auto const now = seconds(fresh.invited_at);
    db.prepare(
          "DELETE FROM staff_invitations WHERE event_id = ?1 AND email = ?2 AND status = 'invited' "
          "AND expires_at <= ?3")
        .bind(1, fresh.event_id)
        .bind(2, fresh.email)
        .bind(3, now)
        .run();
    db.prepare(
          "INSERT INTO staff_invitations (id, event_id, email, status, invited_by, invited_at, expires_at) "
          "VALUES (?1, ?2, ?3, 'invited', ?4, ?5, ?6) ON CONFLICT (event_id, email) DO NOTHING")
        .bind(1, fresh.id)
        .bind(2, fresh.event_id)
        .bind(3, fresh.email)
        .bind(4, actor.user_id.empty() ? std::nullopt : std::optional<std::string_view>(actor.user_id))
        .bind(5, now)
        .bind(6, seconds(fresh.expires_at))
        .run();
    bool const created = db.changes() == 1;
    if (created) {
      audit(db, fresh.invited_at, actor, "staff.invited", "staff_invitation", fresh.id, fresh.event_id, fresh.event_id);
      sqlite_detail::queue_mail(db, OutboxEntry{.id = "staff_invitation." + fresh.id,
                                                .kind = MailKind::staff_invitation,
                                                .recipient = fresh.email,
                                                .event_id = fresh.event_id,
                                                .reference = fresh.id,
                                                .created_at = fresh.invited_at});
    }
    auto found = invitation_where(db, "WHERE i.event_id = ?1 AND i.email = ?2", fresh.event_id, fresh.email);
    if (!found) throw std::logic_error("a staff invitation vanished inside its own transaction");
    return InviteResult{std::move(*found), created};
  });
}

InvitationAnswer SqliteStore::accept_staff_invitation(std::string_view id, std::string_view email,
                                                      std::string_view user_id, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    db.prepare(
          "UPDATE staff_invitations SET status = 'active', user_id = ?3, accepted_at = ?4 "
          "WHERE id = ?1 AND email = ?2 AND status = 'invited' AND expires_at > ?4")
        .bind(1, id)
        .bind(2, email)
        .bind(3, user_id)
        .bind(4, seconds(now))
        .run();
    if (db.changes() == 1) {
      audit(db, now, actor, "staff.accepted", "staff_invitation", id);
      return InvitationAnswer::accepted;
    }
    auto const found = invitation_where(db, "WHERE i.id = ?1 AND i.email = ?2", id, email);
    if (!found) return InvitationAnswer::not_found;
    if (found->status == StaffStatus::active) return InvitationAnswer::already_active;
    return InvitationAnswer::expired;
  });
}

std::optional<StaffInvitation> SqliteStore::decline_staff_invitation(std::string_view id, std::string_view email,
                                                                     Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> std::optional<StaffInvitation> {
    auto found = invitation_where(db, "WHERE i.id = ?1 AND i.email = ?2", id, email);
    if (!found) return std::nullopt;
    db.prepare("DELETE FROM staff_invitations WHERE id = ?1").bind(1, id).run();
    audit(db, now, actor, "staff.declined", "staff_invitation", id, found->event_id, found->event_id);
    return found;
  });
}

std::optional<StaffInvitation> SqliteStore::remove_staff_invitation(std::string_view event_id, std::string_view id,
                                                                    Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> std::optional<StaffInvitation> {
    auto found = invitation_where(db, "WHERE i.event_id = ?1 AND i.id = ?2", event_id, id);
    if (!found) return std::nullopt;
    db.prepare("DELETE FROM staff_invitations WHERE id = ?1").bind(1, id).run();
    audit(db, now, actor, "staff.removed", "staff_invitation", id, event_id, event_id);
    return found;
  });
}

std::vector<StaffInvitation> SqliteStore::list_event_staff(std::string_view event_id, Timestamp now) {
  auto db = reader();
  auto rows = db->prepare(
      select_sql("WHERE i.event_id = ?1 AND (i.status = 'active' OR i.expires_at > ?2) ORDER BY i.invited_at, i.id"));
  rows.bind(1, event_id).bind(2, seconds(now));
  std::vector<StaffInvitation> out;
  while (rows.step()) out.push_back(read_invitation(rows));
  return out;
}

std::vector<StaffInvitation> SqliteStore::list_staff_invitations(std::string_view email, Timestamp now) {
  auto db = reader();
  auto rows = db->prepare(select_sql(
      "WHERE i.email = ?1 AND (i.status = 'active' OR i.expires_at > ?2) ORDER BY i.invited_at DESC, i.id DESC"));
  rows.bind(1, email).bind(2, seconds(now));
  std::vector<StaffInvitation> out;
  while (rows.step()) out.push_back(read_invitation(rows));
  return out;
}

}  // namespace admit
