-- ---------------------------------------------------------------------
-- Layer 4, triggers: the books as a record.
--
-- The books as a record: who entered each notice, termination, renewal,
-- payment, formal notice, suspension and hold, and when, filled in by the
-- database; no notice dated after the day it is entered; and no table
-- emptied in bulk.
--
-- ---------------------------------------------------------------------

-- entered_by and entered_at come from the database, never from the client:
-- whatever the row carries is replaced by the session's login and the
-- transaction's start.  TG_ARGV[0], when given, names the column with the
-- date the entry claims (a notice's sending date, a payment's date): it may
-- not lie after the day of entry (in Brussels).  A dump being restored
-- keeps its rows as they were.  The triggers are all named entry_stamp, so
-- that they fire before each table's rule trigger (triggers of one kind fire
-- in name order): a notice from the future is refused before anything else
-- is computed from it.
CREATE FUNCTION cultuur.entry_stamp() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    claimed date;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_NARGS > 0 THEN
        claimed := (to_jsonb(NEW) ->> TG_ARGV[0])::date;
        -- (an infinite date is the table's CHECK's to refuse)
        IF isfinite(claimed) AND claimed > cultuur.today() THEN
            RAISE EXCEPTION '% % of a new % is after the day it is entered', TG_ARGV[0], claimed, TG_TABLE_NAME
                USING ERRCODE = 'CC013',
                      DETAIL = format('An entry records what happened; today is %s in Brussels.', cultuur.today()),
                      HINT = format('Enter it on or after %s.', claimed);
        END IF;
    END IF;
    NEW.entered_by := session_user::text;
    NEW.entered_at := transaction_timestamp();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.entry_stamp() IS 'Trigger: fills entered_by (the session''s login) and entered_at (the transaction''s start), whatever the client gave; with a column name as argument, refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.termination IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('agreed_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.renewal IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.price_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.price_change IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.data_annex_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.data_annex_change IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('paid_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.payment IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('sent_on');
COMMENT ON TRIGGER entry_stamp ON cultuur.formal_notice IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';

-- a suspension or a hold may be decided ahead of its first day
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp();
COMMENT ON TRIGGER entry_stamp ON cultuur.suspension IS 'Fills entered_by and entered_at (a suspension or hold may be decided ahead of its first day).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp();
COMMENT ON TRIGGER entry_stamp ON cultuur.reach_hold IS 'Fills entered_by and entered_at (a suspension or hold may be decided ahead of its first day).';

-- Row triggers do not fire on TRUNCATE, and TRUNCATE ... CASCADE would
-- empty every table that references the one named.
CREATE FUNCTION cultuur.refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'cultuur.% cannot be truncated', TG_TABLE_NAME
        USING ERRCODE = 'CC010',
              DETAIL = 'Its rows are part of the books: contracts, invoices, payments and the usage they bill.',
              HINT = 'Remove rows one by one through the rules (DELETE), or drop the database that holds a test copy.';
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_truncate() IS 'Statement trigger: no table of cultuur can be truncated (CC010), by any role.';
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c
              WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind = 'r'
              ORDER BY c.relname LOOP
        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate()', t);
        EXECUTE format('COMMENT ON TRIGGER refuse_truncate ON %s IS %L', t,
                       'No TRUNCATE: rows leave the books one by one, through the rules (CC010).');
    END LOOP;
END;
$$;
