-- ---------------------------------------------------------------------
-- Layer 4, triggers: payments, formal notices and suspensions
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

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
COMMENT ON TRIGGER payment_rules ON cultuur.payment IS 'A payment never exceeds what is outstanding on its invoice, nor precedes it (CC012; E 8.6, F 8.3).';
CREATE TRIGGER payment_immutable BEFORE UPDATE OR DELETE ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
COMMENT ON TRIGGER payment_immutable ON cultuur.payment IS 'A recorded payment is never changed or deleted (CC010).';
CREATE TRIGGER formal_notice_rules BEFORE INSERT ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.formal_notice_check();
COMMENT ON TRIGGER formal_notice_rules ON cultuur.formal_notice IS 'A formal notice only for an invoice that is overdue and unpaid (CC012; E 8.7, F 8.4).';
CREATE TRIGGER formal_notice_immutable BEFORE UPDATE OR DELETE ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
COMMENT ON TRIGGER formal_notice_immutable ON cultuur.formal_notice IS 'A recorded formal notice is never changed or deleted (CC010).';
CREATE TRIGGER suspension_rules BEFORE INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.suspension_check();
COMMENT ON TRIGGER suspension_rules ON cultuur.suspension IS 'A suspension only more than 30 days after the due date, after a formal notice, while unpaid (CC012; E 8.7, F 8.4).';

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
COMMENT ON TRIGGER payment_lifts ON cultuur.payment IS 'A payment that settles an invoice lifts its open suspension.';
