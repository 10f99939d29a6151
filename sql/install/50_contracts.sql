-- ---------------------------------------------------------------------
-- Contracts, their terms, renewals, terminations and price changes
-- (doc/rules.md §6 and 7).  Rules that a concurrent transaction could
-- break are enforced by constraints (EXCLUDE, UNIQUE) or by triggers that
-- first update the contract row, which serialises them per contract (and
-- turns a race under REPEATABLE READ into a serialization failure).
--
-- Project SQLSTATEs (class CC):
--   CC001 notice too late / end date not allowed by the notice rule
--   CC002 contract already terminated
--   CC003 contract already ended
--   CC004 renewal of a contract that renews tacitly
--   CC005 term or extension too long
--   CC006 too many renewals / extensions
--   CC007 price change not notified in time or not on 1 January
--   CC008 exit-fee waiver claimed without its ground
--   CC009 contract would outlast the framework agreement
--   CC010 recorded facts cannot be changed (delete and re-enter)
-- ---------------------------------------------------------------------

CREATE SEQUENCE cultuur.contract_id_seq;
CREATE TABLE cultuur.contract (
    id            integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.contract_id_seq'),
    library_id    integer NOT NULL REFERENCES cultuur.library,
    service       text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    signed_on     date NOT NULL CHECK (pg_catalog.isfinite(signed_on)),
    starts_on     date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    initial_end   date CHECK (pg_catalog.isfinite(initial_end)),
    basis_pct     numeric(5,2) NOT NULL DEFAULT 100 CHECK (basis_pct > 0 AND basis_pct <= 100),
    prorata_rule  cultuur.prorata_rule NOT NULL DEFAULT 'month',
    index_from    integer CHECK (index_from BETWEEN 1900 AND 2200),
    active        daterange NOT NULL,
    CONSTRAINT contract_initial_end_not_before_start CHECK (initial_end >= starts_on),
    EXCLUDE USING gist (library_id WITH =, service WITH =, active WITH &&)
);
ALTER SEQUENCE cultuur.contract_id_seq OWNED BY cultuur.contract.id;
COMMENT ON TABLE cultuur.contract IS 'A library''s contract for one service. At most one contract per library and service at any time (exclusion constraint on active).';
COMMENT ON COLUMN cultuur.contract.initial_end IS 'Last day of the initial term, inclusive. Filled in for services with a fixed initial term (film: 2 years, cut at the framework end).';
COMMENT ON COLUMN cultuur.contract.basis_pct IS 'Share of the inhabitants that is billed (Antwerp: 80). The basis is not rounded.';
COMMENT ON COLUMN cultuur.contract.prorata_rule IS 'How the first and last partial year or quarter are charged.';
COMMENT ON COLUMN cultuur.contract.index_from IS 'First year whose fee is indexed (base: the index of January of the start year); NULL: never indexed.';
COMMENT ON COLUMN cultuur.contract.active IS 'Maintained by triggers: the days the contract is in force, from starts_on to its end (open while it renews tacitly).';

CREATE TABLE cultuur.renewal (
    contract_id integer NOT NULL REFERENCES cultuur.contract ON DELETE CASCADE,
    seq         integer NOT NULL,
    agreed_on   date NOT NULL CHECK (pg_catalog.isfinite(agreed_on)),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (contract_id, seq),
    CONSTRAINT renewal_ends_not_before_start CHECK (ends_on >= starts_on)
);
COMMENT ON TABLE cultuur.renewal IS 'A renewal by agreement (film, F 10.2): enter contract_id, agreed_on and optionally ends_on; seq and starts_on are filled in. At most 1 year each, at most max_renewals, never beyond the framework agreement.';

CREATE TYPE cultuur.termination_reason AS ENUM ('ordinary', 'price_increase', 'data_annex_change');
COMMENT ON TYPE cultuur.termination_reason IS 'Why a subscriber ends a contract: ordinary, price_increase (more than 10 % over the original price, E 8.9: no exit fee) or data_annex_change (a worsening change of the data-use annex notified less than 3 months before: no exit fee).';

CREATE TABLE cultuur.termination (
    contract_id    integer PRIMARY KEY REFERENCES cultuur.contract ON DELETE CASCADE,
    notified_on    date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    requested_end  date CHECK (pg_catalog.isfinite(requested_end)),
    reason         cultuur.termination_reason NOT NULL DEFAULT 'ordinary',
    effective_end  date NOT NULL,
    exit_fee       numeric(12,2) NOT NULL CHECK (exit_fee >= 0),
    exit_fee_note  text NOT NULL,
    entered_by     text NOT NULL,
    entered_at     timestamptz NOT NULL
);
COMMENT ON TABLE cultuur.termination IS 'Notice to end a contract. Enter contract_id, notified_on (the sending date), optionally requested_end, and reason; the trigger fills effective_end and exit_fee, or refuses the row.';

