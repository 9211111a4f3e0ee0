-- Partial cancellation and complimentary tickets (issue 15).
-- A ticket cancelled alone, its registration going on, is 'void' (tickets.status is free text).
-- A registration says where it came from (`source`: a shop 'order', or the organizer's 'comp')
-- and how much of its amount went back through partial cancellations (`refunded_minor`; once
-- it is cancelled whole after payment, the whole amount does).
ALTER TABLE registrations ADD COLUMN source TEXT NOT NULL DEFAULT 'order' CHECK (source IN ('order', 'comp'));
ALTER TABLE registrations ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0);

-- One row per refund: each partial cancellation's (its tickets, its amount, the provider's
-- idempotency key `cancel:<registration>:<sorted ticket ids>`), and a whole order's remainder
-- (key `admit-refund-<registration>`) once the provider made it. 'due': decided, not yet sent;
-- 'requested': the provider accepted it and completes it later; 'succeeded': money returned.
CREATE TABLE refunds (
  id                 TEXT PRIMARY KEY,
  registration_id    TEXT NOT NULL REFERENCES registrations (id),
  amount_minor       BIGINT NOT NULL CHECK (amount_minor >= 0),
  ticket_ids         TEXT NOT NULL,  -- comma-separated, sorted; empty for a whole order's remainder
  idempotency_key    TEXT NOT NULL UNIQUE,
  provider_refund_id TEXT,
  status             TEXT NOT NULL CHECK (status IN ('due', 'requested', 'succeeded')),
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);
CREATE INDEX refunds_by_registration ON refunds (registration_id);
CREATE INDEX refunds_due ON refunds (created_at) WHERE status = 'due';

-- Whole refunds made before have their record too, so the books read from one table.
INSERT INTO refunds (id, registration_id, amount_minor, ticket_ids, idempotency_key, provider_refund_id, status,
                     created_at, updated_at)
  SELECT 'whole-' || p.registration_id, p.registration_id, p.amount_minor, '', 'admit-refund-' || p.registration_id,
         p.refund_id, CASE WHEN p.status = 'refunded' THEN 'succeeded' ELSE 'requested' END, p.updated_at, p.updated_at
  FROM payments p WHERE p.status IN ('refunded', 'refund_pending')
  ON CONFLICT (id) DO NOTHING;
UPDATE registrations SET refunded_minor = amount_minor
  WHERE id IN (SELECT registration_id FROM payments WHERE status IN ('refunded', 'refund_pending'));
