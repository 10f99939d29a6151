-- ---------------------------------------------------------------------
-- Layer 3, rule helpers over reference data: inhabitants, framework
-- agreements, built-in services, index values (doc/rules.md §2, 5, 7).
-- ---------------------------------------------------------------------

-- The count a rule uses when the count of its own year may be missing
-- (exit fees, reach caps, price-increase flags, budget estimates): the
-- latest one on 1 January of through_year or before (doc/rules.md §2).
-- Invoiced fees use the count of their own year only (fee_detail).
CREATE FUNCTION cultuur.latest_population(library_id integer, through_year integer)
    RETURNS TABLE (count_year integer, inhabitants integer)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- a string body with qualified operators and no SET clause: it names a
    -- table of the books, on which no function of the extension may depend
    -- (see 70_books.sql), and the planner can inline it into the reports
    AS $$
        SELECT p.year, p.inhabitants FROM cultuur.population p
         WHERE p.library_id OPERATOR(pg_catalog.=) $1 AND p.year OPERATOR(pg_catalog.<=) $2
         ORDER BY p.year DESC LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.latest_population(integer, integer) IS 'The latest count of inhabitants of a library on 1 January of through_year or before, and its year; no row when none is entered.';

-- the current end of a framework agreement, with its extensions
-- the end of a framework agreement with the extensions agreed by a date
-- (a contract's initial term is capped at the end in force on its signing
-- date, F 10.1: later extensions allow renewals, they never lengthen it)
CREATE FUNCTION cultuur.framework_end_on(service text, on_date date) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT greatest(f.ends_on, (SELECT max(e.ends_on)
                                      FROM cultuur.framework_extension e
                                     WHERE e.service = f.service AND e.agreed_on <= $2))
          FROM cultuur.framework f
         WHERE f.service = $1
    $$;
COMMENT ON FUNCTION cultuur.framework_end_on(text, date) IS 'End of the framework agreement of a service with the extensions agreed on or before on_date; NULL when the service has no framework row (no limit).';

CREATE FUNCTION cultuur.framework_end(service text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$ SELECT cultuur.framework_end_on($1, 'infinity') $$;
COMMENT ON FUNCTION cultuur.framework_end(text) IS 'Current end of the framework agreement of a service, extensions included; NULL when the service has no framework row (no limit).';

-- The services the extension ships: which rows are built in is decided by
-- this list, never by a column a user could write.
CREATE FUNCTION cultuur.shipped_service(code text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN code = ANY ('{ebooks,film-1B,film-2A,film-2B,film-4A,film-4B}'::text[]);
COMMENT ON FUNCTION cultuur.shipped_service(text) IS 'True for the codes of the services the extension ships (e-books and the five film lots): their terms come from the agreements and cannot be changed.';

-- A framework agreement may not be shortened below what its member
-- contracts already run to (F 10.1: they never outlast it).
CREATE FUNCTION cultuur.refuse_framework_end(service text, new_end date) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    worst record;
BEGIN
    SELECT c.id, upper(c.active) - 1 AS last_day INTO worst
      FROM cultuur.contract c
     WHERE c.service = $1 AND coalesce(upper(c.active) - 1, c.initial_end) > $2
     ORDER BY c.id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the framework agreement of service "%" cannot end on % while contract % runs to %',
                $1, $2, worst.id, coalesce(worst.last_day::text, 'a later date')
            USING ERRCODE = 'CC009',
                  HINT = 'Member contracts never outlast the framework agreement (F 10.1); end or shorten them first.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_framework_end(text, date) IS 'Raises CC009 when a contract of the service runs beyond new_end, the end a framework agreement would have after a change.';

CREATE FUNCTION cultuur.index_value(series text, month date, base integer DEFAULT cultuur.index_base())
    RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('month', $2), cultuur.check_year('base', $3);
        SELECT value FROM cultuur.price_index
         WHERE price_index.series = $1 AND price_index.month = $2 AND price_index.base = $3
    $$;
COMMENT ON FUNCTION cultuur.index_value(text, date, integer) IS 'The published value of an index series for a month (first of the month) on an index base; NULL when not loaded.';
