-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: gapless invoice numbers and issuing an invoice
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- An invoice number: the year and the gapless sequence of that year,
-- 2023/000001 (the CHECK invoice_number_is_year_and_seq holds every
-- invoice to it).
CREATE FUNCTION cultuur.invoice_number(year integer, seq integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN year::text || '/' || lpad(seq::text, 6, '0');
COMMENT ON FUNCTION cultuur.invoice_number(integer, integer) IS 'The number of invoice seq of a year: 2023/000001.';

-- Invoices are dated on the day they are issued or before, never after:
-- a run dated 2030 by mistake issues nothing (doc/rules.md §9).
CREATE FUNCTION cultuur.refuse_invoice_date_ahead(issued_on date) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF $1 > cultuur.today() THEN
        RAISE EXCEPTION 'invoices cannot be dated %, after today (%)', $1, cultuur.today()
            USING ERRCODE = 'CC014',
                  DETAIL = 'An invoice is dated on the day it is issued.',
                  HINT = format('Issue it on or before %s; cultuur.invoicing_projection(date) shows what a run on a later date would issue.', cultuur.today());
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_invoice_date_ahead(date) IS 'Raises CC014 when issued_on is after today (Europe/Brussels): invoices are not dated ahead.';

-- Takes how_many gapless numbers of the year of issued_on and returns the
-- last one (doc/rules.md §9).  Not dated ahead (refuse_invoice_date_ahead),
-- and numbered in the order of their dates: an issue date before
-- the latest invoice of its year is refused, as is a year's number beyond
-- 999999 (the six digits of the number).  The counter row is updated
-- first: it serialises everyone who issues in that year, so the latest
-- invoice read after it is the latest there is (under REPEATABLE READ a
-- concurrent issuer fails with 40001 on the counter instead).
CREATE FUNCTION cultuur.take_invoice_numbers(issued_on date, how_many integer) RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    y      integer := extract(year FROM $1)::integer;
    last   integer;
    latest cultuur.issued_invoice;
BEGIN
    PERFORM cultuur.refuse_invoice_date_ahead($1);
    INSERT INTO cultuur.invoice_counter AS c (year, last_seq) VALUES (y, $2)
    ON CONFLICT (year) DO UPDATE SET last_seq = c.last_seq + $2
    RETURNING c.last_seq INTO last;
    SELECT i.* INTO latest FROM cultuur.invoice i
     WHERE i.year = y ORDER BY i.seq DESC LIMIT 1;
    IF latest.issued_on > $1 THEN
        RAISE EXCEPTION 'invoices cannot be dated % after invoice % of %', $1, latest.number, latest.issued_on
            USING ERRCODE = 'CC014',
                  DETAIL = 'Invoice numbers follow the dates of the invoices.',
                  HINT = format('Issue it on or after %s.', latest.issued_on);
    END IF;
    IF last > 999999 THEN
        RAISE EXCEPTION 'the invoice numbers of % are used up (%/999999)', y, y
            USING ERRCODE = 'CC014',
                  HINT = 'An invoice number has six digits per year.';
    END IF;
    RETURN last;
END;
$$;
COMMENT ON FUNCTION cultuur.take_invoice_numbers(date, integer) IS 'Takes how_many gapless invoice numbers of the year of issued_on and returns the last; refuses (CC014) a date after today, one before the latest invoice of that year, and numbers beyond 999999.';

CREATE FUNCTION cultuur.issue_invoice(contract_id integer, kind text, period daterange,
        issued_on date, total numeric, credit_for integer DEFAULT NULL, reason text DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.issued_invoice;
    y   integer := extract(year FROM $4)::integer;
    n   integer := cultuur.take_invoice_numbers($4, 1);
BEGIN
    INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                 issued_on, due_on, total, credit_for, reason)
    SELECT cultuur.invoice_number(y, n), y, n, c.library_id, c.id, $2, $3,
           $4, $4 + 30, $5, $6, $7
      FROM cultuur.contract c WHERE c.id = $1
    RETURNING * INTO inv;
    RETURN inv;
END;
$$;
COMMENT ON FUNCTION cultuur.issue_invoice(integer, text, daterange, date, numeric, integer, text) IS 'Writes an invoice header with the next gapless number of the year of issued_on (used by run_invoicing and credit_note).';

-- Whether this transaction noted the month already (a bulk load of
-- contracts or usage notes each month once).  Only its own notes count: a
-- note of another transaction may have been read, and will be removed, by
-- a run that did not see this transaction's facts.
CREATE FUNCTION cultuur.recheck_noted(service text, month date, cause text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT EXISTS (SELECT 1 FROM cultuur.invoice_recheck r
                WHERE r.service = $1 AND r.month = $2 AND r.cause = $3
                  AND cultuur.xid_is_current(r.xmin))
$$;
COMMENT ON FUNCTION cultuur.recheck_noted(text, date, text) IS 'Internal: whether the current transaction noted this lot, month and cause in invoice_recheck already.';

-- A fact of a lot changed for the months from_month to to_month (first
-- days; only those up to today's month can have been invoiced): noted for
-- the next invoicing run, which corrects what it billed from them
-- (doc/rules.md §9).
CREATE FUNCTION cultuur.note_recheck(service text, from_month date, to_month date, cause text)
    RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
INSERT INTO cultuur.invoice_recheck (service, month, cause)
SELECT $1, m::date, $4
  FROM generate_series(date_trunc('month', $2), date_trunc('month', least($3, cultuur.today())),
                       interval '1 month') m
 WHERE NOT cultuur.recheck_noted($1, m::date, $4)
$$;
COMMENT ON FUNCTION cultuur.note_recheck(text, date, date, text) IS 'Internal: notes in invoice_recheck that the facts of service changed for the months from from_month to to_month (up to today''s), for the next invoicing run to correct.';

-- A termination whose exit fee is invoiced stays while that invoice is
-- open (doc/rules.md §6): withdrawing the notice takes a credit note of the
-- exit-fee invoice first.
CREATE FUNCTION cultuur.refuse_invoiced_exit_fee(contract_id integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    open_inv record;
BEGIN
    SELECT i.number, i.total - coalesce((SELECT -sum(cn.total) FROM cultuur.invoice cn
                                          WHERE cn.credit_for = i.id AND cn.kind = 'credit_note'), 0) AS open_amount
      INTO open_inv
      FROM cultuur.invoice i
     WHERE i.contract_id = $1 AND i.kind = 'exit_fee'
     ORDER BY i.id DESC LIMIT 1;
    IF FOUND AND open_inv.open_amount > 0 THEN
        RAISE EXCEPTION 'the termination of contract % cannot be removed: its exit fee is invoiced (%)', $1, open_inv.number
            USING ERRCODE = 'CC010',
                  HINT = format('If the notice is withdrawn, credit invoice %s first (cultuur.credit_note).', open_inv.number);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_invoiced_exit_fee(integer) IS 'Raises CC010 when the contract''s exit fee is invoiced and not credited: its termination cannot be removed.';

-- Whether the count of 1 January year of a library is being corrected to
-- inhabitants, by a correction this transaction entered (doc/rules.md §9).
CREATE FUNCTION cultuur.population_corrected(library_id integer, year integer, inhabitants integer)
    RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT EXISTS (SELECT 1 FROM cultuur.population_correction pc
                WHERE pc.library_id = $1 AND pc.year = $2 AND pc.inhabitants = $3
                  AND cultuur.xid_is_current(pc.xmin))
$$;
COMMENT ON FUNCTION cultuur.population_corrected(integer, integer, integer) IS 'Internal: whether the current transaction entered a population_correction of this library and year to inhabitants (population_guard then lets the count change).';

-- Whether an index value is being corrected to value, by a correction
-- this transaction entered (doc/rules.md §9).
CREATE FUNCTION cultuur.price_index_corrected(series text, month date, base integer, value numeric)
    RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT EXISTS (SELECT 1 FROM cultuur.price_index_correction pc
                WHERE pc.series = $1 AND pc.month = $2 AND pc.base = $3 AND pc.value = $4
                  AND cultuur.xid_is_current(pc.xmin))
$$;
COMMENT ON FUNCTION cultuur.price_index_corrected(text, date, integer, numeric) IS 'Internal: whether the current transaction entered a price_index_correction of this series, month and base to value (price_index_guard then lets the value change).';

-- Whether a tariff is being corrected to these prices, by a correction
-- this transaction entered (doc/rules.md §9).
CREATE FUNCTION cultuur.tariff_corrected(tariff_id integer, fixed_fee numeric, tiers cultuur.tiers)
    RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT EXISTS (SELECT 1 FROM cultuur.tariff_correction tc
                WHERE tc.tariff_id = $1 AND tc.fixed_fee = $2 AND tc.tiers OPERATOR(cultuur.=) $3
                  AND cultuur.xid_is_current(tc.xmin))
$$;
COMMENT ON FUNCTION cultuur.tariff_corrected(integer, numeric, cultuur.tiers) IS 'Internal: whether the current transaction entered a tariff_correction of this tariff to these prices (tariff_guard then lets them change).';
