-- Draft events and an event's end (issue 14).
-- events.status may be 'draft': an event its organizer prepares, visible to nobody else, not
--   on sale, until it is published (draft -> published, never back).
-- events.end_date: when the event ends (Unix seconds, after starts_at); NULL: not said (the
--   calendar file then assumes a length).
ALTER TABLE events
  DROP CONSTRAINT events_status_check,
  ADD CONSTRAINT events_status_check CHECK (status IN ('draft', 'published', 'cancelled')),
  ADD COLUMN end_date BIGINT,
  ADD CONSTRAINT events_end_date_check CHECK (end_date IS NULL OR end_date > starts_at);
