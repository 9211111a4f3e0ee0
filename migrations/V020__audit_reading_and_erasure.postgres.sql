-- Reading the audit log (issue 16, GET /api/admin/audit and GET /api/events/{id}/audit) and
-- erasing a person (POST /api/admin/users/{id}/erase, DELETE /api/me).
-- Each audit row names the event it belongs to, so that an event's entries are one index range
-- rather than a search through every subject kind; rows written before are given theirs here
-- (a deleted type's, question's or staff invitation's event was kept in `detail`). The log is
-- read newest first by id (keyset pages), filtered by event, actor, action or time.
ALTER TABLE audit_log ADD COLUMN event_id TEXT;
UPDATE audit_log SET event_id = CASE subject_type
  WHEN 'event' THEN subject_id
  WHEN 'registration' THEN (SELECT r.event_id FROM registrations r WHERE r.id = audit_log.subject_id)
  WHEN 'ticket' THEN (SELECT t.event_id FROM tickets t WHERE t.id = audit_log.subject_id)
  WHEN 'ticket_type' THEN detail
  WHEN 'question' THEN detail
  WHEN 'staff_invitation' THEN COALESCE(detail, (SELECT s.event_id FROM staff_invitations s WHERE s.id = audit_log.subject_id))
  END;
CREATE INDEX audit_log_by_event ON audit_log (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_time ON audit_log (at, id);
-- When a person's data was erased (GDPR Art. 17): the account keeps its id, so counts and money
-- stay on the books, but no name, address or password; it can never sign in again.
ALTER TABLE users ADD COLUMN erased_at BIGINT;
