#pragma once

/// The outbox's rows for both engines: the columns a claimed message is read with, the email
/// status a registration shows, and their readers (see store/rows.hpp for `Row`).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "app/ports.hpp"
#include "domain/mail.hpp"
#include "store/rows.hpp"

namespace admit {

/// The email status of a registration just placed: a confirmed one's confirmation is queued in
/// the same transaction; nothing is due for one waiting for payment.
inline std::optional<EmailDelivery> queued_confirmation(Registration const& r) {
  if (r.status != RegistrationStatus::confirmed) return std::nullopt;
  return EmailDelivery{.status = MailStatus::queued, .attempts = 0};
}

/// The backlog query both stores run, and how each of its rows (status, count, earliest due
/// time) counts.
#define ADMIT_MAIL_BACKLOG_QUERY                                                                  \
  "SELECT status, COUNT(*), MIN(next_attempt_at_ms) FROM mail_outbox WHERE status IN ('queued', " \
  "'retrying') GROUP BY status"

inline void add_to_backlog(MailBacklog& backlog, std::string_view status, std::int64_t count,
                           std::int64_t earliest_due_ms, MailClock now) {
  auto const parsed = parse_mail_status(status);
  if (!parsed || !is_pending(*parsed)) return;
  (*parsed == MailStatus::queued ? backlog.queued : backlog.retrying) = count;
  backlog.oldest_due_age_ms = std::max(backlog.oldest_due_age_ms, now.time_since_epoch().count() - earliest_due_ms);
}

#define ADMIT_OUTBOX_COLUMNS                                                                                        \
  "m.id, m.kind, m.recipient, COALESCE(m.user_id, ''), COALESCE(m.registration_id, ''), COALESCE(m.event_id, ''), " \
  "COALESCE(m.reference, ''), COALESCE(m.secret, ''), m.paid, m.created_at, m.status, m.attempts"

template <class Row>
OutboxMessage read_outbox_message(Row const& row) {
  Cells const c(row);
  return OutboxMessage{
      .entry =
          OutboxEntry{
              .id = c.text(0),
              .kind = parse_mail_kind(c.text(1)).value_or(MailKind::registration_confirmed),
              .recipient = c.text(2),
              .user_id = c.text(3),
              .registration_id = c.text(4),
              .event_id = c.text(5),
              .reference = c.text(6),
              .secret = c.text(7),
              .paid = c.integer(8) != 0,
              .created_at = c.time(9),
          },
      .status = parse_mail_status(c.text(10)).value_or(MailStatus::queued),
      .attempts = c.int32(11),
  };
}

}  // namespace admit
