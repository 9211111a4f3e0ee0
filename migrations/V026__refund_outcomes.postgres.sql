-- Refunds the provider completes later (issue 15, Stripe's refund webhooks): a refund left
-- 'requested' ends 'succeeded' or 'failed' when refund.updated, refund.failed or charge.refunded
-- reports it, matched by `provider_refund_id`. A failed refund keeps the provider's
-- `failure_reason` (expired_or_canceled_card, lost_or_stolen_card, …) for the organizer.
ALTER TABLE refunds DROP CONSTRAINT refunds_status_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_status_check CHECK (status IN ('due', 'requested', 'succeeded', 'failed'));
ALTER TABLE refunds ADD COLUMN failure_reason TEXT;
CREATE INDEX refunds_by_provider_id ON refunds (provider_refund_id) WHERE provider_refund_id IS NOT NULL;
