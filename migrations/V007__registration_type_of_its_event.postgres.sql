-- A registration's ticket type is one of its event's: one composite foreign key to the ticket
-- type's (id, event_id) says so, where two single keys (to the event, to the ticket type) let a
-- registration name another event's ticket type. It also keeps registrations from locking
-- their event's row: each foreign-key check takes a KEY SHARE lock on the parent row, and the
-- event's row is the one every batch updates (its seat counter), so with two writers each
-- check met the other's update, followed its update chain and made MultiXacts. Ticket types
-- are not updated during a sale. The event still cannot vanish under its registrations: its
-- ticket types go with it (ON DELETE CASCADE), and these keys stop that.
-- Measured with `ADMIT_BENCH_SCHEMAS="6 7" bash bench/pg-inserts.sh` (bench/RESULTS.md).
CREATE UNIQUE INDEX ticket_types_identity ON ticket_types (id, event_id);
ALTER TABLE registrations
  DROP CONSTRAINT registrations_event_id_fkey,
  DROP CONSTRAINT registrations_ticket_type_id_fkey,
  ADD CONSTRAINT registrations_ticket_type_fkey FOREIGN KEY (ticket_type_id, event_id)
    REFERENCES ticket_types (id, event_id);
