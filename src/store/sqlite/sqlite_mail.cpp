// The outbox on SQLite: queued by the writer in the transactions that cause messages,
// claimed and settled by the sender through the same writer.

#include <chrono>

#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite_detail::seconds;

namespace {

std::int64_t millis(MailClock t) {
  return t.time_since_epoch().count();
}

}  // namespace

void SqliteStore::queue_mail(OutboxEntry const& entry) {
  writes_->run([&](Connection& db) { sqlite_detail::queue_mail(db, entry); });
}

std::vector<OutboxMessage> SqliteStore::claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) {
  {
    // Idle senders look often: ask a reader first, so an empty outbox costs no write (and no
    // log sync) on the one writer the sale shares.
    auto db = reader();
    auto due = db->prepare(
        "SELECT 1 FROM mail_outbox WHERE status IN ('queued', 'retrying') AND next_attempt_at_ms <= ?1 "
        "AND lease_until_ms <= ?1 LIMIT 1");
    due.bind(1, millis(now));
    if (!due.step()) return {};
  }
  return writes_->run([&](Connection& db) {
    std::vector<OutboxMessage> claimed;
    {
      auto rows = db.prepare("SELECT " ADMIT_OUTBOX_COLUMNS
                             " FROM mail_outbox m WHERE m.status IN ('queued', 'retrying') "
                             "AND m.next_attempt_at_ms <= ?1 AND m.lease_until_ms <= ?1 "
                             "ORDER BY m.priority, m.next_attempt_at_ms LIMIT ?2");
      rows.bind(1, millis(now)).bind(2, limit);
      while (rows.step()) claimed.push_back(read_outbox_message(rows));
    }
    for (auto const& m : claimed) {
      db.prepare("UPDATE mail_outbox SET lease_until_ms = ?2 WHERE id = ?1")
          .bind(1, m.entry.id)
          .bind(2, millis(now + lease))
          .run();
    }
    return claimed;
  });
}

void SqliteStore::record_mail(std::string_view id, MailOutcome const& outcome) {
  writes_->run([&](Connection& db) {
    bool const pending = is_pending(outcome.status);
    db.prepare(
          "UPDATE mail_outbox SET status = ?2, attempts = ?3, last_error = ?4, next_attempt_at_ms = ?5, "
          "lease_until_ms = 0, sent_at = ?6, sent_to = ?7, secret = CASE WHEN ?8 THEN secret END WHERE id = ?1")
        .bind(1, id)
        .bind(2, mail_status_name(outcome.status))
        .bind(3, outcome.attempts)
        .bind(4, sqlite_detail::unless_empty(outcome.last_error))
        .bind(5, millis(outcome.next_attempt_at))
        .bind(6, outcome.sent_at ? std::optional<std::int64_t>(seconds(*outcome.sent_at)) : std::nullopt)
        .bind(7, sqlite_detail::unless_empty(outcome.sent_to))
        .bind(8, pending ? 1 : 0)
        .run();
  });
}

std::pair<std::int32_t, std::int32_t> SqliteStore::mail_sent_to(std::string_view address, Timestamp since_hour,
                                                                Timestamp since_day) {
  auto db = reader();
  auto row = db->prepare(
      "SELECT COALESCE(SUM(sent_at >= ?2), 0), COUNT(*) FROM mail_outbox WHERE sent_to = ?1 AND sent_at >= ?3");
  row.bind(1, address).bind(2, seconds(since_hour)).bind(3, seconds(since_day));
  row.step();
  return {static_cast<std::int32_t>(row.integer(0)), static_cast<std::int32_t>(row.integer(1))};
}

void SqliteStore::release_mail_claims() {
  writes_->run([](Connection& db) { db.exec("UPDATE mail_outbox SET lease_until_ms = 0 WHERE lease_until_ms > 0"); });
}

MailBacklog SqliteStore::mail_backlog(MailClock now) {
  auto db = reader();
  MailBacklog backlog;
  auto rows = db->prepare(ADMIT_MAIL_BACKLOG_QUERY);
  while (rows.step()) add_to_backlog(backlog, rows.text(0), rows.integer(1), rows.integer(2), now);
  return backlog;
}

}  // namespace admit
