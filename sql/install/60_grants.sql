-- ---------------------------------------------------------------------
-- Access control: three group roles, one per kind of work, each with
-- exactly the rights that work needs.
--
--   cultuur_reporting   reads the books and the reports (no usage events
--                       or unique-user register: those name members)
--   cultuur_data_entry  libraries, populations, contracts, renewals,
--                       terminations, reach-cap holds, usage loading
--   cultuur_finance     services, framework agreements, tariffs, price
--                       changes, price indexes, invoicing runs, credit
--                       notes, payments, formal notices, suspensions,
--                       budgets, quoted amounts
--
-- data entry and finance are members of reporting.  Grant a login one of
-- them:  GRANT cultuur_finance TO alice;
--
-- What the rules compute (counters, the unique-user register, invoice
-- numbers, invoices and their lines, computed columns, locks) is written
-- only by the engine: trigger and engine functions run as the extension's
-- owner (SECURITY DEFINER, search_path pinned), and no role may write
-- those tables.
--
-- Roles belong to the cluster, not to a database: they are created here
-- when missing (so that the grants below always have a grantee), and a
-- second database's CREATE EXTENSION reuses them.  DROP EXTENSION leaves
-- them; drop them by hand once no database uses cultuur.
-- ---------------------------------------------------------------------

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON ROLE cultuur_reporting IS 'cultuur: reads the books and the reports, changes nothing.';
COMMENT ON ROLE cultuur_data_entry IS 'cultuur: library data entry: libraries, populations, contracts, renewals, terminations, holds, usage loading.';
COMMENT ON ROLE cultuur_finance IS 'cultuur: consortium finance and contract staff: tariffs, price changes, frameworks, invoicing, credit notes, payments, notices, suspensions, budgets.';
GRANT cultuur_reporting TO cultuur_data_entry, cultuur_finance;

-- nothing for PUBLIC: a role with no grants reads and changes nothing
REVOKE ALL ON SCHEMA cultuur FROM PUBLIC;
GRANT USAGE ON SCHEMA cultuur TO cultuur_reporting;

-- every function that runs with the owner's rights: EXECUTE only where
-- granted below (trigger functions need none: triggers fire regardless)
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
-- the invoicing engine's parts, which the owner-run front doors call
-- (invoice_preview, run_invoicing, run_invoicing_report, invoicing_blocked):
-- not called by any role directly
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
                       cultuur.price_index_corrected(text, date, integer, numeric),
                       cultuur.tariff_corrected(integer, numeric, cultuur.tiers),
                       cultuur.recount_usage(integer, text, date)
  FROM PUBLIC;

-- ---- reporting ----
GRANT SELECT ON cultuur.library, cultuur.population, cultuur.price_index, cultuur.service,
                cultuur.framework, cultuur.framework_extension, cultuur.tariff,
                cultuur.contract, cultuur.renewal, cultuur.termination,
                cultuur.data_annex_change, cultuur.price_change,
                cultuur.monthly_usage, cultuur.consortium_usage, cultuur.reach_hold,
                cultuur.invoice_counter, cultuur.invoice, cultuur.invoice_line,
                cultuur.payment, cultuur.formal_notice, cultuur.suspension,
                cultuur.budget_approved, cultuur.budget_assumption, cultuur.quoted_amount,
                cultuur.price_increase_flag, cultuur.contract_fee_detail,
                cultuur.contract_status_today, cultuur.upcoming_deadline,
                cultuur.invoice_balance, cultuur.reconciliation,
                cultuur.invoice_recheck, cultuur.invoice_correction, cultuur.pending_corrections,
                cultuur.termination_status, cultuur.population_correction,
                cultuur.price_index_correction, cultuur.tariff_correction
   TO cultuur_reporting;
-- the reports that compute consortium-wide figures (tier volumes,
-- consortium usage) run as the owner, so that they count every library
GRANT EXECUTE ON FUNCTION cultuur.fee_detail(integer, integer),
                          cultuur.invoice_preview(integer, text, daterange),
                          cultuur.invoicing_blocked(date),
                          cultuur.corrections_pending(),
                          cultuur.invoicing_projection(date),
                          cultuur.budget_projection(integer, integer)
   TO cultuur_reporting;

-- ---- library data entry ----
GRANT INSERT, UPDATE, DELETE ON cultuur.library, cultuur.population, cultuur.contract
   TO cultuur_data_entry;
GRANT INSERT, DELETE ON cultuur.renewal, cultuur.termination, cultuur.reach_hold
   TO cultuur_data_entry;
GRANT INSERT ON cultuur.usage_event TO cultuur_data_entry;
GRANT INSERT ON cultuur.population_correction TO cultuur_data_entry, cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.population_correction_id_seq TO cultuur_data_entry, cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.library_id_seq, cultuur.contract_id_seq TO cultuur_data_entry;

-- ---- consortium finance and contract staff ----
GRANT INSERT, UPDATE, DELETE ON cultuur.service, cultuur.framework, cultuur.framework_extension,
                                cultuur.tariff, cultuur.price_index,
                                cultuur.budget_approved, cultuur.budget_assumption,
                                cultuur.quoted_amount
   TO cultuur_finance;
GRANT INSERT ON cultuur.price_index_correction, cultuur.tariff_correction TO cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.price_index_correction_id_seq, cultuur.tariff_correction_id_seq TO cultuur_finance;
GRANT INSERT ON cultuur.price_change, cultuur.data_annex_change, cultuur.payment,
                cultuur.formal_notice, cultuur.suspension
   TO cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.tariff_id_seq, cultuur.price_change_id_seq,
                        cultuur.data_annex_change_id_seq, cultuur.payment_id_seq,
                        cultuur.suspension_id_seq, cultuur.quoted_amount_id_seq
   TO cultuur_finance;
GRANT EXECUTE ON FUNCTION cultuur.run_invoicing(date),
                          cultuur.run_invoicing(date, boolean),
                          cultuur.run_invoicing_report(date),
                          cultuur.credit_note(integer, date, text, numeric),
                          cultuur.lift_suspension(integer, date, text)
   TO cultuur_finance;
