-- ---------------------------------------------------------------------
-- Invoicing, payments, suspension (doc/rules.md §9), budget projection
-- and reconciliation.
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.invoice_counter (
    year     integer PRIMARY KEY,
    last_seq integer NOT NULL CHECK (last_seq >= 0)
);
COMMENT ON TABLE cultuur.invoice_counter IS 'Last invoice number used per year; updated in the invoicing transaction, so numbers are gapless.';

CREATE SEQUENCE cultuur.invoice_id_seq;
CREATE TABLE cultuur.invoice (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.invoice_id_seq'),
    number      text NOT NULL UNIQUE,
    year        integer NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 1),
    library_id  integer NOT NULL REFERENCES cultuur.library,
    contract_id integer NOT NULL REFERENCES cultuur.contract,
    kind        text NOT NULL CHECK (kind IN ('ebooks_year', 'film_quarter', 'credit_note')),
    period      daterange NOT NULL,
    issued_on   date NOT NULL CHECK (pg_catalog.isfinite(issued_on)),
    due_on      date NOT NULL,
    total       numeric(12,2) NOT NULL,
    credit_for  integer REFERENCES cultuur.invoice,
    reason      text,
    UNIQUE (year, seq),
    CONSTRAINT invoice_number_is_year_and_seq
        CHECK (number = year::text || '/' || pg_catalog.lpad(seq::text, 6, '0')),
    -- payable within 30 days (E 8.6, F 8.3)
    CONSTRAINT invoice_due_30_days_after_issue CHECK (due_on = issued_on + 30),
    CONSTRAINT invoice_credit_note_names_its_invoice
        CHECK ((kind = 'credit_note') = (credit_for IS NOT NULL)),
    CONSTRAINT invoice_credit_note_not_positive CHECK (kind <> 'credit_note' OR total <= 0),
    CONSTRAINT invoice_not_negative CHECK (kind = 'credit_note' OR total >= 0)
);
ALTER SEQUENCE cultuur.invoice_id_seq OWNED BY cultuur.invoice.id;
CREATE UNIQUE INDEX invoice_once ON cultuur.invoice (contract_id, kind, period)
    WHERE kind <> 'credit_note';
COMMENT ON TABLE cultuur.invoice IS 'An issued invoice or credit note: number year/NNNNNN, gapless per year; due 30 days after issue (E 8.6, F 8.3). Never changed or deleted; corrections are credit notes.';

