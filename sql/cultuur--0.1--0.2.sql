-- cultuur 0.1 -> 0.2: ALTER EXTENSION cultuur UPDATE TO '0.2'.
--
-- Every change to an object of the extension made in sql/install/ after
-- release 0.1 is written here too, in the same commit, so that an updated
-- 0.1 is the same as a fresh 0.2 (test/upgrade.sh compares the two, schema,
-- member definitions, grants and rows).  The books (the tables, sequences
-- and views released from the extension, sql/install/70_books.sql) are
-- changed here like any table; a grant on a book is changed between
-- ALTER EXTENSION cultuur ADD TABLE ... and ... DROP TABLE, so that pg_dump
-- keeps dumping the book's grants.
\echo Use "ALTER EXTENSION cultuur UPDATE" to load this file. \quit

-- the script runs with pg_catalog alone on its path, as the install script
SET LOCAL search_path = pg_catalog, pg_temp;

-- Every trigger and every rule constraint commented (the comments of the
-- install script's layers 2 and 4).
COMMENT ON CONSTRAINT library_nis_code_key ON cultuur.library IS 'One library per NIS code.';
COMMENT ON CONSTRAINT framework_ends_not_before_start ON cultuur.framework IS 'A framework agreement does not end before it starts.';
COMMENT ON CONSTRAINT tariff_service_valid_excl ON cultuur.tariff IS 'At most one tariff of a service in force on any day.';
COMMENT ON CONSTRAINT contract_library_id_service_active_excl ON cultuur.contract IS 'At most one contract per library and service in force on any day (doc/rules.md §7).';
COMMENT ON CONSTRAINT contract_initial_end_not_before_start ON cultuur.contract IS 'The initial term does not end before it starts.';
COMMENT ON CONSTRAINT renewal_ends_not_before_start ON cultuur.renewal IS 'A renewal does not end before it starts.';
COMMENT ON CONSTRAINT usage_event_action_fits_service ON cultuur.usage_event IS 'Film starts belong to film lots, loans and reservations to e-books (Bijlage B); logins to either.';
COMMENT ON CONSTRAINT reach_hold_ends_on_31_december ON cultuur.reach_hold IS 'A hold lasts to the end of its calendar year (F 8.6).';
COMMENT ON CONSTRAINT invoice_credit_note_names_its_invoice ON cultuur.invoice IS 'A credit note, and only a credit note, names the invoice it corrects.';
COMMENT ON CONSTRAINT invoice_credit_note_not_positive ON cultuur.invoice IS 'A credit note is zero or negative.';
COMMENT ON CONSTRAINT invoice_not_negative ON cultuur.invoice IS 'An invoice other than a credit note is not negative.';
COMMENT ON CONSTRAINT invoice_due_30_days_after_issue ON cultuur.invoice IS 'Invoices are due 30 days after issue (E 8.6, F 8.3).';
COMMENT ON CONSTRAINT invoice_number_is_year_and_seq ON cultuur.invoice IS 'The number is the year and the gapless sequence of that year: 2023/000001.';
COMMENT ON CONSTRAINT invoice_number_key ON cultuur.invoice IS 'Invoice numbers are unique.';
COMMENT ON CONSTRAINT invoice_year_seq_key ON cultuur.invoice IS 'One invoice per number of a year.';
COMMENT ON CONSTRAINT suspension_lift_recorded ON cultuur.suspension IS 'A lifted suspension records when, by whom and why.';
COMMENT ON CONSTRAINT suspension_lifted_on_valid ON cultuur.suspension IS 'A suspension is lifted on a finite day, not before it starts.';
COMMENT ON TRIGGER framework_extension_check ON cultuur.framework_extension IS 'Numbers and places a framework extension after the current end, within the allowed number and term (CC005, CC006; F 10.2).';
COMMENT ON TRIGGER service_builtin_guard ON cultuur.service IS 'The services shipped with cultuur are changed only by its own install and upgrade scripts.';
COMMENT ON TRIGGER framework_guard ON cultuur.framework IS 'A framework agreement is not shortened or removed below a member contract''s end, nor allowed fewer extensions than it has (CC009, CC006; doc/rules.md §7).';
COMMENT ON TRIGGER framework_extension_guard ON cultuur.framework_extension IS 'Framework extensions are never changed and are removed from the last one backwards, never below a member contract''s end (CC010, CC009).';
COMMENT ON TRIGGER renewal_refresh ON cultuur.renewal IS 'Recomputes the contract''s days in force after a renewal is added or removed.';
COMMENT ON TRIGGER termination_refresh ON cultuur.termination IS 'Recomputes the contract''s days in force after a termination is added or removed.';
COMMENT ON TRIGGER price_change_check ON cultuur.price_change IS 'A price change takes effect on 1 January, notified by 31 July before, and splits the tariff (CC007; E 8.9).';
COMMENT ON TRIGGER usage_count ON cultuur.usage_event IS 'Counts unique users per library, lot and month, and consortium-wide, as events arrive (doc/rules.md §3, §8).';
COMMENT ON TRIGGER usage_immutable ON cultuur.usage_event IS 'Usage events are never changed: they are what the counts and invoices come from (CC010).';
COMMENT ON TRIGGER reach_hold_check ON cultuur.reach_hold IS 'A lot 1B order is put on hold only once its reach cap is reached, to the end of the year (CC011; F 8.6).';
COMMENT ON TRIGGER invoice_immutable ON cultuur.invoice IS 'An issued invoice is never changed or deleted: corrections are credit notes (CC010).';
COMMENT ON TRIGGER invoice_line_immutable ON cultuur.invoice_line IS 'The lines of an issued invoice are never changed or deleted (CC010).';
COMMENT ON TRIGGER invoice_line_added ON cultuur.invoice_line IS 'Lines are added only while their invoice is issued, in the same transaction.';
COMMENT ON TRIGGER payment_rules ON cultuur.payment IS 'A payment never exceeds what is outstanding on its invoice, nor precedes it (CC012; E 8.6, F 8.3).';
COMMENT ON TRIGGER payment_immutable ON cultuur.payment IS 'A recorded payment is never changed or deleted (CC010).';
COMMENT ON TRIGGER formal_notice_rules ON cultuur.formal_notice IS 'A formal notice only for an invoice that is overdue and unpaid (CC012; E 8.7, F 8.4).';
COMMENT ON TRIGGER formal_notice_immutable ON cultuur.formal_notice IS 'A recorded formal notice is never changed or deleted (CC010).';
COMMENT ON TRIGGER suspension_rules ON cultuur.suspension IS 'A suspension only more than 30 days after the due date, after a formal notice, while unpaid (CC012; E 8.7, F 8.4).';
COMMENT ON TRIGGER payment_lifts ON cultuur.payment IS 'A payment that settles an invoice lifts its open suspension.';
COMMENT ON TRIGGER tariff_guard ON cultuur.tariff IS 'A tariff is not changed for days an issued invoice billed, nor its exit-fee rates once an exit fee was charged from them (CC010; E 8.9).';
COMMENT ON TRIGGER population_guard ON cultuur.population IS 'A count of inhabitants an issued invoice or a recorded exit fee used is not changed (CC010; E 8.1).';
COMMENT ON TRIGGER price_index_guard ON cultuur.price_index IS 'A January index value an issued invoice or a recorded exit fee was indexed with is not changed (CC010; E 8.8, F 8.5).';
COMMENT ON TRIGGER contract_invoiced_guard ON cultuur.contract IS 'A contract''s fee columns (basis share, pro-rata rule, index_from) cannot change for years an issued invoice billed (CC010; doc/rules.md §9).';
COMMENT ON TRIGGER entry_stamp ON cultuur.termination IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.renewal IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.price_change IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.data_annex_change IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.payment IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.formal_notice IS 'Fills entered_by and entered_at; refuses an entry dated after the day it is entered (CC013).';
COMMENT ON TRIGGER entry_stamp ON cultuur.suspension IS 'Fills entered_by and entered_at (a suspension or hold may be decided ahead of its first day).';
COMMENT ON TRIGGER entry_stamp ON cultuur.reach_hold IS 'Fills entered_by and entered_at (a suspension or hold may be decided ahead of its first day).';
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT g.tgrelid FROM pg_catalog.pg_trigger g
              WHERE g.tgname = 'refuse_truncate' AND NOT g.tgisinternal
              ORDER BY g.tgrelid::pg_catalog.regclass::pg_catalog.text LOOP
        EXECUTE pg_catalog.format('COMMENT ON TRIGGER refuse_truncate ON %s IS %L', t,
                       'No TRUNCATE: rows leave the books one by one, through the rules (CC010).');
    END LOOP;
END;
$$;

-- Invoices are not dated ahead, are numbered in the order of their dates,
-- and a year's numbers stop at 999999 (doc/rules.md §9; CC014):
-- invoice_number, refuse_invoice_date_ahead and take_invoice_numbers
-- replace next_invoice_seq, and issue_invoice and run_invoicing use them.
CREATE FUNCTION cultuur.invoice_number(year integer, seq integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN year::text || '/' || lpad(seq::text, 6, '0');
COMMENT ON FUNCTION cultuur.invoice_number(integer, integer) IS 'The number of invoice seq of a year: 2023/000001.';
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
REVOKE EXECUTE ON FUNCTION cultuur.take_invoice_numbers(date, integer) FROM PUBLIC;
CREATE OR REPLACE FUNCTION cultuur.issue_invoice(contract_id integer, kind text, period daterange,
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
DROP FUNCTION cultuur.next_invoice_seq(integer);

-- No usage event dated after the day it is loaded (doc/rules.md §8; CC013).
CREATE FUNCTION cultuur.usage_event_dates() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    bad record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    SELECT e.library_id, e.service, e.occurred_at INTO bad FROM new_events e
     WHERE (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date > cultuur.today()
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'usage event of library % (service "%") at % is after the day it is loaded', bad.library_id, bad.service, bad.occurred_at
            USING ERRCODE = 'CC013',
                  DETAIL = format('Events record what happened; today is %s in Brussels.', cultuur.today()),
                  HINT = 'Check the clock of the system that sent the events; nothing of this statement was loaded.';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_event_dates() IS 'Statement trigger: refuses a load of usage events with one dated after the day it is loaded, in Europe/Brussels (CC013).';
REVOKE EXECUTE ON FUNCTION cultuur.usage_event_dates() FROM PUBLIC;
CREATE TRIGGER usage_arrival_check AFTER INSERT ON cultuur.usage_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_event_dates();
COMMENT ON TRIGGER usage_arrival_check ON cultuur.usage_event IS 'No usage event dated after the day it is loaded (CC013; doc/rules.md §8).';

-- Only participating libraries count (doc/rules.md §3, §8; Bijlage A): a
-- film start counts when the library's contract for the lot is in force on
-- its day in Brussels; the others are stored, not counted, with a warning.
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
CREATE OR REPLACE FUNCTION cultuur.usage_count() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    outside bigint;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- take the consortium counter rows first, in a fixed order: a second
    -- loader of the same lot and month waits here, before it inserts into
    -- monthly_user, so multi-statement loaders cannot deadlock
    -- (only the film starts of participating libraries count: those whose
    -- contract for the lot is in force on the day, in Brussels, of the event)
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT DISTINCT e.service, cultuur.brussels_month(e.occurred_at), 0
      FROM new_events e
     WHERE e.action = 'film_started'
       AND cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
     ORDER BY 1, 2
    ON CONFLICT (service, month) DO UPDATE SET unique_users = c.unique_users;
    -- one pass per statement: a COPY of a million rows is counted in bulk
    WITH fresh AS (
        INSERT INTO cultuur.monthly_user AS mu (library_id, service, month, member_ref)
        SELECT DISTINCT e.library_id, e.service, cultuur.brussels_month(e.occurred_at), e.member_ref
          FROM new_events e
         WHERE e.action = 'film_started'
           AND cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
         ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING
        RETURNING mu.library_id, mu.service, mu.month
    ), per_library AS (
        INSERT INTO cultuur.monthly_usage AS m (library_id, service, month, unique_users)
        SELECT f.library_id, f.service, f.month, count(*)
          FROM fresh f GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (library_id, service, month)
        DO UPDATE SET unique_users = m.unique_users + excluded.unique_users
    ), recheck AS (
        -- a month that was invoiced already is corrected by the next run
        -- (doc/rules.md §9): noted for every lot and month counted here
        INSERT INTO cultuur.invoice_recheck (service, month, cause)
        SELECT d.service, d.month, 'usage'
          -- each lot and month once, then asked whether already noted
          -- (OFFSET 0: the question is not pushed down to every row)
          FROM (SELECT DISTINCT f.service, f.month FROM fresh f OFFSET 0) d
         WHERE NOT cultuur.recheck_noted(d.service, d.month, 'usage')
    )
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT f.service, f.month, count(*)
      FROM fresh f GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (service, month)
    DO UPDATE SET unique_users = c.unique_users + excluded.unique_users;
    -- say what was stored but not counted
    SELECT count(*) INTO outside FROM new_events e
     WHERE e.action = 'film_started'
       AND NOT cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date);
    IF outside > 0 THEN
        RAISE WARNING '% film start(s) stored but not counted: the library had no contract for the lot in force that day', outside
            USING DETAIL = 'Unique users count over the participating libraries only (Bijlage A), on the days their contract is in force.',
                  HINT = 'They count once the contract for those days is entered (the library''s usage is then counted again, and issued invoices corrected by the next run).';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_count() IS 'Statement trigger: adds the members who started a film, at a library whose contract for the lot is in force that day, to monthly_user (once per library, lot and Brussels month) and the newly counted ones to monthly_usage and consortium_usage, and notes their lot and month in invoice_recheck.';

-- Contract terms (doc/rules.md §7): a film contract's initial term is cut
-- at the framework end in force on its signing date (F 10.1), whatever
-- order the rows are entered in; tacit terms run from the day after the
-- previous one to the day before the same date a year later (E 10.3).
CREATE FUNCTION cultuur.framework_end_on(service text, on_date date) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT greatest(f.ends_on, (SELECT max(e.ends_on)
                                      FROM cultuur.framework_extension e
                                     WHERE e.service = f.service AND e.agreed_on <= $2))
          FROM cultuur.framework f
         WHERE f.service = $1
    $$;
COMMENT ON FUNCTION cultuur.framework_end_on(text, date) IS 'End of the framework agreement of a service with the extensions agreed on or before on_date; NULL when the service has no framework row (no limit).';
CREATE OR REPLACE FUNCTION cultuur.framework_end(service text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$ SELECT cultuur.framework_end_on($1, 'infinity') $$;
DROP FUNCTION cultuur.contract_initial_end(integer, text, date, date);
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
REVOKE EXECUTE ON FUNCTION cultuur.contract_initial_end(integer, text, date, date, date) FROM PUBLIC;
CREATE OR REPLACE FUNCTION cultuur.contract_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- serialise with the renewals and terminations of this contract
        PERFORM cultuur.contract_lock(OLD.id);
        IF (NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end)
           IS DISTINCT FROM (OLD.library_id, OLD.service, OLD.starts_on, OLD.initial_end) THEN
            PERFORM cultuur.refuse_contract_change(OLD.id);
        END IF;
    END IF;
    NEW.initial_end := cultuur.contract_initial_end(NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end, NEW.signed_on);
    -- active: from the start to the recorded end (open while renewing tacitly)
    NEW.active := daterange(NEW.starts_on,
                            cultuur.recorded_end(NEW.id,
                                                 (SELECT sv.renewal FROM cultuur.service sv WHERE sv.code = NEW.service),
                                                 NEW.initial_end) + 1);
    RETURN NEW;
END;
$$;
CREATE OR REPLACE FUNCTION cultuur.contract_terms(contract_id integer, through_date date DEFAULT NULL)
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

-- One bad contract fails only its own invoice, and a run costs time linear
-- in the invoices it issues (doc/rules.md §9): fee_detail gives NULL with a
-- note for an amount too large for an invoice (fits_amount) instead of
-- failing for every contract; the lines of an invoice are one rule
-- (invoice_lines) that takes the fee factors from ONE fee_detail per run
-- (fee_factors_of); issue_due_invoices skips an invoice that fails, with a
-- warning and a row of run_invoicing_report; invoicing_blocked asks the
-- same rule, with the owner's rights.
-- Invoices that stay right when facts arrive late (doc/rules.md §9): the
-- facts note the months they change (invoice_recheck: usage_count,
-- fact_recheck), and each run issues the differences as supplementary
-- invoices and credit notes (issue_corrections, invoice_correction);
-- pending_corrections shows them before the run.
CREATE FUNCTION cultuur.prorata_fraction(active daterange, period daterange,
        rule cultuur.prorata_rule DEFAULT 'month')
    RETURNS text
    AS 'MODULE_PATHNAME', 'prorata_fraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.prorata_fraction(daterange, daterange, cultuur.prorata_rule) IS
'The share of prorata() as the fraction it is computed with, unreduced: ''9/12'' (month), ''170/365'' (day). What an invoice line prints.';
CREATE FUNCTION cultuur.fits_amount(amount numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.abs(pg_catalog.round(amount, 2)) < 10000000000;
COMMENT ON FUNCTION cultuur.fits_amount(numeric) IS 'true when amount, rounded to cents, fits cultuur.amount (numeric(12,2)): at most 9,999,999,999.99 either way. false for NaN; NULL for NULL.';
CREATE TYPE cultuur.fee_factors AS (
    basis          numeric,
    unit_price     cultuur.price,
    tier_volume    numeric,
    fixed_fee      cultuur.amount,
    yearly_amount  cultuur.amount,
    base_index     numeric,
    year_index     numeric,
    indexed_amount cultuur.amount,
    note           text
);
COMMENT ON TYPE cultuur.fee_factors IS 'The factors of a yearly fee per inhabitant that an invoice line shows (columns of fee_detail): basis, unit price, tier volume, fixed fee, yearly amount, January indexes, indexed amount, and the note that says why the amount is missing.';
CREATE TYPE cultuur.line_values AS (
    line_no     integer,
    description text,
    month       date,
    quantity    numeric,
    unit_price  numeric,
    tier_volume numeric,
    fixed_fee   numeric,
    base_amount numeric,
    base_index  numeric,
    new_index   numeric,
    share       text,
    amount      numeric(12,2)
);
COMMENT ON TYPE cultuur.line_values IS 'An invoice line before it is stored: the columns of invoice_line but invoice_id (corrections_due returns the lines of a correction in it).';
-- Film fees indexed only on renewal, per term (doc/rules.md §5; F 8.5):
-- index_month is the rule, renewal_start_on the term it asks about.
CREATE FUNCTION cultuur.index_month(renewal text, index_from integer, starts_on date, year integer,
        term_start date)
    RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN renewal = 'agreement'
                THEN CASE WHEN term_start IS NOT NULL AND index_from IS NOT NULL
                           AND extract(year FROM term_start) >= index_from
                          THEN make_date(extract(year FROM term_start)::integer, 1, 1) END
                WHEN cultuur.is_indexed(index_from, starts_on, year)
                THEN make_date(year, 1, 1) END;
COMMENT ON FUNCTION cultuur.index_month(text, integer, date, integer, date) IS 'The January whose index a fee is indexed to, or NULL when not indexed: tacit services (e-books) the January of the year billed, from index_from on, never in the first year (E 8.8); services renewed by agreement (film) only in a renewal term starting in index_from or later, the January of the year it started, for the whole term (F 8.5).';
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

CREATE OR REPLACE FUNCTION cultuur.fee_detail(from_year integer, to_year integer)
    RETURNS TABLE (
        contract_id     integer,
        library_id      integer,
        service         text,
        year            integer,
        period          daterange,
        active          daterange,
        tariff_id       integer,
        fixed_fee       cultuur.amount,
        tiers           cultuur.tiers,
        population_year integer,
        inhabitants     integer,
        basis_pct       numeric,
        basis           numeric,
        tier_volume     numeric,
        unit_price      cultuur.price,
        variable_part   cultuur.amount,
        yearly_amount   cultuur.amount,
        index_series    text,
        base_index      numeric,
        year_index      numeric,
        indexed_amount  cultuur.amount,
        prorata_rule    cultuur.prorata_rule,
        share           numeric,
        fee             cultuur.amount,
        note            text)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- the planner's estimates (1000 years per contract) cross jit_above_cost
    -- even for a handful of contracts, and JIT compilation then costs ~2 s
    -- per call where the query itself takes milliseconds
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH cy AS (
    -- every calendar year in which a contract is in force
    SELECT c.id, c.library_id, c.service, c.starts_on, c.basis_pct, c.prorata_rule,
           c.index_from, c.active, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period,
           s.price_model, s.index_series,
           -- the January it is indexed to: for film the renewal term in
           -- force when the year (or the contract) starts (F 8.5; an
           -- invoice of a quarter takes the term of that quarter).
           -- Computed here, once per contract and year (cy is materialized)
           cultuur.index_month(s.renewal, c.index_from, c.starts_on, y, r.starts_on) AS index_month
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN LATERAL generate_series(
             greatest($1, extract(year FROM lower(c.active))::integer),
             least($2, coalesce(extract(year FROM upper(c.active) - 1)::integer, $2))) y
      -- the renewal in force then (renewal_start_on, as a join)
      LEFT JOIN cultuur.renewal r
             ON r.contract_id = c.id
            AND greatest(make_date(y, 1, 1), c.starts_on) BETWEEN r.starts_on AND r.ends_on
),
pop AS (
    SELECT cy.id, cy.year, p.inhabitants
      FROM cy
      JOIN cultuur.population p ON p.library_id = cy.library_id AND p.year = cy.year - 1
),
volume AS (
    -- consortium-wide tier volume: inhabitants of every library with a
    -- contract for the service in force that year, each library once (two
    -- successive contracts in one year do not count it twice); missing
    -- counts how many of those libraries have no count entered
    SELECT l.service, l.year, sum(l.inhabitants) AS inhabitants,
           count(*) - count(l.inhabitants) AS missing
      FROM (SELECT DISTINCT cy.service, cy.year, cy.library_id, pop.inhabitants
              FROM cy LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year) l
     GROUP BY l.service, l.year
),
priced AS (
    SELECT cy.*, t.id AS tariff_id, t.fixed_fee, t.tiers,
           pop.inhabitants,
           pop.inhabitants * cy.basis_pct * 0.01 AS basis,
           -- per-user lots: the tier is chosen by each month's unique
           -- users, not by inhabitants (no yearly amount here).  With a
           -- library's count missing the volume is only a lower bound:
           -- keep it when no higher tier can change the price
           CASE WHEN cy.price_model <> 'per_inhabitant' THEN NULL
                WHEN v.missing = 0 THEN v.inhabitants
                WHEN NOT EXISTS (SELECT 1 FROM cultuur.tier_rows(t.tiers) r
                                  WHERE r.bound >= v.inhabitants
                                    AND r.price <> cultuur.tier_price(t.tiers, v.inhabitants))
                    THEN v.inhabitants END AS tier_volume,
           v.missing AS volume_missing
      FROM cy
      LEFT JOIN cultuur.tariff t
             ON t.service = cy.service
            AND t.valid @> greatest(make_date(cy.year, 1, 1), cy.starts_on)
      LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year
      LEFT JOIN volume v ON v.service = cy.service AND v.year = cy.year
),
amounts AS MATERIALIZED (
    -- materialized: the columns below are used several times each, and
    -- the January indexes come from joins (a function per row costs more)
    SELECT p.*, p.index_month IS NOT NULL AS is_indexed,
           cultuur.tier_price(p.tiers, p.tier_volume) AS unit_price,
           cultuur.volume_charge(p.tiers, p.basis, p.tier_volume) AS variable_part,
           CASE WHEN p.index_month IS NOT NULL THEN bi.value END AS base_index,
           CASE WHEN p.index_month IS NOT NULL THEN yi.value END AS year_index
      FROM priced p
      LEFT JOIN cultuur.price_index bi
             ON p.index_month IS NOT NULL AND bi.series = p.index_series AND bi.base = cultuur.index_base()
            AND bi.month = make_date(extract(year FROM p.starts_on)::integer, 1, 1)
      LEFT JOIN cultuur.price_index yi
             ON p.index_month IS NOT NULL AND yi.series = p.index_series AND yi.base = cultuur.index_base()
            AND yi.month = p.index_month
),
raw AS (
    -- the amounts before they are given the amount type: a tariff can give
    -- an amount too large for an invoice (numeric(12,2)), and the cast
    -- would then fail for every contract; such a contract's amounts are
    -- NULL with a note instead (fits_amount)
    SELECT a.*, a.fixed_fee + a.variable_part AS yearly_raw,
           CASE WHEN NOT a.is_indexed THEN a.fixed_fee + a.variable_part
                ELSE cultuur.indexed(a.fixed_fee + a.variable_part, a.base_index, a.year_index) END
               AS indexed_raw
      FROM amounts a
),
fits AS (
    SELECT r.*, cultuur.fits_amount(r.variable_part) AS variable_fits,
           cultuur.fits_amount(r.variable_part) AND cultuur.fits_amount(r.yearly_raw) AS yearly_fits,
           cultuur.fits_amount(r.variable_part) AND cultuur.fits_amount(r.yearly_raw)
               AND cultuur.fits_amount(r.indexed_raw) AS indexed_fits
      FROM raw r
)
SELECT a.id, a.library_id, a.service, a.year, a.period, a.active, a.tariff_id,
       a.fixed_fee::cultuur.amount, a.tiers, a.year - 1, a.inhabitants, a.basis_pct, a.basis,
       a.tier_volume, a.unit_price::cultuur.price,
       CASE WHEN a.variable_fits THEN a.variable_part::cultuur.amount END,
       CASE WHEN a.yearly_fits THEN a.yearly_raw::cultuur.amount END,
       CASE WHEN a.is_indexed THEN a.index_series END,
       a.base_index, a.year_index,
       CASE WHEN a.indexed_fits THEN a.indexed_raw::cultuur.amount END,
       a.prorata_rule,
       cultuur.prorata(a.active, a.period, a.prorata_rule),
       CASE WHEN a.price_model = 'per_inhabitant' AND a.indexed_fits THEN
           cultuur.prorate(a.indexed_raw, a.active, a.period, a.prorata_rule)::cultuur.amount END,
       CASE WHEN a.price_model = 'per_user' THEN 'billed per unique user per month, from usage'
            WHEN a.tariff_id IS NULL THEN format('no tariff of %s in force in %s', a.service, a.year)
            WHEN a.inhabitants IS NULL THEN format('inhabitants on 1 January %s not entered', a.year - 1)
            WHEN a.tier_volume IS NULL
                THEN format('consortium tier volume unknown: inhabitants on 1 January %s not entered for %s other librar%s with a %s contract',
                            a.year - 1, a.volume_missing, CASE WHEN a.volume_missing = 1 THEN 'y' ELSE 'ies' END, a.service)
            WHEN a.is_indexed AND (a.base_index IS NULL OR a.year_index IS NULL)
                THEN format('%s of January %s or January %s not loaded', a.index_series,
                            extract(year FROM a.starts_on), extract(year FROM a.index_month))
            WHEN NOT a.indexed_fits
                THEN format('the %s of %s is larger than an invoice amount can be (at most 9999999999.99): check tariff %s',
                            CASE WHEN NOT a.variable_fits THEN 'variable part'
                                 WHEN NOT a.yearly_fits THEN 'yearly amount'
                                 ELSE 'indexed amount' END,
                            round(CASE WHEN NOT a.variable_fits THEN a.variable_part
                                       WHEN NOT a.yearly_fits THEN a.yearly_raw
                                       ELSE a.indexed_raw END, 2),
                            a.tariff_id)
       END
  FROM fits a
 ORDER BY a.id, a.year
$$;
COMMENT ON FUNCTION cultuur.fee_detail(integer, integer) IS 'Per contract and calendar year from from_year to to_year, every factor of its fee: tariff, inhabitants of 1 January of the previous year, basis share, consortium tier volume and unit price, yearly amount, index factor, pro-rata share and the fee. fee is NULL (with a note) when a factor is missing, when an amount is too large for an invoice (the amounts concerned are NULL too), or when the service is billed per user.';

CREATE OR REPLACE FUNCTION cultuur.budget_projection(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, service text,
                   contract_id integer, invoiced cultuur.amount, projected cultuur.amount,
                   source text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH years AS (
    SELECT c.id AS contract_id, c.library_id, c.service, c.active, c.starts_on, c.basis_pct,
           c.prorata_rule, c.index_from, s.price_model, s.index_series, s.kind, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period,
           -- the January the year is indexed to, as fee_detail has it
           -- (film: the renewal term in force when the year starts)
           cultuur.index_month(s.renewal, c.index_from, c.starts_on, y,
                               cultuur.renewal_start_on(c.id, greatest(make_date(y, 1, 1), c.starts_on)))
               AS index_month
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
           (SELECT p.inhabitants * power(1 + coalesce(a.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
              FROM cultuur.latest_population(y.library_id, y.year - 1) p) AS inhabitants,
           -- the consortium's tier volume estimated the same way: every
           -- library with a contract for the service that year, once, its
           -- latest count grown by its own assumption (doc/rules.md §3: the tier is
           -- chosen by the consortium-wide volume, not by one library)
           (SELECT sum((SELECT p.inhabitants * power(1 + coalesce(a2.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
                          FROM cultuur.latest_population(l2.library_id, y.year - 1) p))
              FROM (SELECT DISTINCT c2.library_id FROM cultuur.contract c2
                     WHERE c2.service = y.service AND c2.active && y.period) l2
              LEFT JOIN cultuur.budget_assumption a2
                     ON a2.library_id = l2.library_id AND a2.year = y.year AND a2.service = y.service) AS tier_volume,
           CASE WHEN y.index_month IS NOT NULL
                THEN (SELECT pi.value * power(1 + coalesce(a.index_growth_pct, 0) / 100,
                                              extract(year FROM y.index_month) - extract(year FROM pi.month))
                        FROM cultuur.price_index pi
                       WHERE pi.series = y.index_series AND pi.base = cultuur.index_base()
                         AND extract(month FROM pi.month) = 1 AND pi.month <= y.index_month
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
                      * (SELECT count(*) FROM cultuur.months_in_force(y.active, y.period) g
                          WHERE NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                             WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                               AND i.period @> g))
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

-- the invoice table: exit-fee invoices (kind exit_fee, E 10.4);
-- supplementary invoices (kind supplement) name the invoice they correct,
-- as credit notes do; invoice_once covers the invoices a run issues
ALTER TABLE cultuur.invoice DROP CONSTRAINT invoice_kind_check,
    ADD CONSTRAINT invoice_kind_check CHECK (kind IN ('ebooks_year', 'film_quarter', 'exit_fee', 'credit_note', 'supplement')),
    DROP CONSTRAINT invoice_credit_note_names_its_invoice,
    ADD CONSTRAINT invoice_credit_note_names_its_invoice
        CHECK ((kind IN ('credit_note', 'supplement')) = (credit_for IS NOT NULL));
DROP INDEX cultuur.invoice_once;
CREATE UNIQUE INDEX invoice_once ON cultuur.invoice (contract_id, kind, period)
    WHERE kind IN ('ebooks_year', 'film_quarter', 'exit_fee');
COMMENT ON TABLE cultuur.invoice IS 'An issued invoice, supplementary invoice or credit note: number year/NNNNNN, gapless per year; due 30 days after issue (E 8.6, F 8.3). Never changed or deleted; corrections are credit notes and supplementary invoices that name the invoice they correct.';
COMMENT ON CONSTRAINT invoice_credit_note_names_its_invoice ON cultuur.invoice IS 'A credit note or a supplementary invoice, and only those, names the invoice it corrects.';
-- Corrections (doc/rules.md §9): the facts an issued invoice was computed
-- from can still change (usage arriving late, a tier crossed by it, a
-- reach-cap hold, a termination, a renewal or contract entered late).
-- Whatever records such a fact notes the lot and the months it may touch
-- here; the next invoicing run recomputes the issued invoices of those
-- months and issues the difference (invoice_correction).  Rows are only
-- added (by the engine) and removed by the run that handled them.
CREATE SEQUENCE cultuur.invoice_recheck_id_seq;
CREATE TABLE cultuur.invoice_recheck (
    id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.invoice_recheck_id_seq'),
    service   text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    month     date NOT NULL,
    cause     text NOT NULL,
    noted_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT invoice_recheck_first_of_month
        CHECK (month = pg_catalog.date_trunc('month', month)::date),
    CONSTRAINT invoice_recheck_cause
        CHECK (cause IN ('usage', 'hold', 'termination', 'renewal', 'contract', 'population', 'index', 'tariff', 'update'))
);
ALTER SEQUENCE cultuur.invoice_recheck_id_seq OWNED BY cultuur.invoice_recheck.id;
CREATE INDEX invoice_recheck_month ON cultuur.invoice_recheck (service, month);
COMMENT ON TABLE cultuur.invoice_recheck IS 'Months of a lot whose facts changed after they may have been invoiced (cause: usage, hold, termination, renewal, contract, population, index, tariff, update): the next run_invoicing recomputes the issued invoices of those months and issues the differences. Written by the engine only.';
COMMENT ON CONSTRAINT invoice_recheck_first_of_month ON cultuur.invoice_recheck IS 'A month is noted by its first day.';
COMMENT ON CONSTRAINT invoice_recheck_cause ON cultuur.invoice_recheck IS 'What changed: usage, hold, termination, renewal, contract, or a corrected population count, index value or tariff; update: the update from 0.1, which kept no such notes, has every invoiced month checked once.';

-- The corrections the runs issued: which invoice a supplementary invoice
-- or credit note corrects, and which facts changed.  A credit note issued
-- by credit_note (a decision of finance) has no row here, and a run never
-- undoes it.
CREATE TABLE cultuur.invoice_correction (
    invoice_id  integer PRIMARY KEY REFERENCES cultuur.invoice,
    corrects    integer NOT NULL REFERENCES cultuur.invoice,
    facts       text NOT NULL
);
CREATE INDEX invoice_correction_corrects ON cultuur.invoice_correction (corrects);
COMMENT ON TABLE cultuur.invoice_correction IS 'A supplementary invoice or credit note that an invoicing run issued because a fact changed: the invoice it corrects and what changed (facts). Written by the engine only.';
DO $$
DECLARE
    t regclass;
BEGIN
    FOREACH t IN ARRAY ARRAY['cultuur.invoice_recheck'::regclass, 'cultuur.invoice_correction'::regclass] LOOP
        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate()', t);
        EXECUTE format('COMMENT ON TRIGGER refuse_truncate ON %s IS %L', t,
                       'No TRUNCATE: rows leave the books one by one, through the rules (CC010).');
    END LOOP;
END;
$$;
-- 0.1 kept no notes of late facts: every month an invoice of 0.1 covers is
-- checked once by the first run after the update, which issues what 0.1
-- missed (late usage, holds, terminations entered after the invoice)
INSERT INTO cultuur.invoice_recheck (service, month, cause)
SELECT DISTINCT c.service, m::date, 'update'
  FROM cultuur.invoice i
  JOIN cultuur.contract c ON c.id = i.contract_id
 CROSS JOIN LATERAL generate_series(lower(i.period), upper(i.period) - 1, interval '1 month') m
 WHERE i.kind IN ('ebooks_year', 'film_quarter')
 ORDER BY 1, 2;
-- books: granted as in sql/install/60_grants.sql while still members, then
-- released from the extension (sql/install/70_books.sql)
GRANT SELECT ON cultuur.invoice_recheck, cultuur.invoice_correction TO cultuur_reporting;
ALTER EXTENSION cultuur DROP SEQUENCE cultuur.invoice_recheck_id_seq;
ALTER EXTENSION cultuur DROP TABLE cultuur.invoice_recheck;
ALTER EXTENSION cultuur DROP TABLE cultuur.invoice_correction;

CREATE FUNCTION cultuur.recheck_noted(service text, month date, cause text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
SELECT EXISTS (SELECT 1 FROM cultuur.invoice_recheck r
                WHERE r.service = $1 AND r.month = $2 AND r.cause = $3
                  AND cultuur.xid_is_current(r.xmin))
$$;
COMMENT ON FUNCTION cultuur.recheck_noted(text, date, text) IS 'Internal: whether the current transaction noted this lot, month and cause in invoice_recheck already.';

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

CREATE FUNCTION cultuur.fact_recheck() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r          jsonb;
    svc        text;
    from_month date;
    to_month   date;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- the row as jsonb: one trigger function for four tables
    IF TG_OP = 'DELETE' THEN
        r := to_jsonb(OLD);
    ELSE
        r := to_jsonb(NEW);
    END IF;
    IF TG_TABLE_NAME = 'contract' THEN
        svc := r->>'service';
    ELSE
        SELECT c.service INTO svc FROM cultuur.contract c WHERE c.id = (r->>'contract_id')::integer;
    END IF;
    from_month := CASE TG_TABLE_NAME
                      WHEN 'reach_hold' THEN (r->>'starts_on')::date
                      WHEN 'termination' THEN date_trunc('year', (r->>'effective_end')::date)::date
                      ELSE date_trunc('year', (r->>'starts_on')::date)::date END;
    to_month := CASE WHEN TG_TABLE_NAME = 'reach_hold' THEN (r->>'ends_on')::date ELSE cultuur.today() END;
    IF svc IS NOT NULL THEN
        PERFORM cultuur.note_recheck(svc, from_month, to_month,
                                     CASE TG_TABLE_NAME WHEN 'reach_hold' THEN 'hold' ELSE TG_TABLE_NAME END);
        -- the days a library's film starts count changed: count them again
        -- (a contract from its start, a renewal from its start, a
        -- termination from its end)
        IF TG_TABLE_NAME <> 'reach_hold'
           AND (SELECT s.kind FROM cultuur.service s WHERE s.code = svc) = 'film' THEN
            PERFORM cultuur.recount_usage(
                CASE WHEN TG_TABLE_NAME = 'contract' THEN (r->>'library_id')::integer
                     ELSE (SELECT c.library_id FROM cultuur.contract c WHERE c.id = (r->>'contract_id')::integer) END,
                svc,
                CASE TG_TABLE_NAME WHEN 'termination' THEN (r->>'effective_end')::date
                                   ELSE (r->>'starts_on')::date END);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.fact_recheck() IS 'Trigger: notes the months a hold, termination, renewal or new contract may change in invoices already issued (note_recheck), for the next invoicing run to correct; for a film lot, counts the library''s usage again from the day participation changed (recount_usage).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.reach_hold IS 'A hold entered or removed after its months were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.termination IS 'A termination entered or removed after periods it changes were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.renewal IS 'A renewal entered or removed after periods it changes were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT ON cultuur.contract
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.contract IS 'A contract entered after the months of its start year were invoiced changes the consortium tier of its lot: corrected by the next run (doc/rules.md §9).';

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

CREATE OR REPLACE FUNCTION cultuur.invoice_preview(contract_id integer, kind text, period daterange)
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

CREATE FUNCTION cultuur.stops_the_run(sqlstate text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.left(sqlstate, 2) = ANY (ARRAY['40', '53', '54', '57', '58', 'XX'])
           OR sqlstate = '55P03';
COMMENT ON FUNCTION cultuur.stops_the_run(text) IS 'Whether an error with this SQLSTATE stops an invoicing run (classes 40, 53, 54, 57, 58, XX and 55P03: not the fault of one invoice) rather than skipping the invoice it hit.';

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

CREATE OR REPLACE FUNCTION cultuur.run_invoicing(on_date date)
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

CREATE OR REPLACE FUNCTION cultuur.invoicing_blocked(on_date date)
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

CREATE VIEW cultuur.pending_corrections AS
SELECT * FROM cultuur.corrections_pending();
COMMENT ON VIEW cultuur.pending_corrections IS 'Before a run: every supplementary invoice or credit note the next run_invoicing issues because a fact changed after an invoice was issued (late usage, a tier crossed late, a hold, a termination, a renewal or contract entered late), with the amounts and what changed.';
GRANT SELECT ON cultuur.pending_corrections TO cultuur_reporting;
ALTER EXTENSION cultuur DROP VIEW cultuur.pending_corrections;

-- a book: taken into the extension to be replaced, then released again
ALTER EXTENSION cultuur ADD VIEW cultuur.invoice_balance;
CREATE OR REPLACE VIEW cultuur.invoice_balance AS
SELECT i.id AS invoice_id, i.number, i.library_id, i.contract_id, i.kind, i.period,
       i.issued_on, i.due_on, i.total,
       coalesce(p.paid, 0.00)::cultuur.amount AS paid,
       coalesce(cn.credited, 0.00)::cultuur.amount AS credited,
       (i.total - coalesce(p.paid, 0.00) - coalesce(cn.credited, 0.00))::cultuur.amount AS outstanding
  FROM cultuur.invoice i
  LEFT JOIN (SELECT invoice_id, pg_catalog.sum(amount) AS paid FROM cultuur.payment GROUP BY invoice_id) p
         ON p.invoice_id = i.id
  LEFT JOIN (SELECT credit_for, -pg_catalog.sum(total) AS credited FROM cultuur.invoice
              WHERE kind = 'credit_note' GROUP BY credit_for) cn
         ON cn.credit_for = i.id
 WHERE i.kind <> 'credit_note';
COMMENT ON VIEW cultuur.invoice_balance IS 'Per invoice (a supplementary invoice is one of its own): total, paid, credited (its credit notes, of finance or of a run''s corrections) and outstanding (negative: to be refunded).';

ALTER EXTENSION cultuur DROP VIEW cultuur.invoice_balance;

-- Exit fees (doc/rules.md §6; E 10.4): who gives notice; the exit fee of a
-- subscriber's early termination invoiced by the run; termination_status.
ALTER TABLE cultuur.termination ADD COLUMN given_by text NOT NULL DEFAULT 'subscriber'
    CONSTRAINT termination_given_by CHECK (given_by IN ('subscriber', 'consortium'));
COMMENT ON COLUMN cultuur.termination.given_by IS 'Who gives notice: subscriber (the library; an early end costs the exit fee, E 10.4) or consortium (no exit fee).';
COMMENT ON CONSTRAINT termination_given_by ON cultuur.termination IS 'Notice is given by the subscriber or by the consortium.';
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

CREATE OR REPLACE FUNCTION cultuur.termination_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    given_end date;
    given_fee numeric;
    q         record;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the termination of contract % cannot be changed', OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete it and enter the new notice.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        PERFORM cultuur.refuse_invoiced_exit_fee(OLD.contract_id);
        RETURN OLD;
    END IF;
    given_end := NEW.effective_end;
    given_fee := NEW.exit_fee;
    NEW.effective_end := cultuur.termination_end(NEW.contract_id, NEW.notified_on, NEW.requested_end);
    SELECT * INTO q FROM cultuur.termination_exit_fee(NEW.contract_id, NEW.effective_end, NEW.reason,
                                                      NEW.notified_on, NEW.given_by);
    -- effective_end and exit_fee are computed; values given with the row
    -- (a dump being restored, say) must agree with what the rules give now
    IF (given_end IS NOT NULL AND given_end <> NEW.effective_end)
       OR (given_fee IS NOT NULL AND given_fee <> q.exit_fee) THEN
        RAISE EXCEPTION 'termination of contract %: the given effective end % and exit fee % differ from what the rules give now (% and %)',
                NEW.contract_id, given_end, given_fee, NEW.effective_end, q.exit_fee
            USING ERRCODE = 'CC010',
                  HINT = 'Leave effective_end and exit_fee empty: they are computed (a dump restored with pg_restore or psql keeps them as dumped).';
    END IF;
    NEW.exit_fee := q.exit_fee;
    NEW.exit_fee_note := q.note;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_check() IS 'Trigger on termination: computes the effective end (termination_end) and the exit fee (termination_exit_fee) of a new notice, refuses values given that differ from them and any change (CC010), and its removal while its exit-fee invoice is open (refuse_invoiced_exit_fee).';

CREATE OR REPLACE FUNCTION cultuur.invoice_schedule(through date)
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

REVOKE ALL ON FUNCTION cultuur.invoicing_projection(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cultuur.invoicing_projection(date) TO cultuur_reporting;

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

REVOKE ALL ON FUNCTION cultuur.run_invoicing(date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cultuur.run_invoicing(date, boolean) TO cultuur_finance;

CREATE VIEW cultuur.termination_status AS
SELECT t.contract_id, c.library_id, c.service, t.given_by, t.notified_on, t.effective_end, t.reason,
       t.exit_fee, t.exit_fee_note, b.number AS exit_fee_invoice, b.outstanding,
       CASE WHEN t.exit_fee = 0 THEN 'no exit fee'
            WHEN b.invoice_id IS NULL THEN 'exit fee not invoiced yet'
            WHEN b.outstanding > 0 THEN 'exit fee invoiced, not paid'
            ELSE 'confirmed: exit fee settled' END AS status,
       (t.exit_fee = 0 OR coalesce(b.outstanding <= 0, false)) AS confirmed
  FROM cultuur.termination t
  JOIN cultuur.contract c ON c.id = t.contract_id
  LEFT JOIN cultuur.invoice_balance b ON b.contract_id = t.contract_id AND b.kind = 'exit_fee';
COMMENT ON VIEW cultuur.termination_status IS 'Every termination: who gave notice (subscriber or consortium), the effective end, the exit fee, its invoice and what is open, and whether the termination is confirmed (E 10.4: an early termination by the subscriber is confirmed when its exit-fee invoice is settled; one without exit fee is confirmed at once). The contract is billed until its effective end either way.';
GRANT SELECT ON cultuur.termination_status TO cultuur_reporting;
ALTER EXTENSION cultuur DROP VIEW cultuur.termination_status;

-- Corrected population counts (doc/rules.md §9): entered as corrections,
-- with the old value, reason and author; the next run corrects the
-- invoices that used them.
-- A count corrected after invoices used it (doc/rules.md §9): entered as a
-- correction with its reason, who and when; the count itself changes
-- through it only, and the old value stays here.  The next invoicing run
-- corrects the invoices of the year that used it.
CREATE SEQUENCE cultuur.population_correction_id_seq;
CREATE TABLE cultuur.population_correction (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.population_correction_id_seq'),
    library_id  integer NOT NULL,
    year        integer NOT NULL,
    inhabitants integer NOT NULL CHECK (inhabitants >= 0),
    previous    integer NOT NULL,
    reason      text NOT NULL CONSTRAINT population_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    FOREIGN KEY (library_id, year) REFERENCES cultuur.population
);
ALTER SEQUENCE cultuur.population_correction_id_seq OWNED BY cultuur.population_correction.id;
COMMENT ON TABLE cultuur.population_correction IS 'A corrected count of inhabitants (Statbel''s correction of a published count): enter library_id, year, inhabitants and reason; previous, entered_by and entered_at are filled in, the count is changed, and the next run_invoicing corrects the invoices that used it.';
COMMENT ON CONSTRAINT population_correction_reason ON cultuur.population_correction IS 'A correction says why.';
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON cultuur.population_correction
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate();
COMMENT ON TRIGGER refuse_truncate ON cultuur.population_correction IS 'No TRUNCATE: rows leave the books one by one, through the rules (CC010).';
GRANT SELECT ON cultuur.population_correction TO cultuur_reporting;
GRANT INSERT ON cultuur.population_correction TO cultuur_data_entry, cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.population_correction_id_seq TO cultuur_data_entry, cultuur_finance;
ALTER EXTENSION cultuur DROP SEQUENCE cultuur.population_correction_id_seq;
ALTER EXTENSION cultuur DROP TABLE cultuur.population_correction;
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

CREATE OR REPLACE FUNCTION cultuur.population_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    -- the count of 1 January Y is the basis of the fees of year Y + 1 (E 8.1)
    billed  daterange := daterange(make_date(OLD.year + 1, 1, 1), make_date(OLD.year + 2, 1, 1));
    what    text := format('the population of library %s on 1 January %s', OLD.library_id, OLD.year);
    used    text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    -- its library's per-inhabitant invoices of that year, and those of
    -- every library whose consortium tier volume it was part of; a
    -- correction entered as such (population_correction, this
    -- transaction) changes it anyway: the next run corrects them
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.price_model = 'per_inhabitant'
     WHERE i.kind <> 'credit_note' AND i.period && billed
       AND (c.library_id = OLD.library_id
            OR EXISTS (SELECT 1 FROM cultuur.contract o
                        WHERE o.library_id = OLD.library_id AND o.service = c.service
                          AND o.active && billed))
     ORDER BY c.library_id <> OLD.library_id, i.id LIMIT 1;
    IF TG_OP = 'UPDATE' AND NEW.year = OLD.year AND NEW.library_id = OLD.library_id
       AND cultuur.population_corrected(OLD.library_id, OLD.year, NEW.inhabitants) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Enter a corrected count as a correction (cultuur.population_correction, with its reason): the next invoicing run corrects the invoices.');
    -- an exit fee computed from it: the latest count on or before the exit year
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
     WHERE c.library_id = OLD.library_id AND t.exit_fee > 0
       AND OLD.year = (SELECT max(p.year) FROM cultuur.population p
                        WHERE p.library_id = OLD.library_id
                          AND p.year <= extract(year FROM t.effective_end))
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Delete and re-enter the termination to recompute its exit fee first.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.population_guard() IS 'Trigger: a count of inhabitants cannot be changed or deleted once an issued invoice (its library''s, or one whose consortium tier volume included it) or a recorded exit fee was computed from it (CC010), except by a correction (population_correction) for the invoices.';

-- A corrected count (doc/rules.md §9): the correction row records the old
-- value and who made it, then changes the count (which population_guard
-- lets it do) and notes the year its fees are billed in, for every lot
-- billed per inhabitant (the count is part of each lot's tier volume).
CREATE FUNCTION cultuur.population_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    svc text;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        SELECT p.inhabitants INTO NEW.previous FROM cultuur.population p
         WHERE p.library_id = NEW.library_id AND p.year = NEW.year FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'library % has no count of 1 January % to correct', NEW.library_id, NEW.year
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Enter a count that was never entered in cultuur.population.';
        ELSIF NEW.previous = NEW.inhabitants THEN
            RAISE EXCEPTION 'library %: the count of 1 January % is % already', NEW.library_id, NEW.year, NEW.inhabitants
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.population p SET inhabitants = NEW.inhabitants
     WHERE p.library_id = NEW.library_id AND p.year = NEW.year;
    FOR svc IN SELECT s.code FROM cultuur.service s WHERE s.price_model = 'per_inhabitant' ORDER BY s.code LOOP
        PERFORM cultuur.note_recheck(svc, make_date(NEW.year + 1, 1, 1), make_date(NEW.year + 1, 12, 1), 'population');
    END LOOP;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.population_correction_apply() IS 'Trigger on population_correction: before, records the count it replaces, who and when; after, changes the count and notes the fees of the next year of every lot billed per inhabitant for the next invoicing run.';
CREATE TRIGGER population_correction_record BEFORE INSERT ON cultuur.population_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_correction_apply();
COMMENT ON TRIGGER population_correction_record ON cultuur.population_correction IS 'Records the count a correction replaces, who made it and when.';
CREATE TRIGGER population_correction_apply AFTER INSERT ON cultuur.population_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_correction_apply();
COMMENT ON TRIGGER population_correction_apply ON cultuur.population_correction IS 'Changes the count and notes its invoices for correction (doc/rules.md §9).';

-- Corrected index values, as population counts.
-- A January index value corrected after fees were indexed with it (doc/
-- rules.md §9): as a correction with its reason, who and when, the old
-- value kept; the next invoicing run corrects the invoices indexed with it.
CREATE SEQUENCE cultuur.price_index_correction_id_seq;
CREATE TABLE cultuur.price_index_correction (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.price_index_correction_id_seq'),
    series      text NOT NULL,
    month       date NOT NULL,
    base        integer NOT NULL DEFAULT cultuur.index_base(),
    value       numeric NOT NULL CHECK (value > 0 AND value < 100000),
    previous    numeric NOT NULL,
    reason      text NOT NULL CONSTRAINT price_index_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    FOREIGN KEY (series, base, month) REFERENCES cultuur.price_index
);
ALTER SEQUENCE cultuur.price_index_correction_id_seq OWNED BY cultuur.price_index_correction.id;
COMMENT ON TABLE cultuur.price_index_correction IS 'A corrected index value (a revision Statbel published): enter series, month, value and reason; previous, entered_by and entered_at are filled in, the value is changed, and the next run_invoicing corrects the invoices indexed with it.';
COMMENT ON CONSTRAINT price_index_correction_reason ON cultuur.price_index_correction IS 'A correction says why.';
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON cultuur.price_index_correction
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate();
COMMENT ON TRIGGER refuse_truncate ON cultuur.price_index_correction IS 'No TRUNCATE: rows leave the books one by one, through the rules (CC010).';
GRANT SELECT ON cultuur.price_index_correction TO cultuur_reporting;
GRANT INSERT ON cultuur.price_index_correction TO cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.price_index_correction_id_seq TO cultuur_finance;
ALTER EXTENSION cultuur DROP SEQUENCE cultuur.price_index_correction_id_seq;
ALTER EXTENSION cultuur DROP TABLE cultuur.price_index_correction;
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

CREATE OR REPLACE FUNCTION cultuur.price_index_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    y     integer := extract(year FROM OLD.month)::integer;
    what  text := format('the %s index of %s (base %s)', OLD.series, to_char(OLD.month, 'YYYY-MM'), OLD.base);
    used  text;
BEGIN
    -- fees index with the January values on base 2013 (E 8.8, F 8.5): the
    -- January of the start year (base) and of the billed year
    IF OLD.base <> cultuur.index_base() OR extract(month FROM OLD.month) <> 1
       OR TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE i.kind <> 'credit_note'
       -- the year billed, the start year (the base), and for film the year
       -- after (a renewal term of at most a year started in y, F 8.5)
       AND (extract(year FROM lower(i.period)) = y OR extract(year FROM c.starts_on) = y
            OR (s.renewal = 'agreement' AND extract(year FROM lower(i.period)) = y + 1))
       AND EXISTS (SELECT 1 FROM cultuur.invoice_line l
                    WHERE l.invoice_id = i.id AND l.new_index IS NOT NULL)
     ORDER BY i.id LIMIT 1;
    -- a correction entered as such (price_index_correction, this
    -- transaction) changes it anyway: the next run corrects the invoices
    IF TG_OP = 'UPDATE' AND (NEW.series, NEW.month, NEW.base) = (OLD.series, OLD.month, OLD.base)
       AND cultuur.price_index_corrected(OLD.series, OLD.month, OLD.base, NEW.value) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Enter a revised value as a correction (cultuur.price_index_correction, with its reason): the next invoicing run corrects the invoices.');
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t
      JOIN cultuur.contract c ON c.id = t.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE t.exit_fee > 0 AND t.exit_fee_note LIKE '%; indexed %'
       AND (extract(year FROM c.starts_on) = y OR extract(year FROM t.effective_end) = y)
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used, 'Published index values are final.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.price_index_guard() IS 'Trigger: a January index value on base 2013 cannot be changed or deleted once an issued invoice or a recorded exit fee was indexed with it (CC010), except by a correction (price_index_correction) for the invoices.';

-- A corrected index value (doc/rules.md §9), as population_correction_apply:
-- the old value, who and when recorded; the value changed; every lot
-- indexed with that series noted from January of its year (fees billed
-- that year, and those of contracts that started that year: their base).
CREATE FUNCTION cultuur.price_index_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    svc text;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        SELECT p.value INTO NEW.previous FROM cultuur.price_index p
         WHERE p.series = NEW.series AND p.month = NEW.month AND p.base = NEW.base FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no % index of % (base %) to correct', NEW.series, to_char(NEW.month, 'YYYY-MM'), NEW.base
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Load a value never loaded into cultuur.price_index.';
        ELSIF NEW.previous = NEW.value THEN
            RAISE EXCEPTION 'the % index of % (base %) is % already', NEW.series, to_char(NEW.month, 'YYYY-MM'),
                    NEW.base, NEW.value
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.price_index p SET value = NEW.value
     WHERE p.series = NEW.series AND p.month = NEW.month AND p.base = NEW.base;
    FOR svc IN SELECT s.code FROM cultuur.service s WHERE s.index_series = NEW.series ORDER BY s.code LOOP
        PERFORM cultuur.note_recheck(svc, date_trunc('year', NEW.month)::date, cultuur.today(), 'index');
    END LOOP;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.price_index_correction_apply() IS 'Trigger on price_index_correction: before, records the value it replaces, who and when; after, changes the value and notes every lot indexed with the series, from January of its year, for the next invoicing run.';
CREATE TRIGGER price_index_correction_record BEFORE INSERT ON cultuur.price_index_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_correction_apply();
COMMENT ON TRIGGER price_index_correction_record ON cultuur.price_index_correction IS 'Records the value a correction replaces, who made it and when.';
CREATE TRIGGER price_index_correction_apply AFTER INSERT ON cultuur.price_index_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_correction_apply();
COMMENT ON TRIGGER price_index_correction_apply ON cultuur.price_index_correction IS 'Changes the value and notes its invoices for correction (doc/rules.md §9).';

-- Corrected tariffs (entered wrongly), as population counts.
-- A tariff entered wrongly and invoiced (a price typed in the wrong unit,
-- say): corrected as a correction with its reason, who and when, the old
-- prices kept; the next invoicing run corrects the invoices it priced
-- (doc/rules.md §9).  A real change of price is a price change (E 8.9).
CREATE SEQUENCE cultuur.tariff_correction_id_seq;
CREATE TABLE cultuur.tariff_correction (
    id                 bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.tariff_correction_id_seq'),
    tariff_id          integer NOT NULL REFERENCES cultuur.tariff,
    fixed_fee          numeric(12,2) NOT NULL CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers              cultuur.tiers NOT NULL,
    previous_fixed_fee numeric(12,2) NOT NULL,
    previous_tiers     cultuur.tiers NOT NULL,
    reason             text NOT NULL CONSTRAINT tariff_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by         text NOT NULL,
    entered_at         timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.tariff_correction_id_seq OWNED BY cultuur.tariff_correction.id;
COMMENT ON TABLE cultuur.tariff_correction IS 'A tariff corrected after it priced invoices (entered wrongly, not a price change: that is cultuur.price_change, E 8.9): enter tariff_id, fixed_fee, tiers and reason; the previous prices, entered_by and entered_at are filled in, the tariff is changed, and the next run_invoicing corrects the invoices it priced.';
COMMENT ON CONSTRAINT tariff_correction_reason ON cultuur.tariff_correction IS 'A correction says why.';
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON cultuur.tariff_correction
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate();
COMMENT ON TRIGGER refuse_truncate ON cultuur.tariff_correction IS 'No TRUNCATE: rows leave the books one by one, through the rules (CC010).';
GRANT SELECT ON cultuur.tariff_correction TO cultuur_reporting;
GRANT INSERT ON cultuur.tariff_correction TO cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.tariff_correction_id_seq TO cultuur_finance;
ALTER EXTENSION cultuur DROP SEQUENCE cultuur.tariff_correction_id_seq;
ALTER EXTENSION cultuur DROP TABLE cultuur.tariff_correction;
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

CREATE OR REPLACE FUNCTION cultuur.tariff_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    changed daterange;      -- the days whose price this change alters
    used    text;
BEGIN
    PERFORM cultuur.invoicing_barrier();
    IF TG_OP = 'DELETE'
       OR (NEW.service, NEW.fixed_fee, lower(NEW.valid)) IS DISTINCT FROM (OLD.service, OLD.fixed_fee, lower(OLD.valid))
       OR NOT (NEW.tiers OPERATOR(cultuur.=) OLD.tiers) THEN
        changed := OLD.valid;
    ELSIF upper_inf(OLD.valid) AND NOT upper_inf(NEW.valid) OR upper(NEW.valid) < upper(OLD.valid) THEN
        -- shortened (a price change splits it): only the days it loses
        changed := daterange(upper(NEW.valid), upper(OLD.valid));
    ELSE
        changed := 'empty';
    END IF;
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
     WHERE c.service = OLD.service AND i.kind <> 'credit_note' AND i.period && changed
     ORDER BY i.id LIMIT 1;
    -- a correction entered as such (tariff_correction, this transaction)
    -- changes the prices anyway: the next run corrects the invoices
    IF TG_OP = 'UPDATE' AND (NEW.service, NEW.valid, NEW.exit_rates) IS NOT DISTINCT FROM (OLD.service, OLD.valid, OLD.exit_rates)
       AND cultuur.tariff_corrected(OLD.id, NEW.fixed_fee, NEW.tiers) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(format('tariff %s of service "%s"', OLD.id, OLD.service), used,
        'Record a price change for a coming 1 January (cultuur.price_change, E 8.9); a tariff entered wrongly is corrected as a correction (cultuur.tariff_correction).');
    -- the exit-fee rates of contracts that started under it
    IF TG_OP = 'DELETE' OR NEW.exit_rates IS DISTINCT FROM OLD.exit_rates THEN
        SELECT 'the exit fee of contract ' || t.contract_id INTO used
          FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
         WHERE c.service = OLD.service AND OLD.valid @> c.starts_on AND t.exit_fee > 0
         ORDER BY t.contract_id LIMIT 1;
        PERFORM cultuur.refuse_recorded_change(
            format('the exit-fee rates of tariff %s of service "%s"', OLD.id, OLD.service), used,
            'Rates for contracts that start later belong in a new tariff (cultuur.price_change).');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.tariff_guard() IS 'Trigger: a tariff row cannot be changed or deleted for days that an issued invoice billed (CC010, naming the invoice), nor its exit-fee rates once a termination charged an exit fee from them; prices change through cultuur.price_change, a tariff entered wrongly is corrected through cultuur.tariff_correction.';

-- A corrected tariff (doc/rules.md §9), as population_correction_apply:
-- the old prices, who and when recorded; the tariff changed; its service
-- noted for every month of the years it is valid in, up to today.
CREATE FUNCTION cultuur.tariff_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t cultuur.tariff;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    SELECT * INTO t FROM cultuur.tariff tt WHERE tt.id = NEW.tariff_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tariff % does not exist', NEW.tariff_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        IF t.fixed_fee = NEW.fixed_fee AND t.tiers OPERATOR(cultuur.=) NEW.tiers THEN
            RAISE EXCEPTION 'tariff % has these prices already', NEW.tariff_id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.previous_fixed_fee := t.fixed_fee;
        NEW.previous_tiers := t.tiers;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.tariff tt SET fixed_fee = NEW.fixed_fee, tiers = NEW.tiers WHERE tt.id = NEW.tariff_id;
    -- whole calendar years: a yearly fee per inhabitant is priced by the
    -- tariff in force on its first day, for all its quarters
    PERFORM cultuur.note_recheck(t.service, date_trunc('year', lower(t.valid))::date,
                                 coalesce(make_date(extract(year FROM upper(t.valid) - 1)::integer, 12, 1),
                                          cultuur.today()), 'tariff');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.tariff_correction_apply() IS 'Trigger on tariff_correction: before, records the prices it replaces, who and when; after, changes the tariff and notes its service for every month of its validity, for the next invoicing run.';
CREATE TRIGGER tariff_correction_record BEFORE INSERT ON cultuur.tariff_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_correction_apply();
COMMENT ON TRIGGER tariff_correction_record ON cultuur.tariff_correction IS 'Records the prices a correction replaces, who made it and when.';
CREATE TRIGGER tariff_correction_apply AFTER INSERT ON cultuur.tariff_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_correction_apply();
COMMENT ON TRIGGER tariff_correction_apply ON cultuur.tariff_correction IS 'Changes the tariff and notes its invoices for correction (doc/rules.md §9).';

REVOKE ALL ON FUNCTION cultuur.invoice_lines(integer, text, daterange, cultuur.fee_factors),
                       cultuur.invoices_due_fees(date),
                       cultuur.issue_due_invoices(date),
                       cultuur.start_invoicing_run(date),
                       cultuur.fee_factors_of(integer[], integer[]),
                       cultuur.corrections_due(bigint[], integer),
                       cultuur.issue_corrections(date, bigint[], integer),
                       cultuur.note_recheck(text, date, date, text),
                       cultuur.recheck_noted(text, date, text),
                       cultuur.refuse_invoiced_exit_fee(integer),
                       cultuur.population_corrected(integer, integer, integer),
                       cultuur.population_guard(),
                       cultuur.population_correction_apply(),
                       cultuur.price_index_corrected(text, date, integer, numeric),
                       cultuur.price_index_guard(),
                       cultuur.price_index_correction_apply(),
                       cultuur.tariff_corrected(integer, numeric, cultuur.tiers),
                       cultuur.tariff_guard(),
                       cultuur.tariff_correction_apply(),
                       cultuur.recount_usage(integer, text, date),
                       cultuur.fact_recheck(),
                       cultuur.corrections_pending(),
                       cultuur.run_invoicing_report(date),
                       cultuur.invoicing_blocked(date)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cultuur.invoicing_blocked(date), cultuur.corrections_pending() TO cultuur_reporting;
GRANT EXECUTE ON FUNCTION cultuur.run_invoicing_report(date) TO cultuur_finance;
-- >>> e-book lending (generated by tools/upgrade-section.sh from sql/install/; do not edit here)

-- from sql/install/14_types_lending.sql
-- ---------------------------------------------------------------------
-- Layer 1, types: e-book lending (doc/rules.md §10; E preamble).
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.reservation_state AS ENUM ('queued', 'offered', 'loaned', 'expired', 'cancelled');
COMMENT ON TYPE cultuur.reservation_state IS 'Where a reservation stands: queued (waiting in line), offered (a licence is kept for the member until offer_expires_at), then loaned (the member borrowed it), expired (the offer was not taken in time) or cancelled (the member left the queue or declined the offer).';

CREATE TYPE cultuur.loan_end AS ENUM ('returned', 'expired');
COMMENT ON TYPE cultuur.loan_end IS 'How a loan ended: returned early by the member, or expired at its due time.';

-- What the lending front doors return (types of their own, so that no
-- function of the extension depends on a table of the books, 70_books.sql).
CREATE TYPE cultuur.loan_receipt AS (
    loan_id     bigint,
    title_id    integer,
    licence_id  integer,
    started_at  timestamptz,
    due_at      timestamptz,
    took_offer  boolean
);
COMMENT ON TYPE cultuur.loan_receipt IS 'A loan as cultuur.borrow returns it: the loan, its title and licence, when it started and when it is due back, and whether it took an offer made to the member.';

CREATE TYPE cultuur.reservation_receipt AS (
    reservation_id   bigint,
    title_id         integer,
    state            cultuur.reservation_state,
    queue_position   integer,
    offer_expires_at timestamptz
);
COMMENT ON TYPE cultuur.reservation_receipt IS 'A reservation as cultuur.reserve and cultuur.queue_position return it: its state, its place among the queued reservations of the title (1 = the next to be offered; NULL unless queued) and, while offered, until when the offer stands.';

-- from sql/install/28_tables_lending.sql
-- ---------------------------------------------------------------------
-- Layer 2, tables: e-book lending (doc/rules.md §10, §11; E preamble).
--
-- The e-book agreement lends licences, not files: a licence serves one
-- reader at a time per unit of concurrency; a member has at most 2 loans
-- and 2 reservations; a loan lasts at most 6 weeks and may end early; only
-- members of a subscribing library with a valid membership and a Mijn
-- Bibliotheek profile borrow.  Loans and reservations are kept as history:
-- rows are never moved or deleted, they change state.
-- ---------------------------------------------------------------------

-- What the consortium sets for lending: the days an offer stands.  No row
-- means the default (3 days); finance enters or changes the one row.
CREATE TABLE cultuur.lending_policy (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offer_days  integer NOT NULL DEFAULT 3
                CONSTRAINT lending_policy_offer_days_range CHECK (offer_days BETWEEN 1 AND 14)
);
COMMENT ON TABLE cultuur.lending_policy IS 'The consortium''s lending settings, one row at most: offer_days, the days a freed licence is kept for the first reader in the queue (3 when there is no row).';
COMMENT ON COLUMN cultuur.lending_policy.offer_days IS 'Days an offer stands, counted in Europe/Brussels from the moment it is made (1 to 14; 3 by default).';

-- The secret of the statistics pseudonyms.  Made on first use, never
-- changed (the pseudonyms of every member would change with it), readable
-- by no role; kept by every dump like the other books.
CREATE TABLE cultuur.lending_key (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    key         bytea NOT NULL CONSTRAINT lending_key_32_bytes CHECK (pg_catalog.length(key) = 32),
    made_at     timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE cultuur.lending_key IS 'The secret key of the members'' statistics pseudonyms (HMAC-SHA-256): made from the server''s strong random source on first use, never changed, readable by no role.';

CREATE SEQUENCE cultuur.title_id_seq;
CREATE TABLE cultuur.title (
    id      integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.title_id_seq'),
    name    text NOT NULL CONSTRAINT title_name_valid
                 CHECK (name ~ '[^[:space:]]' AND pg_catalog.length(name) <= 500),
    kind    text NOT NULL DEFAULT 'ebook' CONSTRAINT title_kind_valid CHECK (kind IN ('ebook', 'audiobook')),
    isbn    text UNIQUE CONSTRAINT title_isbn_valid CHECK (isbn ~ '^97[89][0-9]{10}$')
);
ALTER SEQUENCE cultuur.title_id_seq OWNED BY cultuur.title.id;
COMMENT ON TABLE cultuur.title IS 'A title of the e-book service: an e-book or an audiobook, lent through its licences.';
COMMENT ON COLUMN cultuur.title.kind IS 'ebook or audiobook: which usage actions its loans and reservations write (ebook_loaned, audiobook_reserved, ...).';
COMMENT ON COLUMN cultuur.title.isbn IS 'ISBN-13, digits only (optional).';

-- A licence is what a publisher sells (ODL terms): concurrent readers,
-- optionally a number of checkouts (metered by loans) and an end (metered
-- by time), and the longest loan it allows.
CREATE SEQUENCE cultuur.licence_id_seq;
CREATE TABLE cultuur.licence (
    id              integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.licence_id_seq'),
    title_id        integer NOT NULL REFERENCES cultuur.title,
    concurrency     integer NOT NULL DEFAULT 1
                    CONSTRAINT licence_concurrency_range CHECK (concurrency BETWEEN 1 AND 1000),
    checkouts_total integer CONSTRAINT licence_checkouts_total_range CHECK (checkouts_total BETWEEN 1 AND 1000000),
    checkouts_left  integer,
    valid_until     timestamptz CONSTRAINT licence_valid_until_finite CHECK (pg_catalog.isfinite(valid_until)),
    max_loan_days   integer NOT NULL DEFAULT 42
                    CONSTRAINT licence_max_loan_6_weeks CHECK (max_loan_days BETWEEN 1 AND 42),
    acquired_at     timestamptz NOT NULL,
    UNIQUE (id, title_id),
    CONSTRAINT licence_checkouts_left_valid
        CHECK ((checkouts_left IS NULL) = (checkouts_total IS NULL)
               AND checkouts_left BETWEEN 0 AND checkouts_total)
);
ALTER SEQUENCE cultuur.licence_id_seq OWNED BY cultuur.licence.id;
COMMENT ON TABLE cultuur.licence IS 'A licence of a title, with the terms the publisher sold: concurrency (readers at a time), checkouts_total (loans it allows, NULL: unlimited), valid_until (NULL: perpetual), max_loan_days (at most 42, the 6 weeks of the E preamble). checkouts_left is kept by the engine: one less per loan, in the statement that makes the loan.';
COMMENT ON COLUMN cultuur.licence.checkouts_left IS 'Loans the licence still allows (metered licences): checkouts_total minus the loans made on it, written by the engine only; never below zero.';
COMMENT ON COLUMN cultuur.licence.acquired_at IS 'When the licence was entered, filled in by the database.';
COMMENT ON CONSTRAINT licence_checkouts_left_valid ON cultuur.licence IS 'A metered licence has checkouts left between 0 and its total; an unmetered one has neither.';
COMMENT ON CONSTRAINT licence_max_loan_6_weeks ON cultuur.licence IS 'A loan lasts at most 6 weeks (E preamble).';

CREATE SEQUENCE cultuur.member_id_seq;
CREATE TABLE cultuur.member (
    id                  integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.member_id_seq'),
    library_id          integer NOT NULL REFERENCES cultuur.library,
    card_number         text NOT NULL CONSTRAINT member_card_number_valid CHECK (card_number ~ '^[0-9A-Za-z-]{4,32}$'),
    membership_until    date NOT NULL CONSTRAINT member_membership_until_finite CHECK (pg_catalog.isfinite(membership_until)),
    has_profile         boolean NOT NULL DEFAULT false,
    email_notifications boolean NOT NULL DEFAULT false,
    UNIQUE (library_id, card_number)
);
ALTER SEQUENCE cultuur.member_id_seq OWNED BY cultuur.member.id;
COMMENT ON TABLE cultuur.member IS 'A member of a library for the e-book service: the library card, the last day of the membership, whether the member has a Mijn Bibliotheek profile, and whether e-mail notifications are on (off unless the member switched them on). Statistics never carry the member: usage rows carry a pseudonym the database derives with a secret key.';
COMMENT ON COLUMN cultuur.member.membership_until IS 'The last day (in Brussels) the membership is valid.';
COMMENT ON COLUMN cultuur.member.has_profile IS 'Whether the member has a Mijn Bibliotheek profile: needed to borrow and reserve (E preamble).';
COMMENT ON COLUMN cultuur.member.email_notifications IS 'E-mail notifications (an offer, a due date): off unless the member switched them on (opt-in, Bijlage B).';

CREATE SEQUENCE cultuur.loan_id_seq;
CREATE TABLE cultuur.loan (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.loan_id_seq'),
    member_id   integer NOT NULL REFERENCES cultuur.member,
    title_id    integer NOT NULL REFERENCES cultuur.title,
    licence_id  integer NOT NULL,
    slot        integer NOT NULL CONSTRAINT loan_slot_positive CHECK (slot >= 1),
    started_at  timestamptz NOT NULL CONSTRAINT loan_started_at_finite CHECK (pg_catalog.isfinite(started_at)),
    due_at      timestamptz NOT NULL,
    returned_at timestamptz,
    ended       cultuur.loan_end,
    FOREIGN KEY (licence_id, title_id) REFERENCES cultuur.licence (id, title_id),
    CONSTRAINT loan_at_most_6_weeks
        CHECK (due_at > started_at
               AND due_at <= ((started_at AT TIME ZONE 'Europe/Brussels') + interval '42 days') AT TIME ZONE 'Europe/Brussels'),
    CONSTRAINT loan_end_recorded CHECK ((returned_at IS NULL) = (ended IS NULL)),
    CONSTRAINT loan_end_in_term
        CHECK (ended IS NULL
               OR (ended = 'returned' AND returned_at >= started_at AND returned_at < due_at)
               OR (ended = 'expired' AND returned_at = due_at))
);
ALTER SEQUENCE cultuur.loan_id_seq OWNED BY cultuur.loan.id;
-- one reader per licence slot; one open loan of a title per member
CREATE UNIQUE INDEX loan_one_reader_per_slot ON cultuur.loan (licence_id, slot) WHERE returned_at IS NULL;
CREATE UNIQUE INDEX loan_one_per_member_and_title ON cultuur.loan (member_id, title_id) WHERE returned_at IS NULL;
CREATE INDEX loan_open_by_title ON cultuur.loan (title_id, due_at) WHERE returned_at IS NULL;
CREATE INDEX loan_open_by_due ON cultuur.loan (due_at) WHERE returned_at IS NULL;
CREATE INDEX loan_by_licence ON cultuur.loan (licence_id);
COMMENT ON TABLE cultuur.loan IS 'A loan of a licence to a member, kept as history: started, due, and once ended when and how (returned early, or expired at its due time). A loan past its due time counts as returned everywhere; cultuur.expire_due() or the next action on its title writes the end.';
COMMENT ON COLUMN cultuur.loan.slot IS 'Which of the licence''s concurrent readers the loan is (1 to the licence''s concurrency): one open loan per slot.';
COMMENT ON COLUMN cultuur.loan.due_at IS 'When the loan ends by itself: at most the licence''s longest loan (6 weeks) after it started, counted in Europe/Brussels calendar days, and never after the licence expires.';
COMMENT ON CONSTRAINT loan_at_most_6_weeks ON cultuur.loan IS 'A loan lasts at most 6 weeks, counted in Europe/Brussels (E preamble).';
COMMENT ON CONSTRAINT loan_end_in_term ON cultuur.loan IS 'A loan returned early ends before its due time; an expired one at its due time.';
COMMENT ON INDEX cultuur.loan_one_reader_per_slot IS 'A licence slot serves one reader at a time (E preamble), whatever the timing.';
COMMENT ON INDEX cultuur.loan_one_per_member_and_title IS 'A member reads a title once at a time.';

CREATE SEQUENCE cultuur.reservation_id_seq;
CREATE TABLE cultuur.reservation (
    id                bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.reservation_id_seq'),
    title_id          integer NOT NULL REFERENCES cultuur.title,
    member_id         integer NOT NULL REFERENCES cultuur.member,
    placed_at         timestamptz NOT NULL CONSTRAINT reservation_placed_at_finite CHECK (pg_catalog.isfinite(placed_at)),
    state             cultuur.reservation_state NOT NULL DEFAULT 'queued',
    offered_at        timestamptz,
    offer_expires_at  timestamptz,
    closed_at         timestamptz,
    loan_id           bigint REFERENCES cultuur.loan,
    CONSTRAINT reservation_times_fit_state CHECK (CASE state
        WHEN 'queued' THEN offered_at IS NULL AND offer_expires_at IS NULL
                           AND closed_at IS NULL AND loan_id IS NULL
        WHEN 'offered' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NULL AND loan_id IS NULL
        WHEN 'loaned' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NOT NULL AND closed_at >= offered_at AND closed_at < offer_expires_at
                           AND loan_id IS NOT NULL
        WHEN 'expired' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NOT NULL AND closed_at = offer_expires_at AND loan_id IS NULL
        WHEN 'cancelled' THEN closed_at IS NOT NULL AND closed_at >= placed_at AND loan_id IS NULL
                           AND (offered_at IS NULL) = (offer_expires_at IS NULL)
                           AND (offered_at IS NULL OR (offered_at >= placed_at AND offer_expires_at > offered_at
                                                       AND closed_at >= offered_at AND closed_at < offer_expires_at))
        END)
);
ALTER SEQUENCE cultuur.reservation_id_seq OWNED BY cultuur.reservation.id;
CREATE UNIQUE INDEX reservation_one_open_per_member_and_title ON cultuur.reservation (member_id, title_id)
    WHERE state IN ('queued', 'offered');
CREATE INDEX reservation_queue ON cultuur.reservation (title_id, placed_at, id) WHERE state = 'queued';
CREATE INDEX reservation_offers ON cultuur.reservation (title_id, offer_expires_at) WHERE state = 'offered';
CREATE INDEX reservation_offers_by_expiry ON cultuur.reservation (offer_expires_at) WHERE state = 'offered';
COMMENT ON TABLE cultuur.reservation IS 'A member''s place in a title''s queue, kept as history: queued, then offered (a freed licence kept for the member until offer_expires_at), then loaned, expired or cancelled. The queue is first come, first served: by placed_at, then by id.';
COMMENT ON COLUMN cultuur.reservation.placed_at IS 'When the reservation joined the queue (taken under the title''s lock, so that the queue order is the order of arrival).';
COMMENT ON COLUMN cultuur.reservation.loan_id IS 'The loan that took the offer (state loaned).';
COMMENT ON CONSTRAINT reservation_times_fit_state ON cultuur.reservation IS 'Each state has exactly its timestamps: queued none; offered an offer time and an end after it; loaned, expired and cancelled a closing time within the offer (expired: its end).';
COMMENT ON INDEX cultuur.reservation_one_open_per_member_and_title IS 'A member is at most once in a title''s queue.';

-- what each constraint holds
COMMENT ON CONSTRAINT lending_key_32_bytes ON cultuur.lending_key IS 'The key is 32 random bytes.';
COMMENT ON CONSTRAINT lending_policy_offer_days_range ON cultuur.lending_policy IS 'An offer stands 1 to 14 days.';
COMMENT ON CONSTRAINT licence_checkouts_total_range ON cultuur.licence IS 'A metered licence allows 1 to 1,000,000 loans.';
COMMENT ON CONSTRAINT licence_concurrency_range ON cultuur.licence IS 'A licence serves 1 to 1,000 readers at a time.';
COMMENT ON CONSTRAINT licence_id_title_id_key ON cultuur.licence IS 'A licence belongs to one title (the key the loans refer to with their title).';
COMMENT ON CONSTRAINT licence_valid_until_finite ON cultuur.licence IS 'A time-limited licence ends at a finite moment (perpetual: NULL).';
COMMENT ON CONSTRAINT loan_end_recorded ON cultuur.loan IS 'An ended loan records both when and how it ended.';
COMMENT ON CONSTRAINT loan_slot_positive ON cultuur.loan IS 'Slots are numbered from 1.';
COMMENT ON CONSTRAINT loan_started_at_finite ON cultuur.loan IS 'A loan starts at a finite moment.';
COMMENT ON CONSTRAINT member_card_number_valid ON cultuur.member IS 'A library card number: 4 to 32 letters, digits or hyphens (never a name).';
COMMENT ON CONSTRAINT member_library_id_card_number_key ON cultuur.member IS 'A card number is used once per library.';
COMMENT ON CONSTRAINT member_membership_until_finite ON cultuur.member IS 'A membership ends on a finite day.';
COMMENT ON CONSTRAINT reservation_placed_at_finite ON cultuur.reservation IS 'A reservation is placed at a finite moment.';
COMMENT ON CONSTRAINT title_isbn_key ON cultuur.title IS 'An ISBN names one title.';
COMMENT ON CONSTRAINT title_isbn_valid ON cultuur.title IS 'An ISBN-13 of 978 or 979, digits only.';
COMMENT ON CONSTRAINT title_kind_valid ON cultuur.title IS 'A title is an e-book or an audiobook (Bijlage B: ebook_* and audiobook_* actions).';
COMMENT ON CONSTRAINT title_name_valid ON cultuur.title IS 'A title has a name of at most 500 characters, not only spaces.';

-- from sql/install/35_rules_lending.sql
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: e-book lending (doc/rules.md §10, §11).
--
-- Every lending action takes its locks in one order: the member (a loan or
-- reservation that raises the member's count), then the title (every
-- action that changes who holds or waits for its licences), then, in
-- share mode, the member's library (so that a suspension entered at the
-- same moment is either seen or waited for).  A lock is taken by updating
-- a row of engine_lock, so a REPEATABLE READ transaction whose snapshot
-- predates a concurrent holder's commit fails with 40001 instead of
-- counting rows it cannot see.  Ending a loan or a reservation only frees
-- what it held, so it needs the title's lock only.
-- ---------------------------------------------------------------------

-- ---- pseudonyms (doc/rules.md §11) ----

CREATE FUNCTION cultuur.lending_pseudonym(key bytea, member_id bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'lending_pseudonym' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.lending_pseudonym(bytea, bigint) IS 'HMAC-SHA-256 of a member number under a 32-byte key, as 64 lower-case hex digits: the pseudonym usage rows carry.';

CREATE FUNCTION cultuur.lending_new_key() RETURNS bytea
    AS 'MODULE_PATHNAME', 'lending_new_key' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.lending_new_key() IS '32 bytes from the server''s strong random source: a new pseudonym key.';

-- The key is made on first use (not by the install script, so that a
-- data-only load of a dump brings the key the pseudonyms were made with).
CREATE FUNCTION cultuur.member_pseudonym(member_id integer) RETURNS text
    LANGUAGE plpgsql VOLATILE STRICT
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    k bytea;
BEGIN
    SELECT l.key INTO k FROM cultuur.lending_key l;
    IF k IS NULL THEN
        INSERT INTO cultuur.lending_key (key) VALUES (cultuur.lending_new_key())
            ON CONFLICT (only_row) DO NOTHING;
        SELECT l.key INTO k FROM cultuur.lending_key l;
        IF k IS NULL THEN
            RAISE EXCEPTION 'the pseudonym key was made by a concurrent transaction'
                USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
        END IF;
    END IF;
    RETURN cultuur.lending_pseudonym(k, $1);
END;
$$;
COMMENT ON FUNCTION cultuur.member_pseudonym(integer) IS 'The statistics pseudonym of a member: a keyed hash (HMAC-SHA-256) of the member number under the key of lending_key, made on first use. Callable by no role: only the lending engine writes pseudonyms, into usage_event.';

-- ---- time (doc/rules.md §10) ----

-- days counted on the Brussels calendar: a loan started at 10:00 on
-- 20 March is due at 10:00 on 1 May, across the change to summer time,
-- whatever the session's TimeZone
CREATE FUNCTION cultuur.brussels_days_after(at timestamptz, days integer) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((at AT TIME ZONE 'Europe/Brussels') + pg_catalog.make_interval(days => days)) AT TIME ZONE 'Europe/Brussels';
COMMENT ON FUNCTION cultuur.brussels_days_after(timestamptz, integer) IS 'The same wall-clock time in Europe/Brussels a number of calendar days later (so 42 days stay 6 weeks of the Brussels calendar across daylight saving time, whatever the session''s TimeZone).';

CREATE FUNCTION cultuur.lending_offer_days() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT coalesce((SELECT p.offer_days FROM cultuur.lending_policy p), 3) $$;
COMMENT ON FUNCTION cultuur.lending_offer_days() IS 'The days an offer stands: lending_policy.offer_days, or 3.';

-- ---- locks ----

CREATE FUNCTION cultuur.lending_lock_member(member_id integer) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    RETURN cultuur.engine_lock_take('member', $1::text);
COMMENT ON FUNCTION cultuur.lending_lock_member(integer) IS 'Takes the lending lock of a member (first of the lending locks): serialises what raises the member''s loans or reservations.';

CREATE FUNCTION cultuur.lending_lock_title(title_id integer) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    RETURN cultuur.engine_lock_take('title', $1::text);
COMMENT ON FUNCTION cultuur.lending_lock_title(integer) IS 'Takes the lending lock of a title (after the member''s): serialises everything that changes who holds or waits for its licences.';

-- share mode: borrowers of one library do not wait for each other, only
-- for a suspension being entered (suspension_stops_lending takes the row
-- by updating it)
CREATE FUNCTION cultuur.lending_library_barrier(library_id integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.engine_lock l WHERE l.name = 'library' AND l.key = $1::text FOR SHARE;
    IF NOT FOUND THEN
        INSERT INTO cultuur.engine_lock (name, key) VALUES ('library', $1::text)
            ON CONFLICT (name, key) DO NOTHING;
        PERFORM FROM cultuur.engine_lock l WHERE l.name = 'library' AND l.key = $1::text FOR SHARE;
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_library_barrier(integer) IS 'Locks a library''s lending row in share mode (last of the lending locks): a borrow or reservation waits for a suspension of the library being entered, then sees it.';

-- ---- what a title can lend ----

-- Loans a title can start now: per licence in force (not expired) the
-- free slots, at most its checkouts left.  Open loans are counted as
-- written (an overdue loan not yet ended still holds its slot: every
-- action ends them first, lending_settle).
CREATE FUNCTION cultuur.title_capacity(title_id integer, at timestamptz) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT coalesce(sum(greatest(0, least(
                   l.concurrency - (SELECT count(*) FROM cultuur.loan o
                                     WHERE o.licence_id = l.id AND o.returned_at IS NULL),
                   coalesce(l.checkouts_left, l.concurrency)))), 0)::integer
          FROM cultuur.licence l
         WHERE l.title_id = $1 AND (l.valid_until IS NULL OR l.valid_until > $2)
    $$;
COMMENT ON FUNCTION cultuur.title_capacity(integer, timestamptz) IS 'How many loans of a title could start at a moment: free slots of its licences in force, each at most its checkouts left.';

CREATE FUNCTION cultuur.title_offers(title_id integer, at timestamptz) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT count(*)::integer FROM cultuur.reservation r
         WHERE r.title_id = $1 AND r.state = 'offered' AND r.offer_expires_at > $2
    $$;
COMMENT ON FUNCTION cultuur.title_offers(integer, timestamptz) IS 'Offers of a title standing at a moment: each keeps one loan of the title''s capacity for its member.';

CREATE FUNCTION cultuur.title_can_lend_again(title_id integer, at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT EXISTS (SELECT 1 FROM cultuur.licence l
                        WHERE l.title_id = $1 AND (l.valid_until IS NULL OR l.valid_until > $2)
                          AND (l.checkouts_left IS NULL OR l.checkouts_left > 0))
    $$;
COMMENT ON FUNCTION cultuur.title_can_lend_again(integer, timestamptz) IS 'Whether a title has a licence that can still lend (not expired, checkouts left): otherwise a queue would never move.';

-- The licence a new loan takes (Palace's order, doc/rules.md §10): first
-- time-limited ones, soonest expiry first; then perpetual ones; then
-- time-and-loan-limited ones, soonest expiry first; then loan-limited
-- ones, most checkouts left first.  Only licences in force with a free
-- slot and a checkout left; ties by licence number.
CREATE FUNCTION cultuur.licence_for_loan(title_id integer, at timestamptz, licence_id integer DEFAULT NULL)
    RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT l.id FROM cultuur.licence l
         WHERE l.title_id = $1 AND ($3 IS NULL OR l.id = $3)
           AND (l.valid_until IS NULL OR l.valid_until > $2)
           AND (l.checkouts_left IS NULL OR l.checkouts_left > 0)
           AND (SELECT count(*) FROM cultuur.loan o
                 WHERE o.licence_id = l.id AND o.returned_at IS NULL) < l.concurrency
         ORDER BY CASE WHEN l.checkouts_left IS NULL AND l.valid_until IS NOT NULL THEN 1
                       WHEN l.checkouts_left IS NULL THEN 2
                       WHEN l.valid_until IS NOT NULL THEN 3
                       ELSE 4 END,
                  l.valid_until, l.checkouts_left DESC, l.id
         LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.licence_for_loan(integer, timestamptz, integer) IS 'The licence a new loan of a title takes: time-limited ones first (soonest expiry first), then perpetual, then time-and-loan-limited, then loan-limited (most checkouts left first); only licences in force with a free slot and a checkout left. With licence_id, only that one.';

CREATE FUNCTION cultuur.licence_free_slot(licence_id integer) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT s FROM cultuur.licence l, pg_catalog.generate_series(1, l.concurrency) s
         WHERE l.id = $1
           AND NOT EXISTS (SELECT 1 FROM cultuur.loan o
                            WHERE o.licence_id = $1 AND o.slot = s AND o.returned_at IS NULL)
         ORDER BY s LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.licence_free_slot(integer) IS 'The lowest slot of a licence no open loan holds.';

-- A member's place among the queued reservations of a title (1: the next
-- to be offered), NULL when the member is not queued for it.
CREATE FUNCTION cultuur.queue_place(member_id integer, title_id integer) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT (SELECT count(*) FROM cultuur.reservation q
                 WHERE q.title_id = $2 AND q.state = 'queued'
                   AND (q.placed_at, q.id) <= (r.placed_at, r.id))::integer
          FROM cultuur.reservation r
         WHERE r.member_id = $1 AND r.title_id = $2 AND r.state = 'queued'
    $$;
COMMENT ON FUNCTION cultuur.queue_place(integer, integer) IS 'A member''s place among the queued reservations of a title, first come first served (1: the next to be offered); NULL when not queued.';

-- ---- who may borrow (E preamble; doc/rules.md §10) ----

-- Refuses (CC015) a member without a valid membership or a Mijn
-- Bibliotheek profile, or of a library without an e-book contract in force
-- or with its e-book service suspended, on the Brussels day of at.  Takes
-- the library's barrier first.  Names only the member's own library and
-- invoice.  Returns the library.
CREATE FUNCTION cultuur.lending_member_check(member_id integer, at timestamptz) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    m     record;
    day   date := (at AT TIME ZONE 'Europe/Brussels')::date;
    susp  record;
BEGIN
    SELECT x.library_id, x.membership_until, x.has_profile INTO m
      FROM cultuur.member x WHERE x.id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'member % does not exist', $1
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the member first (table cultuur.member).';
    END IF;
    PERFORM cultuur.lending_library_barrier(m.library_id);
    IF m.membership_until < day THEN
        RAISE EXCEPTION 'the membership of member % ended on %', $1, m.membership_until
            USING ERRCODE = 'CC015',
                  DETAIL = 'Only members with a valid membership borrow and reserve e-books (E preamble).',
                  HINT = 'Renew the membership at the library (member.membership_until).';
    END IF;
    IF NOT m.has_profile THEN
        RAISE EXCEPTION 'member % has no Mijn Bibliotheek profile', $1
            USING ERRCODE = 'CC015',
                  DETAIL = 'Only members with a Mijn Bibliotheek profile borrow and reserve e-books (E preamble).',
                  HINT = 'The member creates a profile; then set member.has_profile.';
    END IF;
    IF NOT cultuur.contract_in_force(m.library_id, 'ebooks', day) THEN
        RAISE EXCEPTION 'library % has no e-book contract in force', m.library_id
            USING ERRCODE = 'CC015',
                  DETAIL = format('Only members of a subscribing library borrow and reserve e-books (E preamble); none is in force on %s.', day),
                  HINT = 'Enter the library''s e-book contract (cultuur.contract, service ebooks).';
    END IF;
    SELECT s.starts_on, i.number INTO susp
      FROM cultuur.suspension s
      JOIN cultuur.invoice i ON i.id = s.invoice_id
      JOIN cultuur.contract c ON c.id = i.contract_id
     WHERE i.library_id = m.library_id AND c.service = 'ebooks'
       AND s.starts_on <= day AND (s.lifted_on IS NULL OR s.lifted_on > day)
     ORDER BY s.starts_on LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the e-book service of library % is suspended since % (invoice %)', m.library_id, susp.starts_on, susp.number
            USING ERRCODE = 'CC015',
                  DETAIL = 'A library whose service is suspended for an unpaid invoice cannot lend (E 8.7).',
                  HINT = 'Lending resumes once the invoice is paid or finance lifts the suspension.';
    END IF;
    RETURN m.library_id;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_member_check(integer, timestamptz) IS 'Refuses (CC015) a member who may not borrow or reserve on the day of at (Brussels): no valid membership, no Mijn Bibliotheek profile, no e-book contract of the library in force, or its e-book service suspended; waits first for a suspension of the library being entered. Returns the library.';

-- ---- usage (Bijlage B; doc/rules.md §8, §11) ----

CREATE FUNCTION cultuur.lending_usage(member_id integer, title_id integer, what text, at timestamptz)
    RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
        SELECT m.library_id, cultuur.member_pseudonym(m.id), 'ebooks',
               (t.kind || '_' || $3)::cultuur.usage_action, $4
          FROM cultuur.member m, cultuur.title t
         WHERE m.id = $1 AND t.id = $2
    $$;
COMMENT ON FUNCTION cultuur.lending_usage(integer, integer, text, timestamptz) IS 'Writes the usage action of a loan or reservation (ebook_loaned, ebook_reserved, audiobook_loaned, audiobook_reserved) with the member''s pseudonym only, in the same transaction.';

-- ---- hand-off (doc/rules.md §10) ----

-- Brings a title up to a moment, under its lock: ends the loans due by
-- then, expires the offers that ran out, and offers every loan the title
-- can start to the first queued reservations, in queue order.  Rows another
-- transaction is ending at the same moment are left to it (SKIP LOCKED:
-- that transaction hands on what it frees).  Idempotent.
CREATE FUNCTION cultuur.lending_settle(title_id integer, as_of timestamptz,
        OUT loans_ended integer, OUT offers_expired integer, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    id_    bigint;
    free   integer;
    tries  integer := 0;
BEGIN
    loans_ended := 0;
    offers_expired := 0;
    offers_made := 0;
    FOR id_ IN SELECT o.id FROM cultuur.loan o
                WHERE o.title_id = $1 AND o.returned_at IS NULL AND o.due_at <= $2
                ORDER BY o.id FOR UPDATE SKIP LOCKED LOOP
        -- (a nested hand-off may have ended it already)
        UPDATE cultuur.loan o SET returned_at = o.due_at, ended = 'expired'
         WHERE o.id = id_ AND o.returned_at IS NULL;
        IF FOUND THEN
            loans_ended := loans_ended + 1;
        END IF;
    END LOOP;
    FOR id_ IN SELECT r.id FROM cultuur.reservation r
                WHERE r.title_id = $1 AND r.state = 'offered' AND r.offer_expires_at <= $2
                ORDER BY r.id FOR UPDATE SKIP LOCKED LOOP
        UPDATE cultuur.reservation r SET state = 'expired'
         WHERE r.id = id_ AND r.state = 'offered';
        IF FOUND THEN
            offers_expired := offers_expired + 1;
        END IF;
    END LOOP;
    -- offers are made now, for what the title can lend now
    free := cultuur.title_capacity($1, pg_catalog.clock_timestamp())
            - cultuur.title_offers($1, pg_catalog.clock_timestamp());
    WHILE free > 0 AND tries < 1000 LOOP
        tries := tries + 1;
        SELECT r.id INTO id_ FROM cultuur.reservation r
         WHERE r.title_id = $1 AND r.state = 'queued'
         ORDER BY r.placed_at, r.id LIMIT 1 FOR UPDATE;
        EXIT WHEN NOT FOUND;
        UPDATE cultuur.reservation r SET state = 'offered' WHERE r.id = id_ AND r.state = 'queued';
        IF FOUND THEN
            offers_made := offers_made + 1;
            free := free - 1;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_settle(integer, timestamptz) IS 'Under the title''s lock: ends the loans due by as_of, expires the offers that ran out, and offers what the title can lend to the first queued reservations in order. Idempotent; called by every lending action and by cultuur.expire_due().';

-- from sql/install/47_triggers_lending.sql
-- ---------------------------------------------------------------------
-- Layer 4, triggers: e-book lending (doc/rules.md §10, §11).
--
-- The rules hold whatever the entry path: cultuur.borrow() is an INSERT
-- into loan, give_back() an UPDATE of its returned_at, reserve() an INSERT
-- into reservation, cancel_reservation() an UPDATE of its state; the
-- triggers below check and complete every such row, so a direct INSERT or
-- UPDATE obeys exactly the rules the front doors do.  A hand-off (a freed
-- licence offered to the first reader in the queue) runs in the same
-- transaction as what freed it; the hand-offs it makes itself do not start
-- another (pg_trigger_depth).
-- ---------------------------------------------------------------------

-- ---- licences ----

CREATE FUNCTION cultuur.licence_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    used bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF cultuur.restoring() THEN
            RETURN NEW;
        END IF;
        NEW.checkouts_left := NEW.checkouts_total;
        NEW.acquired_at := transaction_timestamp();
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.title_id, NEW.concurrency, NEW.checkouts_total, NEW.valid_until, NEW.max_loan_days, NEW.acquired_at)
       IS DISTINCT FROM
       (OLD.id, OLD.title_id, OLD.concurrency, OLD.checkouts_total, OLD.valid_until, OLD.max_loan_days, OLD.acquired_at) THEN
        RAISE EXCEPTION 'the terms of licence % never change', OLD.id
            USING ERRCODE = 'CC010',
                  DETAIL = 'Its loans were made under them.',
                  HINT = 'Enter the new terms as a new licence of the title.';
    END IF;
    IF NEW.checkouts_left IS DISTINCT FROM OLD.checkouts_left THEN
        SELECT count(*) INTO used FROM cultuur.loan o WHERE o.licence_id = OLD.id;
        IF NEW.checkouts_left IS DISTINCT FROM OLD.checkouts_total - used THEN
            RAISE EXCEPTION 'checkouts left of licence % are its total less its loans (% - %)', OLD.id, OLD.checkouts_total, used
                USING ERRCODE = 'CC010',
                      HINT = 'The count is kept by the database: one less per loan, in the statement that makes the loan.';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.licence_check() IS 'Trigger: a new licence starts with all its checkouts; its terms never change; checkouts_left is always checkouts_total less the loans made on it (CC010).';
CREATE TRIGGER licence_rules BEFORE INSERT OR UPDATE ON cultuur.licence
    FOR EACH ROW EXECUTE FUNCTION cultuur.licence_check();
COMMENT ON TRIGGER licence_rules ON cultuur.licence IS 'A licence''s terms never change; its checkouts left are kept by the database (CC010).';

-- a licence bought for a title with a queue is offered at once
CREATE FUNCTION cultuur.licence_added() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    PERFORM cultuur.lending_settle(NEW.title_id, clock_timestamp());
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.licence_added() IS 'Trigger: a new licence of a title is offered to its queue at once.';
CREATE TRIGGER licence_added AFTER INSERT ON cultuur.licence
    FOR EACH ROW EXECUTE FUNCTION cultuur.licence_added();
COMMENT ON TRIGGER licence_added ON cultuur.licence IS 'A new licence is offered to the title''s queue in the same transaction.';

-- ---- members ----

CREATE FUNCTION cultuur.member_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.library_id IS DISTINCT FROM OLD.library_id THEN
        RAISE EXCEPTION 'member % stays a member of library %', OLD.id, OLD.library_id
            USING ERRCODE = 'CC010',
                  DETAIL = 'A member''s loans, reservations and statistics belong to the library.',
                  HINT = 'Enter the person as a new member of the other library.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.member_check() IS 'Trigger: a member''s number and library never change (CC010).';
CREATE TRIGGER member_rules BEFORE UPDATE ON cultuur.member
    FOR EACH ROW EXECUTE FUNCTION cultuur.member_check();
COMMENT ON TRIGGER member_rules ON cultuur.member IS 'A member''s number and library never change (CC010).';

-- ---- loans ----

-- A new loan (E preamble): the member may borrow (membership, profile,
-- library's contract in force and not suspended), has fewer than 2 loans
-- and does not read the title already; the title has a loan free for the
-- member (an offer made to the member, or capacity no offer keeps); the
-- licence is chosen (licence_for_loan), the slot, the start and the due
-- time (at most the licence's longest loan, counted in Brussels, never
-- after the licence expires) are set by the database.
CREATE FUNCTION cultuur.loan_start() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at       timestamptz;
    n        integer;
    next_due timestamptz;
    offer    bigint;
    place    integer;
    queued   integer;
    lic      record;
    cap      timestamptz;
    started  timestamptz := transaction_timestamp();
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF NEW.member_id IS NULL OR NEW.title_id IS NULL THEN
        RAISE EXCEPTION 'a loan names its member and its title'
            USING ERRCODE = 'not_null_violation', HINT = 'Give member_id and title_id (or call cultuur.borrow).';
    END IF;
    PERFORM cultuur.lending_lock_member(NEW.member_id);
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    at := clock_timestamp();
    IF NOT EXISTS (SELECT 1 FROM cultuur.title t WHERE t.id = NEW.title_id) THEN
        RAISE EXCEPTION 'title % does not exist', NEW.title_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the title and its licences first.';
    END IF;
    PERFORM cultuur.lending_settle(NEW.title_id, at);
    PERFORM cultuur.lending_member_check(NEW.member_id, at);
    IF EXISTS (SELECT 1 FROM cultuur.loan o
                WHERE o.member_id = NEW.member_id AND o.title_id = NEW.title_id
                  AND o.returned_at IS NULL AND o.due_at > at) THEN
        RAISE EXCEPTION 'member % is reading title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016', HINT = 'A member borrows a title once at a time.';
    END IF;
    SELECT count(*)::integer, min(o.due_at) INTO n, next_due FROM cultuur.loan o
     WHERE o.member_id = NEW.member_id AND o.returned_at IS NULL AND o.due_at > at;
    IF n >= 2 THEN
        RAISE EXCEPTION 'member % has 2 loans already', NEW.member_id
            USING ERRCODE = 'CC016',
                  DETAIL = 'A member has at most 2 loans at a time (E preamble).',
                  HINT = format('Return one first (cultuur.give_back); the first ends by itself at %s (Brussels).',
                                to_char(next_due AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'));
    END IF;
    SELECT r.id INTO offer FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id
       AND r.state = 'offered' AND r.offer_expires_at > at
       FOR UPDATE;
    IF offer IS NULL
       AND cultuur.title_capacity(NEW.title_id, at) - cultuur.title_offers(NEW.title_id, at) <= 0 THEN
        IF NOT cultuur.title_can_lend_again(NEW.title_id, at) THEN
            RAISE EXCEPTION 'title % has no licence left to lend', NEW.title_id
                USING ERRCODE = 'CC017',
                      DETAIL = 'Its licences have expired or used up their checkouts.',
                      HINT = 'The consortium can buy a new licence of the title.';
        END IF;
        SELECT count(*)::integer, (count(*) FILTER (WHERE r.member_id = NEW.member_id))::integer
          INTO queued, place
          FROM cultuur.reservation r WHERE r.title_id = NEW.title_id AND r.state = 'queued';
        SELECT min(o.due_at) INTO next_due FROM cultuur.loan o
         WHERE o.title_id = NEW.title_id AND o.returned_at IS NULL AND o.due_at > at;
        IF place > 0 THEN
            place := cultuur.queue_place(NEW.member_id, NEW.title_id);
            RAISE EXCEPTION 'no licence of title % is free for member %', NEW.title_id, NEW.member_id
                USING ERRCODE = 'CC017',
                      DETAIL = format('The member is number %s in the queue.', place),
                      HINT = 'The member is offered the title when a licence comes free to them (cultuur.queue_position).';
        END IF;
        RAISE EXCEPTION 'no licence of title % is free', NEW.title_id
            USING ERRCODE = 'CC017',
                  DETAIL = format('%s reader(s) in the queue.', queued),
                  HINT = CASE WHEN next_due IS NULL
                              THEN 'No licence can lend it now; reserve it (cultuur.reserve) to be offered the first that does.'
                              ELSE format('Reserve it (cultuur.reserve); the first licence is due back by %s (Brussels).',
                                          to_char(next_due AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'))
                         END;
    END IF;
    SELECT l.id, l.valid_until, l.max_loan_days INTO lic FROM cultuur.licence l
     WHERE l.id = cultuur.licence_for_loan(NEW.title_id, at, NEW.licence_id);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no licence of title % can lend now%', NEW.title_id,
                        CASE WHEN NEW.licence_id IS NOT NULL THEN format(' (licence %s asked for)', NEW.licence_id) ELSE '' END
            USING ERRCODE = 'CC017',
                  HINT = CASE WHEN NEW.licence_id IS NOT NULL
                              THEN 'Leave licence_id out: the database chooses a licence that fits.'
                              ELSE 'The licences of the title are taken, expired or used up.' END;
    END IF;
    -- a loan starts when its transaction does (as every entry of the
    -- books: entered_at), so a loan of n days is due n Brussels days later
    cap := cultuur.brussels_days_after(started, lic.max_loan_days);
    IF lic.valid_until < cap THEN
        cap := lic.valid_until;
    END IF;
    IF NEW.due_at IS NULL THEN
        NEW.due_at := cap;
    ELSIF NOT isfinite(NEW.due_at) OR NEW.due_at <= started OR NEW.due_at > cap THEN
        RAISE EXCEPTION 'a loan of title % cannot be due at the time asked for', NEW.title_id
            USING ERRCODE = 'CC018',
                  DETAIL = format('Asked for %s; its licence lends for at most %s days%s (E preamble: at most 6 weeks).', NEW.due_at, lic.max_loan_days,
                                  CASE WHEN lic.valid_until = cap THEN ' and expires before that' ELSE '' END),
                  HINT = format('Give a due time after the start and by %s (Brussels), or none.',
                                to_char(cap AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'));
    END IF;
    NEW.licence_id := lic.id;
    NEW.slot := cultuur.licence_free_slot(lic.id);
    NEW.started_at := started;
    NEW.returned_at := NULL;
    NEW.ended := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_start() IS 'Trigger: checks and completes a new loan: the member may borrow (CC015), has fewer than 2 loans and does not read the title already (CC016), the title has a loan free for the member (CC017: an offer made to them, or capacity no offer keeps); sets the licence, slot, start and due time (at most the licence''s longest loan in Brussels days, never after it expires; a due time asked for beyond that: CC018).';
CREATE TRIGGER loan_rules BEFORE INSERT ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_start();
COMMENT ON TRIGGER loan_rules ON cultuur.loan IS 'Who may borrow, the 2-loan limit, one reader per licence slot, the 6 weeks (CC015-CC018; E preamble).';

-- what a loan writes in its own statement: the licence's checkout, the
-- offer it took, and its usage action
CREATE FUNCTION cultuur.loan_started() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    UPDATE cultuur.licence l SET checkouts_left = l.checkouts_left - 1
     WHERE l.id = NEW.licence_id AND l.checkouts_left IS NOT NULL;
    UPDATE cultuur.reservation r SET state = 'loaned', loan_id = NEW.id
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id AND r.state = 'offered';
    PERFORM cultuur.lending_usage(NEW.member_id, NEW.title_id, 'loaned', NEW.started_at);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_started() IS 'Trigger: a new loan uses one checkout of a metered licence, takes the offer made to the member, and writes its usage action (ebook_loaned or audiobook_loaned) with the member''s pseudonym.';
CREATE TRIGGER loan_started AFTER INSERT ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_started();
COMMENT ON TRIGGER loan_started ON cultuur.loan IS 'The checkout, the offer taken and the usage action, in the statement of the loan.';

-- Ending a loan: only returned_at is asked for; the database sets when and
-- how (returned now, or expired at its due time when that has passed).
CREATE FUNCTION cultuur.loan_end() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at timestamptz;
BEGIN
    IF OLD.returned_at IS NOT NULL THEN
        RAISE EXCEPTION 'loan % ended already (%)', OLD.id, OLD.ended
            USING ERRCODE = 'CC018', DETAIL = format('It ended at %s.', OLD.returned_at),
                  HINT = 'An ended loan is history; it never changes.';
    END IF;
    IF (NEW.id, NEW.member_id, NEW.title_id, NEW.licence_id, NEW.slot, NEW.started_at, NEW.due_at)
       IS DISTINCT FROM
       (OLD.id, OLD.member_id, OLD.title_id, OLD.licence_id, OLD.slot, OLD.started_at, OLD.due_at) THEN
        RAISE EXCEPTION 'loan % keeps its member, title, licence and times', OLD.id
            USING ERRCODE = 'CC018', HINT = 'A loan can only end: set returned_at (or call cultuur.give_back).';
    END IF;
    IF NEW.returned_at IS NULL AND NEW.ended IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM cultuur.lending_lock_title(OLD.title_id);
    at := clock_timestamp();
    IF OLD.due_at <= at THEN
        NEW.returned_at := OLD.due_at;
        NEW.ended := 'expired';
    ELSE
        NEW.returned_at := at;
        NEW.ended := 'returned';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_end() IS 'Trigger: a loan only ends, once: returned now, or expired at its due time when that has passed (the database sets when and how); nothing else of it changes (CC018).';
CREATE TRIGGER loan_end BEFORE UPDATE ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_end();
COMMENT ON TRIGGER loan_end ON cultuur.loan IS 'A loan only ends, once; the database records when and how (CC018).';

CREATE FUNCTION cultuur.lending_hand_on() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    -- the hand-off's own changes do not start another
    IF pg_trigger_depth() = 1 THEN
        PERFORM cultuur.lending_lock_title(NEW.title_id);
        PERFORM cultuur.lending_settle(NEW.title_id, clock_timestamp());
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_hand_on() IS 'Trigger: what a loan''s end, or a cancelled or expired offer, frees is offered to the first reader in the title''s queue in the same transaction.';
CREATE TRIGGER loan_hand_on AFTER UPDATE OF returned_at ON cultuur.loan
    FOR EACH ROW WHEN (OLD.returned_at IS NULL AND NEW.returned_at IS NOT NULL)
    EXECUTE FUNCTION cultuur.lending_hand_on();
COMMENT ON TRIGGER loan_hand_on ON cultuur.loan IS 'A returned or expired loan''s licence goes to the first reader in the queue, in the same transaction.';

CREATE FUNCTION cultuur.lending_history_kept() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION '% % is history and is never deleted', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'CC010', HINT = 'End it instead (cultuur.give_back, cultuur.cancel_reservation).';
END;
$$;
COMMENT ON FUNCTION cultuur.lending_history_kept() IS 'Trigger: loans and reservations are never deleted (CC010).';
CREATE TRIGGER loan_kept BEFORE DELETE ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_history_kept();
COMMENT ON TRIGGER loan_kept ON cultuur.loan IS 'Loans are history: never deleted (CC010).';

-- ---- reservations ----

-- A new reservation: the member may reserve (as for a loan), has fewer than
-- 2 reservations, does not read the title and is not in its queue; the
-- title cannot lend to the member now but can lend again.  Its place in the
-- queue is the moment it is made, under the title's lock, then its id.
CREATE FUNCTION cultuur.reservation_place() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at  timestamptz;
    n   integer;
    own record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF NEW.member_id IS NULL OR NEW.title_id IS NULL THEN
        RAISE EXCEPTION 'a reservation names its member and its title'
            USING ERRCODE = 'not_null_violation', HINT = 'Give member_id and title_id (or call cultuur.reserve).';
    END IF;
    PERFORM cultuur.lending_lock_member(NEW.member_id);
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    at := clock_timestamp();
    IF NOT EXISTS (SELECT 1 FROM cultuur.title t WHERE t.id = NEW.title_id) THEN
        RAISE EXCEPTION 'title % does not exist', NEW.title_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the title and its licences first.';
    END IF;
    PERFORM cultuur.lending_settle(NEW.title_id, at);
    PERFORM cultuur.lending_member_check(NEW.member_id, at);
    IF EXISTS (SELECT 1 FROM cultuur.loan o
                WHERE o.member_id = NEW.member_id AND o.title_id = NEW.title_id
                  AND o.returned_at IS NULL AND o.due_at > at) THEN
        RAISE EXCEPTION 'member % is reading title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016', HINT = 'A member never reserves a title they are reading.';
    END IF;
    SELECT r.state, r.offer_expires_at INTO own FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id AND r.state IN ('queued', 'offered');
    IF FOUND THEN
        RAISE EXCEPTION 'member % has reserved title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016',
                  DETAIL = CASE own.state WHEN 'offered'
                                THEN format('A licence is kept for the member until %s (Brussels).',
                                            to_char(own.offer_expires_at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'))
                                ELSE format('The member is number %s in the queue.', cultuur.queue_place(NEW.member_id, NEW.title_id))
                           END,
                  HINT = 'A member is once in a title''s queue.';
    END IF;
    SELECT count(*)::integer INTO n FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id
       AND (r.state = 'queued' OR (r.state = 'offered' AND r.offer_expires_at > at));
    IF n >= 2 THEN
        RAISE EXCEPTION 'member % has 2 reservations already', NEW.member_id
            USING ERRCODE = 'CC016',
                  DETAIL = 'A member has at most 2 reservations at a time (E preamble).',
                  HINT = 'Cancel one first (cultuur.cancel_reservation), or wait until one is offered and borrowed.';
    END IF;
    IF NOT cultuur.title_can_lend_again(NEW.title_id, at) THEN
        RAISE EXCEPTION 'title % has no licence left to lend', NEW.title_id
            USING ERRCODE = 'CC017',
                  DETAIL = 'Its licences have expired or used up their checkouts; a queue would never move.',
                  HINT = 'The consortium can buy a new licence of the title.';
    END IF;
    IF cultuur.title_capacity(NEW.title_id, at) - cultuur.title_offers(NEW.title_id, at) > 0 THEN
        RAISE EXCEPTION 'title % is free: borrow it instead of reserving', NEW.title_id
            USING ERRCODE = 'CC017', HINT = 'Call cultuur.borrow.';
    END IF;
    NEW.placed_at := clock_timestamp();
    NEW.state := 'queued';
    NEW.offered_at := NULL;
    NEW.offer_expires_at := NULL;
    NEW.closed_at := NULL;
    NEW.loan_id := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_place() IS 'Trigger: checks and completes a new reservation: the member may reserve (CC015), has fewer than 2 reservations, is not reading the title nor in its queue (CC016); the title cannot lend now but can lend again (CC017); the place in the queue is set by the database.';
CREATE TRIGGER reservation_rules BEFORE INSERT ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_place();
COMMENT ON TRIGGER reservation_rules ON cultuur.reservation IS 'Who may reserve, the 2-reservation limit, never a title the member reads, first come first served (CC015-CC017; E preamble).';

CREATE FUNCTION cultuur.reservation_placed() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.lending_usage(NEW.member_id, NEW.title_id, 'reserved', NEW.placed_at);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_placed() IS 'Trigger: a new reservation writes its usage action (ebook_reserved or audiobook_reserved) with the member''s pseudonym.';
CREATE TRIGGER reservation_placed AFTER INSERT ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_placed();
COMMENT ON TRIGGER reservation_placed ON cultuur.reservation IS 'The usage action of the reservation, in its statement.';

-- The life of a reservation: queued -> offered -> loaned | expired |
-- cancelled, or queued -> cancelled.  Only the state (and, for loaned, the
-- loan) is asked for; the database sets the times.  An offer goes only to
-- the first queued reservation while the title has a loan no offer keeps;
-- it expires only once its time has passed; it is loaned only by the
-- member's own open loan of the title.
CREATE FUNCTION cultuur.reservation_move() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at    timestamptz;
    l     record;
BEGIN
    IF (NEW.id, NEW.title_id, NEW.member_id, NEW.placed_at) IS DISTINCT FROM (OLD.id, OLD.title_id, OLD.member_id, OLD.placed_at) THEN
        RAISE EXCEPTION 'reservation % keeps its member, title and place in the queue', OLD.id
            USING ERRCODE = 'CC018', HINT = 'Cancel it and reserve again (the new place is at the end of the queue).';
    END IF;
    IF NEW.state = OLD.state THEN
        IF (NEW.offered_at, NEW.offer_expires_at, NEW.closed_at, NEW.loan_id)
           IS DISTINCT FROM (OLD.offered_at, OLD.offer_expires_at, OLD.closed_at, OLD.loan_id) THEN
            RAISE EXCEPTION 'the times of reservation % are set by the database', OLD.id
                USING ERRCODE = 'CC018', HINT = 'Change its state only.';
        END IF;
        RETURN NEW;
    END IF;
    -- leaving the queue frees nothing: no lock needed (and none taken, so
    -- that a hand-off waiting for this row cannot deadlock with it)
    IF NOT (OLD.state = 'queued' AND NEW.state = 'cancelled') THEN
        PERFORM cultuur.lending_lock_title(OLD.title_id);
    END IF;
    at := clock_timestamp();
    NEW.offered_at := OLD.offered_at;
    NEW.offer_expires_at := OLD.offer_expires_at;
    NEW.closed_at := NULL;
    IF NEW.state <> 'loaned' THEN
        NEW.loan_id := NULL;
    END IF;
    IF OLD.state = 'queued' AND NEW.state = 'offered' THEN
        IF EXISTS (SELECT 1 FROM cultuur.reservation r
                    WHERE r.title_id = OLD.title_id AND r.state = 'queued'
                      AND (r.placed_at, r.id) < (OLD.placed_at, OLD.id)) THEN
            RAISE EXCEPTION 'reservation % is not first in the queue of title %', OLD.id, OLD.title_id
                USING ERRCODE = 'CC018', HINT = 'Offers go in queue order (first come, first served).';
        END IF;
        IF cultuur.title_capacity(OLD.title_id, at) - cultuur.title_offers(OLD.title_id, at) <= 0 THEN
            RAISE EXCEPTION 'title % has no licence free to offer', OLD.title_id
                USING ERRCODE = 'CC018', HINT = 'An offer keeps a loan the title can start; the next one is offered when a licence comes free.';
        END IF;
        NEW.offered_at := at;
        NEW.offer_expires_at := cultuur.brussels_days_after(at, cultuur.lending_offer_days());
    ELSIF OLD.state = 'queued' AND NEW.state = 'cancelled' THEN
        NEW.closed_at := at;
    ELSIF OLD.state = 'offered' AND NEW.state IN ('cancelled', 'expired') THEN
        IF OLD.offer_expires_at <= at THEN
            NEW.state := 'expired';
            NEW.closed_at := OLD.offer_expires_at;
        ELSIF NEW.state = 'expired' THEN
            RAISE EXCEPTION 'the offer of reservation % still stands', OLD.id
                USING ERRCODE = 'CC018', DETAIL = format('It stands until %s.', OLD.offer_expires_at),
                      HINT = 'Cancel it to decline the offer.';
        ELSE
            NEW.closed_at := at;
        END IF;
    ELSIF OLD.state = 'offered' AND NEW.state = 'loaned' THEN
        SELECT o.started_at INTO l FROM cultuur.loan o
         WHERE o.id = NEW.loan_id AND o.member_id = OLD.member_id AND o.title_id = OLD.title_id
           AND o.returned_at IS NULL;
        IF NOT FOUND OR l.started_at >= OLD.offer_expires_at THEN
            RAISE EXCEPTION 'reservation % is loaned only by its member''s open loan of the title, within the offer', OLD.id
                USING ERRCODE = 'CC018', HINT = 'Borrow the title (cultuur.borrow): the loan takes the offer.';
        END IF;
        NEW.closed_at := greatest(l.started_at, OLD.offered_at);
    ELSE
        RAISE EXCEPTION 'reservation % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'CC018',
                  HINT = 'A reservation goes queued -> offered -> loaned, expired or cancelled, or queued -> cancelled.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_move() IS 'Trigger: a reservation changes only its state, along queued -> offered -> loaned | expired | cancelled or queued -> cancelled; an offer only to the first queued reservation while the title has a loan free, an expiry only once the offer ran out, a loan only by the member''s own loan; the database sets the times (CC018).';
CREATE TRIGGER reservation_move BEFORE UPDATE ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_move();
COMMENT ON TRIGGER reservation_move ON cultuur.reservation IS 'The life cycle of a reservation, its times set by the database (CC018).';
CREATE TRIGGER reservation_hand_on AFTER UPDATE OF state ON cultuur.reservation
    FOR EACH ROW WHEN (OLD.state = 'offered' AND NEW.state IN ('expired', 'cancelled'))
    EXECUTE FUNCTION cultuur.lending_hand_on();
COMMENT ON TRIGGER reservation_hand_on ON cultuur.reservation IS 'A declined or expired offer passes on to the next reader in the queue, in the same transaction.';
CREATE TRIGGER reservation_kept BEFORE DELETE ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_history_kept();
COMMENT ON TRIGGER reservation_kept ON cultuur.reservation IS 'Reservations are history: never deleted (CC010).';

-- ---- the key and suspensions ----

CREATE FUNCTION cultuur.lending_key_kept() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'the pseudonym key never changes'
        USING ERRCODE = 'CC010',
              DETAIL = 'Every member''s statistics pseudonym is derived from it: a new key would make the same readers new users.';
END;
$$;
COMMENT ON FUNCTION cultuur.lending_key_kept() IS 'Trigger: the pseudonym key is never changed or deleted (CC010).';
CREATE TRIGGER lending_key_kept BEFORE UPDATE OR DELETE ON cultuur.lending_key
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_key_kept();
COMMENT ON TRIGGER lending_key_kept ON cultuur.lending_key IS 'The pseudonym key never changes (CC010).';

-- A suspension takes its library's lending row (lending_library_barrier):
-- a borrow or reservation under way waits for it and then sees it.
CREATE FUNCTION cultuur.suspension_stops_lending() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.engine_lock_take('library', i.library_id::text)
       FROM cultuur.invoice i WHERE i.id = NEW.invoice_id;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.suspension_stops_lending() IS 'Trigger: a new suspension takes its library''s lending lock, so that no borrow or reservation of the library under way commits without seeing it.';
CREATE TRIGGER suspension_stops_lending AFTER INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.suspension_stops_lending();
COMMENT ON TRIGGER suspension_stops_lending ON cultuur.suspension IS 'Borrowing and reserving at the library wait for the suspension, then see it (doc/rules.md §10).';

-- from sql/install/56_api_lending.sql
-- ---------------------------------------------------------------------
-- Layer 5, API: the lending front door (doc/rules.md §10).  Each is one
-- statement on loan or reservation, run with the owner's rights and
-- granted to library data entry; the rules are the tables' triggers
-- (47_triggers_lending.sql), so a direct INSERT or UPDATE obeys the same.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.borrow(member_id integer, title_id integer, days integer DEFAULT NULL)
    RETURNS cultuur.loan_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r cultuur.loan_receipt;
BEGIN
    IF $1 IS NULL OR $2 IS NULL THEN
        RAISE EXCEPTION 'borrow needs a member and a title'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.borrow(member_id, title_id [, days]).';
    END IF;
    IF days IS NOT NULL AND (days < 1 OR days > 42) THEN
        RAISE EXCEPTION 'a loan of % days is not allowed', days
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give 1 to 42 days (E preamble: at most 6 weeks), or none for the longest the licence allows.';
    END IF;
    -- (a loan starts when its transaction does: loan_start)
    INSERT INTO cultuur.loan AS o (member_id, title_id, due_at)
    VALUES ($1, $2,
            CASE WHEN days IS NOT NULL THEN cultuur.brussels_days_after(transaction_timestamp(), days) END)
    RETURNING o.id, o.title_id, o.licence_id, o.started_at, o.due_at, false
         INTO r.loan_id, r.title_id, r.licence_id, r.started_at, r.due_at, r.took_offer;
    r.took_offer := EXISTS (SELECT 1 FROM cultuur.reservation x WHERE x.loan_id = r.loan_id);
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.borrow(integer, integer, integer) IS 'Lends a title to a member (taking the offer made to them, where there is one): an INSERT into loan, so every lending rule applies (CC015-CC018). days: a shorter loan (1 to 42; by default the longest the licence allows, at most 6 weeks). Returns the loan, its licence and due time.';

CREATE FUNCTION cultuur.give_back(loan_id bigint,
        OUT ended cultuur.loan_end, OUT returned_at timestamptz, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t     integer;
    was   record;
    id_   bigint := $1;
BEGIN
    IF id_ IS NULL THEN
        RAISE EXCEPTION 'give_back needs a loan'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.give_back(loan_id): the id cultuur.borrow returned.';
    END IF;
    SELECT o.title_id INTO t FROM cultuur.loan o WHERE o.id = id_;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'loan % does not exist', id_
            USING ERRCODE = 'no_data_found', HINT = 'Give the id cultuur.borrow returned.';
    END IF;
    -- the title's lock first, as every hand-off takes it
    PERFORM cultuur.lending_lock_title(t);
    SELECT o.ended, o.returned_at INTO was FROM cultuur.loan o WHERE o.id = id_;
    IF was.ended IS NOT NULL THEN
        RAISE EXCEPTION 'loan % ended already (%)', id_, was.ended
            USING ERRCODE = 'CC018', DETAIL = format('It ended at %s.', was.returned_at), HINT = 'Nothing to give back.';
    END IF;
    UPDATE cultuur.loan o SET returned_at = clock_timestamp() WHERE o.id = id_
    RETURNING o.ended, o.returned_at INTO ended, returned_at;
    SELECT count(*)::integer INTO offers_made FROM cultuur.reservation r
     WHERE r.title_id = t AND r.state = 'offered' AND r.offered_at >= returned_at;
END;
$$;
COMMENT ON FUNCTION cultuur.give_back(bigint) IS 'Ends a loan (early: returned now; past its due time: expired then) and offers the freed licence to the first reader in the title''s queue, in the same transaction. Returns how the loan ended and how many offers were made.';

CREATE FUNCTION cultuur.reserve(member_id integer, title_id integer)
    RETURNS cultuur.reservation_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r cultuur.reservation_receipt;
BEGIN
    IF $1 IS NULL OR $2 IS NULL THEN
        RAISE EXCEPTION 'reserve needs a member and a title'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.reserve(member_id, title_id).';
    END IF;
    INSERT INTO cultuur.reservation AS x (member_id, title_id)
    VALUES ($1, $2)
    RETURNING x.id, x.title_id, x.state, NULL::integer, x.offer_expires_at
         INTO r.reservation_id, r.title_id, r.state, r.queue_position, r.offer_expires_at;
    r.queue_position := cultuur.queue_place($1, $2);
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.reserve(integer, integer) IS 'Puts a member in a title''s queue: an INSERT into reservation, so every lending rule applies (CC015-CC017). Returns the reservation and its place in the queue.';

CREATE FUNCTION cultuur.cancel_reservation(reservation_id bigint)
    RETURNS cultuur.reservation_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r    cultuur.reservation_receipt;
    cur  record;
    id_  bigint := $1;
BEGIN
    IF id_ IS NULL THEN
        RAISE EXCEPTION 'cancel_reservation needs a reservation'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.cancel_reservation(reservation_id): the id cultuur.reserve returned.';
    END IF;
    SELECT x.title_id, x.state INTO cur FROM cultuur.reservation x WHERE x.id = id_;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'reservation % does not exist', id_
            USING ERRCODE = 'no_data_found', HINT = 'Give the id cultuur.reserve returned.';
    END IF;
    -- an offer frees a licence: the title's lock first, as every hand-off
    -- takes it
    IF cur.state = 'offered' THEN
        PERFORM cultuur.lending_lock_title(cur.title_id);
    END IF;
    UPDATE cultuur.reservation x SET state = 'cancelled'
     WHERE x.id = id_ AND x.state IN ('queued', 'offered')
    RETURNING x.id, x.title_id, x.state, NULL::integer, x.offer_expires_at
         INTO r.reservation_id, r.title_id, r.state, r.queue_position, r.offer_expires_at;
    IF NOT FOUND THEN
        SELECT x.state INTO cur FROM cultuur.reservation x WHERE x.id = id_;
        RAISE EXCEPTION 'reservation % is % already', id_, cur.state
            USING ERRCODE = 'CC018', HINT = 'Only a queued reservation or a standing offer can be cancelled.';
    END IF;
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.cancel_reservation(bigint) IS 'Takes a member out of a title''s queue, or declines the offer made to them (the licence then goes to the next reader, in the same transaction; an offer that ran out ends as expired). Returns the reservation''s final state.';

CREATE FUNCTION cultuur.queue_position(member_id integer, title_id integer)
    RETURNS cultuur.reservation_receipt
    LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT r.id, r.title_id,
               CASE WHEN r.state = 'offered' AND r.offer_expires_at <= pg_catalog.clock_timestamp()
                    THEN 'expired'::cultuur.reservation_state ELSE r.state END,
               cultuur.queue_place($1, $2),
               CASE WHEN r.state = 'offered' AND r.offer_expires_at > pg_catalog.clock_timestamp()
                    THEN r.offer_expires_at END
          FROM cultuur.reservation r
         WHERE r.member_id = $1 AND r.title_id = $2
         ORDER BY r.placed_at DESC, r.id DESC
         LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.queue_position(integer, integer) IS 'A member''s latest reservation of a title as it stands now: its state (an offer that ran out reads as expired), its place among the queued (1: the next to be offered) and, while offered, until when. No row when the member never reserved it.';

CREATE FUNCTION cultuur.expire_due(as_of timestamptz DEFAULT now(),
        OUT loans_ended integer, OUT offers_expired integer, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t      integer;
    began  timestamptz := clock_timestamp();
    open0  bigint;
    offer0 bigint;
BEGIN
    IF as_of IS NULL OR NOT isfinite(as_of) THEN
        RAISE EXCEPTION 'expire_due needs a finite moment, not %', coalesce(as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Call cultuur.expire_due() for now.';
    END IF;
    IF as_of > began THEN
        RAISE EXCEPTION 'expire_due cannot end loans ahead of time'
            USING ERRCODE = 'CC014', DETAIL = format('As of %s is after now (%s).', as_of, began),
                  HINT = 'Give now or an earlier moment.';
    END IF;
    SELECT count(*) INTO open0 FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of;
    SELECT count(*) INTO offer0 FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of;
    -- title by title, in id order (the order every multi-title action
    -- takes the title locks in)
    FOR t IN SELECT o.title_id FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of
             UNION
             SELECT r.title_id FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of
             ORDER BY 1 LOOP
        PERFORM cultuur.lending_lock_title(t);
        PERFORM cultuur.lending_settle(t, as_of);
    END LOOP;
    SELECT (open0 - count(*))::integer INTO loans_ended FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of;
    SELECT (offer0 - count(*))::integer INTO offers_expired FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of;
    SELECT count(*)::integer INTO offers_made FROM cultuur.reservation r
     WHERE r.state IN ('offered', 'loaned', 'expired', 'cancelled') AND r.offered_at >= began;
END;
$$;
COMMENT ON FUNCTION cultuur.expire_due(timestamptz) IS 'Ends the loans due by as_of (default now) and the offers that ran out by then, and offers what they free to the next readers, title by title. Idempotent: any scheduler may call it (pg_cron: SELECT cron.schedule(''cultuur-expire-due'', ''*/5 * * * *'', ''SELECT cultuur.expire_due()'')); reads already treat those loans and offers as ended. as_of after now: CC014.';

-- What reports may know of lending: per title, no member.  Loans past
-- their due time and offers that ran out count as ended, as everywhere.
CREATE VIEW cultuur.title_availability AS
SELECT t.id AS title_id, t.name, t.kind,
       (SELECT count(*) FROM cultuur.licence l WHERE l.title_id = t.id)::integer AS licences,
       (SELECT count(*) FROM cultuur.licence l
         WHERE l.title_id = t.id AND (l.valid_until IS NULL OR l.valid_until > pg_catalog.now())
           AND (l.checkouts_left IS NULL OR l.checkouts_left > 0))::integer AS licences_lending,
       (SELECT count(*) FROM cultuur.loan o
         WHERE o.title_id = t.id AND o.returned_at IS NULL AND o.due_at > pg_catalog.now())::integer AS open_loans,
       (SELECT count(*) FROM cultuur.reservation r
         WHERE r.title_id = t.id AND r.state = 'offered' AND r.offer_expires_at > pg_catalog.now())::integer AS standing_offers,
       (SELECT count(*) FROM cultuur.reservation r
         WHERE r.title_id = t.id AND r.state = 'queued')::integer AS queued,
       (SELECT min(o.due_at) FROM cultuur.loan o
         WHERE o.title_id = t.id AND o.returned_at IS NULL AND o.due_at > pg_catalog.now()) AS next_due
  FROM cultuur.title t;
COMMENT ON VIEW cultuur.title_availability IS 'Per title: its licences (all, and those that can still lend), open loans, standing offers, queued reservations and the first due time; loans past due and offers that ran out count as ended. Names no member.';

-- from sql/install/61_grants_lending.sql
-- ---------------------------------------------------------------------
-- Access control for e-book lending (doc/rules.md §10-§12).
--
--   cultuur_reporting   titles, licences, title_availability (no member,
--                       loan or reservation: those are the members' usage,
--                       which libraries never see, Bijlage B)
--   cultuur_data_entry  members; titles and licences; the front door
--                       (borrow, give_back, reserve, cancel_reservation,
--                       queue_position, expire_due) and direct inserts
--                       into loan and reservation, which obey the same
--                       rules
--   cultuur_finance     the lending policy (offer days); titles and
--                       licences the consortium buys
--
-- Nobody reads or writes the pseudonym key, nor updates a loan, a
-- reservation or a licence's checkouts: the engine does.
-- ---------------------------------------------------------------------

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'cultuur'::pg_catalog.regnamespace AND p.prosecdef LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END;
$$;
-- the engine's parts, called by the owner-run triggers and front doors
REVOKE ALL ON FUNCTION cultuur.lending_pseudonym(bytea, bigint),
                       cultuur.lending_new_key(),
                       cultuur.lending_lock_member(integer),
                       cultuur.lending_lock_title(integer),
                       cultuur.lending_library_barrier(integer),
                       cultuur.title_capacity(integer, timestamptz),
                       cultuur.title_offers(integer, timestamptz),
                       cultuur.title_can_lend_again(integer, timestamptz),
                       cultuur.licence_for_loan(integer, timestamptz, integer),
                       cultuur.licence_free_slot(integer),
                       cultuur.queue_place(integer, integer),
                       cultuur.lending_member_check(integer, timestamptz),
                       cultuur.lending_usage(integer, integer, text, timestamptz),
                       cultuur.lending_settle(integer, timestamptz)
  FROM PUBLIC;

GRANT SELECT ON cultuur.title, cultuur.licence, cultuur.title_availability, cultuur.lending_policy
   TO cultuur_reporting;

GRANT SELECT, INSERT, DELETE ON cultuur.member TO cultuur_data_entry;
GRANT UPDATE (card_number, membership_until, has_profile, email_notifications) ON cultuur.member TO cultuur_data_entry;
GRANT INSERT, UPDATE (name, kind, isbn) ON cultuur.title TO cultuur_data_entry, cultuur_finance;
GRANT INSERT ON cultuur.licence TO cultuur_data_entry, cultuur_finance;
GRANT INSERT (member_id, title_id, licence_id, due_at) ON cultuur.loan TO cultuur_data_entry;
GRANT INSERT (member_id, title_id) ON cultuur.reservation TO cultuur_data_entry;
GRANT USAGE ON SEQUENCE cultuur.member_id_seq, cultuur.title_id_seq, cultuur.licence_id_seq,
                        cultuur.loan_id_seq, cultuur.reservation_id_seq
   TO cultuur_data_entry;
GRANT USAGE ON SEQUENCE cultuur.title_id_seq, cultuur.licence_id_seq TO cultuur_finance;
GRANT EXECUTE ON FUNCTION cultuur.borrow(integer, integer, integer),
                          cultuur.give_back(bigint),
                          cultuur.reserve(integer, integer),
                          cultuur.cancel_reservation(bigint),
                          cultuur.queue_position(integer, integer),
                          cultuur.expire_due(timestamptz)
   TO cultuur_data_entry;
GRANT INSERT, UPDATE (offer_days) ON cultuur.lending_policy TO cultuur_finance;

-- as 46_triggers_record.sql gives every table, and 70_books.sql releases
-- the books from the extension
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cultuur.lending_policy', 'cultuur.lending_key', 'cultuur.licence',
                             'cultuur.loan', 'cultuur.member', 'cultuur.reservation', 'cultuur.title'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON %s '
                                  'FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate()', t);
        EXECUTE pg_catalog.format('COMMENT ON TRIGGER refuse_truncate ON %s IS %L', t,
                                  'No TRUNCATE: rows leave the books one by one, through the rules (CC010).');
        EXECUTE pg_catalog.format('ALTER EXTENSION cultuur DROP TABLE %s', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['cultuur.licence_id_seq', 'cultuur.loan_id_seq', 'cultuur.member_id_seq',
                             'cultuur.reservation_id_seq', 'cultuur.title_id_seq'] LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION cultuur DROP SEQUENCE %s', t);
    END LOOP;
END;
$$;
ALTER EXTENSION cultuur DROP VIEW cultuur.title_availability;
-- <<< e-book lending
