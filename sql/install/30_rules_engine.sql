-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: the engine's own -- restore and install state,
-- the day of entry, argument checks, the locks every rule takes, and the
-- one refusal of recorded facts.
-- ---------------------------------------------------------------------

-- the one lock helper: take (and make, the first time) the lock row of a
-- parent row; used through contract_lock, framework_lock and service_lock
CREATE FUNCTION cultuur.engine_lock_take(name text, key text) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.engine_lock AS l (name, key, runs) VALUES ($1, $2, 1)
            ON CONFLICT (name, key) DO UPDATE SET runs = l.runs + 1
    $$;
COMMENT ON FUNCTION cultuur.engine_lock_take(text, text) IS 'Takes the engine lock (name, key) by updating its row (inserting it the first time): concurrent takers wait (READ COMMITTED) or fail with 40001 (REPEATABLE READ) once the holder commits.';

-- restoring() is true -- a superuser's session with row_security off, as
-- pg_dump and pg_restore set it, or with cultuur.restoring on -- the rule
-- triggers accept inserted rows as recorded instead of recomputing them;
-- updates and deletes always go through the rules.
-- PARALLEL RESTRICTED: it remembers, in the backend, whether it warned in
-- this transaction (a worker would warn again)
CREATE FUNCTION cultuur.restoring() RETURNS boolean
    AS 'MODULE_PATHNAME', 'restoring' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.restoring() IS 'True while a superuser login restores a dump with cultuur.restoring = on (the login is tested, not the current user): the rule triggers then keep inserted rows exactly as dumped. Warns once per transaction while it is honoured.';

-- PARALLEL RESTRICTED: a parallel worker does not know that the leader runs
-- an extension script
CREATE FUNCTION cultuur.in_extension_script() RETURNS boolean
    AS 'MODULE_PATHNAME', 'in_extension_script' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.in_extension_script() IS 'True while the extension''s own install or upgrade script runs (the only time built-in service rows may change).';

-- The day an entry is made, in Brussels, whatever the session's TimeZone.
CREATE FUNCTION cultuur.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (pg_catalog.transaction_timestamp() AT TIME ZONE 'Europe/Brussels')::date;
COMMENT ON FUNCTION cultuur.today() IS 'The date in Europe/Brussels at the start of the current transaction: the day an entry is made, whatever the session''s TimeZone.';

