-- Ticket types of their own (issue 14): a description, a quota of its own or none (NULL: only
-- the event's capacity limits the type), a sales window, limits per order, hidden types and the
-- order of display. `sold` counts the type's seats that are confirmed or held, kept in the same
-- transactions as events.registered_count and changed only under the event's row lock; the CHECK
-- refuses an oversold type even if a decision were wrong. An order of several types has one
-- registration_items row per type; every registration made before gets the one item it was.
-- Tickets name their type.
ALTER TABLE ticket_types
  ALTER COLUMN capacity DROP NOT NULL,
  ADD COLUMN description TEXT NOT NULL DEFAULT '',
  ADD COLUMN sold INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN sales_start BIGINT,
  ADD COLUMN sales_end BIGINT,
  ADD COLUMN min_per_order INTEGER NOT NULL DEFAULT 1 CHECK (min_per_order > 0),
  ADD COLUMN max_per_order INTEGER NOT NULL DEFAULT 100,
  ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE,
  ADD CONSTRAINT ticket_types_sold_check CHECK (sold >= 0 AND (capacity IS NULL OR sold <= capacity)),
  ADD CONSTRAINT ticket_types_max_per_order_check CHECK (max_per_order >= min_per_order);
-- The event's one type keeps its id; its quota becomes the event's (NULL), its price the event's.
UPDATE ticket_types t SET capacity = NULL, price_minor = e.price_minor,
  sold = (SELECT COALESCE(SUM(r.quantity), 0) FROM registrations r
          WHERE r.ticket_type_id = t.id AND r.status IN ('pending_payment', 'confirmed'))
  FROM events e WHERE e.id = t.event_id;

CREATE TABLE registration_items (
  registration_id  TEXT COLLATE "C" NOT NULL REFERENCES registrations (id),
  ticket_type_id   TEXT COLLATE "C" NOT NULL REFERENCES ticket_types (id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
  position         INTEGER NOT NULL,
  PRIMARY KEY (registration_id, position)
);
CREATE INDEX registration_items_by_type ON registration_items (ticket_type_id);
INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price_minor, position)
  SELECT id, ticket_type_id, quantity, amount_minor / quantity, 0 FROM registrations;

ALTER TABLE tickets ADD COLUMN ticket_type_id TEXT COLLATE "C" REFERENCES ticket_types (id);
UPDATE tickets t SET ticket_type_id = r.ticket_type_id FROM registrations r WHERE r.id = t.registration_id;
