-- ---------------------------------------------------------------------
-- Layer 4, triggers: issued invoices and their lines are never changed
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

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
COMMENT ON TRIGGER invoice_immutable ON cultuur.invoice IS 'An issued invoice is never changed or deleted: corrections are credit notes (CC010).';
CREATE TRIGGER invoice_line_immutable BEFORE UPDATE OR DELETE ON cultuur.invoice_line
    FOR EACH ROW EXECUTE FUNCTION cultuur.invoice_immutable('invoice_id');
COMMENT ON TRIGGER invoice_line_immutable ON cultuur.invoice_line IS 'The lines of an issued invoice are never changed or deleted (CC010).';

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
COMMENT ON TRIGGER invoice_line_added ON cultuur.invoice_line IS 'Lines are added only while their invoice is issued, in the same transaction.';
