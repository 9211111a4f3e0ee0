-- Door staff look up the events they may scan.
CREATE INDEX event_staff_by_user ON event_staff (user_id);
