-- ---------------------------------------------------------------------
-- Layer 5, API: what is due, invoice previews, the invoicing run and
-- credit notes (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- Invoices due on or before a date: e-books per calendar year (the first
-- year on signing, later years on 1 May), film per quarter in the second
-- month after it (Q4 in February), and the exit fee of a subscriber's
-- early termination on the day of the notice (E 10.4).
CREATE FUNCTION cultuur.invoice_schedule(through date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('through', $1);
SELECT c.id, 'ebooks_year',
       daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)),
       CASE WHEN y = extract(year FROM c.starts_on) THEN greatest(c.signed_on, c.starts_on)
            ELSE make_date(y, 5, 1) END
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.kind = 'ebooks'
 CROSS JOIN LATERAL generate_series(extract(year FROM c.starts_on)::integer,
                                    extract(year FROM $1)::integer) y
 WHERE c.active && daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1))
UNION ALL
SELECT c.id, 'film_quarter', daterange(q::date, (q + interval '3 months')::date),
       (q + interval '4 months')::date
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.kind = 'film'
 CROSS JOIN LATERAL generate_series(date_trunc('quarter', c.starts_on),
                                    date_trunc('quarter', $1::timestamp),
                                    interval '3 months') q
 WHERE c.active && daterange(q::date, (q + interval '3 months')::date)
UNION ALL
-- the exit fee: its period is the rest of the initial term it pays for
SELECT t.contract_id, 'exit_fee', daterange(t.effective_end + 1, greatest(c.initial_end, t.effective_end) + 1),
       t.notified_on
  FROM cultuur.termination t
  JOIN cultuur.contract c ON c.id = t.contract_id
 WHERE t.exit_fee > 0 AND t.notified_on <= $1
$$;
COMMENT ON FUNCTION cultuur.invoice_schedule(date) IS 'Every invoice due on or before a date (and a few not yet due): e-books per calendar year, issued on signing for the first year and on 1 May afterwards (E 8.5); film per quarter, issued in the second month after the quarter (F 8.1); the exit fee of a subscriber''s early termination, on the day of the notice (E 10.4).';

-- What a run issues: the invoices due by a date that are not issued yet
-- (doc/rules.md §9); run_invoicing issues them, invoicing_blocked says
-- which of them cannot be issued yet.
CREATE FUNCTION cultuur.invoices_due(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT sch.* FROM cultuur.invoice_schedule($1) sch
         WHERE sch.due <= $1
           AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                            WHERE i.contract_id = sch.contract_id AND i.kind = sch.kind
                              AND i.period = sch.period)
    $$;
COMMENT ON FUNCTION cultuur.invoices_due(date) IS 'The invoices due on or before on_date (invoice_schedule) that are not issued yet: what an invoicing run on that date issues.';

-- The lines of an invoice, computed from the contract, the usage and, per
-- inhabitant, the factors of the yearly fee (a row of fee_detail, which
-- the caller computes: once per contract for a whole run, see
-- invoices_due_fees).  One rule, used by invoice_preview, run_invoicing and
-- invoicing_blocked; internal (no EXECUTE for any role): the callers check
-- the arguments.  An invoice whose factors are missing raises no_data_found
-- (it waits for a later run); one whose amount is too large for an invoice
-- raises 22003 naming the contract.
CREATE FUNCTION cultuur.invoice_lines(contract_id integer, kind text, period daterange,
        fee cultuur.fee_factors)
    RETURNS TABLE (line_no integer, description text, month date, quantity numeric,
                   unit_price cultuur.price, tier_volume numeric, fixed_fee cultuur.amount,
                   base_amount cultuur.amount, base_index numeric, new_index numeric,
                   share text, amount cultuur.amount)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c     cultuur.contract;
    s     cultuur.service;
    y     integer := extract(year FROM lower($3))::integer;
    m     date;
    t     cultuur.tariff;
    users integer;
    vol   integer;
    held  boolean;
    bidx  numeric;
    nidx  numeric;
    base  numeric;
    amt   numeric;
    im    date;
    n     integer := 0;
