-- Accounts, sessions, events and the tables the registration flow fills: the PostgreSQL
-- twin of V001__init.sqlite.sql. Times are Unix seconds (UTC); money is integer minor units.
-- Identifiers compare bytewise (COLLATE "C"), as in SQLite, whatever the database's locale.

CREATE TABLE users (
  id            TEXT COLLATE "C" PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  roles         INTEGER NOT NULL,
  created_at    BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id  TEXT COLLATE "C" NOT NULL,
  issued_at  BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT,
  revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE events (
  id               TEXT COLLATE "C" PRIMARY KEY,
  organizer_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
  name             TEXT NOT NULL,
  description      TEXT NOT NULL,
  starts_at        BIGINT NOT NULL,
  timezone         TEXT NOT NULL,
  location         TEXT NOT NULL,
  capacity         INTEGER NOT NULL CHECK (capacity > 0),
  registered_count INTEGER NOT NULL DEFAULT 0 CHECK (registered_count >= 0 AND registered_count <= capacity),
  max_per_attendee INTEGER NOT NULL CHECK (max_per_attendee > 0),
  price_minor      BIGINT NOT NULL CHECK (price_minor >= 0),
  currency         TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('published', 'cancelled')),
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  search_text      TEXT NOT NULL  -- name, description and location, case-folded, for search
);
CREATE INDEX events_listing ON events (status, starts_at, id);
CREATE INDEX events_by_organizer ON events (organizer_id, starts_at, id);

CREATE TABLE ticket_types (
  id          TEXT COLLATE "C" PRIMARY KEY,
  event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
  capacity    INTEGER NOT NULL CHECK (capacity > 0),
  position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_types_by_event ON ticket_types (event_id, position);

CREATE TABLE registrations (
  id              TEXT COLLATE "C" PRIMARY KEY,
  event_id        TEXT COLLATE "C" NOT NULL REFERENCES events (id),
  ticket_type_id  TEXT COLLATE "C" NOT NULL REFERENCES ticket_types (id),
  user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id),
  quantity        INTEGER NOT NULL CHECK (quantity > 0),
  status          TEXT NOT NULL,
  amount_minor    BIGINT NOT NULL,
  currency        TEXT NOT NULL,
  payment_id      TEXT,
  hold_expires_at BIGINT,
  registered_at   BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  -- Insertion order, for listings within one second (SQLite's rowid plays this part).
  seq             BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX registrations_by_event ON registrations (event_id, registered_at, seq);
CREATE INDEX registrations_by_user ON registrations (user_id, registered_at, seq);

CREATE TABLE tickets (
  id              TEXT COLLATE "C" PRIMARY KEY,
  registration_id TEXT COLLATE "C" NOT NULL REFERENCES registrations (id),
  event_id        TEXT COLLATE "C" NOT NULL REFERENCES events (id),
  user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id),
  status          TEXT NOT NULL,
  qr_code         TEXT NOT NULL,
  generated_at    BIGINT NOT NULL,
  validated_at    BIGINT,
  validated_by    TEXT
);
CREATE INDEX tickets_by_registration ON tickets (registration_id);

CREATE TABLE event_staff (
  event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (event_id, user_id)
);

CREATE TABLE audit_log (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           BIGINT NOT NULL,
  actor_id     TEXT,
  request_id   TEXT,
  action       TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  detail       TEXT
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
