-- Registration batches take their seats with one guarded counter update just before COMMIT
-- (src/store/postgres/postgres_registrations.cpp). When the guard finds the seats or the event
-- changed since the batch read them, this fails the statement, and with it the transaction,
-- with a SQLSTATE of Admit's own, so that the writer can tell it from any other error and
-- decide the batch again under the event's row lock.
CREATE OR REPLACE FUNCTION admit_require(ok BOOLEAN, why TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION USING ERRCODE = 'AD001', MESSAGE = why;
  END IF;
END
$$;
