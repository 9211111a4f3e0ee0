-- Registrations with idempotency keys, per-event ticket signing keys and instance secrets.

ALTER TABLE registrations ADD COLUMN idempotency_key TEXT;
ALTER TABLE registrations ADD COLUMN request_hash TEXT;
CREATE UNIQUE INDEX registrations_idempotency ON registrations (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- One index serves both an attendee's own list and the per-attendee seat cap.
DROP INDEX registrations_by_user;
CREATE INDEX registrations_by_attendee ON registrations (user_id, event_id, status);
CREATE INDEX registrations_holds ON registrations (hold_expires_at) WHERE status = 'pending_payment';

ALTER TABLE tickets ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_by_event ON tickets (event_id, validated_at);

-- One Ed25519 key pair per event signs its tickets' QR codes; older keys stay for
-- verification after a rotation. The secret never leaves the server.
CREATE TABLE event_keys (
  event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  key_id     BIGINT NOT NULL,
  public_key BYTEA NOT NULL,
  secret_key BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (event_id, key_id)
);

-- Random secrets shared by every node (download-link HMAC key, token signing seed and the like).
CREATE TABLE instance_secrets (
  name       TEXT PRIMARY KEY,
  value      BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
