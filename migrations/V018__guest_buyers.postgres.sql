-- Buying without an account (issue 14). A guest buyer is a record of its own, one per address
-- (the normalised email), with an id of the same shape as an account's. A guest order's
-- registration and tickets name that id as their user_id, so it is what the tickets' QR codes
-- sign, and it never changes: when an account later proves the address (verification, or a
-- password reset through it), the guest buyer gains that account (`user_id`) and its orders
-- show in the account, while their codes stay valid. One record per address also makes every
-- per-attendee rule (the seat limit, one unpaid order at a time, the cooldown after a lapsed
-- hold, idempotency keys, the advisory lock that serialises one attendee's orders across
-- nodes) hold per address for guests, through the same indexes and locks as accounts.
CREATE TABLE guest_buyers (
  id         TEXT COLLATE "C" PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  user_id    TEXT COLLATE "C" REFERENCES users (id),  -- the account that proved the address, once one did
  created_at BIGINT NOT NULL,
  joined_at  BIGINT
);
CREATE INDEX guest_buyers_by_account ON guest_buyers (user_id) WHERE user_id IS NOT NULL;

-- The tokens that open one guest order each, kept only as digests. A resend retires the
-- order's tokens and issues a fresh one.
CREATE TABLE order_tokens (
  token_hash      TEXT COLLATE "C" PRIMARY KEY,
  registration_id TEXT COLLATE "C" NOT NULL REFERENCES registrations (id),
  created_at      BIGINT NOT NULL,
  retired_at      BIGINT
);
CREATE INDEX order_tokens_by_registration ON order_tokens (registration_id) WHERE retired_at IS NULL;

-- A registration's user_id is now an account's or a guest buyer's id: the foreign key to users
-- goes (a key cannot name either of two tables). It also spares every order's insert the KEY
-- SHARE lock on its buyer's users row.
ALTER TABLE registrations DROP CONSTRAINT registrations_user_id_fkey;
