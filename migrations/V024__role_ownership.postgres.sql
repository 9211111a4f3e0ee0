-- Role ownership with external sign-in (issue 16): which of an account's roles were granted in
-- Admit itself (at sign-up, by an admin or on the command line), beside the roles the external
-- provider granted (external_identities.provider_roles). A sign-in through the provider replaces
-- only the roles the provider alone granted, so a role an admin granted stays when the provider
-- drops it, even when the provider maps the same role. Accounts made before: every role not
-- granted by the provider at its last sign-in was granted here.
ALTER TABLE users ADD COLUMN granted_roles INTEGER NOT NULL DEFAULT 0;
UPDATE users SET granted_roles = roles & ~COALESCE(
  (SELECT MAX(i.provider_roles) FROM external_identities i WHERE i.user_id = users.id), 0);
