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
