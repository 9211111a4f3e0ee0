-- A ticket is its registration's: same event, same attendee. One composite foreign key says
-- exactly that, where three single ones (to the registration, the event and the user) let a
-- ticket name an event or holder other than its registration's. SQLite cannot change a
-- table's constraints, so the table is rebuilt (nothing refers to tickets, so dropping the
-- old one checks nothing); every existing row is checked against the new key on the way, and
-- keeps its row id.
CREATE UNIQUE INDEX registrations_identity ON registrations (id, event_id, user_id);
CREATE TABLE tickets_rebuilt (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  status          TEXT NOT NULL,
  qr_code         TEXT NOT NULL,
  generated_at    BIGINT NOT NULL,
  validated_at    BIGINT,
  validated_by    TEXT,
  position        INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY (registration_id, event_id, user_id) REFERENCES registrations (id, event_id, user_id)
);
INSERT INTO tickets_rebuilt (rowid, id, registration_id, event_id, user_id, status, qr_code, generated_at,
                             validated_at, validated_by, position)
  SELECT rowid, id, registration_id, event_id, user_id, status, qr_code, generated_at, validated_at, validated_by,
         position
  FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_rebuilt RENAME TO tickets;
CREATE INDEX tickets_by_registration ON tickets (registration_id);
CREATE INDEX tickets_by_event ON tickets (event_id, validated_at);
