-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: contract terms, ends, notices, exit fees,
-- renewals and price changes (doc/rules.md §5-7).  Each rule of the
-- agreements is one function here; the triggers of layer 4 call them.
-- ---------------------------------------------------------------------

-- The end of a contract as recorded: termination, else the last term of a
-- contract that renews by agreement, else NULL (it renews tacitly).  One
-- rule, two entries: recorded_end for a contract row as it is being
-- written (its initial end not stored yet), contract_recorded_end for a
-- stored contract.
CREATE FUNCTION cultuur.recorded_end(contract_id integer, renewal text, initial_end date)
    RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT coalesce(
                 (SELECT t.effective_end FROM cultuur.termination t
                   WHERE t.contract_id = $1),
                 CASE WHEN $2 = 'agreement' THEN
                     greatest($3, (SELECT max(r.ends_on) FROM cultuur.renewal r
                                    WHERE r.contract_id = $1))
                 END)
    $$;
COMMENT ON FUNCTION cultuur.recorded_end(integer, text, date) IS 'Last day of a contract with this id, renewal kind and initial end as recorded: its termination''s effective end, else (renewal by agreement) the end of its last term, else NULL (it renews tacitly).';

CREATE FUNCTION cultuur.contract_recorded_end(contract_id integer) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT cultuur.recorded_end(c.id, s.renewal, c.initial_end)
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
    PERFORM cultuur.check_date('through_date', through_date, true, '2300-12-31');
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
        -- from the day after the previous term to the day before the same
        -- date a term later (1 March 2027 - 29 February 2028), never a
        -- clamped anniversary of the initial end (doc/rules.md §7, E 10.3)
        t_end := (t_start + s.renewal_term - interval '1 day')::date;
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
SELECT cultuur.check_date('on_date', $2);
        SELECT t.term_no, t.kind, t.term
          FROM cultuur.contract_terms($1, $2) t
         WHERE t.term @> $2
    $$;
COMMENT ON FUNCTION cultuur.contract_term(integer, date) IS 'The term of a contract in force on on_date (tacit renewals computed, never entered by hand); no row when the contract is not in force that day.';

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
    PERFORM cultuur.check_date('notified_on', $2);
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
SELECT cultuur.check_date('notified_on', $2);
        SELECT min(o.end_on) FROM cultuur.end_options($1, $2) o WHERE o.allowed
    $$;
COMMENT ON FUNCTION cultuur.earliest_end(integer, date) IS 'The earliest date a notice sent on notified_on can end the contract.';

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
    PERFORM cultuur.check_date('effective_end', $2, true, '2300-12-31');
    PERFORM cultuur.check_date('notified_on', $4, true, '2300-12-31');
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

    start_y := extract(year FROM c.starts_on)::integer;
    exit_y := extract(year FROM effective_end)::integer;
    IF exit_y - start_y + 1 > cardinality(rates) THEN
        exit_fee := 0.00;
        note := format('no exit fee: contract year %s is beyond the exit-fee table', exit_y - start_y + 1);
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT lp.count_year, lp.inhabitants INTO pop_y, inh
      FROM cultuur.latest_population(c.library_id, exit_y) lp;
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
    IF cultuur.is_indexed(c.index_from, c.starts_on, exit_y) THEN
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

