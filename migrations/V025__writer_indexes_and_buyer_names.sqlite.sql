-- What the single writer does per registration, made smaller without dropping any read (issue 14:
-- the one-type flash sale is bound by this writer; bench/RESULTS.md, "Issue 14, the writer's cost").
--
-- 1. audit_log_subject (V001) is read by no query: the audit log is read by event, actor, action
--    or time (GET /api/admin/audit, GET /api/events/{id}/audit), and erasure's rewrite of the
--    details reads the whole log anyway.
DROP INDEX audit_log_subject;
--
-- 2. The action index holds only the rare actions. The three that come once per order or per
--    scan (registration.created, registration.paid, ticket.validated) are the log's bulk: a page
--    of one of them, newest first, is found by reading the log backwards by id, a few rows per
--    hit. list_audit repeats this index's condition for the other actions, so that the planner
--    may use it. The condition is three `<>`, not NOT IN: SQLite would build NOT IN's list as a
--    temporary B-tree every time it checks the condition, three inserts per audit row. Query plans (EXPLAIN QUERY PLAN, the store's SQL):
--      action = 'user.erased' AND action <> … (the index's three terms) ORDER BY id DESC LIMIT 50
--        -> SEARCH audit_log USING INDEX audit_log_by_action (action=?)
--      action = 'registration.created' ORDER BY id DESC LIMIT 50
--        -> SCAN audit_log (by id, newest first; no sort)
--      event_id = ? [AND any other filter] -> SEARCH audit_log USING INDEX audit_log_by_event (event_id=?)
--      actor_id = ? [AND action/time]      -> SEARCH audit_log USING INDEX audit_log_by_actor (actor_id=?)
--      at >= ? AND at <= ?                 -> SEARCH audit_log USING INDEX audit_log_by_time (at>? AND at<?)
--                                             then a sort by id, or the id scan when the range is wide
--    The time index stays: `at` is the clock of the request, not of the commit, so it follows the
--    id order only nearly, and a time range must not miss a row.
DROP INDEX audit_log_by_action;
CREATE INDEX audit_log_by_action ON audit_log (action, id)
  WHERE action <> 'registration.created' AND action <> 'registration.paid' AND action <> 'ticket.validated';
--
-- 3. An order's items are keyed by (registration, position) and read only by that key or by type:
--    a WITHOUT ROWID table is that key itself, one B-tree fewer per item. No table refers to it.
CREATE TABLE registration_items_rebuilt (
  registration_id             TEXT NOT NULL REFERENCES registrations (id),
  position                    INTEGER NOT NULL,
  ticket_type_id              TEXT NOT NULL REFERENCES ticket_types (id),
  quantity                    INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor            BIGINT NOT NULL CHECK (unit_price_minor >= 0),
  discounted_unit_price_minor INTEGER,
  PRIMARY KEY (registration_id, position)
) WITHOUT ROWID;
INSERT INTO registration_items_rebuilt (registration_id, position, ticket_type_id, quantity, unit_price_minor,
                                        discounted_unit_price_minor)
  SELECT registration_id, position, ticket_type_id, quantity, unit_price_minor, discounted_unit_price_minor
  FROM registration_items;
DROP TABLE registration_items;
ALTER TABLE registration_items_rebuilt RENAME TO registration_items;
-- A type with sales cannot be deleted: that check (and the foreign key's) reads items by type.
CREATE INDEX registration_items_by_type ON registration_items (ticket_type_id);
--
-- 4. A guest order keeps the buyer name it was placed with; the address's buyer record holds the
--    latest order's. Orders made before keep the name their record has now.
ALTER TABLE registrations ADD COLUMN buyer_name TEXT;
UPDATE registrations SET buyer_name = (SELECT g.name FROM guest_buyers g WHERE g.id = registrations.user_id)
  WHERE user_id IN (SELECT id FROM guest_buyers);