CREATE TABLE cultuur.invoice_line (
    invoice_id    integer NOT NULL REFERENCES cultuur.invoice,
    line_no       integer NOT NULL CHECK (line_no >= 1),
    description   text NOT NULL,
    month         date,
    quantity      numeric NOT NULL,
    unit_price    numeric,
    tier_volume   numeric,
    fixed_fee     numeric,
    base_amount   numeric,
    base_index    numeric,
    new_index     numeric,
    share         text,
    amount        numeric(12,2) NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
COMMENT ON TABLE cultuur.invoice_line IS 'A line with every factor of its amount: quantity (inhabitants x basis share, or unique users), unit price, the tier volume that picked it, fixed fee, amount before index and pro rata, index factor new_index/base_index, pro-rata share n/d and the amount.';

CREATE FUNCTION cultuur.xid_is_current(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xid_is_current' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.xid_is_current(xid) IS 'True when a transaction id is the current transaction or one of its subtransactions (a row whose xmin passes was written by this transaction).';

-- TG_ARGV[0]: the column of the row that holds the invoice's id
CREATE FUNCTION cultuur.invoice_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv_id integer := (to_jsonb(OLD) ->> TG_ARGV[0])::integer;
BEGIN
    RAISE EXCEPTION 'issued invoice % cannot be changed or deleted',
            coalesce((SELECT i.number FROM cultuur.invoice i WHERE i.id = inv_id), inv_id::text)
        USING ERRCODE = 'CC010',
              HINT = 'Correct it with a credit note: SELECT cultuur.credit_note(invoice_id, issued_on, reason).';
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_immutable() IS 'Trigger: issued invoices and their lines are never changed or deleted (the argument names the column with the invoice''s id).';
CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON cultuur.invoice
    FOR EACH ROW EXECUTE FUNCTION cultuur.invoice_immutable('id');
CREATE TRIGGER invoice_line_immutable BEFORE UPDATE OR DELETE ON cultuur.invoice_line
    FOR EACH ROW EXECUTE FUNCTION cultuur.invoice_immutable('invoice_id');

-- Lines are added only by the transaction that issued their invoice: one
-- check per statement (an invoicing run writes thousands of lines at once).
CREATE FUNCTION cultuur.invoice_line_added() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    bad integer;
BEGIN
    SELECT n.invoice_id INTO bad
      FROM (SELECT DISTINCT l.invoice_id FROM new_lines l) n
      LEFT JOIN cultuur.invoice i ON i.id = n.invoice_id
     WHERE i.id IS NULL OR NOT cultuur.xid_is_current(i.xmin)
     ORDER BY n.invoice_id LIMIT 1;
    IF FOUND AND NOT cultuur.restoring() THEN
        RAISE EXCEPTION 'invoice % is issued; lines cannot be added',
                coalesce((SELECT i.number FROM cultuur.invoice i WHERE i.id = bad), bad::text)
            USING ERRCODE = 'CC010', HINT = 'Issue a credit note and a new invoice instead.';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_line_added() IS 'Statement trigger: invoice lines can only be added by the transaction that issued their invoice.';
CREATE TRIGGER invoice_line_added AFTER INSERT ON cultuur.invoice_line
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.invoice_line_added();

-- the next gapless number of a year; the row lock serialises invoicing runs
CREATE FUNCTION cultuur.next_invoice_seq(year integer) RETURNS integer
    LANGUAGE sql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.invoice_counter AS c (year, last_seq) VALUES ($1, 1)
        ON CONFLICT (year) DO UPDATE SET last_seq = c.last_seq + 1
        RETURNING last_seq
    $$;
COMMENT ON FUNCTION cultuur.next_invoice_seq(integer) IS 'Takes the next invoice number of a year (gapless: the counter rolls back with a failed transaction).';

-- What run_invoicing and credit_note return: the columns of an invoice
-- header (a type of its own, so that no function of the extension depends
-- on the table, which lives outside it; see 99_books.sql).
CREATE TYPE cultuur.issued_invoice AS (
    id          integer,
    number      text,
    year        integer,
    seq         integer,
    library_id  integer,
    contract_id integer,
    kind        text,
    period      daterange,
    issued_on   date,
    due_on      date,
    total       numeric(12,2),
    credit_for  integer,
    reason      text
);
COMMENT ON TYPE cultuur.issued_invoice IS 'An issued invoice or credit note as run_invoicing and credit_note return it: the columns of cultuur.invoice.';

CREATE FUNCTION cultuur.issue_invoice(contract_id integer, kind text, period daterange,
        issued_on date, total numeric, credit_for integer DEFAULT NULL, reason text DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.issued_invoice;
    y   integer := extract(year FROM $4);
    n   integer := cultuur.next_invoice_seq(y);
BEGIN
    INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                 issued_on, due_on, total, credit_for, reason)
    SELECT y || '/' || lpad(n::text, 6, '0'), y, n, c.library_id, c.id, $2, $3,
           $4, $4 + 30, $5, $6, $7
      FROM cultuur.contract c WHERE c.id = $1
    RETURNING * INTO inv;
    RETURN inv;
END;
$$;
COMMENT ON FUNCTION cultuur.issue_invoice(integer, text, daterange, date, numeric, integer, text) IS 'Writes an invoice header with the next gapless number of the year of issued_on (used by run_invoicing and credit_note).';

-- ---- what is due ----

-- Invoices due on or before a date: e-books per calendar year (the first
-- year on signing, later years on 1 May), film per quarter in the second
-- month after it (Q4 in February).
CREATE FUNCTION cultuur.invoice_schedule(through date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('invoice_schedule', 'through', $1);
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
    PERFORM cultuur.check_date('invoice_preview', 'lower(period)', lower($3));
    PERFORM cultuur.check_date('invoice_preview', 'upper(period)', upper($3));
    y := extract(year FROM lower($3));
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invoice_preview: contract % does not exist', coalesce($1::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF $2 IS NULL OR $2 NOT IN ('ebooks_year', 'film_quarter') THEN
        RAISE EXCEPTION 'invoice_preview: kind must be ebooks_year or film_quarter, not %', coalesce($2, 'NULL')
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
    FOR m IN SELECT g::date FROM generate_series(lower($3), upper($3) - 1, interval '1 month') g LOOP
        CONTINUE WHEN NOT c.active && daterange(m, (m + interval '1 month')::date);
        SELECT * INTO t FROM cultuur.tariff tt WHERE tt.service = c.service AND tt.valid @> m;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no tariff of % in force on %', c.id, c.service, m
                USING ERRCODE = 'no_data_found';
        END IF;
        SELECT coalesce(sum(mu.unique_users), 0) INTO users FROM cultuur.monthly_usage mu
         WHERE mu.library_id = c.library_id AND mu.service = c.service AND mu.month = m;
        SELECT coalesce(sum(cu.unique_users), 0) INTO vol FROM cultuur.consortium_usage cu
         WHERE cu.service = c.service AND cu.month = m;
        held := EXISTS (SELECT 1 FROM cultuur.reach_hold h
                         WHERE h.contract_id = c.id AND m BETWEEN h.starts_on AND h.ends_on);
        bidx := NULL;
        nidx := NULL;
        amt := cultuur.volume_charge(t.tiers, users, vol);
        IF c.index_from IS NOT NULL AND y >= c.index_from AND y > extract(year FROM c.starts_on) THEN
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
        quantity := users;
        unit_price := cultuur.tier_price(t.tiers, vol);
        tier_volume := vol;
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

-- Locks that serialise the engine's own runs.  No role has any privilege
-- on this table, so no session but the engine's can take these locks.
CREATE TABLE cultuur.engine_lock (
    name    text PRIMARY KEY,
    runs    bigint NOT NULL DEFAULT 0
);
INSERT INTO cultuur.engine_lock (name) VALUES ('invoicing');
COMMENT ON TABLE cultuur.engine_lock IS 'Rows the engine locks to serialise its runs (invoicing): a run updates its row (runs counts them), and the guards of the facts invoices use lock it too (invoicing_barrier); shipped with the extension, readable and writable by no role.';

-- Facts an invoice is computed from (tariffs, populations, index values,
-- a contract's fee columns) may change only while no invoicing run is
-- under way: a change waits for a running run and then sees its invoices
-- (READ COMMITTED), or fails with 40001 when a run committed after its
-- snapshot (REPEATABLE READ); a run waits for a change to commit and then
-- uses the new value.
CREATE FUNCTION cultuur.invoicing_barrier() RETURNS void
    LANGUAGE sql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$ SELECT FROM cultuur.engine_lock WHERE name = 'invoicing' FOR SHARE $$;
COMMENT ON FUNCTION cultuur.invoicing_barrier() IS 'Locks the invoicing row of engine_lock in share mode: called by the guards of invoiced facts, so that no fact changes under a running invoicing run.';

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
    PERFORM cultuur.check_date('run_invoicing', 'on_date', on_date);
    y := extract(year FROM on_date);
    -- serialise invoicing runs: a concurrent run waits here and then sees
    -- (READ COMMITTED) what the first issued; under REPEATABLE READ it fails
    -- on the invoice counter instead of issuing anything twice
    -- (a row of a table that no role can read or lock, unlike an advisory
    -- lock, which any session could take and hold to block invoicing;
    -- updated, not only locked, so that a guard of an invoiced fact whose
    -- REPEATABLE READ snapshot predates this run fails instead of missing
    -- its invoices: see invoicing_barrier)
    UPDATE cultuur.engine_lock SET runs = runs + 1 WHERE name = 'invoicing';

    -- 1. the lines of every due invoice, from one preview each; an invoice
    --    whose factors are not known yet (population, index) is skipped
    --    with a warning and waits for a later run
    FOR due IN
        SELECT sch.* FROM cultuur.invoice_schedule(on_date) sch
         WHERE sch.due <= on_date
           AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                            WHERE i.contract_id = sch.contract_id AND i.kind = sch.kind
                              AND i.period = sch.period)
         ORDER BY sch.due, sch.contract_id, lower(sch.period)
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
    INSERT INTO cultuur.invoice_counter AS c (year, last_seq) VALUES (y, n)
    ON CONFLICT (year) DO UPDATE SET last_seq = c.last_seq + n
    RETURNING c.last_seq INTO last_seq;

    -- 3. headers and lines, each in one statement
    RETURN QUERY
    WITH hdr AS (
        INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                     issued_on, due_on, total)
        SELECT y || '/' || lpad((last_seq - n + u.ord)::text, 6, '0'), y, last_seq - n + u.ord::integer,
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
    PERFORM cultuur.check_date('invoicing_blocked', 'on_date', on_date);
    FOR d IN
        SELECT sch.* FROM cultuur.invoice_schedule(on_date) sch
         WHERE sch.due <= on_date
           AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                            WHERE i.contract_id = sch.contract_id AND i.kind = sch.kind
                              AND i.period = sch.period)
         ORDER BY sch.due, sch.contract_id
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
    PERFORM cultuur.check_date('credit_note', 'issued_on', $2);
    SELECT * INTO orig FROM cultuur.invoice WHERE id = $1 FOR UPDATE;
    -- update (not only lock) a row: under REPEATABLE READ a concurrent
    -- change to the invoice's balance then fails with 40001 instead of
    -- acting on a stale snapshot (the invoice itself is immutable)
    IF FOUND THEN
        PERFORM cultuur.contract_lock(orig.contract_id);
    END IF;
    IF NOT FOUND OR orig.kind = 'credit_note' THEN
        RAISE EXCEPTION 'credit_note: % is not an invoice', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'credit_note: a reason is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF issued_on IS NULL OR issued_on < orig.issued_on THEN
        RAISE EXCEPTION 'credit_note: issue date % is before invoice % (%)', issued_on, orig.number, orig.issued_on
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(-sum(i.total), 0) INTO credited FROM cultuur.invoice i WHERE i.credit_for = orig.id;
    amt := coalesce(amount, orig.total - credited);
    IF amt <= 0 OR amt > orig.total - credited OR amt <> round(amt, 2) THEN
        RAISE EXCEPTION 'credit_note: % cannot be credited on invoice % (total %, already credited %)',
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

-- ---- payments and suspension ----

CREATE SEQUENCE cultuur.payment_id_seq;
CREATE TABLE cultuur.payment (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.payment_id_seq'),
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    paid_on     date NOT NULL CHECK (pg_catalog.isfinite(paid_on)),
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.payment_id_seq OWNED BY cultuur.payment.id;
COMMENT ON TABLE cultuur.payment IS 'A payment against an invoice. Paying an invoice in full lifts the suspensions it caused.';

CREATE TABLE cultuur.formal_notice (
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    sent_on     date NOT NULL CHECK (pg_catalog.isfinite(sent_on)),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (invoice_id, sent_on)
);
COMMENT ON TABLE cultuur.formal_notice IS 'A formal notice (ingebrekestelling) for an overdue invoice (E 8.7, F 8.4).';

CREATE SEQUENCE cultuur.suspension_id_seq;
CREATE TABLE cultuur.suspension (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.suspension_id_seq'),
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    starts_on   date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    lifted_on   date CONSTRAINT suspension_lifted_on_valid
                     CHECK (pg_catalog.isfinite(lifted_on) AND lifted_on >= starts_on),
    lifted_by   text,
    lift_reason text,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    CONSTRAINT suspension_lift_recorded
        CHECK ((lifted_on IS NULL) = (lifted_by IS NULL) AND (lifted_on IS NULL) = (lift_reason IS NULL))
);
ALTER SEQUENCE cultuur.suspension_id_seq OWNED BY cultuur.suspension.id;
CREATE UNIQUE INDEX suspension_open ON cultuur.suspension (invoice_id) WHERE lifted_on IS NULL;
COMMENT ON TABLE cultuur.suspension IS 'Service suspended for an unpaid invoice: allowed when it is more than 30 days overdue and a formal notice was sent. It ends only when a payment or credit note settles the invoice, or by finance''s recorded decision (cultuur.lift_suspension); lifted_by and lift_reason say which.';

CREATE VIEW cultuur.invoice_balance AS
SELECT i.id AS invoice_id, i.number, i.library_id, i.contract_id, i.kind, i.period,
       i.issued_on, i.due_on, i.total,
       coalesce(p.paid, 0.00)::cultuur.amount AS paid,
       coalesce(cn.credited, 0.00)::cultuur.amount AS credited,
       (i.total - coalesce(p.paid, 0.00) - coalesce(cn.credited, 0.00))::cultuur.amount AS outstanding
  FROM cultuur.invoice i
  LEFT JOIN (SELECT invoice_id, pg_catalog.sum(amount) AS paid FROM cultuur.payment GROUP BY invoice_id) p
         ON p.invoice_id = i.id
  LEFT JOIN (SELECT credit_for, -pg_catalog.sum(total) AS credited FROM cultuur.invoice
              WHERE credit_for IS NOT NULL GROUP BY credit_for) cn
         ON cn.credit_for = i.id
 WHERE i.kind <> 'credit_note';
COMMENT ON VIEW cultuur.invoice_balance IS 'Per invoice: total, paid, credited and outstanding.';

CREATE FUNCTION cultuur.overdue(as_of date DEFAULT current_date)
    RETURNS TABLE (invoice_id integer, number text, library_id integer, due_on date,
                   outstanding cultuur.amount, days_overdue integer, formal_notice_on date,
                   eligible_for_suspension boolean, suspended_since date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('overdue', 'as_of', $1);
SELECT b.invoice_id, b.number, b.library_id, b.due_on,
       o.outstanding::cultuur.amount,
       $1 - b.due_on,
       fn.sent_on,
       $1 - b.due_on > 30 AND fn.sent_on IS NOT NULL,
       (SELECT s.starts_on FROM cultuur.suspension s
         WHERE s.invoice_id = b.invoice_id AND s.starts_on <= $1
           AND (s.lifted_on IS NULL OR s.lifted_on > $1)
         ORDER BY s.starts_on DESC LIMIT 1)
  FROM cultuur.invoice_balance b
  -- outstanding as of the date: what was paid and credited by then (later
  -- payments and credit notes do not count yet)
  CROSS JOIN LATERAL (
      SELECT b.total
             - coalesce((SELECT sum(p.amount) FROM cultuur.payment p
                          WHERE p.invoice_id = b.invoice_id AND p.paid_on <= $1), 0)
             + coalesce((SELECT sum(cn.total) FROM cultuur.invoice cn
                          WHERE cn.credit_for = b.invoice_id AND cn.issued_on <= $1), 0)
             AS outstanding) o
  LEFT JOIN LATERAL (SELECT max(f.sent_on) AS sent_on FROM cultuur.formal_notice f
                      WHERE f.invoice_id = b.invoice_id AND f.sent_on <= $1) fn ON true
 WHERE b.due_on < $1
   AND o.outstanding > 0
 ORDER BY b.due_on, b.invoice_id
$$;
COMMENT ON FUNCTION cultuur.overdue(date) IS 'Invoices unpaid after their due date as of a date: outstanding amount, days overdue, the formal notice, whether the library may be suspended (more than 30 days overdue and a formal notice sent, E 8.7, F 8.4) and since when it is.';

-- What every entry against an invoice starts with: lock the invoice (and
-- update its contract row: under REPEATABLE READ a concurrent change to the
-- balance then fails with 40001, see credit_note), refuse a credit note or
-- a missing invoice, and read the balance.
CREATE FUNCTION cultuur.invoice_for_entry(invoice_id integer)
    RETURNS TABLE (number text, library_id integer, issued_on date, due_on date,
                   outstanding numeric)
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.invoice;
BEGIN
    SELECT * INTO inv FROM cultuur.invoice i WHERE i.id = $1 FOR UPDATE;
    IF NOT FOUND OR inv.kind = 'credit_note' THEN
        RAISE EXCEPTION '% is not an invoice', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.contract_lock(inv.contract_id);
    RETURN QUERY
    SELECT inv.number, inv.library_id, inv.issued_on, inv.due_on, b.outstanding::numeric
      FROM cultuur.invoice_balance b WHERE b.invoice_id = $1;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_for_entry(integer) IS 'Locks an invoice for a payment, formal notice or suspension (serialising everything that touches its balance) and returns its number, library, dates and outstanding amount; refuses a credit note or a missing invoice.';

CREATE FUNCTION cultuur.payment_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF NEW.amount > b.outstanding THEN
        RAISE EXCEPTION 'payment of % on invoice % exceeds the outstanding %', NEW.amount, b.number, b.outstanding
            USING ERRCODE = 'CC012', HINT = format('Record at most %s.', b.outstanding);
    END IF;
    IF NEW.paid_on < b.issued_on THEN
        RAISE EXCEPTION 'payment on % precedes invoice % (issued %)', NEW.paid_on, b.number, b.issued_on
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.payment_check() IS 'Trigger: a payment never exceeds what is outstanding on its invoice, nor precedes it (E 8.6, F 8.3).';

CREATE FUNCTION cultuur.formal_notice_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF NEW.sent_on <= b.due_on OR b.outstanding <= 0 THEN
        RAISE EXCEPTION 'invoice % is not overdue on % (due %, outstanding %)', b.number, NEW.sent_on, b.due_on, b.outstanding
            USING ERRCODE = 'CC012', HINT = format('A formal notice can be sent from %s while the invoice is unpaid.', b.due_on + 1);
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.formal_notice_check() IS 'Trigger: a formal notice only for an invoice that is overdue and unpaid (E 8.7, F 8.4).';

CREATE FUNCTION cultuur.suspension_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF b.outstanding <= 0 OR NEW.starts_on - b.due_on <= 30
       OR NOT EXISTS (SELECT 1 FROM cultuur.formal_notice f
                       WHERE f.invoice_id = NEW.invoice_id AND f.sent_on <= NEW.starts_on) THEN
        RAISE EXCEPTION 'library % cannot be suspended on % for invoice %', b.library_id, NEW.starts_on, b.number
            USING ERRCODE = 'CC012',
                  DETAIL = format('Due %s, outstanding %s, formal notice: %s.', b.due_on, b.outstanding,
                                  coalesce((SELECT max(f.sent_on)::text FROM cultuur.formal_notice f
                                             WHERE f.invoice_id = NEW.invoice_id), 'none')),
                  HINT = format('Suspension needs an unpaid invoice more than 30 days overdue (from %s) and a formal notice sent before (E 8.7, F 8.4).',
                                b.due_on + 31);
    END IF;
    -- a suspension starts open; only a settling payment or credit note, or
    -- finance's decision (lift_suspension), ends it
    NEW.lifted_on := NULL;
    NEW.lifted_by := NULL;
    NEW.lift_reason := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.suspension_check() IS 'Trigger: a suspension only more than 30 days after the due date of an unpaid invoice with a formal notice sent before (E 8.7, F 8.4); it starts open.';

CREATE FUNCTION cultuur.entry_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'recorded % cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'CC010', HINT = 'Record a correcting entry instead.';
END;
$$;
COMMENT ON FUNCTION cultuur.entry_immutable() IS 'Trigger: recorded payments and formal notices are never changed or deleted.';

CREATE TRIGGER payment_rules BEFORE INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.payment_check();
CREATE TRIGGER payment_immutable BEFORE UPDATE OR DELETE ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
CREATE TRIGGER formal_notice_rules BEFORE INSERT ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.formal_notice_check();
CREATE TRIGGER formal_notice_immutable BEFORE UPDATE OR DELETE ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
CREATE TRIGGER suspension_rules BEFORE INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.suspension_check();

CREATE FUNCTION cultuur.payment_lifts() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- a payment made before the suspension started (its statement booked
    -- later) ends it on the day it started, not before (lifted_on >= starts_on)
    UPDATE cultuur.suspension s SET lifted_on = greatest(NEW.paid_on, s.starts_on),
           lifted_by = session_user, lift_reason = format('payment %s settled the invoice', NEW.id)
     WHERE s.invoice_id = NEW.invoice_id AND s.lifted_on IS NULL
       AND (SELECT b.outstanding FROM cultuur.invoice_balance b WHERE b.invoice_id = NEW.invoice_id) <= 0;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.payment_lifts() IS 'Trigger: a payment that settles an invoice lifts its open suspensions on the payment date.';
CREATE TRIGGER payment_lifts AFTER INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.payment_lifts();

-- Finance may end a suspension before the invoice is settled (a payment
-- plan, a disputed amount): an explicit decision, recorded with who took
-- it and why.  Nobody can update a suspension directly.
CREATE FUNCTION cultuur.lift_suspension(suspension_id integer, lifted_on date, reason text)
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    susp  cultuur.suspension;
BEGIN
    IF lifted_on IS NULL OR NOT isfinite(lifted_on) THEN
        RAISE EXCEPTION 'lift_suspension: lifted_on must be a finite date, not %', coalesce(lifted_on::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'lift_suspension: a reason is required'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say why the suspension ends before the invoice is paid (it is kept with the suspension).';
    END IF;
    -- the invoice row first, as payments and credit notes lock it
    PERFORM 1 FROM cultuur.invoice i
     WHERE i.id = (SELECT s.invoice_id FROM cultuur.suspension s WHERE s.id = $1) FOR UPDATE;
    SELECT * INTO susp FROM cultuur.suspension s WHERE s.id = $1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'lift_suspension: suspension % does not exist', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF susp.lifted_on IS NOT NULL THEN
        RAISE EXCEPTION 'suspension % was lifted already on % (%)', $1, susp.lifted_on, susp.lift_reason
            USING ERRCODE = 'CC012';
    END IF;
    IF $2 < susp.starts_on OR $2 > cultuur.today() THEN
        RAISE EXCEPTION 'suspension % cannot be lifted on %', $1, $2
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It started on %s; today is %s.', susp.starts_on, cultuur.today()),
                  HINT = format('Lift it on a day from %s to %s.', susp.starts_on, cultuur.today());
    END IF;
    UPDATE cultuur.suspension s
       SET lifted_on = $2, lifted_by = session_user, lift_reason = btrim($3)
     WHERE s.id = $1;
END;
$$;
COMMENT ON FUNCTION cultuur.lift_suspension(integer, date, text) IS 'Finance''s decision to end a suspension before its invoice is settled: lifted on a day from its start to today, with a reason; records who lifted it. (A payment or credit note that settles the invoice lifts it by itself.)';

-- ---- budget ----

CREATE TABLE cultuur.budget_approved (
    library_id  integer NOT NULL REFERENCES cultuur.library,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    amount      numeric(14,2) NOT NULL CHECK (amount >= 0),
    reference   text,
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.budget_approved IS 'The amount the council approved for a budget year (Antwerp: 23,751.50 for 2022, 150,000.00 for 2023 and 2024, 80,000.00 for 2025 and 2026).';

CREATE TABLE cultuur.budget_assumption (
    library_id                 integer NOT NULL REFERENCES cultuur.library,
    year                       integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    service                    text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    users_per_month            numeric NOT NULL DEFAULT 0 CHECK (users_per_month >= 0),
    consortium_users_per_month numeric CHECK (consortium_users_per_month >= 0),
    inhabitant_growth_pct      numeric NOT NULL DEFAULT 0 CHECK (inhabitant_growth_pct > -100 AND inhabitant_growth_pct < 100),
    index_growth_pct           numeric NOT NULL DEFAULT 0 CHECK (index_growth_pct > -100 AND index_growth_pct < 100),
    PRIMARY KEY (library_id, year, service)
);
COMMENT ON TABLE cultuur.budget_assumption IS 'What a municipality expects for a budget year and service: unique users per month (and consortium-wide, for the tier), yearly growth of inhabitants and of the price index beyond the last published figures.';

CREATE FUNCTION cultuur.budget_projection(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, service text,
                   contract_id integer, invoiced cultuur.amount, projected cultuur.amount,
                   source text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('budget_projection', 'from_year', $1), cultuur.check_year('budget_projection', 'to_year', $2);
WITH years AS (
    SELECT c.id AS contract_id, c.library_id, c.service, c.active, c.starts_on, c.basis_pct,
           c.prorata_rule, c.index_from, s.price_model, s.index_series, s.kind, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN generate_series($1, $2) y
     WHERE c.active && daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1))
), inv AS (
    SELECT i.contract_id, extract(year FROM lower(i.period))::integer AS year, sum(i.total) AS total,
           count(*) FILTER (WHERE i.kind <> 'credit_note') AS n
      FROM cultuur.invoice i GROUP BY 1, 2
), fee AS (
    SELECT f.contract_id, f.year, f.fee, f.yearly_amount, f.indexed_amount, f.base_index,
           f.year_index, f.fixed_fee, f.tiers, f.tier_volume
      FROM cultuur.fee_detail($1, $2) f
), est AS (
    -- per inhabitant, when a factor of the fee is not published yet:
    -- latest count grown by the assumption, latest January index grown too
    SELECT y.contract_id, y.year,
           (SELECT p.inhabitants * power(1 + coalesce(a.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.year))
              FROM cultuur.population p WHERE p.library_id = y.library_id AND p.year <= y.year - 1
             ORDER BY p.year DESC LIMIT 1) AS inhabitants,
           -- the consortium's tier volume estimated the same way: every
           -- library with a contract for the service that year, once, its
           -- latest count grown by its own assumption (doc/rules.md §3: the tier is
           -- chosen by the consortium-wide volume, not by one library)
           (SELECT sum((SELECT p.inhabitants * power(1 + coalesce(a2.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.year))
                          FROM cultuur.population p WHERE p.library_id = l2.library_id AND p.year <= y.year - 1
                         ORDER BY p.year DESC LIMIT 1))
              FROM (SELECT DISTINCT c2.library_id FROM cultuur.contract c2
                     WHERE c2.service = y.service AND c2.active && y.period) l2
              LEFT JOIN cultuur.budget_assumption a2
                     ON a2.library_id = l2.library_id AND a2.year = y.year AND a2.service = y.service) AS tier_volume,
           CASE WHEN y.index_from IS NOT NULL AND y.year >= y.index_from AND y.year > extract(year FROM y.starts_on)
                THEN (SELECT pi.value * power(1 + coalesce(a.index_growth_pct, 0) / 100, y.year - extract(year FROM pi.month))
                        FROM cultuur.price_index pi
                       WHERE pi.series = y.index_series AND pi.base = 2013
                         AND extract(month FROM pi.month) = 1 AND pi.month <= make_date(y.year, 1, 1)
                       ORDER BY pi.month DESC LIMIT 1)
                     / cultuur.index_value(y.index_series, make_date(extract(year FROM y.starts_on)::integer, 1, 1))
                ELSE 1 END AS index_factor,
           a.users_per_month, a.consortium_users_per_month
      FROM years y
      LEFT JOIN cultuur.budget_assumption a
             ON a.library_id = y.library_id AND a.year = y.year AND a.service = y.service
)
SELECT r.library_id, r.library, r.year, r.service, r.contract_id,
       r.invoiced::cultuur.amount, r.projected::cultuur.amount,
       CASE WHEN r.projected <> 0 THEN r.source
            WHEN r.source LIKE 'invoices%' THEN 'invoices'
            ELSE 'nothing billed' END
  FROM (
SELECT y.library_id, l.name, y.year, y.service, y.contract_id,
       coalesce(inv.total, 0.00),
       CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN 0.00
            WHEN y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN
                coalesce(f.fee, cultuur.prorate(e.yearly_amount, y.active, y.period, y.prorata_rule))
            WHEN y.price_model = 'per_inhabitant' THEN
                -- film: a quarter of the yearly fee for every quarter in
                -- force that is not invoiced yet, as invoice_preview bills
                -- it (credit notes on an issued quarter bring nothing back)
                (SELECT coalesce(sum(cultuur.prorate(coalesce(f.indexed_amount, e.yearly_amount) * 0.25,
                                                     y.active, q.period, y.prorata_rule)),
                                 CASE WHEN count(*) = 0 THEN 0.00 END)
                   FROM generate_series(1, 10, 3) m
                  CROSS JOIN LATERAL (SELECT daterange(make_date(y.year, m, 1),
                                                       (make_date(y.year, m, 1) + interval '3 months')::date) AS period) q
                  WHERE y.active && q.period
                    AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                     WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                       AND i.period = q.period))
            ELSE
                round(coalesce(e.users_per_month, 0)
                      * cultuur.tier_price(t.tiers, coalesce(e.consortium_users_per_month, e.users_per_month, 0))
                      * (SELECT count(*) FROM generate_series(make_date(y.year, 1, 1), make_date(y.year, 12, 1), interval '1 month') g
                          WHERE y.active && daterange(g::date, (g + interval '1 month')::date)
                            AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                             WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                               AND i.period @> g::date))
                      * e.index_factor, 2)
       END,
       CASE WHEN inv.n > 0 THEN 'invoices' ELSE '' END
       || CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN ''
               WHEN y.price_model = 'per_inhabitant' AND f.fee IS NOT NULL THEN
                    CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'contract rules'
               ELSE CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'assumptions' END
  FROM years y
  JOIN cultuur.library l ON l.id = y.library_id
  LEFT JOIN inv ON inv.contract_id = y.contract_id AND inv.year = y.year
  LEFT JOIN fee f ON f.contract_id = y.contract_id AND f.year = y.year
  LEFT JOIN LATERAL (
      -- the yearly amount (index included, before pro rata) from the
      -- estimates, used where fee_detail cannot compute it yet
      SELECT e0.*, round((f.fixed_fee + cultuur.volume_charge(f.tiers,
                                             e0.inhabitants * y.basis_pct * 0.01,
                                             coalesce(f.tier_volume, e0.tier_volume, e0.inhabitants)))
                         * e0.index_factor, 2) AS yearly_amount
        FROM est e0 WHERE e0.contract_id = y.contract_id AND e0.year = y.year) e ON true
  LEFT JOIN cultuur.tariff t ON t.service = y.service AND t.valid @> greatest(make_date(y.year, 1, 1), y.starts_on)
) r (library_id, library, year, service, contract_id, invoiced, projected, source)
 ORDER BY r.library_id, r.year, r.service
$$;
COMMENT ON FUNCTION cultuur.budget_projection(integer, integer) IS 'Cost per municipality, budget year (the year the service is used) and contract: what was invoiced, plus the projected rest from the contract rules, or from the budget assumptions where usage or published figures are not known yet.';

CREATE FUNCTION cultuur.budget_variance(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, invoiced cultuur.amount,
                   projected cultuur.amount, expected_total cultuur.amount, approved cultuur.amount,
                   variance cultuur.amount)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('budget_variance', 'from_year', $1), cultuur.check_year('budget_variance', 'to_year', $2);
SELECT l.id, l.name, y, coalesce(p.invoiced, 0.00)::cultuur.amount, coalesce(p.projected, 0.00)::cultuur.amount,
       (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00))::cultuur.amount,
       b.amount::cultuur.amount,
       (b.amount - (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00)))::cultuur.amount
  FROM cultuur.library l
 CROSS JOIN generate_series($1, $2) y
  LEFT JOIN (SELECT bp.library_id, bp.year, sum(bp.invoiced) AS invoiced, sum(bp.projected) AS projected
               FROM cultuur.budget_projection($1, $2) bp GROUP BY 1, 2) p
         ON p.library_id = l.id AND p.year = y
  LEFT JOIN cultuur.budget_approved b ON b.library_id = l.id AND b.year = y
 WHERE p.library_id IS NOT NULL OR b.library_id IS NOT NULL
 ORDER BY l.id, y
$$;
COMMENT ON FUNCTION cultuur.budget_variance(integer, integer) IS 'Per municipality and budget year: invoiced, projected, expected total, the council''s approved budget and the variance (approved minus expected; negative means over budget).';

-- ---- reconciliation ----

CREATE SEQUENCE cultuur.quoted_amount_id_seq;
CREATE TABLE cultuur.quoted_amount (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.quoted_amount_id_seq'),
    contract_id integer NOT NULL REFERENCES cultuur.contract,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    what        text NOT NULL CHECK (what IN ('yearly_amount', 'fee', 'invoiced')),
    quoted      numeric(14,2) NOT NULL,
    source      text NOT NULL
);
ALTER SEQUENCE cultuur.quoted_amount_id_seq OWNED BY cultuur.quoted_amount.id;
COMMENT ON TABLE cultuur.quoted_amount IS 'An amount someone quoted (a figure printed in a contract, a supplier invoice): the yearly amount before pro rata and index, the fee of a year, or what was invoiced for a year.';

CREATE VIEW cultuur.reconciliation AS
SELECT q.id, q.contract_id, c.service, q.year, q.what, q.source, q.quoted,
       x.computed::numeric(14,2) AS computed,
       (q.quoted - x.computed)::numeric(14,2) AS difference
  FROM cultuur.quoted_amount q
  JOIN cultuur.contract c ON c.id = q.contract_id
  LEFT JOIN LATERAL (SELECT * FROM cultuur.fee_detail(q.year, q.year) fd WHERE fd.contract_id = q.contract_id) f ON true
 CROSS JOIN LATERAL (
      SELECT CASE q.what WHEN 'yearly_amount' THEN f.yearly_amount
                         WHEN 'fee' THEN f.fee
                         ELSE (SELECT pg_catalog.sum(i.total) FROM cultuur.invoice i
                                WHERE i.contract_id = q.contract_id
                                  AND extract(year FROM pg_catalog.lower(i.period)) = q.year) END AS computed) x;
COMMENT ON VIEW cultuur.reconciliation IS 'Each quoted amount beside the amount the contract rules give, with the difference (quoted minus computed).';