-- Participation changed after usage arrived (doc/rules.md §3, §8): a
-- contract, renewal or termination entered late changes the days a
-- library's film starts count.  The library's unique users of the lot are
-- counted again from a month on, from the stored events, and the
-- difference goes into its monthly_usage and the consortium_usage of the
-- lot (which picks everyone's tier); the months are noted for the next
-- invoicing run.  The consortium rows are locked first, in month order, as
-- usage_count locks them.
CREATE FUNCTION cultuur.recount_usage(library_id integer, service text, from_month date)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
#variable_conflict use_column
DECLARE
    m_from date := date_trunc('month', $3)::date;
    before_months date[];
    before_users  integer[];
BEGIN
    PERFORM 1 FROM cultuur.consortium_usage c
     WHERE c.service = $2 AND c.month >= m_from ORDER BY c.month FOR UPDATE;
    SELECT coalesce(array_agg(mu.month ORDER BY mu.month), '{}'), coalesce(array_agg(mu.unique_users ORDER BY mu.month), '{}')
      INTO before_months, before_users
      FROM cultuur.monthly_usage mu
     WHERE mu.library_id = $1 AND mu.service = $2 AND mu.month >= m_from;
    DELETE FROM cultuur.monthly_user mu
     WHERE mu.library_id = $1 AND mu.service = $2 AND mu.month >= m_from;
    INSERT INTO cultuur.monthly_user (library_id, service, month, member_ref)
    SELECT DISTINCT $1, $2, cultuur.brussels_month(e.occurred_at), e.member_ref
      FROM cultuur.usage_event e
     WHERE e.library_id = $1 AND e.service = $2 AND e.action = 'film_started'
       AND e.occurred_at >= (m_from::timestamp AT TIME ZONE 'Europe/Brussels')
       AND cultuur.contract_in_force($1, $2, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
     ORDER BY 3, 4;
    WITH now_counted AS (
        SELECT mu.month, count(*)::integer AS users FROM cultuur.monthly_user mu
         WHERE mu.library_id = $1 AND mu.service = $2 AND mu.month >= m_from GROUP BY mu.month
    ), diff AS (
        SELECT coalesce(n.month, b.month) AS month, coalesce(n.users, 0) AS users,
               coalesce(n.users, 0) - coalesce(b.users, 0) AS delta
          FROM now_counted n
          FULL JOIN unnest(before_months, before_users) AS b (month, users) ON b.month = n.month
    ), per_library AS (
        INSERT INTO cultuur.monthly_usage AS m (library_id, service, month, unique_users)
        SELECT $1, $2, d.month, d.users FROM diff d WHERE d.delta <> 0 ORDER BY d.month
        ON CONFLICT (library_id, service, month) DO UPDATE SET unique_users = excluded.unique_users
    ), recheck AS (
        INSERT INTO cultuur.invoice_recheck (service, month, cause)
        SELECT $2, d.month, 'usage' FROM diff d WHERE d.delta <> 0
    )
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT $2, d.month, d.delta FROM diff d WHERE d.delta <> 0 ORDER BY d.month
    ON CONFLICT (service, month) DO UPDATE SET unique_users = c.unique_users + excluded.unique_users;
END;
$$;
COMMENT ON FUNCTION cultuur.recount_usage(integer, text, date) IS 'Internal: counts a library''s unique users of a lot again from from_month on, from the stored film starts and the days its contracts are in force now, and moves the difference into monthly_usage and consortium_usage; notes the months that changed for the next invoicing run.';

-- The start of the renewal by agreement in force on a day (film, F 10.2),
-- NULL in the initial term: the term a film fee is indexed by (F 8.5,
-- index_month).  A string body with qualified operators and no SET clause,
-- like contract_in_force: it names a table of the books and is inlined
-- into fee_detail.
CREATE FUNCTION cultuur.renewal_start_on(contract_id integer, on_date date)
    RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT (SELECT r.starts_on FROM cultuur.renewal r
                 WHERE r.contract_id OPERATOR(pg_catalog.=) $1
                   AND r.starts_on OPERATOR(pg_catalog.<=) $2
                   AND r.ends_on OPERATOR(pg_catalog.>=) $2)
    $$;
COMMENT ON FUNCTION cultuur.renewal_start_on(integer, date) IS 'The start of the renewal by agreement of a contract in force on on_date; NULL in the initial term (or for a tacit service).';

-- The exit fee a termination records (doc/rules.md §6; E 10.4): only the
-- subscriber's early termination costs it; a termination by the
-- consortium costs nothing.
CREATE FUNCTION cultuur.termination_exit_fee(contract_id integer, effective_end date,
        reason cultuur.termination_reason, notified_on date, given_by text)
    RETURNS TABLE (exit_fee cultuur.amount, note text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF given_by = 'consortium' THEN
        exit_fee := 0.00;
        note := 'ended by the consortium: no exit fee (E 10.4 charges the subscriber''s early termination only)';
        RETURN NEXT;
        RETURN;
    END IF;
    RETURN QUERY SELECT q.exit_fee, q.note FROM cultuur.exit_fee_quote($1, $2, $3, $4) q;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_exit_fee(integer, date, cultuur.termination_reason, date, text) IS 'The exit fee of a termination: exit_fee_quote for one given by the subscriber, 0.00 for one given by the consortium (E 10.4).';

-- Whether a library takes part in a lot on a day: its contract for the
-- service is in force then (doc/rules.md §3, §8; Bijlage A counts unique
-- users "over alle deelnemende bibliotheken").  A string body with
-- qualified operators and no SET clause, like latest_population: it names
-- a table of the books and is inlined into the counting of usage events.
CREATE FUNCTION cultuur.contract_in_force(library_id integer, service text, on_date date)
    RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT EXISTS (SELECT 1 FROM cultuur.contract c
                        WHERE c.library_id OPERATOR(pg_catalog.=) $1
                          AND c.service OPERATOR(pg_catalog.=) $2
                          AND c.active OPERATOR(pg_catalog.@>) $3)
    $$;
COMMENT ON FUNCTION cultuur.contract_in_force(integer, text, date) IS 'Whether the library has a contract for the service in force on on_date: only then does its usage count (for the library, its reach cap and the consortium-wide volume).';

-- The initial term of a contract (doc/rules.md §7; F 10.1, E 10.1): within
-- its service's framework agreement, at most the service's initial term
-- where it has one (then filled in when not given), cut at the framework
-- end in force on the signing date (extensions agreed later never lengthen
-- it, whatever order the rows are entered in), given where it has none.
-- Returns the initial end.
CREATE FUNCTION cultuur.contract_initial_end(library_id integer, service text,
        starts_on date, initial_end date, signed_on date)
    RETURNS date
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    s        cultuur.service;
    f        cultuur.framework;
    fw_end   date;
    fw_signed date;
    max_end  date;
BEGIN
    -- a contract's dates lie in the years cultuur computes (1900-2200): a
    -- date typed wrongly (the year 20, a date BC) would otherwise put an
    -- invoice for every year since then in each invoicing run (NULL is
    -- left to the columns' NOT NULL)
    PERFORM cultuur.check_date('signed_on', $5, true);
    PERFORM cultuur.check_date('starts_on', $3, true);
    PERFORM cultuur.check_date('initial_end', $4, true);
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = $2;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" does not exist', $2
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Services: ' || (SELECT string_agg(sv.code, ', ' ORDER BY sv.code) FROM cultuur.service sv);
    END IF;
    SELECT * INTO f FROM cultuur.framework fw WHERE fw.service = $2;
    fw_end := cultuur.framework_end($2);
    IF f.service IS NOT NULL AND $3 < f.starts_on THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, before the framework agreement (%)',
                $1, $2, $3, f.starts_on
            USING ERRCODE = 'CC009',
                  HINT = format('Start on or after %s.', f.starts_on);
    END IF;
    IF fw_end IS NOT NULL AND $3 > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, after the framework agreement ends (%)',
                $1, $2, $3, fw_end
            USING ERRCODE = 'CC009',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    IF s.initial_term IS NOT NULL THEN
        fw_signed := cultuur.framework_end_on($2, coalesce($5, $3));
        IF fw_signed < $3 THEN
            RAISE EXCEPTION 'contract for library % and service "%" signed on % cannot start on %, after the framework agreement in force then ends (%)',
                    $1, $2, $5, $3, fw_signed
                USING ERRCODE = 'CC009',
                      DETAIL = 'F 10.1: the initial term ends no later than the framework agreement in force on the signing date.',
                      HINT = 'Sign it after the framework agreement was extended.';
        END IF;
        max_end := ($3 + s.initial_term - interval '1 day')::date;
        IF fw_signed IS NOT NULL AND fw_signed < max_end THEN
            max_end := fw_signed;
        END IF;
        IF $4 IS NULL THEN
            RETURN max_end;
        ELSIF $4 > max_end THEN
            -- CC009 when the framework end is what the term breaks, CC005
            -- when it is longer than the service's initial term
            RAISE EXCEPTION 'contract for library % and service "%": initial term to % is too long', $1, $2, $4
                USING ERRCODE = CASE WHEN $4 > ($3 + s.initial_term - interval '1 day')::date
                                     THEN 'CC005' ELSE 'CC009' END,
                      DETAIL = format('The initial term is at most %s from the start%s.', s.initial_term,
                                      CASE WHEN fw_signed IS NOT NULL THEN format(' and ends no later than the framework agreement in force when it was signed (%s)', fw_signed) ELSE '' END),
                      HINT = format('End the initial term on or before %s, or leave initial_end empty.', max_end);
        ELSIF $4 < max_end AND $4 >= $3 THEN
            -- the term is fixed (F 10.1): a shorter one would end the
            -- contract early, which a notice may not do either
            RAISE EXCEPTION 'contract for library % and service "%": initial term to % is shorter than the agreement gives', $1, $2, $4
                USING ERRCODE = 'CC005',
                      DETAIL = format('The initial term is %s from the start%s; a film contract is not ended early (F 10.1).', s.initial_term,
                                      CASE WHEN fw_signed IS NOT NULL AND fw_signed = max_end
                                           THEN format(', cut at the end of the framework agreement in force when it was signed (%s)', fw_signed) ELSE '' END),
                      HINT = format('End the initial term on %s, or leave initial_end empty.', max_end);
        END IF;
    ELSIF $4 IS NULL THEN
        RAISE EXCEPTION 'contract for library % and service "%" needs an initial_end', $1, $2
            USING ERRCODE = 'not_null_violation',
                  HINT = 'The agreement states the end of the initial term (e-books: 15 September 2026).';
    ELSIF fw_end IS NOT NULL AND $4 > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term to % outlasts the framework agreement (%)',
                $1, $2, $4, fw_end
            USING ERRCODE = 'CC009',
                  HINT = format('End the initial term on or before %s.', fw_end);
    END IF;
    IF $4 < $3 THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term ends (%) before it starts (%)',
                $1, $2, $4, $3
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN $4;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_initial_end(integer, text, date, date, date) IS 'The initial end of a contract starting on starts_on and signed on signed_on (dates from 1900 to 2200, else 22008): checked against its service''s initial term (exactly that term, cut at the framework agreement in force on the signing date: CC005 when longer or shorter, CC009 beyond the framework), filled in when the service fixes the term and none is given.';

-- Library, service, start and initial term of a contract are fixed once
-- renewals or a termination were recorded on them (doc/rules.md §7).
CREATE FUNCTION cultuur.refuse_contract_change(contract_id integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cultuur.renewal r WHERE r.contract_id = $1)
       OR EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = $1) THEN
        RAISE EXCEPTION 'contract %: library, service, start and initial term cannot change once it has renewals or a termination', $1
            USING ERRCODE = 'CC010',
                  HINT = 'Delete the renewals and the termination first, or enter a new contract.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_contract_change(integer) IS 'Raises CC010 when a contract has renewals or a termination: its library, service, start and initial term can then no longer change.';

-- A renewal by agreement (doc/rules.md §7; F 10.2): numbered and placed
-- right after the current term, refused for a contract that renews
-- tacitly, is terminated or has ended, beyond the renewal limit, longer
-- than the renewal term, or outside the framework agreement.  Returns the
-- renewal's number, start and end.
CREATE FUNCTION cultuur.renewal_placement(contract_id integer, agreed_on date, requested_end date,
        OUT seq integer, OUT starts_on date, OUT ends_on date)
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
    PERFORM cultuur.contract_lock($1);
    SELECT * INTO c FROM cultuur.contract cc WHERE cc.id = $1;
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = c.service;
    IF s.renewal = 'tacit' THEN
        RAISE EXCEPTION 'contract % (service "%") renews tacitly; renewals are not entered', c.id, c.service
            USING ERRCODE = 'CC004',
                  HINT = 'cultuur.contract_term(contract_id, date) gives the term in force on any date.';
    END IF;
    SELECT * INTO t FROM cultuur.termination x WHERE x.contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is terminated (notice of %, ends %); it cannot be renewed', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete the termination first if the parties agreed to continue.';
    END IF;
    cur_end := cultuur.contract_recorded_end(c.id);
    IF $2 > cur_end THEN
        RAISE EXCEPTION 'contract % ended on %; a renewal agreed on % comes too late', c.id, cur_end, $2
            USING ERRCODE = 'CC003',
                  HINT = format('A renewal must be agreed on or before %s; enter a new contract instead.', cur_end);
    END IF;
    SELECT count(*)::integer INTO n FROM cultuur.renewal r WHERE r.contract_id = c.id;
    IF s.max_renewals IS NOT NULL AND n >= s.max_renewals THEN
        RAISE EXCEPTION 'contract % has been renewed % times; service "%" allows at most %', c.id, n, c.service, s.max_renewals
            USING ERRCODE = 'CC006',
                  DETAIL = 'F 10.2: the agreement can be renewed at most twice, by one year each.',
                  HINT = 'A further period needs a new contract.';
    END IF;
    seq := n + 1;
    starts_on := cur_end + 1;
    max_end := (starts_on + s.renewal_term - interval '1 day')::date;
    fw_end := cultuur.framework_end(c.service);
    IF fw_end IS NOT NULL AND fw_end < starts_on THEN
        RAISE EXCEPTION 'contract % cannot be renewed from %: the framework agreement of service "%" ends on %', c.id, starts_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  DETAIL = 'F 10.2: a renewal is possible only while the framework agreement is extended.',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    ends_on := coalesce($3, least(max_end, fw_end));
    IF ends_on > max_end THEN
        RAISE EXCEPTION 'renewal of contract % to % is longer than %', c.id, ends_on, s.renewal_term
            USING ERRCODE = 'CC005',
                  DETAIL = format('The renewal starts on %s.', starts_on),
                  HINT = format('End the renewal on or before %s.', least(max_end, fw_end));
    END IF;
    IF fw_end IS NOT NULL AND ends_on > fw_end THEN
        RAISE EXCEPTION 'renewal of contract % to % outlasts the framework agreement of service "%" (ends %)', c.id, ends_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  HINT = CASE WHEN fw_end >= starts_on
                              THEN format('End the renewal on or before %s, or extend the framework first (cultuur.framework_extension).', fw_end)
                              ELSE 'Extend the framework agreement first (cultuur.framework_extension).' END;
    END IF;
    IF ends_on < starts_on THEN
        RAISE EXCEPTION 'renewal of contract % ends (%) before it starts (%)', c.id, ends_on, starts_on
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.renewal_placement(integer, date, date) IS 'Number, start and end of a renewal by agreement of a contract agreed on agreed_on (ends_on NULL: as long as allowed); refuses it for tacitly renewing services (CC004), terminated (CC002) or ended (CC003) contracts, beyond the renewal limit (CC006), longer than the renewal term (CC005) or outside the framework agreement (CC009). Locks the contract.';

-- Renewals are removed from the last one backwards, and not under a
-- termination (doc/rules.md §7).
CREATE FUNCTION cultuur.refuse_renewal_removal(contract_id integer, seq integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cultuur.renewal r WHERE r.contract_id = $1 AND r.seq > $2) THEN
        RAISE EXCEPTION 'renewal % of contract % is not the last one', $2, $1
            USING ERRCODE = 'CC010', HINT = 'Delete renewals from the last one backwards.';
    END IF;
    IF EXISTS (SELECT 1 FROM cultuur.termination x WHERE x.contract_id = $1) THEN
        RAISE EXCEPTION 'contract % is terminated; its renewals cannot be deleted', $1
            USING ERRCODE = 'CC010', HINT = 'Delete the termination first.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_renewal_removal(integer, integer) IS 'Raises CC010 unless renewal seq is the last renewal of a contract that is not terminated.';

-- The end a notice reaches (doc/rules.md §7; E 10.2, E 10.3, F 10): the
-- earliest end the notice rule allows, or the requested end when the rule
-- allows it; refused for a contract terminated already or ended, a notice
-- before the signing, and an end the rule forbids (with the earliest
-- allowed one).
CREATE FUNCTION cultuur.termination_end(contract_id integer, notified_on date, requested_end date)
    RETURNS date
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
BEGIN
    -- the table's CHECKs come after the trigger: refuse infinite dates
    -- here, before any date arithmetic
    IF NOT isfinite($2) OR NOT isfinite($3) THEN
        RAISE EXCEPTION 'termination of contract %: notice date (%) and requested end (%) must be finite dates',
                $1, $2, $3
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM cultuur.contract_lock($1);
    SELECT * INTO c FROM cultuur.contract cc WHERE cc.id = $1;
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = c.service;
    SELECT * INTO t FROM cultuur.termination x WHERE x.contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is already terminated (notice of %, ends %)', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete that termination first to record a different notice.';
    END IF;
    last_day := cultuur.contract_recorded_end(c.id);
    IF last_day IS NOT NULL AND $2 > last_day THEN
        RAISE EXCEPTION 'contract % already ended on %', c.id, last_day
            USING ERRCODE = 'CC003',
                  HINT = 'An ended contract needs no notice.';
    END IF;
    IF $2 < c.signed_on THEN
        RAISE EXCEPTION 'contract %: notice of % is before the contract was signed (%)', c.id, $2, c.signed_on
            USING ERRCODE = 'check_violation';
    END IF;

    earliest := cultuur.earliest_end(c.id, $2);
    IF earliest IS NULL THEN
        RAISE EXCEPTION 'contract %: no end date can be reached by a notice sent on %', c.id, $2
            USING ERRCODE = 'CC001';
    END IF;
    IF $3 IS NULL THEN
        RETURN earliest;
    END IF;
    SELECT * INTO opt FROM cultuur.end_options(c.id, $2) o WHERE o.end_on = $3;
    IF NOT FOUND AND last_day IS NULL AND $3 > $2 THEN
        -- further ahead than end_options looks: a 31 December (where the
        -- contract allows it) or the end of a tacit term
        SELECT $3 AS end_on, k.kind AS kind,
               cultuur.notice_deadline($3, s.notice) AS deadline,
               cultuur.notice_deadline($3, s.notice) >= $2 AS allowed
          INTO opt
          FROM (SELECT '31 December (E 10.2)' AS kind
                 WHERE s.year_end_exit AND extract(month FROM $3) = 12
                   AND extract(day FROM $3) = 31
                UNION ALL
                SELECT 'end of renewal ' || tt.term_no
                  FROM cultuur.contract_terms(c.id, $3) tt
                 WHERE upper(tt.term) - 1 = $3) k
         LIMIT 1;
    END IF;
    IF opt.end_on IS NULL THEN
        RAISE EXCEPTION 'contract % cannot end on %', c.id, $3
            USING ERRCODE = 'CC001',
                  DETAIL = CASE WHEN s.year_end_exit
                                THEN 'It can end on a 31 December (E 10.2) or at the end of a term, with notice sent at least ' || s.notice || ' before.'
                                ELSE 'It can only end at the end of its current term.' END,
                  HINT = format('The earliest end a notice sent on %s can reach is %s.', $2, earliest);
    ELSIF NOT opt.allowed THEN
        RAISE EXCEPTION 'contract %: a notice sent on % is too late to end on %', c.id, $2, $3
            USING ERRCODE = 'CC001',
                  DETAIL = format('To end on %s (%s) notice must be sent on or before %s.', opt.end_on, opt.kind, opt.deadline),
                  HINT = format('The earliest allowed end is %s.', earliest);
    END IF;
    RETURN $3;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_end(integer, date, date) IS 'The end a notice sent on notified_on gives a contract: the earliest the notice rule allows, or requested_end if the rule allows it; refuses a second termination (CC002), an ended contract (CC003) and a forbidden end (CC001, with the earliest allowed date). Locks the contract.';

-- A price change other than indexation (doc/rules.md §7; E 8.9): takes
-- effect on 1 January and is notified on or before 31 July before.
CREATE FUNCTION cultuur.price_change_dates(service text, notified_on date, effective_on date)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    latest   date;
    next_jan date;
BEGIN
    IF NOT isfinite($2) OR NOT isfinite($3) THEN
        RAISE EXCEPTION 'price change of service "%": notice date (%) and effective date (%) must be finite dates',
                $1, $2, $3
            USING ERRCODE = 'check_violation';
    END IF;
    next_jan := make_date(extract(year FROM $2)::integer
                          + CASE WHEN $2 <= make_date(extract(year FROM $2)::integer, 7, 31)
                                 THEN 1 ELSE 2 END, 1, 1);
    IF $3 <> date_trunc('year', $3)::date THEN
        RAISE EXCEPTION 'price change of service "%" on % does not take effect on 1 January', $1, $3
            USING ERRCODE = 'CC007',
                  DETAIL = 'Price changes other than indexation take effect on 1 January (E 8.9).',
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', $2, next_jan);
    END IF;
    latest := make_date(extract(year FROM $3)::integer - 1, 7, 31);
    IF $2 > latest THEN
        RAISE EXCEPTION 'price change of service "%" for % is notified too late (%)', $1, $3, $2
            USING ERRCODE = 'CC007',
                  DETAIL = format('It must be notified at least five months before the end of the year: on or before %s (E 8.9).', latest),
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', $2, next_jan);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.price_change_dates(text, date, date) IS 'Raises CC007 unless a price change takes effect on 1 January and was notified on or before 31 July of the year before (E 8.9).';

-- A price change splits the tariff in force on its date into the old and
-- the new price (doc/rules.md §7): the old tariff ends the day before, the
-- new one runs to the old one's end with the same exit-fee rates.  Returns
-- the new tariff; one that was entered already (tariff_id given) must be
-- exactly this change.  It writes the tariff table from the price change's
-- BEFORE trigger because the price change row references the tariff it
-- creates.
CREATE FUNCTION cultuur.split_tariff(service text, effective_on date, fixed_fee numeric,
        tiers cultuur.tiers, tariff_id integer)
    RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t        cultuur.tariff;
    new_id   integer;
BEGIN
    -- serialise price changes of one service
    PERFORM cultuur.service_lock($1);
    IF $5 IS NOT NULL THEN
        SELECT * INTO t FROM cultuur.tariff tt WHERE tt.id = $5;
        IF NOT FOUND OR t.service <> $1 OR lower(t.valid) <> $2
           OR t.fixed_fee <> $3 OR NOT (t.tiers OPERATOR(cultuur.=) $4) THEN
            RAISE EXCEPTION 'price change of service "%": tariff % is not the tariff this change introduces', $1, $5
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Leave tariff_id empty: the price change creates the new tariff itself.';
        END IF;
        RETURN $5;
    END IF;
    SELECT * INTO t FROM cultuur.tariff tt
     WHERE tt.service = $1 AND tt.valid @> $2 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" has no tariff in force on % to change', $1, $2
            USING ERRCODE = 'no_data_found',
                  HINT = 'Enter the tariff in cultuur.tariff first.';
    END IF;
    IF lower(t.valid) = $2 THEN
        RAISE EXCEPTION 'service "%" already has a tariff starting on %', $1, $2
            USING ERRCODE = 'CC010',
                  HINT = format('Tariff %s starts that day; a second price change for the same day is not possible.', t.id);
    END IF;
    UPDATE cultuur.tariff tt SET valid = daterange(lower(t.valid), $2) WHERE tt.id = t.id;
    INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates)
    VALUES ($1, daterange($2, upper(t.valid)), $3, $4, t.exit_rates)
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;
COMMENT ON FUNCTION cultuur.split_tariff(text, date, numeric, cultuur.tiers, integer) IS 'Splits the tariff of a service in force on effective_on into the old price (ending the day before) and a new tariff with fixed_fee and tiers; returns the new tariff''s id (or checks that tariff_id is exactly that tariff). Refuses a second change on one day (CC010).';
