-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: what every entry against an invoice starts with
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- What every entry against an invoice starts with: take its contract's
-- lock (everything that touches an invoice's balance does: payments,
-- formal notices, suspensions, credit notes; under REPEATABLE READ a
-- concurrent change then fails with 40001), refuse a credit note or a
-- missing invoice, and read the balance.
CREATE FUNCTION cultuur.invoice_for_entry(invoice_id integer)
    RETURNS TABLE (number text, library_id integer, issued_on date, due_on date,
                   outstanding numeric)
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.invoice;
BEGIN
    SELECT * INTO inv FROM cultuur.invoice i WHERE i.id = $1;
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
