-- admit: rebuilds tables
-- Buying without an account (issue 14). A guest buyer is a record of its own, one per address
-- (the normalised email), with an id of the same shape as an account's. A guest order's
-- registration and tickets name that id as their user_id, so it is what the tickets' QR codes
-- sign, and it never changes: when an account later proves the address (verification, or a
-- password reset through it), the guest buyer gains that account (`user_id`) and its orders
-- show in the account, while their codes stay valid. One record per address also makes every
-- per-attendee rule (the seat limit, one unpaid order at a time, the cooldown after a lapsed
-- hold, idempotency keys) hold per address for guests, through the same indexes as accounts.
CREATE TABLE guest_buyers (
  id         TEXT PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  user_id    TEXT REFERENCES users (id),  -- the account that proved the address, once one did
  created_at BIGINT NOT NULL,
  joined_at  BIGINT
);
CREATE INDEX guest_buyers_by_account ON guest_buyers (user_id) WHERE user_id IS NOT NULL;

-- The tokens that open one guest order each, kept only as digests. A resend retires the
-- order's tokens and issues a fresh one; retired rows stay, so a retired token is told apart
-- from one never issued only in the logs, never to the client.
CREATE TABLE order_tokens (
  token_hash      TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations (id),
  created_at      BIGINT NOT NULL,
  retired_at      BIGINT
);
CREATE INDEX order_tokens_by_registration ON order_tokens (registration_id) WHERE retired_at IS NULL;

-- A registration's user_id is now an account's or a guest buyer's id: the foreign key to users
-- goes (a key cannot name either of two tables). SQLite cannot drop a constraint, so the table
-- is rebuilt as V007 did, keeping row ids (listings order registrations of one second by them),
-- with foreign keys off while it runs (the first line) and every reference checked before commit.
CREATE TABLE registrations_rebuilt (
  id              TEXT PRIMARY KEY,
  event_id        TEXT NOT NULL,
  ticket_type_id  TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  quantity        INTEGER NOT NULL CHECK (quantity > 0),
  status          TEXT NOT NULL,
  amount_minor    BIGINT NOT NULL,
  currency        TEXT NOT NULL,
  payment_id      TEXT,
  hold_expires_at BIGINT,
  registered_at   BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  idempotency_key TEXT,
  request_hash    TEXT,
  client_address  TEXT,
  retained_seats  INTEGER NOT NULL DEFAULT 0 CHECK (retained_seats >= 0),
  answers         TEXT NOT NULL DEFAULT '{}',
  attendees       TEXT NOT NULL DEFAULT '[]',
  FOREIGN KEY (ticket_type_id, event_id) REFERENCES ticket_types (id, event_id)
);
INSERT INTO registrations_rebuilt (rowid, id, event_id, ticket_type_id, user_id, quantity, status, amount_minor,
                                   currency, payment_id, hold_expires_at, registered_at, updated_at,
                                   idempotency_key, request_hash, client_address, retained_seats, answers, attendees)
  SELECT rowid, id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, currency, payment_id,
         hold_expires_at, registered_at, updated_at, idempotency_key, request_hash, client_address, retained_seats,
         answers, attendees
  FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_rebuilt RENAME TO registrations;
CREATE INDEX registrations_by_event ON registrations (event_id, registered_at, id);
CREATE UNIQUE INDEX registrations_idempotency ON registrations (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX registrations_by_attendee ON registrations (user_id, event_id, status);
CREATE INDEX registrations_holds ON registrations (hold_expires_at) WHERE status = 'pending_payment';
CREATE UNIQUE INDEX registrations_identity ON registrations (id, event_id, user_id);
CREATE INDEX registrations_unpaid_by_client ON registrations (event_id, client_address)
  WHERE status = 'pending_payment';
