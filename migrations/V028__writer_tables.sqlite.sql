-- Fewer B-tree updates per order in the single writer, no read made slow (issue 14: the
-- one-type flash sale is bound by this writer; bench/RESULTS.md, "Issue 14: the writer's tables").
--
-- Tried and left out: tickets as a WITHOUT ROWID table keyed by id (one B-tree fewer) made a
-- ticket's insert dearer, 28.9k -> 31.7k instructions (callgrind): its wide rows in a tree keyed
-- by text, and the id copied into both of its indexes.
--
-- The audit log's ids without AUTOINCREMENT, which updated sqlite_sequence at every audit row.
-- Rows are never deleted from the log (erasure rewrites their details), so the next id is
-- still the largest plus one: ids keep the log's order, which its readers page by.
CREATE TABLE audit_log_rebuilt (
  id           INTEGER PRIMARY KEY,
  at           BIGINT NOT NULL,
  actor_id     TEXT,
  request_id   TEXT,
  action       TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  detail       TEXT,
  event_id     TEXT
);
INSERT INTO audit_log_rebuilt (id, at, actor_id, request_id, action, subject_type, subject_id, detail, event_id)
  SELECT id, at, actor_id, request_id, action, subject_type, subject_id, detail, event_id FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_rebuilt RENAME TO audit_log;
CREATE INDEX audit_log_by_event ON audit_log (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_by_time ON audit_log (at, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id)
  WHERE action <> 'registration.created' AND action <> 'registration.paid' AND action <> 'ticket.validated';
--
-- An order's item was also indexed by its type, for one reader: deleting a type, which must find
-- none of its sales. That check now reads the event's orders (registrations_by_event, then each
-- order's items by their key), and the foreign keys' own check when the type is deleted scans
-- the items, as it already scanned registrations and tickets, none indexed by type: a rare
-- organizer's step pays, instead of every order.
DROP INDEX registration_items_by_type;
--
-- An order's creation was indexed by its actor, the buyer: a random page of that index for every
-- order (buyers come in no order), which the commit writes to the log whole. It is indexed by its
-- registration instead, whose ids grow with time, so each commit appends to one page; list_audit
-- finds an actor's orders through the actor's registrations (an order is created by its buyer's
-- account, or the account owning its guest record, or by nobody), every other action through the
-- actor index as before. bench/RESULTS.md: one random page fewer per order.
DROP INDEX audit_log_by_actor;
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL
  AND action <> 'registration.created';
CREATE INDEX audit_log_order_created ON audit_log (subject_id) WHERE action = 'registration.created';
