-- ---------------------------------------------------------------------
-- Reference data: libraries, populations, price indexes, services,
-- framework agreements, tariffs (doc/rules.md §2, 3, 5, 7)
-- ---------------------------------------------------------------------

CREATE SEQUENCE cultuur.library_id_seq;
CREATE TABLE cultuur.library (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.library_id_seq'),
    name        text NOT NULL CHECK (pg_catalog.btrim(name) <> ''),
    nis_code    text NOT NULL UNIQUE CHECK (nis_code ~ '^[0-9]{5}$')
);
ALTER SEQUENCE cultuur.library_id_seq OWNED BY cultuur.library.id;
COMMENT ON TABLE cultuur.library IS 'A subscribing municipality and its public library, identified by its NIS code (5 digits).';
COMMENT ON COLUMN cultuur.library.nis_code IS 'Statbel NIS code of the municipality, e.g. 11002 for Antwerp.';

CREATE TABLE cultuur.population (
    library_id  integer NOT NULL REFERENCES cultuur.library ON DELETE CASCADE,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    inhabitants integer NOT NULL CHECK (inhabitants >= 0),
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.population IS 'Official count of inhabitants on 1 January of year (Statbel). A fee for year Y uses the count of 1 January Y-1.';

CREATE TABLE cultuur.price_index (
    series      text NOT NULL CHECK (series IN ('cpi', 'health')),
    month       date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
    value       numeric NOT NULL CHECK (value > 0 AND value < 100000),
    base        integer NOT NULL DEFAULT 2013 CHECK (base BETWEEN 1900 AND 2200),
    source      text,
    PRIMARY KEY (series, base, month)
);
COMMENT ON TABLE cultuur.price_index IS 'Monthly Belgian price indexes as published by Statbel: series cpi (consumer prices) or health (health index), month = first of the month, on the index base of year base (2013 = 100). Data, not shipped: load it with COPY.';

CREATE TABLE cultuur.service (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9][A-Za-z0-9-]*$'),
    name          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('ebooks', 'film')),
    price_model   text NOT NULL CHECK (price_model IN ('per_inhabitant', 'per_user')),
    index_series  text NOT NULL CHECK (index_series IN ('cpi', 'health')),
    renewal       text NOT NULL CHECK (renewal IN ('tacit', 'agreement')),
    initial_term  interval CHECK (initial_term > interval '0'),
    renewal_term  interval NOT NULL DEFAULT '1 year' CHECK (renewal_term > interval '0'),
    max_renewals  integer CHECK (max_renewals >= 0),
    notice        interval NOT NULL DEFAULT '3 months' CHECK (notice >= interval '0'),
    year_end_exit boolean NOT NULL DEFAULT false,
    reach_pct     numeric CHECK (reach_pct > 0 AND reach_pct <= 100)
);
COMMENT ON TABLE cultuur.service IS 'A digital service with its contract terms: price model, index series, how it renews (tacit or by agreement), initial term, renewal term and limit, notice period, and whether it may be ended early on any 31 December.';
COMMENT ON COLUMN cultuur.service.initial_term IS 'Length of the initial term; NULL when each contract states its initial_end (e-books: 15 September 2026).';
COMMENT ON COLUMN cultuur.service.max_renewals IS 'Most renewals by agreement (film: 2); NULL means no limit.';
COMMENT ON COLUMN cultuur.service.reach_pct IS 'Expected reach per month in % of inhabitants; set for lot 1B (0.18, F 8.6), whose order may be put on hold once the year''s cap is reached.';
COMMENT ON COLUMN cultuur.service.year_end_exit IS 'True when a party may end the contract on any 31 December with notice (E 10.2).';

INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, renewal_term, max_renewals, notice,
                             year_end_exit, reach_pct) VALUES
 ('ebooks',  'E-books (cloudLibrary)',   'ebooks', 'per_inhabitant', 'cpi',    'tacit',     NULL,      '1 year', NULL, '3 months', true, NULL),
 ('film-1B', 'Film lot 1B (Sooner)',     'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, 0.18),
 ('film-2A', 'Film lot 2A (Dalton)',     'film',   'per_inhabitant', 'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-2B', 'Film lot 2B (Dalton)',     'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-4A', 'Film lot 4A (Avila)',      'film',   'per_inhabitant', 'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-4B', 'Film lot 4B (Avila)',      'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL);

CREATE TABLE cultuur.framework (
    service         text PRIMARY KEY REFERENCES cultuur.service ON UPDATE CASCADE,
    starts_on       date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    ends_on         date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    max_extensions  integer NOT NULL DEFAULT 0 CHECK (max_extensions >= 0),
    extension_term  interval NOT NULL DEFAULT '1 year' CHECK (extension_term > interval '0'),
    CONSTRAINT framework_ends_not_before_start CHECK (ends_on >= starts_on)
);
COMMENT ON TABLE cultuur.framework IS 'The consortium''s framework agreement with the suppliers of a service: member contracts never outlast it (F 10.1). ends_on is the end of its initial term; extensions are rows of framework_extension.';

CREATE TABLE cultuur.framework_extension (
    service     text NOT NULL REFERENCES cultuur.framework ON DELETE CASCADE ON UPDATE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 1),
    agreed_on   date NOT NULL CHECK (pg_catalog.isfinite(agreed_on)),
    ends_on     date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    PRIMARY KEY (service, seq)
);
COMMENT ON TABLE cultuur.framework_extension IS 'An extension of a framework agreement; seq is filled in, at most max_extensions, each at most extension_term long.';

CREATE SEQUENCE cultuur.tariff_id_seq;
CREATE TABLE cultuur.tariff (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.tariff_id_seq'),
    service     text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    valid       daterange NOT NULL CHECK (NOT pg_catalog.isempty(valid) AND NOT pg_catalog.lower_inf(valid)),
    fixed_fee   numeric(12,2) NOT NULL DEFAULT 0 CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers       cultuur.tiers NOT NULL,
    exit_rates  numeric[] NOT NULL DEFAULT '{}',
    EXCLUDE USING gist (service WITH =, valid WITH &&)
);
ALTER SEQUENCE cultuur.tariff_id_seq OWNED BY cultuur.tariff.id;
COMMENT ON TABLE cultuur.tariff IS 'Tariff of a service over a validity range (ranges of one service never overlap): a fixed yearly fee plus a tier schedule, per inhabitant per year or per unique user per month, and the exit-fee rates per contract year for contracts that start under it.';
COMMENT ON COLUMN cultuur.tariff.exit_rates IS 'EUR per inhabitant by contract year k (k = exit year - entry year + 1); beyond the array no exit fee is due.';

-- Restoring a dump: a full dump creates the rule triggers only after the
-- rows are loaded (the books live outside the extension, 99_books.sql); a
-- data-only dump is loaded into tables whose triggers are in place.  While
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
CREATE FUNCTION cultuur.check_year(fn text, arg text, y integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF y IS NULL THEN
        RAISE EXCEPTION '%: % must not be NULL', fn, arg
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    ELSIF y < 1900 OR y > 2200 THEN
        RAISE EXCEPTION '%: % % is not a year from 1900 to 2200', fn, arg, y
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_year(text, text, integer) IS 'Raises 22023, naming the function and the argument, unless y is a year from 1900 to 2200.';

CREATE FUNCTION cultuur.check_date(fn text, arg text, d date, nullable boolean DEFAULT false,
        latest date DEFAULT '2200-12-31')
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF d IS NULL THEN
        IF NOT nullable THEN
            RAISE EXCEPTION '%: % must not be NULL', fn, arg
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Give a date from 1900-01-01 to %s.', latest);
        END IF;
    ELSIF NOT isfinite(d) OR d < date '1900-01-01' OR d > latest THEN
        RAISE EXCEPTION '%: % % is not a date from 1900-01-01 to %', fn, arg, d, latest
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = format('Give a date from 1900-01-01 to %s.', latest);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_date(text, text, date, boolean, date) IS 'Raises 22008 (22023 for NULL, unless nullable), naming the function and the argument, unless d is a date from 1900-01-01 to latest (2200-12-31; the helpers that the rules call with the ends of later terms take up to 2300-12-31).';

CREATE FUNCTION cultuur.check_interval(fn text, arg text, i interval, longest interval)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF i IS NULL OR i < interval '0' OR i > longest THEN
        RAISE EXCEPTION '%: % must be from 0 to %, not %', fn, arg, longest, coalesce(i::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_interval(text, text, interval, interval) IS 'Raises 22023, naming the function and the argument, unless i is from 0 to longest.';

-- the current end of a framework agreement, with its extensions
CREATE FUNCTION cultuur.framework_end(service text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT greatest(f.ends_on, (SELECT max(e.ends_on)
                                      FROM cultuur.framework_extension e
                                     WHERE e.service = f.service))
          FROM cultuur.framework f
         WHERE f.service = $1
    $$;
COMMENT ON FUNCTION cultuur.framework_end(text) IS 'Current end of the framework agreement of a service, extensions included; NULL when the service has no framework row (no limit).';

CREATE FUNCTION cultuur.framework_extension_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    f   cultuur.framework;
    cur date;
    n   integer;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    -- serialise extensions of one framework: lock (and touch) its row
    UPDATE cultuur.framework SET ends_on = ends_on
     WHERE service = NEW.service RETURNING * INTO f;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'framework agreement for service "%" does not exist', NEW.service
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT count(*) INTO n FROM cultuur.framework_extension WHERE service = NEW.service;
    cur := cultuur.framework_end(NEW.service);
    IF n >= f.max_extensions THEN
        RAISE EXCEPTION 'framework agreement for service "%" cannot be extended again', NEW.service
            USING ERRCODE = 'CC006',
                  DETAIL = format('It allows %s extension(s) and has %s.', f.max_extensions, n),
                  HINT = 'A new framework agreement needs a new framework row.';
    END IF;
    IF NEW.ends_on <= cur OR NEW.ends_on > (cur + f.extension_term)::date THEN
        RAISE EXCEPTION 'framework extension of service "%" to % is not allowed', NEW.service, NEW.ends_on
            USING ERRCODE = 'CC005',
                  DETAIL = format('The framework now ends on %s; an extension lasts at most %s.', cur, f.extension_term),
                  HINT = format('Choose an end after %s and on or before %s.', cur, (cur + f.extension_term)::date);
    END IF;
    NEW.seq := n + 1;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_check() IS 'Trigger: numbers a framework extension and refuses one beyond max_extensions or longer than extension_term.';
CREATE TRIGGER framework_extension_check BEFORE INSERT ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_check();

-- The services the extension ships: which rows are built in is decided by
-- this list, never by a column a user could write.
CREATE FUNCTION cultuur.shipped_service(code text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN code = ANY ('{ebooks,film-1B,film-2A,film-2B,film-4A,film-4B}'::text[]);
COMMENT ON FUNCTION cultuur.shipped_service(text) IS 'True for the codes of the services the extension ships (e-books and the five film lots): their terms come from the agreements and cannot be changed.';

-- The built-in services' terms are the agreements' (E 10, F 10): nobody
-- changes or deletes them, except the extension's own upgrade scripts.  A
-- restore inserts every service row as dumped; a shipped row that is
-- already there, identical (a data-only dump loaded into a fresh install),
-- is skipped instead of failing the whole load.
CREATE FUNCTION cultuur.service_builtin_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF cultuur.shipped_service(NEW.code) AND cultuur.restoring()
           AND EXISTS (SELECT 1 FROM cultuur.service s WHERE s.code = NEW.code AND s = NEW) THEN
            RETURN NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF NOT cultuur.shipped_service(OLD.code) OR cultuur.in_extension_script() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'built-in service "%" cannot be changed or deleted', OLD.code
            USING ERRCODE = 'CC010',
                  HINT = 'Add a service of your own with another code and the terms you need.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.service_builtin_guard() IS 'Trigger: the services the extension ships (cultuur.shipped_service) cannot be changed or deleted; a restore skips a shipped row that is already there, identical.';
CREATE TRIGGER service_builtin_guard BEFORE INSERT OR UPDATE OR DELETE ON cultuur.service
    FOR EACH ROW EXECUTE FUNCTION cultuur.service_builtin_guard();

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

CREATE FUNCTION cultuur.framework_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    new_end date := date 'infinity';    -- deleted: no end at all
BEGIN
    -- serialise with renewals and contracts that read the framework's end
    PERFORM 1 FROM cultuur.framework WHERE service = OLD.service FOR UPDATE;
    IF TG_OP = 'UPDATE' THEN
        new_end := greatest(NEW.ends_on, (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                                           WHERE e.service = OLD.service));
        IF NEW.max_extensions < (SELECT count(*) FROM cultuur.framework_extension e WHERE e.service = OLD.service) THEN
            RAISE EXCEPTION 'framework agreement of service "%" already has more extensions than %', OLD.service, NEW.max_extensions
                USING ERRCODE = 'CC006';
        END IF;
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service, new_end);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_guard() IS 'Trigger: a framework agreement cannot be shortened or removed below the end of a member contract (CC009), nor allow fewer extensions than it has (CC006).';
CREATE TRIGGER framework_guard BEFORE UPDATE OR DELETE ON cultuur.framework
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_guard();

CREATE FUNCTION cultuur.framework_extension_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" cannot be changed', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete the last extension and enter it again.';
    END IF;
    PERFORM 1 FROM cultuur.framework WHERE service = OLD.service FOR UPDATE;
    IF EXISTS (SELECT 1 FROM cultuur.framework_extension e WHERE e.service = OLD.service AND e.seq > OLD.seq) THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" is not the last one', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete extensions from the last one backwards.';
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service,
        greatest((SELECT f.ends_on FROM cultuur.framework f WHERE f.service = OLD.service),
                 (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                   WHERE e.service = OLD.service AND e.seq < OLD.seq)));
    RETURN OLD;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_guard() IS 'Trigger: framework extensions are never changed, are removed from the last one backwards, and not below the end of a member contract (CC009).';
CREATE TRIGGER framework_extension_guard BEFORE UPDATE OR DELETE ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_guard();

