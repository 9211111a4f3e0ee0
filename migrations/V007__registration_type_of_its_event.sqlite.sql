-- admit: rebuilds tables
-- A registration's ticket type is one of its event's: one composite foreign key to the ticket
-- type's (id, event_id) says so, where two single keys (to the event, to the ticket type) let a
-- registration name another event's ticket type. SQLite cannot change a table's constraints,
-- so the table is rebuilt; other tables refer to it, so the migration runs with foreign keys
-- off (the first line above asks for that) and every reference is checked before it commits.
-- Row ids are kept: listings order registrations of the same second by them.
CREATE UNIQUE INDEX ticket_types_identity ON ticket_types (id, event_id);
CREATE TABLE registrations_rebuilt (
  id              TEXT PRIMARY KEY,
  event_id        TEXT NOT NULL,
  ticket_type_id  TEXT NOT NULL,
  user_id         TEXT NOT NULL REFERENCES users (id),
  quantity        INTEGER NOT NULL CHECK (quantity > 0),
  status          TEXT NOT NULL,
  amount_minor    BIGINT NOT NULL,
  currency        TEXT NOT NULL,
  payment_id      TEXT,
  hold_expires_at BIGINT,
  registered_at   BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  idempotency_key TEXT,
  request_hash    TEXT,
  FOREIGN KEY (ticket_type_id, event_id) REFERENCES ticket_types (id, event_id)
);
INSERT INTO registrations_rebuilt (rowid, id, event_id, ticket_type_id, user_id, quantity, status, amount_minor,
                                   currency, payment_id, hold_expires_at, registered_at, updated_at,
                                   idempotency_key, request_hash)
  SELECT rowid, id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, currency, payment_id,
         hold_expires_at, registered_at, updated_at, idempotency_key, request_hash
  FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_rebuilt RENAME TO registrations;
CREATE INDEX registrations_by_event ON registrations (event_id, registered_at, id);
CREATE UNIQUE INDEX registrations_idempotency ON registrations (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX registrations_by_attendee ON registrations (user_id, event_id, status);
CREATE INDEX registrations_holds ON registrations (hold_expires_at) WHERE status = 'pending_payment';
CREATE UNIQUE INDEX registrations_identity ON registrations (id, event_id, user_id);
