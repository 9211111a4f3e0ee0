-- Accounts whose rights can be withdrawn at once (`admit user revoke | disable | enable`): the
-- PostgreSQL twin of V010__account_control.sqlite.sql. token_version moves on whenever an
-- account loses rights; an access token carries the version it was issued under and is refused
-- once the two differ. disabled_at is set (Unix seconds) while an administrator has disabled the
-- account. Withdrawing rights also revokes every refresh token of the account, found through
-- the new index (which also serves the cascade when an account row is deleted).
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
