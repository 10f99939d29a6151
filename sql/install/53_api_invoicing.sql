-- ---------------------------------------------------------------------
-- Layer 5, API: what is due, invoice previews, the invoicing run and
-- credit notes (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- Invoices due on or before a date: e-books per calendar year (the first
-- year on signing, later years on 1 May), film per quarter in the second
-- month after it (Q4 in February).
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
$$;
COMMENT ON FUNCTION cultuur.invoice_schedule(date) IS 'Every invoice due on or before a date (and a few not yet due): e-books per calendar year, issued on signing for the first year and on 1 May afterwards (E 8.5); film per quarter, issued in the second month after the quarter (F 8.1).';

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

-- the lines of an invoice, computed (not stored): used by run_invoicing and
-- by anyone who wants to preview an invoice
CREATE FUNCTION cultuur.invoice_preview(contract_id integer, kind text, period daterange)
    RETURNS TABLE (line_no integer, description text, month date, quantity numeric,
                   unit_price cultuur.price, tier_volume numeric, fixed_fee cultuur.amount,
                   base_amount cultuur.amount, base_index numeric, new_index numeric,
                   share text, amount cultuur.amount)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c     cultuur.contract;
    s     cultuur.service;
    y     integer;
    d     record;
    m     date;
    t     cultuur.tariff;
    users integer;
    vol   integer;
    held  boolean;
    bidx  numeric;
    nidx  numeric;
    amt   numeric;
    n     integer := 0;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('lower(period)', lower($3));
    PERFORM cultuur.check_date('upper(period)', upper($3));
    y := extract(year FROM lower($3))::integer;
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', coalesce($1::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF $2 IS NULL OR $2 NOT IN ('ebooks_year', 'film_quarter') THEN
        RAISE EXCEPTION 'kind must be ebooks_year or film_quarter, not %', coalesce($2, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    IF s.price_model = 'per_inhabitant' THEN
        SELECT * INTO d FROM cultuur.fee_detail(y, y) f WHERE f.contract_id = c.id;
        IF d.indexed_amount IS NULL THEN
            RAISE EXCEPTION 'contract %: the fee of % cannot be computed: %', c.id, y, d.note
                USING ERRCODE = 'no_data_found';
        END IF;
        line_no := 1;
        description := CASE WHEN $2 = 'ebooks_year' THEN format('%s %s', s.name, y)
                            ELSE format('%s %s Q%s (a quarter of the yearly fee)', s.name, y,
                                        extract(quarter FROM lower($3))) END;
        month := NULL;
        quantity := d.basis;
        unit_price := d.unit_price;
        tier_volume := d.tier_volume;
        fixed_fee := d.fixed_fee;
        base_amount := d.yearly_amount;
        base_index := d.base_index;
        new_index := d.year_index;
        IF $2 = 'ebooks_year' THEN
            share := (SELECT format('%s/%s', round(cultuur.prorata(c.active, $3, c.prorata_rule) * 12), 12));
            amount := cultuur.prorate(d.indexed_amount, c.active, $3, c.prorata_rule);
        ELSE
            share := format('1/4 x %s', round(cultuur.prorata(c.active, $3, c.prorata_rule) * 3) || '/3');
            amount := cultuur.prorate(d.indexed_amount * 0.25, c.active, $3, c.prorata_rule);
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
        amt := cultuur.volume_charge(t.tiers, users, vol);
        IF cultuur.is_indexed(c.index_from, c.starts_on, y) THEN
            bidx := cultuur.index_value(s.index_series, make_date(extract(year FROM c.starts_on)::integer, 1, 1));
            nidx := cultuur.index_value(s.index_series, make_date(y, 1, 1));
            IF bidx IS NULL OR nidx IS NULL THEN
                RAISE EXCEPTION 'contract %: % index of January % or January % not loaded', c.id,
                        s.index_series, extract(year FROM c.starts_on), y
                    USING ERRCODE = 'no_data_found';
            END IF;
            amt := cultuur.indexed(amt, bidx, nidx);
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
        base_amount := cultuur.volume_charge(t.tiers, users, vol);
        base_index := bidx;
        new_index := nidx;
        share := NULL;
        amount := CASE WHEN held THEN 0.00 ELSE amt END;
        RETURN NEXT;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_preview(integer, text, daterange) IS 'The lines an invoice for a contract and period would have, with every factor: per inhabitant, the yearly fee (or a quarter of it) pro rata; per user, each month''s unique users at that month''s consortium tier price (0 while on hold).';

CREATE FUNCTION cultuur.run_invoicing(on_date date)
    RETURNS SETOF cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    due       record;
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
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    PERFORM cultuur.refuse_invoice_date_ahead(on_date);
    y := extract(year FROM on_date)::integer;
    -- serialise invoicing runs: a concurrent run waits here and then sees
    -- (READ COMMITTED) what the first issued; under REPEATABLE READ it fails
    -- on the invoice counter instead of issuing anything twice
    -- (a row of a table that no role can read or lock, unlike an advisory
    -- lock, which any session could take and hold to block invoicing;
    -- updated, not only locked, so that a guard of an invoiced fact whose
    -- REPEATABLE READ snapshot predates this run fails instead of missing
    -- its invoices: see invoicing_barrier)
    PERFORM cultuur.engine_lock_take('invoicing', '');

    -- 1. the lines of every due invoice, from one preview each; an invoice
    --    whose factors are not known yet (population, index) is skipped
    --    with a warning and waits for a later run
    FOR due IN
        SELECT x.* FROM cultuur.invoices_due(on_date) x
         ORDER BY x.due, x.contract_id, lower(x.period)
    LOOP
        BEGIN
            -- invoice_id holds the invoice's position in this run for now
            SELECT array_agg(ROW(n + 1, p.line_no, p.description, p.month, p.quantity, p.unit_price,
                                 p.tier_volume, p.fixed_fee, p.base_amount, p.base_index, p.new_index,
                                 p.share, p.amount)::cultuur.invoice_line ORDER BY p.line_no),
                   -- the amounts are cents already: their sum is the sum of the
                   -- lines as stored
                   coalesce(sum(p.amount), 0.00)
              INTO one, tot
              FROM cultuur.invoice_preview(due.contract_id, due.kind, due.period) p;
        EXCEPTION WHEN no_data_found THEN
            RAISE WARNING 'invoice for contract % (%) % not issued: %', due.contract_id, due.kind, due.period, SQLERRM
                USING HINT = 'cultuur.invoicing_blocked(date) lists such invoices; enter the missing figures and run again.';
            CONTINUE;
        END;
        n := n + 1;
        contracts := contracts || due.contract_id;
        kinds := kinds || due.kind;
        periods := periods || due.period;
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
    SELECT * FROM hdr ORDER BY seq;
END;
$$;
COMMENT ON FUNCTION cultuur.run_invoicing(date) IS 'Issues, dated on_date, every invoice that is due by then and not yet issued, with its lines. Running it again creates nothing new; concurrent runs are serialised and issue each invoice once. An invoice whose figures are missing is skipped with a warning (see invoicing_blocked).';

CREATE FUNCTION cultuur.invoicing_blocked(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date, reason text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d record;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    FOR d IN
        SELECT x.* FROM cultuur.invoices_due(on_date) x
         ORDER BY x.due, x.contract_id
    LOOP
        BEGIN
            PERFORM 1 FROM cultuur.invoice_preview(d.contract_id, d.kind, d.period);
        EXCEPTION WHEN no_data_found THEN
            contract_id := d.contract_id;
            kind := d.kind;
            period := d.period;
            due := d.due;
            reason := SQLERRM;
            RETURN NEXT;
        END;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoicing_blocked(date) IS 'Invoices due by a date that cannot be issued yet, and why (a population count or index not entered).';

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
