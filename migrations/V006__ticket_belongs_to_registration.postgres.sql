-- A ticket is its registration's: same event, same attendee. One composite foreign key says
-- exactly that, where three single ones (to the registration, the event and the user) let a
-- ticket name an event or holder other than its registration's. It is also cheaper: each
-- foreign-key check runs a query and takes a KEY SHARE lock on the parent row, so a ticket
-- insert now checks and locks one row (its registration, written by the same transaction)
-- instead of three (measured with pgbench: bench/RESULTS.md, 2026-12-02).
CREATE UNIQUE INDEX registrations_identity ON registrations (id, event_id, user_id);
ALTER TABLE tickets
  DROP CONSTRAINT tickets_registration_id_fkey,
  DROP CONSTRAINT tickets_event_id_fkey,
  DROP CONSTRAINT tickets_user_id_fkey,
  ADD CONSTRAINT tickets_registration_fkey FOREIGN KEY (registration_id, event_id, user_id)
    REFERENCES registrations (id, event_id, user_id);
