-- One registration batch as the PostgreSQL writer sends it, without the HTTP and the nodes:
-- 20 registrations of random attendees with one ticket each, their audit rows and the event's
-- counter, in one transaction. Used by bench/pg-inserts.sh through pgbench.
BEGIN;
WITH src AS (
  SELECT lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 14, '0')
           || substr(md5(random()::text), 1, 8) || g AS id,
         'u' || (1 + floor(random() * 2000))::int AS user_id
  FROM generate_series(1, 20) g),
r AS (
  INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, currency,
                             registered_at, updated_at, request_hash)
  SELECT id, 'ev1', 'tt1', user_id, 1, 'confirmed', 0, 'EUR', 1800000000, 1800000000, 'hashhashhashhash' FROM src
  RETURNING id, user_id),
t AS (
  INSERT INTO tickets (id, registration_id, event_id, user_id, status, qr_code, generated_at, position)
  SELECT id || 't', id, 'ev1', user_id, 'valid', repeat('Q', 188), 1800000000, 1 FROM r RETURNING 1)
INSERT INTO audit_log (at, actor_id, request_id, action, subject_type, subject_id, detail)
SELECT 1800000000, user_id, 'req-0123', 'registration.created', 'registration', id, 'confirmed' FROM r;
UPDATE events SET registered_count = registered_count + 20 WHERE id = 'ev1';
COMMIT;
