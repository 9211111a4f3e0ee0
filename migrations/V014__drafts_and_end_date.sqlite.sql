-- admit: rebuilds tables
-- Draft events and an event's end (issue 14).
-- events.status may be 'draft': an event its organizer prepares, visible to nobody else, not
--   on sale, until it is published (draft -> published, never back).
-- events.end_date: when the event ends (Unix seconds, after starts_at); NULL: not said (the
--   calendar file then assumes a length).
-- SQLite cannot change a CHECK constraint, so the table is rebuilt the way SQLite documents
-- (https://www.sqlite.org/lang_altertable.html#otheralter): other tables refer to events, so
-- the migration runs with foreign keys off (the first line above asks for that) and every
-- reference is checked before it commits. Row ids are kept.
CREATE TABLE events_rebuilt (
  id                    TEXT PRIMARY KEY,
  organizer_id          TEXT NOT NULL REFERENCES users (id),
  name                  TEXT NOT NULL,
  description           TEXT NOT NULL,
  starts_at             BIGINT NOT NULL,
  timezone              TEXT NOT NULL,
  location              TEXT NOT NULL,
  capacity              INTEGER NOT NULL CHECK (capacity > 0),
  registered_count      INTEGER NOT NULL DEFAULT 0 CHECK (registered_count >= 0 AND registered_count <= capacity),
  max_per_attendee      INTEGER NOT NULL CHECK (max_per_attendee > 0),
  price_minor           BIGINT NOT NULL CHECK (price_minor >= 0),
  currency              TEXT NOT NULL,
  status                TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  search_text           TEXT NOT NULL,  -- name, description and location, case-folded, for search
  cancellation_deadline BIGINT,
  hold_seconds          INTEGER CHECK (hold_seconds IS NULL OR hold_seconds > 0),
  end_date              BIGINT CHECK (end_date IS NULL OR end_date > starts_at)
);
INSERT INTO events_rebuilt (rowid, id, organizer_id, name, description, starts_at, timezone, location, capacity,
                            registered_count, max_per_attendee, price_minor, currency, status, created_at,
                            updated_at, search_text, cancellation_deadline, hold_seconds)
  SELECT rowid, id, organizer_id, name, description, starts_at, timezone, location, capacity, registered_count,
         max_per_attendee, price_minor, currency, status, created_at, updated_at, search_text,
         cancellation_deadline, hold_seconds
  FROM events;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_listing ON events (status, starts_at, id);
CREATE INDEX events_by_organizer ON events (organizer_id, starts_at, id);
