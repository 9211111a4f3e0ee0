#pragma once

/// The audit log as both engines write and read it (migrations/V020__audit_reading_and_erasure).

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "store/rows.hpp"

/// The event an audit row's subject belongs to, looked up when the row is written: `type` and
/// `id` are the SQL expressions holding the subject's kind and id. NULL for subjects of no event
/// and for those gone by then (whose writers name the event themselves).
#define ADMIT_AUDIT_EVENT_OF(type, id)                                                    \
  "CASE " type " WHEN 'event' THEN " id                                                   \
  " WHEN 'registration' THEN (SELECT ar.event_id FROM registrations ar WHERE ar.id = " id \
  ") WHEN 'ticket' THEN (SELECT at2.event_id FROM tickets at2 WHERE at2.id = " id         \
  ") WHEN 'staff_invitation' THEN (SELECT asi.event_id FROM staff_invitations asi WHERE asi.id = " id ") END"

/// The audit row's columns, then its actor's name as the account holds it now (an erased
/// person's is kErasedName).
#define ADMIT_AUDIT_COLUMNS                                                            \
  "id, at, actor_id, request_id, action, subject_type, subject_id, event_id, detail, " \
  "(SELECT au.name FROM users au WHERE au.id = audit_log.actor_id)"

/// The actions that come once per order or per door scan, the log's bulk, which audit_log_by_action
/// leaves out (V025): a page of one of them is found reading the log newest first. A filter on any
/// other action repeats the index's condition (the SQL below, term for term) so that the planner
/// may use it. Three `<>` rather than NOT IN: SQLite builds NOT IN's list as a temporary B-tree
/// each time it checks the index's condition, three inserts per audit row written.
#define ADMIT_AUDIT_NOT_VOLUME \
  "action <> 'registration.created' AND action <> 'registration.paid' AND action <> 'ticket.validated'"

namespace admit {

/// Whether `action` is one of ADMIT_AUDIT_NOT_VOLUME's.
inline bool audit_volume_action(std::string_view action) {
  constexpr std::array<std::string_view, 3> volume{"registration.created", "registration.paid", "ticket.validated"};
  return std::ranges::find(volume, action) != volume.end();
}

template <class Row>
AuditEntry read_audit_entry(Row const& row) {
  Cells const c(row);
  return AuditEntry{
      .id = c.integer(0),
      .at = c.time(1),
      .actor_id = c.text(2),
      .request_id = c.text(3),
      .action = c.text(4),
      .subject_type = c.text(5),
      .subject_id = c.text(6),
      .event_id = c.text(7),
      .detail = c.text(8),
      .actor_name = c.text(9),
  };
}

}  // namespace admit

/// The ids a person's orders carry, for erasure: the account's own and those of the guest buyers
/// it took over by proving their address (never one of an address it merely claims). `p` is the
/// SQL expression holding the account's id.
#define ADMIT_PERSON_BUYER_IDS(p) "(SELECT " p " UNION ALL SELECT gb.id FROM guest_buyers gb WHERE gb.user_id = " p ")"
