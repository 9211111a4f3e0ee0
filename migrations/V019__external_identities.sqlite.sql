-- External sign-in through an OpenID provider (issue 16).
-- A person who signs in through the provider is named by (issuer, subject), never by an email
-- address: an identity links to exactly one account, and an account made for it is never one
-- that already existed with the same address. provider_roles (a Roles bit mask) holds the roles
-- the provider's groups mapped to at the last sign-in, so the next one can replace exactly those
-- and leave the roles granted in Admit alone.
CREATE TABLE external_identities (
  issuer          TEXT NOT NULL,
  subject         TEXT NOT NULL,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email           TEXT NOT NULL,
  provider_roles  INTEGER NOT NULL,
  created_at      BIGINT NOT NULL,
  last_sign_in_at BIGINT NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_by_user ON external_identities (user_id);
-- A sign-in between the redirect to the provider and its callback, under the digest of its state
-- (the state itself is only in the browser's URL); any node may finish it, once.
CREATE TABLE sign_in_flows (
  state_hash    TEXT PRIMARY KEY,
  nonce         TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to     TEXT NOT NULL,
  expires_at    BIGINT NOT NULL
);
CREATE INDEX sign_in_flows_by_expiry ON sign_in_flows (expires_at);
-- The one-time code the callback hands to the web app, by its digest, until it is exchanged for
-- a session or expires.
CREATE TABLE sign_in_codes (
  code_hash  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sign_in_codes_by_expiry ON sign_in_codes (expires_at);
CREATE INDEX sign_in_codes_by_user ON sign_in_codes (user_id);
