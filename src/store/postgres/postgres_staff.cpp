// Door staff invitations on PostgreSQL. Each decision is one conditional statement under READ
// COMMITTED: a second accept of the same invitation waits for the first's row lock, then finds
// it active; an accept racing a removal finds the row gone (or is removed after it), so every
// node sees one order of events.

#include <string>

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

namespace {

/// Every invitation of a result.
std::vector<StaffInvitation> read_invitations(pg::Result const& r) {
  return pg_detail::read_all(r, [](pg::Row const& row) { return read_invitation(row); });
}

}  // namespace

bool PostgresStore::is_event_staff(std::string_view event_id, std::string_view user_id) {
  auto db = pool_->acquire();
  return !db->exec("SELECT 1 FROM staff_invitations WHERE user_id = $2 AND event_id = $1 AND status = 'active'",
                   {param(event_id), param(user_id)})
              .empty();
}

InviteResult PostgresStore::invite_staff(StaffInvitation const& fresh, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto const now = seconds(fresh.invited_at);
    db.exec(
        "DELETE FROM staff_invitations WHERE event_id = $1 AND email = $2 AND status = 'invited' AND expires_at <= $3",
        {param(fresh.event_id), param(fresh.email), param(now)});
    auto const inserted = db.exec(
        "INSERT INTO staff_invitations (id, event_id, email, status, invited_by, invited_at, expires_at) "
        "VALUES ($1, $2, $3, 'invited', $4, $5, $6) ON CONFLICT (event_id, email) DO NOTHING",
        {param(fresh.id), param(fresh.event_id), param(fresh.email), pg_detail::optional_text(actor.user_id),
         param(now), param(seconds(fresh.expires_at))});
    bool const created = inserted.affected() == 1;
    if (created) {
      audit(db, fresh.invited_at, actor, "staff.invited", "staff_invitation", fresh.id, fresh.event_id, fresh.event_id);
      pg_detail::queue_mail(db, OutboxEntry{.id = "staff_invitation." + fresh.id,
                                            .kind = MailKind::staff_invitation,
                                            .recipient = fresh.email,
                                            .event_id = fresh.event_id,
                                            .reference = fresh.id,
                                            .created_at = fresh.invited_at});
    }
    auto const found =
        db.exec("SELECT " ADMIT_INVITATION_COLUMNS ADMIT_INVITATION_FROM "WHERE i.event_id = $1 AND i.email = $2",
                {param(fresh.event_id), param(fresh.email)});
    // A concurrent removal between the insert and this read leaves nothing to return: run
    // the whole transaction again (a serialization failure is retried).
    if (found.empty()) throw pg::DatabaseError("the staff invitation was removed meanwhile", "40001");
    return InviteResult{read_invitation(pg::Row(found, 0)), created};
  });
}

InvitationAnswer PostgresStore::accept_staff_invitation(std::string_view id, std::string_view email,
                                                        std::string_view user_id, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto const changed = db.exec(
        "UPDATE staff_invitations SET status = 'active', user_id = $3, accepted_at = $4 "
        "WHERE id = $1 AND email = $2 AND status = 'invited' AND expires_at > $4",
        {param(id), param(email), param(user_id), param(seconds(now))});
    if (changed.affected() == 1) {
      audit(db, now, actor, "staff.accepted", "staff_invitation", id);
      return InvitationAnswer::accepted;
    }
    auto const found =
        db.exec("SELECT status FROM staff_invitations WHERE id = $1 AND email = $2", {param(id), param(email)});
    if (found.empty()) return InvitationAnswer::not_found;
    return found.text(0, 0) == "active" ? InvitationAnswer::already_active : InvitationAnswer::expired;
  });
}

namespace {

/// Deletes the invitation `where` ($1, $2) finds and returns it as it was, with its names.
std::optional<StaffInvitation> delete_invitation(Connection& db, std::string_view where, std::string_view a,
                                                 std::string_view b) {
  auto const gone = db.exec("WITH i AS (DELETE FROM staff_invitations WHERE " + std::string(where) +
                                " RETURNING *) SELECT " ADMIT_INVITATION_COLUMNS
                                " FROM i JOIN events e ON e.id = i.event_id LEFT JOIN users u ON u.id = i.user_id",
                            {param(a), param(b)});
  if (gone.empty()) return std::nullopt;
  return read_invitation(pg::Row(gone, 0));
}

}  // namespace

std::optional<StaffInvitation> PostgresStore::decline_staff_invitation(std::string_view id, std::string_view email,
                                                                       Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto invitation = delete_invitation(db, "id = $1 AND email = $2", id, email);
    if (invitation)
      audit(db, now, actor, "staff.declined", "staff_invitation", id, invitation->event_id, invitation->event_id);
    return invitation;
  });
}

std::optional<StaffInvitation> PostgresStore::remove_staff_invitation(std::string_view event_id, std::string_view id,
                                                                      Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto invitation = delete_invitation(db, "event_id = $1 AND id = $2", event_id, id);
    if (invitation) audit(db, now, actor, "staff.removed", "staff_invitation", id, event_id, event_id);
    return invitation;
  });
}

std::vector<StaffInvitation> PostgresStore::list_event_staff(std::string_view event_id, Timestamp now) {
  auto db = pool_->acquire();
  return read_invitations(db->exec("SELECT " ADMIT_INVITATION_COLUMNS ADMIT_INVITATION_FROM
                                   "WHERE i.event_id = $1 AND (i.status = 'active' OR i.expires_at > $2) "
                                   "ORDER BY i.invited_at, i.id",
                                   {param(event_id), param(seconds(now))}));
}

std::vector<StaffInvitation> PostgresStore::list_staff_invitations(std::string_view email, Timestamp now) {
  auto db = pool_->acquire();
  return read_invitations(db->exec("SELECT " ADMIT_INVITATION_COLUMNS ADMIT_INVITATION_FROM
                                   "WHERE i.email = $1 AND (i.status = 'active' OR i.expires_at > $2) "
                                   "ORDER BY i.invited_at DESC, i.id DESC",
                                   {param(email), param(seconds(now))}));
}

}  // namespace admit
