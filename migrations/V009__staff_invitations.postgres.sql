-- Door staff are invited by address, per event, instead of being looked up and given a global
-- role. A row is an open invitation ('invited', until expires_at) or a granted right ('active',
-- with the account that accepted it); declined and removed ones are deleted (the audit log
-- keeps their history), so one address has at most one row per event.
CREATE TABLE staff_invitations (
  id          TEXT COLLATE "C" PRIMARY KEY,
  event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  email       TEXT COLLATE "C" NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('invited', 'active')),
  user_id     TEXT COLLATE "C" REFERENCES users (id),
  invited_by  TEXT,
  invited_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  accepted_at BIGINT,
  CHECK ((status = 'active') = (user_id IS NOT NULL))
);
CREATE UNIQUE INDEX staff_invitations_per_address ON staff_invitations (event_id, email);
CREATE INDEX staff_invitations_by_email ON staff_invitations (email);
-- A scan asks whether (event, user) holds an active right; door staff list their events.
CREATE INDEX staff_invitations_active ON staff_invitations (user_id, event_id) WHERE status = 'active';

-- Whoever was door staff keeps exactly the events they were added to, as accepted invitations.
INSERT INTO staff_invitations (id, event_id, email, status, user_id, invited_by, invited_at, expires_at, accepted_at)
SELECT replace(gen_random_uuid()::text, '-', ''), s.event_id, u.email, 'active', s.user_id, NULL, s.created_at,
       s.created_at + 1209600, s.created_at
FROM event_staff s JOIN users u ON u.id = s.user_id;
DROP TABLE event_staff;

-- The global staff role (bit 4) is gone.
UPDATE users SET roles = roles & ~4 WHERE (roles & 4) <> 0;
