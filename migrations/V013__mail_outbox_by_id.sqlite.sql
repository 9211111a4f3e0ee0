-- The outbox, lighter to write during a sale and with the mail a person waits for first
-- (issue 13; bench/RESULTS.md, "Email").
-- * A confirmation's row is found by its id, `<kind>.<registration>` (a resend's is
--   `<kind>.<registration>.<n>`), so the per-registration index goes: the table is stored in id
--   order (WITHOUT ROWID), and a registration's latest confirmation is a short range of it.
--   Each registration of a sale now writes one outbox b-tree entry and one due-index entry
--   instead of four.
-- * priority: 0 for a message a person is waiting for at the screen (a reset or verification
--   link), 1 for the rest; the sender takes due rows by priority, then due time, so that a
--   sale's backlog of confirmations never delays a password reset.
CREATE TABLE mail_outbox_by_id (
  id                 TEXT NOT NULL PRIMARY KEY,
  kind               TEXT NOT NULL,
  recipient          TEXT NOT NULL DEFAULT '',
  user_id            TEXT,
  registration_id    TEXT,
  event_id           TEXT,
  reference          TEXT,
  secret             TEXT,
  paid               INTEGER NOT NULL DEFAULT 0,
  message_id         TEXT NOT NULL,
  status             TEXT NOT NULL DEFAULT 'queued',
  attempts           INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT,
  created_at         BIGINT NOT NULL,
  next_attempt_at_ms BIGINT NOT NULL,
  lease_until_ms     BIGINT NOT NULL DEFAULT 0,
  sent_at            BIGINT,
  sent_to            TEXT,
  priority           INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
INSERT INTO mail_outbox_by_id (id, kind, recipient, user_id, registration_id, event_id, reference, secret, paid,
  message_id, status, attempts, last_error, created_at, next_attempt_at_ms, lease_until_ms, sent_at, sent_to,
  priority)
SELECT id, kind, recipient, user_id, registration_id, event_id, reference, secret, paid, message_id, status,
  attempts, last_error, created_at, next_attempt_at_ms, lease_until_ms, sent_at, sent_to,
  CASE WHEN kind IN ('password_reset', 'email_verification') THEN 0 ELSE 1 END
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_by_id RENAME TO mail_outbox;
-- The sender's query: due rows by priority, then in order.
CREATE INDEX mail_outbox_due ON mail_outbox (priority, next_attempt_at_ms) WHERE status IN ('queued', 'retrying');
-- Messages an address received lately, for the per-recipient caps (written when sent, not queued).
CREATE INDEX mail_outbox_by_recipient ON mail_outbox (sent_to, sent_at) WHERE sent_to IS NOT NULL;
