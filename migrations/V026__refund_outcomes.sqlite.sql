-- Refunds the provider completes later (issue 15, Stripe's refund webhooks): a refund left
-- 'requested' ends 'succeeded' or 'failed' when refund.updated, refund.failed or charge.refunded
-- reports it, matched by `provider_refund_id`. A failed refund keeps the provider's
-- `failure_reason` (expired_or_canceled_card, lost_or_stolen_card, …) for the organizer.
-- SQLite cannot widen a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE refunds_v026 (
  id                 TEXT PRIMARY KEY,
  registration_id    TEXT NOT NULL REFERENCES registrations (id),
  amount_minor       BIGINT NOT NULL CHECK (amount_minor >= 0),
  ticket_ids         TEXT NOT NULL,  -- comma-separated, sorted; empty for a whole order's remainder
  idempotency_key    TEXT NOT NULL UNIQUE,
  provider_refund_id TEXT,
  status             TEXT NOT NULL CHECK (status IN ('due', 'requested', 'succeeded', 'failed')),
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  failure_reason     TEXT
);
INSERT INTO refunds_v026 (id, registration_id, amount_minor, ticket_ids, idempotency_key, provider_refund_id, status,
                          created_at, updated_at)
  SELECT id, registration_id, amount_minor, ticket_ids, idempotency_key, provider_refund_id, status, created_at,
         updated_at FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_v026 RENAME TO refunds;
CREATE INDEX refunds_by_registration ON refunds (registration_id);
CREATE INDEX refunds_due ON refunds (created_at) WHERE status = 'due';
CREATE INDEX refunds_by_provider_id ON refunds (provider_refund_id) WHERE provider_refund_id IS NOT NULL;
