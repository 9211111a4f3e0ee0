-- Account recovery and address verification (issue 13).
-- users.email_verified_at (Unix seconds) is set once the account used a link mailed to its
-- address (verification or password reset). Accounts made before this migration never proved
-- their address and stay unverified (they can ask for a link at any time), except the demo
-- accounts (`admit demo`, @demo.admit.dev), which start verified as new demo accounts do.
-- Both token tables keep only the SHA-256 digest of a token (the plain token lives in the
-- outbox row that carries the link, until it is sent); a token works once (used_at) and until
-- expires_at. A reset token names an address, not an account: it is written before anything is
-- looked up, and the account is found by the address only when the token is used.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
UPDATE users SET email_verified_at = created_at WHERE email LIKE '%@demo.admit.dev';
CREATE TABLE password_reset_tokens (
  token_hash TEXT PRIMARY KEY,
  email      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
-- A reset retires every open token of its address.
CREATE INDEX password_reset_tokens_by_email ON password_reset_tokens (email);
CREATE TABLE email_verification_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
-- A verification retires every open token of its account; the index also serves the cascade.
CREATE INDEX email_verification_tokens_by_user ON email_verification_tokens (user_id);
