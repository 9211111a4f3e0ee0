-- The waiting list (issue 15). An entry asks for seats of one ticket type of a sold-out event,
-- in joining order (`seq`, per event, assigned under the event's writer). When seats come free
-- the entries get offers in that order (domain/waitlist.hpp); an offer is a hold: a
-- registration in status 'offered' whose id is the entry's (registration_id), owned by the
-- entry's buyer (`buyer_id`: the account, or the guest buyer record made when a guest's
-- address was confirmed), counted in events.registered_count and ticket_types.sold like any
-- hold, so the existing no-oversell guards (the guarded counter update, the CHECKs) cover offers. An offer that expires or is removed
-- gives its seats back and its registration row goes (it never became an order).
ALTER TABLE events ADD COLUMN waitlist_paused INTEGER NOT NULL DEFAULT 0;

CREATE TABLE waitlist_entries (
  id               TEXT COLLATE "C" PRIMARY KEY,
  event_id         TEXT COLLATE "C" NOT NULL REFERENCES events (id),
  ticket_type_id   TEXT COLLATE "C" NOT NULL REFERENCES ticket_types (id),
  user_id          TEXT COLLATE "C",            -- the account that joined; NULL for a guest
  buyer_id         TEXT COLLATE "C",            -- who an offer is held for; NULL until a guest's address is confirmed
  name             TEXT NOT NULL,
  email            TEXT NOT NULL,   -- normalised
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  seq              BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'claimed', 'expired', 'removed')),
  confirmed        INTEGER NOT NULL DEFAULT 0,
  registration_id  TEXT COLLATE "C",            -- the offer's hold, then the claimed order
  offer_expires_at BIGINT,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  UNIQUE (event_id, seq)
);
CREATE INDEX waitlist_in_line ON waitlist_entries (event_id, seq) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_offers_due ON waitlist_entries (offer_expires_at) WHERE status = 'offered';
CREATE INDEX waitlist_by_user ON waitlist_entries (user_id) WHERE user_id IS NOT NULL;
-- One place in line per address, event and type.
CREATE UNIQUE INDEX waitlist_one_per_person ON waitlist_entries (event_id, ticket_type_id, email)
  WHERE status IN ('waiting', 'offered');
