-- admit: rebuilds tables
-- Ticket types of their own (issue 14): a description, a quota of its own or none (NULL: only
-- the event's capacity limits the type), a sales window, limits per order, hidden types and the
-- order of display. `sold` counts the type's seats that are confirmed or held, kept in the same
-- transactions as events.registered_count; the CHECK refuses an oversold type even if a
-- decision were wrong. An order of several types has one registration_items row per type; every
-- registration made before gets the one item it was. Tickets name their type. SQLite cannot
-- make a column nullable, so ticket_types is rebuilt (registrations refer to it: the migration
-- runs with foreign keys off, and every reference is checked before it commits).
CREATE TABLE ticket_types_rebuilt (
  id            TEXT PRIMARY KEY,
  event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  price_minor   BIGINT NOT NULL CHECK (price_minor >= 0),
  capacity      INTEGER CHECK (capacity > 0),
  sold          INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND (capacity IS NULL OR sold <= capacity)),
  sales_start   BIGINT,
  sales_end     BIGINT,
  min_per_order INTEGER NOT NULL DEFAULT 1 CHECK (min_per_order > 0),
  max_per_order INTEGER NOT NULL DEFAULT 100 CHECK (max_per_order >= min_per_order),
  hidden        INTEGER NOT NULL DEFAULT 0,
  position      INTEGER NOT NULL DEFAULT 0
);
-- The event's one type keeps its id; its quota becomes the event's (NULL), its price the event's.
INSERT INTO ticket_types_rebuilt (id, event_id, name, price_minor, capacity, sold, position)
  SELECT t.id, t.event_id, t.name, e.price_minor, NULL,
         (SELECT COALESCE(SUM(r.quantity), 0) FROM registrations r
          WHERE r.ticket_type_id = t.id AND r.status IN ('pending_payment', 'confirmed')), t.position
  FROM ticket_types t JOIN events e ON e.id = t.event_id;
DROP TABLE ticket_types;
ALTER TABLE ticket_types_rebuilt RENAME TO ticket_types;
CREATE INDEX ticket_types_by_event ON ticket_types (event_id, position);
CREATE UNIQUE INDEX ticket_types_identity ON ticket_types (id, event_id);

CREATE TABLE registration_items (
  registration_id  TEXT NOT NULL REFERENCES registrations (id),
  ticket_type_id   TEXT NOT NULL REFERENCES ticket_types (id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
  position         INTEGER NOT NULL,
  PRIMARY KEY (registration_id, position)
);
CREATE INDEX registration_items_by_type ON registration_items (ticket_type_id);
INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price_minor, position)
  SELECT id, ticket_type_id, quantity, amount_minor / quantity, 0 FROM registrations;

ALTER TABLE tickets ADD COLUMN ticket_type_id TEXT REFERENCES ticket_types (id);
UPDATE tickets SET ticket_type_id = (SELECT r.ticket_type_id FROM registrations r WHERE r.id = tickets.registration_id);
