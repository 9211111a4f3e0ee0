-- The questions an organizer asks the people who buy tickets (issue 14; the rules are in
-- src/domain/questions.hpp). The choices and the ticket types a question is limited to are
-- JSON arrays of strings in one row, not child tables: a question is always read and written
-- whole, and a ticket type deleted later must leave a question meant for some types asked of
-- those that remain (its id then matches no ticket), where a cascading child row would vanish
-- and leave an empty list, which means "every type". The stores check the ids against the
-- event's ticket types when a question is written.
CREATE TABLE questions (
  id              TEXT PRIMARY KEY,
  event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  label           TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('text', 'multiline', 'number', 'email', 'phone', 'date', 'select',
                                                'multiselect', 'checkbox')),
  options         TEXT NOT NULL DEFAULT '[]',
  required        INTEGER NOT NULL CHECK (required IN (0, 1)),
  scope           TEXT NOT NULL CHECK (scope IN ('order', 'ticket')),
  ticket_type_ids TEXT NOT NULL DEFAULT '[]',
  position        INTEGER NOT NULL,
  created_at      BIGINT NOT NULL
);
-- An event's questions are read in the order the form shows them.
CREATE INDEX questions_by_event ON questions (event_id, position, id);
