// The outbox on PostgreSQL: queued in the transactions that cause messages; claimed by any
// node's sender with FOR UPDATE SKIP LOCKED, so each due message goes to one sender, and a
// lease that lets another node retry it when the claiming node dies mid-send.

#include <chrono>

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::seconds;

namespace {

std::int64_t millis(MailClock t) {
  return t.time_since_epoch().count();
}

}  // namespace

void PostgresStore::queue_mail(OutboxEntry const& entry) {
  pg::transaction(*pool_, [&](Connection& db) {
    pg_detail::queue_mail(db, entry);
    return true;
  });
}

std::vector<OutboxMessage> PostgresStore::claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) {
  auto db = pool_->acquire();
  auto const r = db->exec(
      "UPDATE mail_outbox m SET lease_until_ms = $2 FROM (SELECT id FROM mail_outbox "
      "WHERE status IN ('queued', 'retrying') AND next_attempt_at_ms <= $1 AND lease_until_ms <= $1 "
      "ORDER BY priority, next_attempt_at_ms LIMIT $3 FOR UPDATE SKIP LOCKED) due WHERE m.id = due.id "
      "RETURNING " ADMIT_OUTBOX_COLUMNS,
      {param(millis(now)), param(millis(now + lease)), param(std::int64_t{limit})});
  return pg_detail::read_all(r, [](pg::Row const& row) { return read_outbox_message(row); });
}

void PostgresStore::record_mail(std::string_view id, MailOutcome const& outcome) {
  auto db = pool_->acquire();
  db->exec(
      "UPDATE mail_outbox SET status = $2, attempts = $3, last_error = $4, next_attempt_at_ms = $5, "
      "lease_until_ms = 0, sent_at = $6, sent_to = $7, secret = CASE WHEN $8 THEN secret END WHERE id = $1",
      {param(id), param(mail_status_name(outcome.status)), param(outcome.attempts),
       pg_detail::optional_text(outcome.last_error), param(millis(outcome.next_attempt_at)),
       pg_detail::optional_seconds(outcome.sent_at), pg_detail::optional_text(outcome.sent_to),
       param(is_pending(outcome.status) ? "true" : "false")});
}

std::pair<std::int32_t, std::int32_t> PostgresStore::mail_sent_to(std::string_view address, Timestamp since_hour,
                                                                  Timestamp since_day) {
  auto db = pool_->acquire();
  auto const r = db->exec(
      "SELECT COUNT(*) FILTER (WHERE sent_at >= $2), COUNT(*) FROM mail_outbox WHERE sent_to = $1 AND sent_at >= $3",
      {param(address), param(seconds(since_hour)), param(seconds(since_day))});
  return {static_cast<std::int32_t>(r.integer(0, 0)), static_cast<std::int32_t>(r.integer(0, 1))};
}

MailBacklog PostgresStore::mail_backlog(MailClock now) {
  auto db = pool_->acquire();
  auto const r = db->exec(ADMIT_MAIL_BACKLOG_QUERY);
  MailBacklog backlog;
  for (int i = 0; i < r.rows(); ++i) add_to_backlog(backlog, r.text(i, 0), r.integer(i, 1), r.integer(i, 2), now);
  return backlog;
}

}  // namespace admit