BEGIN
    SELECT * INTO STRICT c FROM cultuur.contract WHERE id = $1;
    SELECT * INTO STRICT s FROM cultuur.service WHERE code = c.service;
    IF y NOT BETWEEN 1900 AND 2200 THEN
        RAISE EXCEPTION 'contract %: the year % is not a year from 1900 to 2200', c.id, y
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = 'The contract was entered with a wrong date: end it, and enter it again with the right one.';
    END IF;
    -- the exit fee (E 10.4): one line, the fee the termination recorded,
    -- with the factors its note names
    IF $2 = 'exit_fee' THEN
        SELECT 1, format('Exit fee: %s contract ended on %s, before the end of its initial term (%s): %s',
                         s.name, tm.effective_end, c.initial_end, tm.exit_fee_note),
               NULL::date, 1::numeric, tm.exit_fee::cultuur.price, NULL::numeric, NULL::cultuur.amount,
               tm.exit_fee::cultuur.amount, NULL::numeric, NULL::numeric, NULL::text, tm.exit_fee::cultuur.amount
          INTO line_no, description, month, quantity, unit_price, tier_volume, fixed_fee,
               base_amount, base_index, new_index, share, amount
          FROM cultuur.termination tm WHERE tm.contract_id = c.id AND tm.exit_fee > 0;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no exit fee is due', c.id USING ERRCODE = 'no_data_found';
        END IF;
        RETURN NEXT;
        RETURN;
    END IF;
    IF s.price_model = 'per_inhabitant' THEN
        -- (a film quarter is indexed by its own term, below: its yearly
        -- amount is what it needs)
        IF (CASE WHEN $2 = 'film_quarter' THEN fee.yearly_amount ELSE fee.indexed_amount END) IS NULL THEN
            IF position('larger than an invoice amount' IN coalesce(fee.note, '')) > 0 THEN
                RAISE EXCEPTION 'contract %: the fee of % cannot be invoiced: %', c.id, y, fee.note
                    USING ERRCODE = 'numeric_value_out_of_range',
                          HINT = 'Correct the tariff (a price or a fixed fee typed too large) and run again.';
            END IF;
            RAISE EXCEPTION 'contract %: the fee of % cannot be computed: %', c.id, y,
                    coalesce(fee.note, 'the contract is not in force that year')
                USING ERRCODE = 'no_data_found';
        END IF;
        line_no := 1;
        description := CASE WHEN $2 = 'ebooks_year' THEN format('%s %s', s.name, y)
                            ELSE format('%s %s Q%s (a quarter of the yearly fee)', s.name, y,
                                        extract(quarter FROM lower($3))) END;
        month := NULL;
        quantity := fee.basis;
        unit_price := fee.unit_price;
        tier_volume := fee.tier_volume;
        fixed_fee := fee.fixed_fee;
        base_amount := fee.yearly_amount;
        base_index := fee.base_index;
        new_index := fee.year_index;
        -- the share printed as it is computed (170/365 under the rule
        -- day, 2/3 of a quarter): yearly amount x share = amount, to the
        -- cent, with a calculator
        IF $2 = 'ebooks_year' THEN
            share := cultuur.prorata_fraction(c.active, $3, c.prorata_rule);
            amount := cultuur.prorate(fee.indexed_amount, c.active, $3, c.prorata_rule);
        ELSE
            -- a film quarter is indexed as the term in force on its first
            -- day (F 8.5: only in a renewal term, index_month)
            m := NULL;
            IF c.index_from IS NOT NULL THEN
                m := cultuur.index_month(s.renewal, c.index_from, c.starts_on, y,
                                         CASE WHEN s.renewal = 'agreement'
                                              THEN cultuur.renewal_start_on(c.id, greatest(lower($3), c.starts_on)) END);
            END IF;
            amt := fee.yearly_amount;
            base_index := NULL;
            new_index := NULL;
            IF m IS NOT NULL THEN
                base_index := cultuur.index_value(s.index_series, make_date(extract(year FROM c.starts_on)::integer, 1, 1));
                new_index := cultuur.index_value(s.index_series, m);
                IF base_index IS NULL OR new_index IS NULL THEN
                    RAISE EXCEPTION 'contract %: % index of January % or January % not loaded', c.id,
                            s.index_series, extract(year FROM c.starts_on), extract(year FROM m)
                        USING ERRCODE = 'no_data_found';
                END IF;
                amt := cultuur.indexed(amt, base_index, new_index);
            END IF;
            share := cultuur.prorata_fraction(c.active, $3, c.prorata_rule) || ' of 1/4';
            amount := cultuur.prorate(amt * 0.25, c.active, $3, c.prorata_rule);
        END IF;
        RETURN NEXT;
        RETURN;
    END IF;

    -- per unique user: one line per month of the quarter in force
    FOR m IN SELECT * FROM cultuur.months_in_force(c.active, $3) LOOP
        SELECT * INTO t FROM cultuur.tariff tt WHERE tt.service = c.service AND tt.valid @> m;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no tariff of % in force on %', c.id, c.service, m
                USING ERRCODE = 'no_data_found';
        END IF;
        SELECT coalesce(sum(mu.unique_users), 0)::integer INTO users FROM cultuur.monthly_usage mu
         WHERE mu.library_id = c.library_id AND mu.service = c.service AND mu.month = m;
        SELECT coalesce(sum(cu.unique_users), 0)::integer INTO vol FROM cultuur.consortium_usage cu
         WHERE cu.service = c.service AND cu.month = m;
        held := EXISTS (SELECT 1 FROM cultuur.reach_hold h
                         WHERE h.contract_id = c.id AND m BETWEEN h.starts_on AND h.ends_on);
        bidx := NULL;
        nidx := NULL;
        base := cultuur.volume_charge(t.tiers, users, vol);
        amt := base;
        -- indexed as the term in force that month (index_month; the
        -- renewal is looked up only where it can matter)
        im := NULL;
        IF c.index_from IS NOT NULL THEN
            im := cultuur.index_month(s.renewal, c.index_from, c.starts_on, extract(year FROM m)::integer,
                                      CASE WHEN s.renewal = 'agreement'
                                           THEN cultuur.renewal_start_on(c.id, greatest(m, c.starts_on)) END);
        END IF;
        IF im IS NOT NULL THEN
            bidx := cultuur.index_value(s.index_series, make_date(extract(year FROM c.starts_on)::integer, 1, 1));
            nidx := cultuur.index_value(s.index_series, im);
            IF bidx IS NULL OR nidx IS NULL THEN
                RAISE EXCEPTION 'contract %: % index of January % or January % not loaded', c.id,
                        s.index_series, extract(year FROM c.starts_on), extract(year FROM im)
                    USING ERRCODE = 'no_data_found';
            END IF;
            amt := cultuur.indexed(amt, bidx, nidx);
        END IF;
        IF NOT (cultuur.fits_amount(base) AND cultuur.fits_amount(amt)) THEN
            RAISE EXCEPTION 'contract %: the amount of % (% unique users at %) is larger than an invoice amount can be (at most 9999999999.99)',
                    c.id, to_char(m, 'YYYY-MM'), users, cultuur.tier_price(t.tiers, vol)
                USING ERRCODE = 'numeric_value_out_of_range',
                      HINT = format('Correct tariff %s.', t.id);
        END IF;
        n := n + 1;
        line_no := n;
        description := format('%s %s: unique users', s.name, to_char(m, 'YYYY-MM'))
                       || CASE WHEN held THEN ' (on hold: not billed, F 8.6)' ELSE '' END;
        month := m;
        quantity := users::numeric;
        unit_price := cultuur.tier_price(t.tiers, vol);
        tier_volume := vol::numeric;
        fixed_fee := NULL;
        base_amount := base;
        base_index := bidx;
        new_index := nidx;
        share := NULL;
        amount := CASE WHEN held THEN 0.00 ELSE amt END;
        RETURN NEXT;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_lines(integer, text, daterange, cultuur.fee_factors) IS 'Internal (no role may call it): the lines of the invoice for a contract and period, given the factors of its yearly fee (per inhabitant) from fee_detail. invoice_preview, run_invoicing and invoicing_blocked build on it.';