-- Arguments of the public functions, checked before any work: a year of
-- 1900 to 2200 (the years a population count can have), a date from 1900
-- to 2200 (what a contract can hold), never NULL unless the function gives
-- NULL a meaning.
CREATE FUNCTION cultuur.check_year(arg text, y integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF y IS NULL THEN
        RAISE EXCEPTION '% must not be NULL', arg
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    ELSIF y < 1900 OR y > 2200 THEN
        RAISE EXCEPTION '% % is not a year from 1900 to 2200', arg, y
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_year(text, integer) IS 'Raises 22023, naming the argument, unless y is a year from 1900 to 2200.';

CREATE FUNCTION cultuur.check_date(arg text, d date, nullable boolean DEFAULT false,
        latest date DEFAULT '2200-12-31')
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF d IS NULL THEN
        IF NOT nullable THEN
            RAISE EXCEPTION '% must not be NULL', arg
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Give a date from 1900-01-01 to %s.', latest);
        END IF;
    ELSIF NOT isfinite(d) OR d < date '1900-01-01' OR d > latest THEN
        RAISE EXCEPTION '% % is not a date from 1900-01-01 to %', arg, d, latest
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = format('Give a date from 1900-01-01 to %s.', latest);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_date(text, date, boolean, date) IS 'Raises 22008 (22023 for NULL, unless nullable), naming the argument, unless d is a date from 1900-01-01 to latest (2200-12-31; the helpers that the rules call with the ends of later terms take up to 2300-12-31).';

CREATE FUNCTION cultuur.check_interval(arg text, i interval, longest interval)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF i IS NULL OR i < interval '0' OR i > longest THEN
        RAISE EXCEPTION '% must be from 0 to %, not %', arg, longest, coalesce(i::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_interval(text, interval, interval) IS 'Raises 22023, naming the argument, unless i is from 0 to longest.';

-- Lock a framework agreement for a rule check (as contract_lock does for
-- a contract: its row first, then its engine lock).
CREATE FUNCTION cultuur.framework_lock(service text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.framework f WHERE f.service = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'framework agreement for service "%" does not exist', $1
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('framework', $1);
END;
$$;
COMMENT ON FUNCTION cultuur.framework_lock(text) IS 'Serialises the rule checks of one framework agreement: locks its row (no trigger fires) and takes its engine lock.';

-- Lock a service for a rule check (its price changes), the same way.
CREATE FUNCTION cultuur.service_lock(code text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.service s WHERE s.code = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" does not exist', $1
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('service', $1);
END;
$$;
COMMENT ON FUNCTION cultuur.service_lock(text) IS 'Serialises the rule checks of one service (its price changes): locks its row (no trigger fires) and takes its engine lock.';

-- Lock a contract for a rule check.  The contract row is locked first
-- (FOR NO KEY UPDATE: no trigger fires, and foreign keys to it are not
-- blocked), so that every path takes the contract row before its engine
-- lock -- an UPDATE of the contract holds the row already when its trigger
-- asks for the engine lock, and a renewal or termination later updates the
-- row (contract_refresh): one order, no deadlock.  The engine lock row is
-- then updated, so that a REPEATABLE READ transaction whose snapshot
-- predates a concurrent check's commit fails with 40001 instead of acting
-- on rows it cannot see (READ COMMITTED waits and then sees them).
-- (It returns nothing: no function of the extension has a table's row type
-- in its signature, so the tables can live outside it; see 70_books.sql.)
CREATE FUNCTION cultuur.contract_lock(contract_id integer) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.contract c WHERE c.id = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('contract', $1::text);
END;
$$;
COMMENT ON FUNCTION cultuur.contract_lock(integer) IS 'Serialises the rule checks of one contract: locks its row (no trigger fires) and takes its engine lock. Concurrent checks of the same contract wait (READ COMMITTED) or fail with 40001 (REPEATABLE READ).';

CREATE FUNCTION cultuur.xid_is_current(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xid_is_current' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.xid_is_current(xid) IS 'True when a transaction id is the current transaction or one of its subtransactions (a row whose xmin passes was written by this transaction).';

-- Facts an invoice is computed from (tariffs, populations, index values,
-- a contract's fee columns) may change only while no invoicing run is
-- under way: a change waits for a running run and then sees its invoices
-- (READ COMMITTED), or fails with 40001 when a run committed after its
-- snapshot (REPEATABLE READ); a run waits for a change to commit and then
-- uses the new value.
CREATE FUNCTION cultuur.invoicing_barrier() RETURNS void
    LANGUAGE sql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$ SELECT FROM cultuur.engine_lock WHERE name = 'invoicing' AND key = '' FOR SHARE $$;
COMMENT ON FUNCTION cultuur.invoicing_barrier() IS 'Locks the invoicing row of engine_lock in share mode: called by the guards of invoiced facts, so that no fact changes under a running invoicing run.';

-- the one refusal all these guards share: used_by names what was computed
-- from the fact (an issued invoice, a recorded exit fee), NULL when nothing
CREATE FUNCTION cultuur.refuse_recorded_change(what text, used_by text, hint text)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF used_by IS NOT NULL THEN
        RAISE EXCEPTION '% cannot be changed or deleted: % was computed from it', what, used_by
            USING ERRCODE = 'CC010',
                  DETAIL = 'Issued invoices and recorded exit fees never change, so neither do the facts they were computed from.',
                  HINT = hint;
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_recorded_change(text, text, text) IS 'Raises CC010 when used_by (an issued invoice, a recorded exit fee) was computed from the fact what, with a hint saying what to do instead.';

-- the calendar month of an instant in Europe/Brussels, whatever TimeZone is
CREATE FUNCTION cultuur.brussels_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.date_trunc('month', at AT TIME ZONE 'Europe/Brussels')::date;
COMMENT ON FUNCTION cultuur.brussels_month(timestamptz) IS 'First day of the calendar month that contains an instant in Europe/Brussels local time (doc/rules.md §8): 2023-01-31 23:30 UTC is February.';
