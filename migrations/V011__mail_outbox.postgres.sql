-- The outbox: every message Admit sends is a row here, written in the same transaction as the
-- change that causes it (a registration confirmed, a hold expired, an event cancelled, …), so
-- a message is never lost once its cause committed and never exists when its cause rolled back.
-- The sender claims due rows (lease_until, in Unix milliseconds, keeps other nodes off a row
-- while one sends it; a node that dies mid-send lets its lease run out), delivers them, and
-- records the outcome. Times ending in _ms are Unix milliseconds, the others Unix seconds.
--   kind        domain/mail.hpp's MailKind names
--   recipient   the address, when known when the row is written; empty: the account's
--               address (user_id), resolved when the message is sent
--   reference   what else the message is about (a staff invitation's id)
--   secret      the secret link's token for kinds that carry one; NULL once the message is sent
--   paid        1 for the confirmation of a paid order, which no recipient cap may drop
--   message_id  the RFC 5322 Message-ID, the same for every attempt
CREATE TABLE mail_outbox (
  id                 TEXT PRIMARY KEY,
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
  sent_to            TEXT
);
-- The sender's query: due rows in order.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at_ms) WHERE status IN ('queued', 'retrying');
-- A registration's latest confirmation, for its email status.
CREATE INDEX mail_outbox_by_registration ON mail_outbox (registration_id, created_at) WHERE registration_id IS NOT NULL;
-- Messages an address received lately, for the per-recipient caps.
CREATE INDEX mail_outbox_by_recipient ON mail_outbox (sent_to, sent_at) WHERE sent_to IS NOT NULL;
