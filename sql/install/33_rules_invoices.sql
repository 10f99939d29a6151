-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: gapless invoice numbers and issuing an invoice
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

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

CREATE FUNCTION cultuur.issue_invoice(contract_id integer, kind text, period daterange,
        issued_on date, total numeric, credit_for integer DEFAULT NULL, reason text DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.issued_invoice;
    y   integer := extract(year FROM $4)::integer;
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
