-- Payment intents per registration and the webhook events already handled.

CREATE TABLE payments (
  intent_id       TEXT COLLATE "C" PRIMARY KEY,
  registration_id TEXT COLLATE "C" NOT NULL REFERENCES registrations (id),
  provider        TEXT NOT NULL,
  amount_minor    BIGINT NOT NULL,
  currency        TEXT NOT NULL,
  client_secret   TEXT NOT NULL,
  status          TEXT NOT NULL,  -- requires_payment_method, succeeded, failed, refunded
  last_error      TEXT,
  refund_id       TEXT,
  user_id         TEXT COLLATE "C" NOT NULL,  -- who asked for the intent
  idempotency_key TEXT,           -- the client's Idempotency-Key, unique per user
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX payments_by_registration ON payments (registration_id);
CREATE UNIQUE INDEX payments_idempotency ON payments (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- A provider delivers an event at least once, maybe many times and in any order: the id is
-- recorded with the state change it caused, so a repeat changes nothing.
CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
