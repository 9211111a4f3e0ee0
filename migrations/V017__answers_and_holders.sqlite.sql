-- Answers and a named holder on every ticket (issue 14; the rules are in
-- src/domain/questions.hpp). An order's answers are one JSON object ({questionId: value}, in
-- the canonical form check_answers gives) on its registration. Who each seat is for is kept
-- twice on purpose: on the registration (`attendees`, a JSON array in ticket order, empty when
-- the buyer named nobody) because a paid order's tickets are issued only once it is paid, and
-- on each ticket as it is issued (`holder_name`, `holder_email`, `answers`), so that reading a
-- ticket (the scanner, the PDF, My tickets) stays one row and never parses the order's list.
-- JSON text rather than child tables: answers are always read and written whole with their
-- order or ticket, and nothing queries inside them. Tickets issued before carry the buyer's
-- account name, as they showed it.
ALTER TABLE registrations ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE registrations ADD COLUMN attendees TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tickets ADD COLUMN holder_name TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN holder_email TEXT;
ALTER TABLE tickets ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
UPDATE tickets SET holder_name = COALESCE((SELECT u.name FROM users u WHERE u.id = tickets.user_id), '');
