-- The outbox, lighter to write during a sale and with the mail a person waits for first
-- (issue 13; bench/RESULTS.md, "Email").
-- * A confirmation's row is found by its id, `<kind>.<registration>` (a resend's is
--   `<kind>.<registration>.<n>`): a registration's latest confirmation is a short range of the
--   primary key (compared bytewise, COLLATE "C", as the other tables' ids), so the
--   per-registration index goes.
-- * priority: 0 for a message a person is waiting for at the screen (a reset or verification
--   link), 1 for the rest; the sender takes due rows by priority, then due time, so that a
--   sale's backlog of confirmations never delays a password reset.
ALTER TABLE mail_outbox ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE mail_outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
UPDATE mail_outbox SET priority = 0 WHERE kind IN ('password_reset', 'email_verification');
DROP INDEX mail_outbox_by_registration;
DROP INDEX mail_outbox_due;
CREATE INDEX mail_outbox_due ON mail_outbox (priority, next_attempt_at_ms) WHERE status IN ('queued', 'retrying');
