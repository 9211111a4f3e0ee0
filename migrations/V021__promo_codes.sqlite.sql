-- Promo and access codes (issue 15). A code belongs to one event; `code_key` is the code
-- upper-cased, unique per event, so codes are case-insensitive. A code takes a percentage
-- (basis points: 1050 = 10.50 %) or an amount off each ticket, or neither when it only
-- unlocks hidden types. `uses` counts the orders holding the code (pending payment or
-- confirmed): it changes in the order's transaction, +1 when placed, -1 when the hold expires
-- or the order or its event is cancelled; the CHECK refuses more uses than allowed even if a
-- decision were wrong. `ticket_type_ids` (empty: all types) and `unlocks_type_ids` are JSON
-- arrays of type ids.
CREATE TABLE promo_codes (
  id                    TEXT PRIMARY KEY,
  event_id              TEXT NOT NULL REFERENCES events (id),
  code                  TEXT NOT NULL,
  code_key              TEXT NOT NULL,
  discount_percent_bp   INTEGER CHECK (discount_percent_bp > 0 AND discount_percent_bp <= 10000),
  discount_amount_minor INTEGER CHECK (discount_amount_minor >= 0),
  ticket_type_ids       TEXT NOT NULL DEFAULT '[]',
  unlocks_type_ids      TEXT NOT NULL DEFAULT '[]',
  max_uses              INTEGER CHECK (max_uses >= 0),
  max_uses_per_buyer    INTEGER CHECK (max_uses_per_buyer > 0),
  valid_from            INTEGER,
  valid_until           INTEGER,
  uses                  INTEGER NOT NULL DEFAULT 0,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  CHECK (discount_percent_bp IS NULL OR discount_amount_minor IS NULL),
  CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  UNIQUE (event_id, code_key)
);

-- An order's code (as written when ordered) and its discount over all tickets; each item's
-- price per ticket after the discount (NULL in rows written before: no discount).
ALTER TABLE registrations ADD COLUMN promo_code_id TEXT REFERENCES promo_codes (id);
ALTER TABLE registrations ADD COLUMN promo_code TEXT;
ALTER TABLE registrations ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX registrations_by_promo_code ON registrations (promo_code_id, user_id) WHERE promo_code_id IS NOT NULL;
ALTER TABLE registration_items ADD COLUMN discounted_unit_price_minor INTEGER;
UPDATE registration_items SET discounted_unit_price_minor = unit_price_minor;