CREATE SEQUENCE cultuur.data_annex_change_id_seq;
CREATE TABLE cultuur.data_annex_change (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.data_annex_change_id_seq'),
    service     text REFERENCES cultuur.service ON UPDATE CASCADE,
    notified_on date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    worsening   boolean NOT NULL,
    description text NOT NULL,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.data_annex_change_id_seq OWNED BY cultuur.data_annex_change.id;
COMMENT ON TABLE cultuur.data_annex_change IS 'A notified change of the data-use annex (Bijlage B); service NULL means all services. worsening: it demonstrably worsens the subscriber''s position or lowers data protection.';

CREATE SEQUENCE cultuur.price_change_id_seq;
CREATE TABLE cultuur.price_change (
    id            integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.price_change_id_seq'),
    service       text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    notified_on   date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    effective_on  date NOT NULL CHECK (pg_catalog.isfinite(effective_on)),
    fixed_fee     numeric(12,2) NOT NULL DEFAULT 0 CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers         cultuur.tiers NOT NULL,
    tariff_id     integer REFERENCES cultuur.tariff,
    note          text,
    entered_by    text NOT NULL,
    entered_at    timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.price_change_id_seq OWNED BY cultuur.price_change.id;
COMMENT ON TABLE cultuur.price_change IS 'A price change other than indexation (E 8.9): takes effect on 1 January, notified on or before 31 July before. The trigger splits the tariff and flags every affected contract whose price rises more than 10 % over its original price.';

-- ---- terms ----

-- The end of a contract as recorded: termination, else the last term of a
-- contract that renews by agreement, else NULL (it renews tacitly).
CREATE FUNCTION cultuur.contract_recorded_end(contract_id integer) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT coalesce(
                 (SELECT t.effective_end FROM cultuur.termination t
                   WHERE t.contract_id = c.id),
                 CASE WHEN s.renewal = 'agreement' THEN
                     greatest(c.initial_end,
                              (SELECT max(r.ends_on) FROM cultuur.renewal r
                                WHERE r.contract_id = c.id))
                 END)
          FROM cultuur.contract c JOIN cultuur.service s ON s.code = c.service
         WHERE c.id = $1
    $$;
COMMENT ON FUNCTION cultuur.contract_recorded_end(integer) IS 'Last day of a contract as recorded: its termination''s effective end, else (renewal by agreement) the end of its last term, else NULL (it renews tacitly).';

-- All terms of a contract that start on or before through_date.
CREATE FUNCTION cultuur.contract_terms(contract_id integer, through_date date DEFAULT NULL)
    RETURNS TABLE (term_no integer, kind text, term daterange)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c       cultuur.contract;
    s       cultuur.service;
    stop    date;
    r       record;
    k       integer := 0;
    t_end   date;
    t_start date;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('contract_terms', 'through_date', through_date, true, '2300-12-31');
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    stop := cultuur.contract_recorded_end(c.id);
    term_no := 0;
    kind := 'initial';
    term := daterange(c.starts_on, least(c.initial_end, coalesce(stop, c.initial_end)), '[]');
    RETURN NEXT;
    IF s.renewal = 'agreement' THEN
        FOR r IN SELECT * FROM cultuur.renewal rr WHERE rr.contract_id = c.id
                 AND rr.starts_on <= coalesce(stop, rr.starts_on) ORDER BY rr.seq LOOP
            term_no := r.seq;
            kind := 'renewal by agreement';
            term := daterange(r.starts_on, least(r.ends_on, coalesce(stop, r.ends_on)), '[]');
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    -- tacit renewals of renewal_term each, until the recorded end or through_date
    through_date := coalesce(through_date, stop, c.initial_end);
    t_end := c.initial_end;
    LOOP
        t_start := t_end + 1;
        EXIT WHEN t_start > through_date OR (stop IS NOT NULL AND t_start > stop);
        k := k + 1;
        t_end := (c.initial_end + k * s.renewal_term)::date;
        term_no := k;
        kind := 'tacit renewal';
        term := daterange(t_start, least(t_end, coalesce(stop, t_end)), '[]');
        RETURN NEXT;
        EXIT WHEN k >= 10000;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_terms(integer, date) IS 'The terms of a contract: the initial term (0), then renewals by agreement or tacit renewals (1, 2, ...) up to its recorded end or, for tacit renewals, through through_date.';

CREATE FUNCTION cultuur.contract_term(contract_id integer, on_date date)
    RETURNS TABLE (term_no integer, kind text, term daterange)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('contract_term', 'on_date', $2);
        SELECT t.term_no, t.kind, t.term
          FROM cultuur.contract_terms($1, $2) t
         WHERE t.term @> $2
    $$;
COMMENT ON FUNCTION cultuur.contract_term(integer, date) IS 'The term of a contract in force on on_date (tacit renewals computed, never entered by hand); no row when the contract is not in force that day.';

-- ---- end options and notice ----

-- Dates on which a notice sent on notified_on could end the contract.
CREATE FUNCTION cultuur.end_options(contract_id integer, notified_on date)
    RETURNS TABLE (end_on date, kind text, deadline date, allowed boolean)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c       cultuur.contract;
    s       cultuur.service;
    horizon date;
    last_end date;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('end_options', 'notified_on', $2);
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    -- far enough to hold the first reachable option of either kind
    horizon := (greatest($2, c.starts_on) + s.notice + s.renewal_term + interval '1 year')::date;
    last_end := CASE WHEN s.renewal = 'agreement'
                     THEN cultuur.contract_recorded_end(c.id) END;
    RETURN QUERY
    WITH opts AS (
        -- a term end; once a renewal by agreement is recorded, only the
        -- end of the last term remains
        SELECT upper(t.term) - 1 AS d,
               CASE t.kind WHEN 'initial' THEN 'end of the initial term'
                           ELSE 'end of renewal ' || t.term_no END AS k
          FROM cultuur.contract_terms(c.id, horizon) t
         WHERE last_end IS NULL OR upper(t.term) - 1 = last_end
        UNION
        SELECT make_date(g, 12, 31), '31 December (E 10.2)'
          FROM generate_series(extract(year FROM greatest($2, c.starts_on))::integer,
                               extract(year FROM horizon)::integer) g
         WHERE s.year_end_exit
    )
    SELECT o.d, o.k, cultuur.notice_deadline(o.d, s.notice),
           cultuur.notice_deadline(o.d, s.notice) >= $2 AND o.d >= $2
      FROM opts o
     WHERE o.d >= c.starts_on
       AND (last_end IS NULL OR o.d <= last_end)
     ORDER BY o.d;
END;
$$;
COMMENT ON FUNCTION cultuur.end_options(integer, date) IS 'Dates on which a notice sent on notified_on could end the contract (31 Decembers where the contract allows it, ends of terms), each with its notice deadline and whether it is still reachable.';

CREATE FUNCTION cultuur.earliest_end(contract_id integer, notified_on date) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('earliest_end', 'notified_on', $2);
        SELECT min(o.end_on) FROM cultuur.end_options($1, $2) o WHERE o.allowed
    $$;
COMMENT ON FUNCTION cultuur.earliest_end(integer, date) IS 'The earliest date a notice sent on notified_on can end the contract.';

-- ---- exit fee ----

CREATE FUNCTION cultuur.index_value(series text, month date, base integer DEFAULT 2013)
    RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('index_value', 'month', $2), cultuur.check_year('index_value', 'base', $3);
        SELECT value FROM cultuur.price_index
         WHERE price_index.series = $1 AND price_index.month = $2 AND price_index.base = $3
    $$;
COMMENT ON FUNCTION cultuur.index_value(text, date, integer) IS 'The published value of an index series for a month (first of the month) on an index base; NULL when not loaded.';

CREATE FUNCTION cultuur.exit_fee_quote(contract_id integer, effective_end date,
        reason cultuur.termination_reason DEFAULT 'ordinary', notified_on date DEFAULT NULL)
    RETURNS TABLE (exit_fee cultuur.amount, note text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c         cultuur.contract;
    s         cultuur.service;
    rates     numeric[];
    start_y   integer;
    exit_y    integer;
    pop_y     integer;
    inh       integer;
    basis     numeric;
    fee       numeric;
    base_idx  numeric;
    new_idx   numeric;
    flag      record;
    annex     record;
    msg       text;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('exit_fee_quote', 'effective_end', $2, true, '2300-12-31');
    PERFORM cultuur.check_date('exit_fee_quote', 'notified_on', $4, true, '2300-12-31');
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    -- no end date, no quote (contract_status asks for terminated contracts
    -- too, which have no end option left)
    IF effective_end IS NULL THEN
        RETURN;
    END IF;
    notified_on := coalesce(notified_on, effective_end);

    -- waivers are checked first: claiming one without its ground is refused
    IF reason = 'price_increase' THEN
        SELECT f.increase_pct, f.notified_on, f.effective_on INTO flag
          FROM cultuur.price_increase_flag f
         WHERE f.contract_id = c.id AND f.notified_on <= $4
         ORDER BY f.notified_on DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no price increase of more than 10 %% over the original price was notified by %', c.id, $4
                USING ERRCODE = 'CC008',
                      DETAIL = 'The exit fee is waived for a price increase only when it exceeds 10 % of the original price (E 8.9).',
                      HINT = 'Use reason ''ordinary'', or record the price change first (cultuur.price_change).';
        END IF;
        exit_fee := 0.00;
        note := format('waived: price increase of %s %% notified on %s, effective %s (E 8.9)',
                       flag.increase_pct, flag.notified_on, flag.effective_on);
        RETURN NEXT;
        RETURN;
    ELSIF reason = 'data_annex_change' THEN
        SELECT a.id, a.notified_on INTO annex
          FROM cultuur.data_annex_change a
         WHERE (a.service IS NULL OR a.service = c.service) AND a.worsening
           AND a.notified_on <= $4 AND $4 <= (a.notified_on + interval '3 months')::date
         ORDER BY a.notified_on DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no worsening change of the data-use annex was notified in the 3 months before %', c.id, $4
                USING ERRCODE = 'CC008',
                      DETAIL = 'The exit fee is waived only for a notice sent within 3 months of a change that worsens the subscriber''s position or data protection (Bijlage B).',
                      HINT = 'Use reason ''ordinary'', or record the change first (cultuur.data_annex_change).';
        END IF;
        exit_fee := 0.00;
        note := format('waived: worsening data-use annex change %s notified on %s (Bijlage B)', annex.id, annex.notified_on);
        RETURN NEXT;
        RETURN;
    END IF;

    IF effective_end >= c.initial_end THEN
        exit_fee := 0.00;
        note := format('no exit fee: the contract ends at or after the end of its initial term (%s)', c.initial_end);
        RETURN NEXT;
        RETURN;
    END IF;

    SELECT t.exit_rates INTO rates FROM cultuur.tariff t
     WHERE t.service = c.service AND t.valid @> c.starts_on;
    IF rates IS NULL OR cardinality(rates) = 0 THEN
        exit_fee := 0.00;
        note := 'no exit fee: the tariff at the start of the contract has no exit-fee rates';
        RETURN NEXT;
        RETURN;
    END IF;

    start_y := extract(year FROM c.starts_on);
    exit_y := extract(year FROM effective_end);
    IF exit_y - start_y + 1 > cardinality(rates) THEN
        exit_fee := 0.00;
        note := format('no exit fee: contract year %s is beyond the exit-fee table', exit_y - start_y + 1);
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT p.year, p.inhabitants INTO pop_y, inh FROM cultuur.population p
     WHERE p.library_id = c.library_id AND p.year <= exit_y
     ORDER BY p.year DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract %: no population of library % on or before 1 January %', c.id, c.library_id, exit_y
            USING ERRCODE = 'no_data_found',
                  HINT = 'Enter the count of inhabitants in cultuur.population first.';
    END IF;
    basis := inh * c.basis_pct * 0.01;
    fee := cultuur.exit_fee(rates, start_y, exit_y, basis);
    msg := format('contract year %s: %s x %s inhabitants (1 January %s%s) x %s %% = %s',
                  exit_y - start_y + 1, rates[exit_y - start_y + 1], inh, pop_y,
                  CASE WHEN pop_y < exit_y THEN ', latest count' ELSE '' END,
                  c.basis_pct, fee);
    IF c.index_from IS NOT NULL AND exit_y >= c.index_from AND exit_y > start_y THEN
        base_idx := cultuur.index_value(s.index_series, make_date(start_y, 1, 1));
        new_idx := cultuur.index_value(s.index_series, make_date(exit_y, 1, 1));
        IF base_idx IS NULL OR new_idx IS NULL THEN
            msg := msg || format('; not indexed: %s of January %s or %s not loaded', s.index_series, start_y, exit_y);
        ELSE
            fee := cultuur.indexed(fee, base_idx, new_idx);
            msg := msg || format('; indexed %s x %s / %s = %s', s.index_series, new_idx, base_idx, fee);
        END IF;
    END IF;
    exit_fee := fee;
    note := msg;
    RETURN NEXT;
END;
$$;
COMMENT ON FUNCTION cultuur.exit_fee_quote(integer, date, cultuur.termination_reason, date) IS 'Exit fee if the contract ends on effective_end (doc/rules.md §6): contract year, inhabitants of 1 January of the exit year x basis share, indexation; 0 at or after the end of the initial term; waived for the reasons price_increase and data_annex_change when their ground is recorded, refused (CC008) otherwise.';

-- ---- triggers ----

CREATE FUNCTION cultuur.contract_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    s        cultuur.service;
    f        cultuur.framework;
    fw_end   date;
    max_end  date;
    stop     date;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = NEW.service;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" does not exist', NEW.service
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Services: ' || (SELECT string_agg(code, ', ' ORDER BY code) FROM cultuur.service);
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end)
           IS DISTINCT FROM (OLD.library_id, OLD.service, OLD.starts_on, OLD.initial_end)
       AND (EXISTS (SELECT 1 FROM cultuur.renewal WHERE contract_id = OLD.id)
            OR EXISTS (SELECT 1 FROM cultuur.termination WHERE contract_id = OLD.id)) THEN
        RAISE EXCEPTION 'contract %: library, service, start and initial term cannot change once it has renewals or a termination', OLD.id
            USING ERRCODE = 'CC010',
                  HINT = 'Delete the renewals and the termination first, or enter a new contract.';
    END IF;
    SELECT * INTO f FROM cultuur.framework WHERE service = NEW.service;
    fw_end := cultuur.framework_end(NEW.service);
    IF f.service IS NOT NULL AND NEW.starts_on < f.starts_on THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, before the framework agreement (%)',
                NEW.library_id, NEW.service, NEW.starts_on, f.starts_on
            USING ERRCODE = 'CC009',
                  HINT = format('Start on or after %s.', f.starts_on);
    END IF;
    IF fw_end IS NOT NULL AND NEW.starts_on > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, after the framework agreement ends (%)',
                NEW.library_id, NEW.service, NEW.starts_on, fw_end
            USING ERRCODE = 'CC009',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    IF s.initial_term IS NOT NULL THEN
        max_end := (NEW.starts_on + s.initial_term - interval '1 day')::date;
        IF fw_end IS NOT NULL AND fw_end < max_end THEN
            max_end := fw_end;
        END IF;
        IF NEW.initial_end IS NULL THEN
            NEW.initial_end := max_end;
        ELSIF NEW.initial_end > max_end THEN
            -- CC009 when the framework end is what the term breaks, CC005
            -- when it is longer than the service's initial term
            RAISE EXCEPTION 'contract for library % and service "%": initial term to % is too long', NEW.library_id, NEW.service, NEW.initial_end
                USING ERRCODE = CASE WHEN NEW.initial_end > (NEW.starts_on + s.initial_term - interval '1 day')::date
                                     THEN 'CC005' ELSE 'CC009' END,
                      DETAIL = format('The initial term is at most %s from the start%s.', s.initial_term,
                                      CASE WHEN fw_end IS NOT NULL THEN format(' and ends no later than the framework agreement (%s)', fw_end) ELSE '' END),
                      HINT = format('End the initial term on or before %s, or leave initial_end empty.', max_end);
        END IF;
    ELSIF NEW.initial_end IS NULL THEN
        RAISE EXCEPTION 'contract for library % and service "%" needs an initial_end', NEW.library_id, NEW.service
            USING ERRCODE = 'not_null_violation',
                  HINT = 'The agreement states the end of the initial term (e-books: 15 September 2026).';
    ELSIF fw_end IS NOT NULL AND NEW.initial_end > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term to % outlasts the framework agreement (%)',
                NEW.library_id, NEW.service, NEW.initial_end, fw_end
            USING ERRCODE = 'CC009',
                  HINT = format('End the initial term on or before %s.', fw_end);
    END IF;
    IF NEW.initial_end < NEW.starts_on THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term ends (%) before it starts (%)',
                NEW.library_id, NEW.service, NEW.initial_end, NEW.starts_on
            USING ERRCODE = 'check_violation';
    END IF;

    -- active: from the start to the recorded end (open while renewing tacitly)
    IF TG_OP = 'INSERT' THEN
        stop := CASE WHEN s.renewal = 'agreement' THEN NEW.initial_end END;
    ELSE
        stop := coalesce(
            (SELECT t.effective_end FROM cultuur.termination t WHERE t.contract_id = NEW.id),
            CASE WHEN s.renewal = 'agreement' THEN
                greatest(NEW.initial_end, (SELECT max(r.ends_on) FROM cultuur.renewal r WHERE r.contract_id = NEW.id))
            END);
    END IF;
    NEW.active := daterange(NEW.starts_on, stop + 1);
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_check() IS 'Trigger: checks a contract''s dates against its service and framework agreement, fills initial_end where the term is fixed, and keeps active in step with renewals and termination.';
CREATE TRIGGER contract_check BEFORE INSERT OR UPDATE ON cultuur.contract
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_check();

-- lock a contract for a rule check: updating the row serialises concurrent
-- renewals and terminations (READ COMMITTED waits, REPEATABLE READ fails
-- with 40001 instead of acting on a stale snapshot)
-- (it returns nothing: no function of the extension has a table's row type
-- in its signature, so the tables can live outside it; see 99_books.sql)
CREATE FUNCTION cultuur.contract_lock(contract_id integer) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    UPDATE cultuur.contract SET active = active WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_lock(integer) IS 'Locks a contract row by updating it (used by the rule triggers so that concurrent changes to one contract are serialised).';

CREATE FUNCTION cultuur.renewal_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c        cultuur.contract;
    s        cultuur.service;
    t        cultuur.termination;
    n        integer;
    cur_end  date;
    max_end  date;
    fw_end   date;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'renewal % of contract % cannot be changed', OLD.seq, OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete the last renewal and enter it again.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        SELECT * INTO c FROM cultuur.contract WHERE id = OLD.contract_id;
        IF EXISTS (SELECT 1 FROM cultuur.renewal r WHERE r.contract_id = OLD.contract_id AND r.seq > OLD.seq) THEN
            RAISE EXCEPTION 'renewal % of contract % is not the last one', OLD.seq, OLD.contract_id
                USING ERRCODE = 'CC010', HINT = 'Delete renewals from the last one backwards.';
        END IF;
        IF EXISTS (SELECT 1 FROM cultuur.termination x WHERE x.contract_id = OLD.contract_id) THEN
            RAISE EXCEPTION 'contract % is terminated; its renewals cannot be deleted', OLD.contract_id
                USING ERRCODE = 'CC010', HINT = 'Delete the termination first.';
        END IF;
        RETURN OLD;
    END IF;

    PERFORM cultuur.contract_lock(NEW.contract_id);
    SELECT * INTO c FROM cultuur.contract WHERE id = NEW.contract_id;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    IF s.renewal = 'tacit' THEN
        RAISE EXCEPTION 'contract % (service "%") renews tacitly; renewals are not entered', c.id, c.service
            USING ERRCODE = 'CC004',
                  HINT = 'cultuur.contract_term(contract_id, date) gives the term in force on any date.';
    END IF;
    SELECT * INTO t FROM cultuur.termination WHERE contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is terminated (notice of %, ends %); it cannot be renewed', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete the termination first if the parties agreed to continue.';
    END IF;
    cur_end := cultuur.contract_recorded_end(c.id);
    IF NEW.agreed_on > cur_end THEN
        RAISE EXCEPTION 'contract % ended on %; a renewal agreed on % comes too late', c.id, cur_end, NEW.agreed_on
            USING ERRCODE = 'CC003',
                  HINT = format('A renewal must be agreed on or before %s; enter a new contract instead.', cur_end);
    END IF;
    SELECT count(*) INTO n FROM cultuur.renewal WHERE contract_id = c.id;
    IF s.max_renewals IS NOT NULL AND n >= s.max_renewals THEN
        RAISE EXCEPTION 'contract % has been renewed % times; service "%" allows at most %', c.id, n, c.service, s.max_renewals
            USING ERRCODE = 'CC006',
                  DETAIL = 'F 10.2: the agreement can be renewed at most twice, by one year each.',
                  HINT = 'A further period needs a new contract.';
    END IF;
    NEW.seq := n + 1;
    NEW.starts_on := cur_end + 1;
    max_end := (NEW.starts_on + s.renewal_term - interval '1 day')::date;
    fw_end := cultuur.framework_end(c.service);
    IF fw_end IS NOT NULL AND fw_end < NEW.starts_on THEN
        RAISE EXCEPTION 'contract % cannot be renewed from %: the framework agreement of service "%" ends on %', c.id, NEW.starts_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  DETAIL = 'F 10.2: a renewal is possible only while the framework agreement is extended.',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    IF NEW.ends_on IS NULL THEN
        NEW.ends_on := least(max_end, fw_end);
    END IF;
    IF NEW.ends_on > max_end THEN
        RAISE EXCEPTION 'renewal of contract % to % is longer than %', c.id, NEW.ends_on, s.renewal_term
            USING ERRCODE = 'CC005',
                  DETAIL = format('The renewal starts on %s.', NEW.starts_on),
                  HINT = format('End the renewal on or before %s.', least(max_end, fw_end));
    END IF;
    IF fw_end IS NOT NULL AND NEW.ends_on > fw_end THEN
        RAISE EXCEPTION 'renewal of contract % to % outlasts the framework agreement of service "%" (ends %)', c.id, NEW.ends_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  HINT = CASE WHEN fw_end >= NEW.starts_on
                              THEN format('End the renewal on or before %s, or extend the framework first (cultuur.framework_extension).', fw_end)
                              ELSE 'Extend the framework agreement first (cultuur.framework_extension).' END;
    END IF;
    IF NEW.ends_on < NEW.starts_on THEN
        RAISE EXCEPTION 'renewal of contract % ends (%) before it starts (%)', c.id, NEW.ends_on, NEW.starts_on
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.renewal_check() IS 'Trigger: a renewal by agreement is numbered and placed after the current term; refused for tacitly renewing services, terminated or ended contracts, beyond the renewal limit, longer than the renewal term, or outside the framework agreement.';
CREATE TRIGGER renewal_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.renewal_check();

CREATE FUNCTION cultuur.termination_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c        cultuur.contract;
    s        cultuur.service;
    t        cultuur.termination;
    last_day date;
    earliest date;
    opt      record;
    q        record;
    given_end date;
    given_fee numeric;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the termination of contract % cannot be changed', OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete it and enter the new notice.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        RETURN OLD;
    END IF;

    given_end := NEW.effective_end;
    given_fee := NEW.exit_fee;
    -- the table's CHECKs come after this trigger: refuse infinite dates
    -- here, before any date arithmetic
    IF NOT isfinite(NEW.notified_on) OR NOT isfinite(NEW.requested_end) THEN
        RAISE EXCEPTION 'termination of contract %: notice date (%) and requested end (%) must be finite dates',
                NEW.contract_id, NEW.notified_on, NEW.requested_end
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM cultuur.contract_lock(NEW.contract_id);
    SELECT * INTO c FROM cultuur.contract WHERE id = NEW.contract_id;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    SELECT * INTO t FROM cultuur.termination WHERE contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is already terminated (notice of %, ends %)', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete that termination first to record a different notice.';
    END IF;
    last_day := cultuur.contract_recorded_end(c.id);
    IF last_day IS NOT NULL AND NEW.notified_on > last_day THEN
        RAISE EXCEPTION 'contract % already ended on %', c.id, last_day
            USING ERRCODE = 'CC003',
                  HINT = 'An ended contract needs no notice.';
    END IF;
    IF NEW.notified_on < c.signed_on THEN
        RAISE EXCEPTION 'contract %: notice of % is before the contract was signed (%)', c.id, NEW.notified_on, c.signed_on
            USING ERRCODE = 'check_violation';
    END IF;

    earliest := cultuur.earliest_end(c.id, NEW.notified_on);
    IF earliest IS NULL THEN
        RAISE EXCEPTION 'contract %: no end date can be reached by a notice sent on %', c.id, NEW.notified_on
            USING ERRCODE = 'CC001';
    END IF;
    IF NEW.requested_end IS NULL THEN
        NEW.effective_end := earliest;
    ELSE
        SELECT * INTO opt FROM cultuur.end_options(c.id, NEW.notified_on) o
         WHERE o.end_on = NEW.requested_end;
        IF NOT FOUND AND last_day IS NULL AND NEW.requested_end > NEW.notified_on THEN
            -- further ahead than end_options looks: a 31 December (where the
            -- contract allows it) or the end of a tacit term
            SELECT NEW.requested_end AS end_on, k.kind AS kind,
                   cultuur.notice_deadline(NEW.requested_end, s.notice) AS deadline,
                   cultuur.notice_deadline(NEW.requested_end, s.notice) >= NEW.notified_on AS allowed
              INTO opt
              FROM (SELECT '31 December (E 10.2)' AS kind
                     WHERE s.year_end_exit AND extract(month FROM NEW.requested_end) = 12
                       AND extract(day FROM NEW.requested_end) = 31
                    UNION ALL
                    SELECT 'end of renewal ' || tt.term_no
                      FROM cultuur.contract_terms(c.id, NEW.requested_end) tt
                     WHERE upper(tt.term) - 1 = NEW.requested_end) k
             LIMIT 1;
        END IF;
        IF opt.end_on IS NULL THEN
            RAISE EXCEPTION 'contract % cannot end on %', c.id, NEW.requested_end
                USING ERRCODE = 'CC001',
                      DETAIL = CASE WHEN s.year_end_exit
                                    THEN 'It can end on a 31 December (E 10.2) or at the end of a term, with notice sent at least ' || s.notice || ' before.'
                                    ELSE 'It can only end at the end of its current term.' END,
                      HINT = format('The earliest end a notice sent on %s can reach is %s.', NEW.notified_on, earliest);
        ELSIF NOT opt.allowed THEN
            RAISE EXCEPTION 'contract %: a notice sent on % is too late to end on %', c.id, NEW.notified_on, NEW.requested_end
                USING ERRCODE = 'CC001',
                      DETAIL = format('To end on %s (%s) notice must be sent on or before %s.', opt.end_on, opt.kind, opt.deadline),
                      HINT = format('The earliest allowed end is %s.', earliest);
        END IF;
        NEW.effective_end := NEW.requested_end;
    END IF;

    SELECT * INTO q FROM cultuur.exit_fee_quote(c.id, NEW.effective_end, NEW.reason, NEW.notified_on);
    -- effective_end and exit_fee are computed; values given with the row
    -- (a dump being restored, say) must agree with what the rules give now
    IF (given_end IS NOT NULL AND given_end <> NEW.effective_end)
       OR (given_fee IS NOT NULL AND given_fee <> q.exit_fee) THEN
        RAISE EXCEPTION 'termination of contract %: the given effective end % and exit fee % differ from what the rules give now (% and %)',
                c.id, given_end, given_fee, NEW.effective_end, q.exit_fee
            USING ERRCODE = 'CC010',
                  HINT = 'Leave effective_end and exit_fee empty: they are computed (a dump restored with pg_restore or psql keeps them as dumped).';
    END IF;
    NEW.exit_fee := q.exit_fee;
    NEW.exit_fee_note := q.note;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_check() IS 'Trigger: computes a termination''s effective end (the earliest date the notice can reach, or the requested end if the notice rule allows it) and its exit fee; refuses a second termination, one of an ended contract, a requested end the rules forbid (with the earliest allowed date) and unfounded waivers.';
CREATE TRIGGER termination_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.termination_check();

-- after a renewal or termination (or its deletion) recompute contract.active
CREATE FUNCTION cultuur.contract_refresh() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    UPDATE cultuur.contract SET active = active
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.contract_id ELSE NEW.contract_id END;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_refresh() IS 'Trigger: recomputes contract.active after a renewal or termination is added or removed (the exclusion constraint then re-checks it).';
CREATE TRIGGER renewal_refresh AFTER INSERT OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();
CREATE TRIGGER termination_refresh AFTER INSERT OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();

CREATE FUNCTION cultuur.price_change_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t        cultuur.tariff;
    latest   date;
    next_jan date;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'price change % cannot be changed or deleted', OLD.id
            USING ERRCODE = 'CC010', HINT = 'Record a new price change instead.';
    END IF;
    IF NOT isfinite(NEW.notified_on) OR NOT isfinite(NEW.effective_on) THEN
        RAISE EXCEPTION 'price change of service "%": notice date (%) and effective date (%) must be finite dates',
                NEW.service, NEW.notified_on, NEW.effective_on
            USING ERRCODE = 'check_violation';
    END IF;
    next_jan := make_date(extract(year FROM NEW.notified_on)::integer
                          + CASE WHEN NEW.notified_on <= make_date(extract(year FROM NEW.notified_on)::integer, 7, 31)
                                 THEN 1 ELSE 2 END, 1, 1);
    IF NEW.effective_on <> date_trunc('year', NEW.effective_on)::date THEN
        RAISE EXCEPTION 'price change of service "%" on % does not take effect on 1 January', NEW.service, NEW.effective_on
            USING ERRCODE = 'CC007',
                  DETAIL = 'Price changes other than indexation take effect on 1 January (E 8.9).',
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', NEW.notified_on, next_jan);
    END IF;
    latest := make_date(extract(year FROM NEW.effective_on)::integer - 1, 7, 31);
    IF NEW.notified_on > latest THEN
        RAISE EXCEPTION 'price change of service "%" for % is notified too late (%)', NEW.service, NEW.effective_on, NEW.notified_on
            USING ERRCODE = 'CC007',
                  DETAIL = format('It must be notified at least five months before the end of the year: on or before %s (E 8.9).', latest),
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', NEW.notified_on, next_jan);
    END IF;
    -- serialise price changes of one service through its row
    UPDATE cultuur.service SET code = code WHERE code = NEW.service;
    IF NEW.tariff_id IS NOT NULL THEN
        -- the new tariff was entered already: it must be exactly this change
        SELECT * INTO t FROM cultuur.tariff WHERE id = NEW.tariff_id;
        IF NOT FOUND OR t.service <> NEW.service OR lower(t.valid) <> NEW.effective_on
           OR t.fixed_fee <> NEW.fixed_fee OR NOT (t.tiers OPERATOR(cultuur.=) NEW.tiers) THEN
            RAISE EXCEPTION 'price change of service "%": tariff % is not the tariff this change introduces', NEW.service, NEW.tariff_id
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Leave tariff_id empty: the price change creates the new tariff itself.';
        END IF;
        RETURN NEW;
    END IF;
    SELECT * INTO t FROM cultuur.tariff
     WHERE service = NEW.service AND valid @> NEW.effective_on FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" has no tariff in force on % to change', NEW.service, NEW.effective_on
            USING ERRCODE = 'no_data_found',
                  HINT = 'Enter the tariff in cultuur.tariff first.';
    END IF;
    IF lower(t.valid) = NEW.effective_on THEN
        RAISE EXCEPTION 'service "%" already has a tariff starting on %', NEW.service, NEW.effective_on
            USING ERRCODE = 'CC010',
                  HINT = format('Tariff %s starts that day; a second price change for the same day is not possible.', t.id);
    END IF;
    UPDATE cultuur.tariff SET valid = daterange(lower(t.valid), NEW.effective_on) WHERE id = t.id;
    INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates)
    VALUES (NEW.service, daterange(NEW.effective_on, upper(t.valid)), NEW.fixed_fee, NEW.tiers, t.exit_rates)
    RETURNING id INTO NEW.tariff_id;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.price_change_check() IS 'Trigger: a price change must take effect on 1 January and be notified on or before 31 July before; it splits the tariff in force at that date into the old and the new price.';
CREATE TRIGGER price_change_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.price_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_change_check();

-- Contracts whose price rises more than 10 % over their original price.
-- A view, not a table: it is derived from the price changes, tariffs and
-- populations, and so can never disagree with them (nor be lost in a dump).
CREATE VIEW cultuur.price_increase_flag AS
SELECT pc.id AS price_change_id, c.id AS contract_id, pc.notified_on, pc.effective_on,
       x.original_amount, x.new_amount,
       pg_catalog.round((x.new_amount / x.original_amount - 1) * 100, 2) AS increase_pct
  FROM cultuur.price_change pc
  JOIN cultuur.contract c ON c.service = pc.service
                         AND c.starts_on < pc.effective_on
                         AND coalesce(pg_catalog.upper(c.active), 'infinity') > pc.notified_on
  JOIN cultuur.service s ON s.code = c.service
  JOIN cultuur.tariff o ON o.service = c.service AND o.valid @> c.starts_on
  JOIN cultuur.tariff n ON n.id = pc.tariff_id
  CROSS JOIN LATERAL (
      SELECT coalesce((SELECT p.inhabitants FROM cultuur.population p
                        WHERE p.library_id = c.library_id
                          AND p.year <= extract(year FROM pc.effective_on)::integer - 1
                        ORDER BY p.year DESC LIMIT 1), 0) * c.basis_pct * 0.01 AS basis) b
  CROSS JOIN LATERAL (
      SELECT coalesce(pg_catalog.sum((SELECT p.inhabitants FROM cultuur.population p
                            WHERE p.library_id = c2.library_id
                              AND p.year <= extract(year FROM pc.effective_on)::integer - 1
                            ORDER BY p.year DESC LIMIT 1)), 0) AS volume
        FROM cultuur.contract c2
       WHERE c2.service = c.service AND c2.starts_on < pc.effective_on
         AND coalesce(pg_catalog.upper(c2.active), 'infinity') > pc.notified_on) v
  CROSS JOIN LATERAL (
      SELECT CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(o.tiers, 0)
                  ELSE o.fixed_fee + cultuur.volume_charge(o.tiers, b.basis, v.volume) END AS original_amount,
             CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(n.tiers, 0)
                  ELSE n.fixed_fee + cultuur.volume_charge(n.tiers, b.basis, v.volume) END AS new_amount) x
 WHERE x.original_amount > 0 AND x.new_amount > x.original_amount * 1.10;
COMMENT ON VIEW cultuur.price_increase_flag IS 'Every contract in force when a price change was notified whose price rises more than 10 % over its original price (the tariff at its start): per inhabitant, fixed fee + its basis at the consortium tier; per user, the first-tier price. Such contracts may terminate without exit fee (E 8.9).';

