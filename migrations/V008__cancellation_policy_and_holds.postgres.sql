-- Cancellation policy and hold limits (issue 11).
-- events.cancellation_deadline: after it (NULL: the event's start) a holder can no longer cancel.
-- events.hold_seconds: how long this event's unpaid orders hold their seats (NULL: the instance's).
-- registrations.client_address: the address that placed the order, to cap unpaid holds per client.
-- registrations.retained_seats: seats a cancelled registration keeps taken, because a ticket of it
--   was used or its event had begun: such a seat is never sold again.
ALTER TABLE events ADD COLUMN cancellation_deadline BIGINT;
ALTER TABLE events ADD COLUMN hold_seconds INTEGER CHECK (hold_seconds IS NULL OR hold_seconds > 0);
ALTER TABLE registrations ADD COLUMN client_address TEXT;
ALTER TABLE registrations ADD COLUMN retained_seats INTEGER NOT NULL DEFAULT 0 CHECK (retained_seats >= 0);
-- Open unpaid holds of one client address for one event, counted at every paid order.
CREATE INDEX registrations_unpaid_by_client ON registrations (event_id, client_address)
  WHERE status = 'pending_payment';