-- the lines of an invoice, computed (not stored): anyone who wants to see
-- an invoice before it is issued
CREATE FUNCTION cultuur.invoice_preview(contract_id integer, kind text, period daterange)
    RETURNS TABLE (line_no integer, description text, month date, quantity numeric,
                   unit_price cultuur.price, tier_volume numeric, fixed_fee cultuur.amount,
                   base_amount cultuur.amount, base_index numeric, new_index numeric,
                   share text, amount cultuur.amount)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    y   integer;
    fee cultuur.fee_factors;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('lower(period)', lower($3));
    PERFORM cultuur.check_date('upper(period)', upper($3));
    y := extract(year FROM lower($3))::integer;
    IF NOT EXISTS (SELECT 1 FROM cultuur.contract c WHERE c.id = $1) THEN
        RAISE EXCEPTION 'contract % does not exist', coalesce($1::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF $2 IS NULL OR $2 NOT IN ('ebooks_year', 'film_quarter', 'exit_fee') THEN
        RAISE EXCEPTION 'kind must be ebooks_year, film_quarter or exit_fee, not %', coalesce($2, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF $2 <> 'exit_fee' AND (SELECT s.price_model FROM cultuur.contract c JOIN cultuur.service s ON s.code = c.service
                              WHERE c.id = $1) = 'per_inhabitant' THEN
        SELECT f.basis, f.unit_price, f.tier_volume, f.fixed_fee, f.yearly_amount,
               f.base_index, f.year_index, f.indexed_amount, f.note
          INTO fee
          FROM cultuur.fee_detail(y, y) f WHERE f.contract_id = $1;
    END IF;
    RETURN QUERY SELECT * FROM cultuur.invoice_lines($1, $2, $3, fee);
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_preview(integer, text, daterange) IS 'The lines an invoice for a contract and period would have, with every factor: per inhabitant, the yearly fee (or a quarter of it) pro rata; per user, each month''s unique users at that month''s consortium tier price (0 while on hold).';

-- The factors of the yearly fees per inhabitant of the given contracts
-- and years, from ONE fee_detail over the years concerned (fee_detail
-- computes the consortium tier volume over every contract: once per
-- invoice, as a preview per invoice does, a run would cost the square of
-- the number of contracts).  Contracts billed per user are left out.
CREATE FUNCTION cultuur.fee_factors_of(contract_ids integer[], years integer[])
    RETURNS TABLE (contract_id integer, year integer, fee cultuur.fee_factors)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
WITH want AS MATERIALIZED (
    SELECT DISTINCT u.contract_id, u.year
      FROM unnest($1, $2) AS u (contract_id, year)
      JOIN cultuur.contract c ON c.id = u.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.price_model = 'per_inhabitant'
), span AS MATERIALIZED (
    -- the years fee_detail computes (a contract entered before 0.2 may
    -- have been dated outside them: its invoices fail alone, see
    -- invoice_lines)
    SELECT greatest(min(w.year), 1900) AS lo, least(max(w.year), 2200) AS hi FROM want w
)
-- no fee_detail at all when no contract per inhabitant is asked for
SELECT f.contract_id, f.year,
       ROW(f.basis, f.unit_price, f.tier_volume, f.fixed_fee, f.yearly_amount,
           f.base_index, f.year_index, f.indexed_amount, f.note)::cultuur.fee_factors
  FROM span CROSS JOIN LATERAL cultuur.fee_detail(span.lo, span.hi) f
  JOIN want w ON w.contract_id = f.contract_id AND w.year = f.year
 WHERE span.lo <= span.hi
$$;
COMMENT ON FUNCTION cultuur.fee_factors_of(integer[], integer[]) IS 'Internal (no role may call it): the fee factors (fee_detail, computed once) of the given contracts billed per inhabitant in the given years, pairwise.';

-- What a run works on: the invoices due by a date (invoices_due), in the
-- order a run issues them, each with the factors of its yearly fee when it
-- is billed per inhabitant.
CREATE FUNCTION cultuur.invoices_due_fees(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date,
                   fee cultuur.fee_factors)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
WITH d AS MATERIALIZED (
    SELECT x.contract_id, x.kind, x.period, x.due,
           extract(year FROM lower(x.period))::integer AS year
      FROM cultuur.invoices_due($1) x
)
SELECT d.contract_id, d.kind, d.period, d.due, f.fee
  FROM d
  LEFT JOIN cultuur.fee_factors_of((SELECT array_agg(d.contract_id) FROM d),
                                   (SELECT array_agg(d.year) FROM d)) f
         ON f.contract_id = d.contract_id AND f.year = d.year
 ORDER BY d.due, d.contract_id, lower(d.period)
$$;
COMMENT ON FUNCTION cultuur.invoices_due_fees(date) IS 'Internal (no role may call it): invoices_due(on_date) in the order a run issues them, each with the factors of its yearly fee when billed per inhabitant (fee_factors_of).';

-- Corrections (doc/rules.md §9): the issued invoices of the months noted
-- in invoice_recheck (all of them, or the rows ids), recomputed with the
-- facts as they are now (invoice_lines), against what was issued for
-- them: the invoice and the corrections runs issued since
-- (invoice_correction; a credit note of finance's is not undone).  One row
-- per invoice whose amount differs, with the lines of the difference
-- (line by line, keyed by month) and what changed; or, for an invoice
-- that cannot be recomputed now, the error.
CREATE FUNCTION cultuur.corrections_due(ids bigint[] DEFAULT NULL, run_from integer DEFAULT NULL)
    RETURNS TABLE (invoice_id integer, number text, contract_id integer, kind text,
                   period daterange, causes text, issued numeric, due numeric,
                   difference numeric, facts text, lines cultuur.line_values[],
                   error_code text, error text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d    record;
    now_lines cultuur.invoice_line[];
BEGIN
    FOR d IN
        WITH noted AS MATERIALIZED (
            -- each lot, month and cause once, however often it was noted
            SELECT DISTINCT r.service, r.month, r.cause
              FROM cultuur.invoice_recheck r
             WHERE ($1 IS NULL OR r.id = ANY ($1))
        ), hit AS MATERIALIZED (
            SELECT i.id, i.number, i.contract_id, i.kind, i.period,
                   string_agg(DISTINCT n.cause, ', ' ORDER BY n.cause) AS causes
              FROM noted n
              JOIN cultuur.contract c ON c.service = n.service
              JOIN cultuur.invoice i ON i.contract_id = c.id
                                    AND i.kind IN ('ebooks_year', 'film_quarter')
                                    AND i.period @> n.month
               -- not an invoice the run asking issued (ids above run_from,
               -- by this transaction): computed from the facts of every
               -- note it read (see issue_corrections)
             WHERE NOT (i.id > coalesce($2, 2147483647) AND cultuur.xid_is_current(i.xmin))
             GROUP BY i.id, i.number, i.contract_id, i.kind, i.period
        )
        SELECT h.*, f.fee
          FROM hit h
          LEFT JOIN cultuur.fee_factors_of((SELECT array_agg(h.contract_id) FROM hit h),
                                           (SELECT array_agg(extract(year FROM lower(h.period))::integer) FROM hit h)) f
                 ON f.contract_id = h.contract_id AND f.year = extract(year FROM lower(h.period))::integer
         ORDER BY h.id
    LOOP
        invoice_id := d.id;
        number := d.number;
        contract_id := d.contract_id;
        kind := d.kind;
        period := d.period;
        causes := d.causes;
        error_code := NULL;
        error := NULL;
        BEGIN
            SELECT array_agg(ROW(d.id, p.line_no, p.description, p.month, p.quantity, p.unit_price,
                                 p.tier_volume, p.fixed_fee, p.base_amount, p.base_index, p.new_index,
                                 p.share, p.amount)::cultuur.invoice_line ORDER BY p.line_no)
              INTO now_lines
              FROM cultuur.invoice_lines(d.contract_id, d.kind, d.period, d.fee) p;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS error_code = RETURNED_SQLSTATE, error = MESSAGE_TEXT;
            IF cultuur.stops_the_run(error_code) THEN
                RAISE;
            END IF;
            issued := NULL; due := NULL; difference := NULL; facts := NULL; lines := NULL;
            RETURN NEXT;
            CONTINUE;
        END;
        -- what was issued per line (month; the one line per inhabitant has
        -- none): its amounts summed over the invoice and its corrections,
        -- its factors as the latest document printed them
        WITH docs AS (
            SELECT d.id AS doc
            UNION ALL
            SELECT ic.invoice_id FROM cultuur.invoice_correction ic WHERE ic.corrects = d.id
        ), was AS (
            SELECT coalesce(l.month, '-infinity') AS k, sum(l.amount) AS amount,
                   (array_agg(l ORDER BY l.invoice_id DESC))[1] AS last
              FROM docs JOIN cultuur.invoice_line l ON l.invoice_id = docs.doc
             GROUP BY 1
        ), now AS (
            SELECT coalesce(n.month, '-infinity') AS k, n AS line
              FROM unnest(coalesce(now_lines, '{}')) n
        ), diff AS (
            SELECT coalesce(now.k, was.k) AS k, now.line, was.last,
                   coalesce((now.line).amount, 0) - coalesce(was.amount, 0) AS delta,
                   concat_ws('; ',
                       CASE WHEN now.line IS NULL THEN 'no longer in force' END,
                       CASE WHEN was.last IS NULL THEN 'newly in force' END,
                       CASE WHEN (now.line).quantity IS DISTINCT FROM (was.last).quantity
                            THEN format('quantity %s -> %s', (was.last).quantity, (now.line).quantity) END,
                       CASE WHEN (now.line).tier_volume IS DISTINCT FROM (was.last).tier_volume
                            THEN format('tier volume %s -> %s', (was.last).tier_volume, (now.line).tier_volume) END,
                       CASE WHEN (now.line).unit_price IS DISTINCT FROM (was.last).unit_price
                            THEN format('unit price %s -> %s', (was.last).unit_price, (now.line).unit_price) END,
                       CASE WHEN (now.line).share IS DISTINCT FROM (was.last).share
                            THEN format('share %s -> %s', (was.last).share, (now.line).share) END,
                       CASE WHEN (now.line).new_index IS DISTINCT FROM (was.last).new_index
                            THEN format('index %s -> %s', (was.last).new_index, (now.line).new_index) END,
                       CASE WHEN ((now.line).description LIKE '%on hold%') IS DISTINCT FROM ((was.last).description LIKE '%on hold%')
                            THEN CASE WHEN (now.line).description LIKE '%on hold%' THEN 'put on hold' ELSE 'hold lifted' END END
                   ) AS what
              FROM now FULL JOIN was ON was.k = now.k
        )
        SELECT (SELECT i.total FROM cultuur.invoice i WHERE i.id = d.id)
                 + coalesce((SELECT sum(i.total) FROM cultuur.invoice_correction ic
                               JOIN cultuur.invoice i ON i.id = ic.invoice_id
                              WHERE ic.corrects = d.id), 0),
               coalesce((SELECT sum(n.amount) FROM unnest(coalesce(now_lines, '{}')) n), 0),
               string_agg(format('%s: %s', CASE WHEN x.k = '-infinity' THEN 'the fee' ELSE to_char(x.k, 'YYYY-MM') END,
                                 coalesce(nullif(x.what, ''), 'amount')), '; ' ORDER BY x.k),
               array_agg(ROW(x.n::integer,
                             format('Correction of %s, %s: %s', d.number,
                                    coalesce((x.line).description, (x.last).description),
                                    coalesce(nullif(x.what, ''), 'amount')),
                             coalesce((x.line).month, (x.last).month),
                             coalesce((x.line).quantity, 0), (x.line).unit_price, (x.line).tier_volume,
                             (x.line).fixed_fee, (x.line).base_amount, (x.line).base_index,
                             (x.line).new_index, (x.line).share, x.delta)::cultuur.line_values
                         ORDER BY x.k)
          INTO issued, due, facts, lines
          FROM (SELECT y.*, row_number() OVER (ORDER BY y.k) AS n FROM diff y WHERE y.delta <> 0) x;
        difference := due - issued;
        IF difference <> 0 OR lines IS NOT NULL THEN
            facts := facts || format(' (%s)', d.causes);
            RETURN NEXT;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.corrections_due(bigint[], integer) IS 'Internal (no role may call it): the issued invoices of the months noted in invoice_recheck (or its rows ids; but those a run issued, above invoice id run_from) whose amount the rules now give differently: what was issued (invoice and earlier corrections), what is due now, the difference, what changed, and the lines of the difference; or the error that keeps an invoice from being recomputed.';

-- What stops a whole invoicing run rather than the one invoice it hit:
-- a serialization failure or deadlock (40), lack of resources (53, 54), a
-- lock not available (55P03), a cancelled statement or a shutdown (57), a
-- system error (58, XX).  Everything else is the invoice's own (its
-- contract's data): that invoice is skipped and reported.
CREATE FUNCTION cultuur.stops_the_run(sqlstate text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.left(sqlstate, 2) = ANY (ARRAY['40', '53', '54', '57', '58', 'XX'])
           OR sqlstate = '55P03';
COMMENT ON FUNCTION cultuur.stops_the_run(text) IS 'Whether an error with this SQLSTATE stops an invoicing run (classes 40, 53, 54, 57, 58, XX and 55P03: not the fault of one invoice) rather than skipping the invoice it hit.';

-- The start of an invoicing run: the date checked, then the run
-- serialised.  A concurrent run waits here and then sees (READ COMMITTED)
-- what the first issued; under REPEATABLE READ it fails on the invoice
-- counter instead of issuing anything twice.  The lock is a row of a
-- table that no role can read or lock, unlike an advisory lock, which any
-- session could take and hold to block invoicing; updated, not only
-- locked, so that a guard of an invoiced fact whose REPEATABLE READ
-- snapshot predates this run fails instead of missing its invoices (see
-- invoicing_barrier).
CREATE FUNCTION cultuur.start_invoicing_run(on_date date) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    PERFORM cultuur.refuse_invoice_date_ahead(on_date);
    PERFORM cultuur.engine_lock_take('invoicing', '');
END;
$$;
COMMENT ON FUNCTION cultuur.start_invoicing_run(date) IS 'Internal (no role may call it): checks an invoicing run''s date (22008, CC014) and takes the invoicing lock; run_invoicing and run_invoicing_report call it first.';

CREATE FUNCTION cultuur.issue_due_invoices(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date,
                   invoice cultuur.issued_invoice, error_code text, reason text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d         record;
    one       cultuur.invoice_line[];
    line      cultuur.invoice_line;
    tot       numeric;
    lines     cultuur.invoice_line[] := ARRAY[]::cultuur.invoice_line[];
    contracts integer[] := ARRAY[]::integer[];
    kinds     text[] := ARRAY[]::text[];
    periods   daterange[] := ARRAY[]::daterange[];
    totals    numeric[] := ARRAY[]::numeric[];
    n         integer := 0;
    y         integer;
    last_seq  integer;
    code      text;
    msg       text;
BEGIN
    y := extract(year FROM on_date)::integer;
    -- 1. the lines of every due invoice.  An invoice that cannot be issued
    --    fails alone: its factors not known yet (population, index: it
    --    waits for a later run), an amount too large, any error of its own
    --    contract's data.  It is reported (a warning now, a row of the
    --    result) and the others are issued.  What is not the invoice's own
    --    fault still stops the run (stops_the_run).
    FOR d IN SELECT * FROM cultuur.invoices_due_fees(on_date) LOOP
        BEGIN
            -- invoice_id holds the invoice's position in this run for now
            SELECT array_agg(ROW(n + 1, p.line_no, p.description, p.month, p.quantity, p.unit_price,
                                 p.tier_volume, p.fixed_fee, p.base_amount, p.base_index, p.new_index,
                                 p.share, p.amount)::cultuur.invoice_line ORDER BY p.line_no),
                   -- the amounts are cents already: their sum is the sum of the
                   -- lines as stored
                   coalesce(sum(p.amount), 0.00)
              INTO one, tot
              FROM cultuur.invoice_lines(d.contract_id, d.kind, d.period, d.fee) p;
            IF NOT cultuur.fits_amount(tot) THEN
                RAISE EXCEPTION 'contract %: the total % is larger than an invoice amount can be (at most 9999999999.99)',
                        d.contract_id, tot
                    USING ERRCODE = 'numeric_value_out_of_range';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            IF cultuur.stops_the_run(code) THEN
                RAISE;
            END IF;
            RAISE WARNING 'invoice for contract % (%) % not issued: %', d.contract_id, d.kind, d.period, msg
                USING HINT = CASE WHEN code = 'P0002'
                                  THEN 'cultuur.invoicing_blocked(date) lists such invoices; enter the missing figures and run again.'
                                  ELSE format('cultuur.invoicing_blocked(date) lists such invoices; correct the contract''s data and run again (SQLSTATE %s).', code) END;
            contract_id := d.contract_id;
            kind := d.kind;
            period := d.period;
            due := d.due;
            invoice := NULL;
            error_code := code;
            reason := msg;
            RETURN NEXT;
            CONTINUE;
        END;
        n := n + 1;
        contracts := contracts || d.contract_id;
        kinds := kinds || d.kind;
        periods := periods || d.period;
        totals := totals || tot;
        -- element by element: array_append extends the array in place,
        -- where lines || one would copy it for every invoice
        FOREACH line IN ARRAY coalesce(one, '{}') LOOP
            lines := array_append(lines, line);
        END LOOP;
    END LOOP;
    IF n = 0 THEN
        RETURN;
    END IF;

    -- 2. n gapless numbers at once (one update of the counter row, not n)
    last_seq := cultuur.take_invoice_numbers(on_date, n);

    -- 3. headers and lines, each in one statement
    RETURN QUERY
    WITH hdr AS (
        INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                     issued_on, due_on, total)
        SELECT cultuur.invoice_number(y, last_seq - n + u.ord::integer), y, last_seq - n + u.ord::integer,
               c.library_id, c.id, u.kind, u.period, on_date, on_date + 30, u.total
          FROM unnest(contracts, kinds, periods, totals) WITH ORDINALITY
                 AS u (contract_id, kind, period, total, ord)
          JOIN cultuur.contract c ON c.id = u.contract_id
         ORDER BY u.ord
        RETURNING *
    ), lns AS (
        INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, month, quantity, unit_price,
                                          tier_volume, fixed_fee, base_amount, base_index, new_index,
                                          share, amount)
        SELECT h.id, l.line_no, l.description, l.month, l.quantity, l.unit_price, l.tier_volume,
               l.fixed_fee, l.base_amount, l.base_index, l.new_index, l.share, l.amount
          FROM unnest(lines) l
          JOIN hdr h ON h.seq = last_seq - n + l.invoice_id
    )
    SELECT h.contract_id, h.kind, h.period, NULL::date,
           ROW(h.*)::cultuur.issued_invoice, NULL::text, NULL::text
      FROM hdr h ORDER BY h.seq;
END;
$$;
COMMENT ON FUNCTION cultuur.issue_due_invoices(date) IS 'Internal (no role may call it; run_invoicing and run_invoicing_report take the invoicing lock and call it): issues the invoices due by on_date, one row per due invoice, with the invoice issued or, for one that cannot be issued, its SQLSTATE and reason.';

-- The corrections of a run (doc/rules.md §9): for every issued invoice
-- that the facts noted in invoice_recheck change, the difference as its own
-- document, dated on_date: a supplementary invoice when more is due, a
-- credit note when less, naming the invoice and what changed, with a line
-- per changed line.  ids are the notes the run read when it started,
-- before it issued the due invoices (those above invoice id run_from):
-- those invoices were computed from the facts of all of them, and are not
-- recomputed.  The notes handled are
-- removed; an invoice that cannot be recomputed now keeps them (a warning
-- says why) for a later run; notes of transactions that commit during the
-- run are read by the next one.  Internal: run_invoicing calls it after
-- the due invoices.
CREATE FUNCTION cultuur.issue_corrections(on_date date, ids bigint[], run_from integer)
    RETURNS TABLE (contract_id integer, kind text, period daterange,
                   invoice_id integer, corrects text, error_code text, reason text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d    record;
    doc  cultuur.issued_invoice;
    keep bigint[] := ARRAY[]::bigint[];
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    FOR d IN SELECT * FROM cultuur.corrections_due(ids, run_from) c ORDER BY c.invoice_id LOOP
        contract_id := d.contract_id;
        kind := NULL;
        period := d.period;
        corrects := d.number;
        IF d.error_code IS NULL AND NOT cultuur.fits_amount(d.difference) THEN
            d.error_code := '22003';
            d.error := format('the correction %s is larger than an invoice amount can be (at most 9999999999.99)', d.difference);
        END IF;
        IF d.error_code IS NOT NULL THEN
            RAISE WARNING 'invoice % (contract %) not corrected: %', d.number, d.contract_id, d.error
                USING HINT = 'cultuur.pending_corrections lists it; it is tried again at the next run.';
            -- its notes stay for the next run
            keep := keep || ARRAY(SELECT r.id FROM cultuur.invoice_recheck r
                                    JOIN cultuur.contract c ON c.service = r.service AND c.id = d.contract_id
                                   WHERE r.id = ANY (ids) AND d.period @> r.month);
            invoice_id := NULL;
            error_code := d.error_code;
            reason := d.error;
            RETURN NEXT;
            CONTINUE;
        END IF;
        doc := cultuur.issue_invoice(d.contract_id,
                                     CASE WHEN d.difference > 0 THEN 'supplement' ELSE 'credit_note' END,
                                     d.period, on_date, d.difference, d.invoice_id,
                                     format('correction of %s: %s', d.number, d.facts));
        INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, month, quantity, unit_price,
                                          tier_volume, fixed_fee, base_amount, base_index, new_index,
                                          share, amount)
        SELECT doc.id, l.line_no, l.description, l.month, l.quantity, l.unit_price, l.tier_volume,
               l.fixed_fee, l.base_amount, l.base_index, l.new_index, l.share, l.amount
          FROM unnest(d.lines) l;
        INSERT INTO cultuur.invoice_correction (invoice_id, corrects, facts)
        VALUES (doc.id, d.invoice_id, d.facts);
        kind := doc.kind;
        invoice_id := doc.id;
        error_code := NULL;
        reason := d.facts;
        RETURN NEXT;
    END LOOP;
    DELETE FROM cultuur.invoice_recheck r WHERE r.id = ANY (ids) AND r.id <> ALL (keep);
END;
$$;
COMMENT ON FUNCTION cultuur.issue_corrections(date, bigint[], integer) IS 'Internal (no role may call it; run_invoicing and run_invoicing_report call it): issues, dated on_date, a supplementary invoice or credit note for every issued invoice whose amount the facts noted in invoice_recheck change, records it in invoice_correction, and removes the notes it handled (ids: those read when the run started).';

-- What the next run would correct, and why: before the run, for finance
-- and reporting.
CREATE FUNCTION cultuur.corrections_pending()
    RETURNS TABLE (invoice_id integer, number text, contract_id integer, kind text,
                   period daterange, issued cultuur.amount, due cultuur.amount,
                   difference cultuur.amount, document text, facts text, causes text,
                   error_code text, error text)
    LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT c.invoice_id, c.number, c.contract_id, c.kind, c.period,
       CASE WHEN cultuur.fits_amount(c.issued) THEN c.issued::cultuur.amount END,
       CASE WHEN cultuur.fits_amount(c.due) THEN c.due::cultuur.amount END,
       CASE WHEN cultuur.fits_amount(c.difference) THEN c.difference::cultuur.amount END,
       CASE WHEN c.error_code IS NOT NULL THEN 'none yet: cannot be recomputed'
            WHEN c.difference > 0 THEN 'supplementary invoice'
            ELSE 'credit note' END,
       c.facts, c.causes, c.error_code, c.error
  FROM cultuur.corrections_due(NULL, NULL) c
 ORDER BY c.invoice_id
$$;
COMMENT ON FUNCTION cultuur.corrections_pending() IS 'The corrections the next run_invoicing issues: per issued invoice whose amount the rules now give differently, what was issued (with earlier corrections), what is due, the difference, the document it becomes, what changed and why (causes noted: usage, hold, termination, renewal, contract); or why it cannot be recomputed yet.';

CREATE VIEW cultuur.pending_corrections AS
SELECT * FROM cultuur.corrections_pending();
COMMENT ON VIEW cultuur.pending_corrections IS 'Before a run: every supplementary invoice or credit note the next run_invoicing issues because a fact changed after an invoice was issued (late usage, a tier crossed late, a hold, a termination, a renewal or contract entered late), with the amounts and what changed.';

CREATE FUNCTION cultuur.run_invoicing(on_date date)
    RETURNS SETOF cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    notes    bigint[];
    run_from integer;
    done     integer[];
BEGIN
    PERFORM cultuur.start_invoicing_run(on_date);
    -- the facts noted so far: the due invoices include them, and the
    -- invoices issued before are corrected for them
    notes := ARRAY(SELECT r.id FROM cultuur.invoice_recheck r);
    run_from := coalesce((SELECT max(i.id) FROM cultuur.invoice i), 0);
    RETURN QUERY SELECT (r.invoice).* FROM cultuur.issue_due_invoices(on_date) r
                  WHERE (r.invoice).id IS NOT NULL;
    -- (read in a statement of its own: one that calls issue_corrections
    -- does not see the documents it writes)
    done := ARRAY(SELECT r.invoice_id FROM cultuur.issue_corrections(on_date, notes, run_from) r
                   WHERE r.invoice_id IS NOT NULL);
    RETURN QUERY SELECT i.* FROM cultuur.invoice i WHERE i.id = ANY (done) ORDER BY i.seq;
END;
$$;
COMMENT ON FUNCTION cultuur.run_invoicing(date) IS 'Issues, dated on_date, every invoice that is due by then and not yet issued, with its lines, then a supplementary invoice or credit note for every issued invoice that facts entered since change (see pending_corrections), and returns them. Running it again creates nothing new; concurrent runs are serialised and issue each invoice once. An invoice that cannot be issued (figures missing, an amount too large) is skipped with a warning and the others are issued (see run_invoicing_report and invoicing_blocked).';

CREATE FUNCTION cultuur.run_invoicing_report(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, status text,
                   invoice_id integer, number text, total cultuur.amount,
                   error_code text, reason text)
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    notes    bigint[];
    run_from integer;
    done     jsonb[];
BEGIN
    PERFORM cultuur.start_invoicing_run(on_date);
    -- as run_invoicing
    notes := ARRAY(SELECT r.id FROM cultuur.invoice_recheck r);
    run_from := coalesce((SELECT max(i.id) FROM cultuur.invoice i), 0);
    RETURN QUERY
    SELECT r.contract_id, r.kind, r.period,
           CASE WHEN (r.invoice).id IS NULL THEN 'not issued' ELSE 'issued' END,
           (r.invoice).id, (r.invoice).number, (r.invoice).total::cultuur.amount,
           r.error_code, r.reason
      FROM cultuur.issue_due_invoices(on_date) r
     ORDER BY (r.invoice).id IS NULL, (r.invoice).seq, r.contract_id, lower(r.period);
    -- then the corrections: kind is the document's (supplement or
    -- credit_note), reason says which invoice and what changed
    done := ARRAY(SELECT to_jsonb(r) FROM cultuur.issue_corrections(on_date, notes, run_from) r);
    RETURN QUERY
    SELECT (r->>'contract_id')::integer, CASE WHEN i.id IS NULL THEN 'correction' ELSE i.kind END,
           (r->>'period')::daterange,
           CASE WHEN i.id IS NULL THEN 'not corrected' ELSE 'correction issued' END,
           i.id, i.number, i.total::cultuur.amount,
           r->>'error_code', format('correction of %s: %s', r->>'corrects', r->>'reason')
      FROM unnest(done) r
      LEFT JOIN cultuur.invoice i ON i.id = (r->>'invoice_id')::integer
     ORDER BY i.id IS NULL, i.seq, (r->>'contract_id')::integer, lower((r->>'period')::daterange);
END;
$$;
COMMENT ON FUNCTION cultuur.run_invoicing_report(date) IS 'run_invoicing, reporting every due invoice: issued (with its id, number and total) or not issued (with the SQLSTATE and the reason: figures missing, an amount too large), the issued ones first, in number order; then every correction: issued (a supplement or credit_note, naming the invoice and what changed) or not corrected (why).';

-- A projection (doc/rules.md §9): what a run on any date, later ones
-- included, would issue, computed and not issued (no number is taken,
-- nothing is written).  A run itself is never dated after today.
CREATE FUNCTION cultuur.invoicing_projection(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date,
                   total cultuur.amount, lines integer, reason text)
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d    record;
    tot  numeric;
    n    integer;
    code text;
    msg  text;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    FOR d IN SELECT * FROM cultuur.invoices_due_fees(on_date) LOOP
        contract_id := d.contract_id;
        kind := d.kind;
        period := d.period;
        due := d.due;
        BEGIN
            SELECT coalesce(sum(p.amount), 0.00), count(*)::integer INTO tot, n
              FROM cultuur.invoice_lines(d.contract_id, d.kind, d.period, d.fee) p;
            IF NOT cultuur.fits_amount(tot) THEN
                RAISE EXCEPTION 'contract %: the total % is larger than an invoice amount can be (at most 9999999999.99)',
                        d.contract_id, tot
                    USING ERRCODE = 'numeric_value_out_of_range';
            END IF;
            total := tot;
            lines := n;
            reason := CASE WHEN upper(d.period) > cultuur.today() THEN 'projection: the period is not over yet, usage may still come'
                           ELSE NULL END;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            IF cultuur.stops_the_run(code) THEN
                RAISE;
            END IF;
            total := NULL;
            lines := NULL;
            reason := msg || CASE WHEN code = 'P0002' THEN '' ELSE format(' (SQLSTATE %s)', code) END;
        END;
        RETURN NEXT;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoicing_projection(date) IS 'What run_invoicing would issue on on_date (any date: a later one is a projection), computed and not issued: per due invoice its total and number of lines, or why it could not be issued; a period not over yet is marked as a projection.';

CREATE FUNCTION cultuur.invoicing_blocked(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date, reason text)
    LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the invoices a run would skip, for the same reasons (issue_due_invoices):
-- those of the projection of that day that have no total
SELECT p.contract_id, p.kind, p.period, p.due, p.reason
  FROM cultuur.invoicing_projection($1) p
 WHERE p.total IS NULL
 ORDER BY p.due, p.contract_id, lower(p.period)
$$;
COMMENT ON FUNCTION cultuur.invoicing_blocked(date) IS 'Invoices due by a date that a run on that date would not issue, and why: a population count or index not entered, or (with its SQLSTATE) an amount too large for an invoice.';

-- run_invoicing told explicitly whether it is a projection: a projection
-- (any date, later ones included) returns what a run on on_date would
-- issue, without a number, and writes nothing; otherwise it is the run.
CREATE FUNCTION cultuur.run_invoicing(on_date date, projection boolean)
    RETURNS SETOF cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF projection IS NULL THEN
        RAISE EXCEPTION 'projection must not be NULL' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'true: compute what a run on that date would issue, without issuing; false: run.';
    ELSIF NOT projection THEN
        RETURN QUERY SELECT * FROM cultuur.run_invoicing(on_date);
        RETURN;
    END IF;
    RETURN QUERY
    SELECT NULL::integer, NULL::text, extract(year FROM on_date)::integer, NULL::integer,
           c.library_id, p.contract_id, p.kind, p.period, on_date, on_date + 30,
           p.total::numeric(12,2), NULL::integer,
           coalesce(p.reason, 'projection: not issued')
      FROM cultuur.invoicing_projection(on_date) p
      JOIN cultuur.contract c ON c.id = p.contract_id
     ORDER BY p.due, p.contract_id, lower(p.period);
END;
$$;
COMMENT ON FUNCTION cultuur.run_invoicing(date, boolean) IS 'run_invoicing(on_date) when projection is false; when true, what a run on on_date (any date, a later one included) would issue, computed and not issued: no id or number, total NULL with the reason when it could not be issued.';

CREATE FUNCTION cultuur.credit_note(invoice_id integer, issued_on date, reason text,
        amount numeric DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    orig     cultuur.invoice;
    credited numeric;
    cn       cultuur.issued_invoice;
    amt      numeric;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('issued_on', $2);
    -- serialise with everything else that touches the invoice's balance:
    -- its contract's lock (under REPEATABLE READ a concurrent change then
    -- fails with 40001 instead of acting on a stale snapshot)
    SELECT * INTO orig FROM cultuur.invoice WHERE id = $1;
    IF FOUND THEN
        PERFORM cultuur.contract_lock(orig.contract_id);
    END IF;
    IF NOT FOUND OR orig.kind = 'credit_note' THEN
        RAISE EXCEPTION '% is not an invoice', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'a credit note needs a reason' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF issued_on IS NULL OR issued_on < orig.issued_on THEN
        RAISE EXCEPTION 'credit note date % is before invoice % (%)', issued_on, orig.number, orig.issued_on
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(-sum(i.total), 0) INTO credited FROM cultuur.invoice i WHERE i.credit_for = orig.id;
    amt := coalesce(amount, orig.total - credited);
    IF amt <= 0 OR amt > orig.total - credited OR amt <> round(amt, 2) THEN
        RAISE EXCEPTION '% cannot be credited on invoice % (total %, already credited %)',
                amt, orig.number, orig.total, credited
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Credit an amount in cents between 0.01 and %s.', orig.total - credited);
    END IF;
    cn := cultuur.issue_invoice(orig.contract_id, 'credit_note', orig.period, issued_on, -amt, orig.id, reason);
    INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, quantity, amount)
    VALUES (cn.id, 1, format('Credit on invoice %s: %s', orig.number, reason), 1, -amt);
    -- a credit note that settles the invoice ends its suspensions, as the
    -- payment that settles it does (payment_lifts)
    UPDATE cultuur.suspension s SET lifted_on = greatest($2, s.starts_on),
           lifted_by = session_user, lift_reason = format('credit note %s settled the invoice', cn.number)
     WHERE s.invoice_id = orig.id AND s.lifted_on IS NULL
       AND (SELECT b.outstanding FROM cultuur.invoice_balance b WHERE b.invoice_id = orig.id) <= 0;
    RETURN cn;
END;
$$;
COMMENT ON FUNCTION cultuur.credit_note(integer, date, text, numeric) IS 'Issues a credit note on an invoice (the whole open amount, or amount), numbered like invoices; never more than the invoice total. A credit note that settles the invoice lifts its suspensions.';
