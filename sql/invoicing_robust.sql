--
-- One bad contract fails only its own invoice (doc/rules.md §9): an
-- invoicing run issues every invoice it can, skips the ones it cannot with
-- a warning that names the contract, and reports them
-- (run_invoicing_report, invoicing_blocked); the fees of the others are
-- still computed (fee_detail).  And a run computes the fees per
-- inhabitant once, not once per invoice.
--
-- Three invented libraries take e-books (Bijlage A tariff, seed) and two
-- invented lots whose tariffs were typed wrongly: a price per inhabitant
-- of 20,000.00 (meant: 0.02) and a price per user of 1,000,000,000.00.
-- With them some amounts no longer fit an invoice amount (numeric(12,2):
-- at most 9,999,999,999.99) and some still do.  Every amount was computed
-- by hand; the arithmetic is in the comment above the statement.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET client_min_messages = warning;
SET TimeZone = 'UTC';

DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (1, 'Aalsterdam', '99101'),
    (2, 'Breeveld', '99102'),
    (3, 'Zwaarstad', '99103'),
    (4, 'Dagdorp', '99104');
-- inhabitants on 1 January 2025: the fees of 2026
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2025, 89000), (2, 2025, 16500), (3, 2025, 600000), (4, 2025, 20000);

-- two lots a finance officer added, with the terms of the film lots
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, renewal_term, max_renewals, notice,
                             year_end_exit, reach_pct) VALUES
    ('film-9X', 'Film lot 9X (test)', 'film', 'per_inhabitant', 'health', 'agreement',
     '2 years', '1 year', 2, '0 days', false, NULL),
    ('film-9Y', 'Film lot 9Y (test)', 'film', 'per_user', 'health', 'agreement',
     '2 years', '1 year', 2, '0 days', false, NULL);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-9X', daterange('2025-10-01', NULL), 0, '20000', '{}'),
    ('film-9Y', daterange('2025-10-01', NULL), 0, '1000000000', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions) VALUES
    ('film-9X', '2025-10-01', '2028-12-31', 0),
    ('film-9Y', '2025-10-01', '2028-12-31', 0);

-- every library takes the three, from 1 January 2026 (ids: 1-3 e-books,
-- 4-6 lot 9X, 7-9 lot 9Y, in library order)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (1, 1, 'ebooks', '2025-12-01', '2026-01-01', '2026-09-15'),
    (2, 2, 'ebooks', '2025-12-01', '2026-01-01', '2026-09-15'),
    (3, 3, 'ebooks', '2025-12-01', '2026-01-01', '2026-09-15'),
    (4, 1, 'film-9X', '2025-12-01', '2026-01-01', NULL),
    (5, 2, 'film-9X', '2025-12-01', '2026-01-01', NULL),
    (6, 3, 'film-9X', '2025-12-01', '2026-01-01', NULL),
    (7, 1, 'film-9Y', '2025-12-01', '2026-01-01', NULL),
    (8, 2, 'film-9Y', '2025-12-01', '2026-01-01', NULL),
    (9, 3, 'film-9Y', '2025-12-01', '2026-01-01', NULL);
-- Dagdorp takes e-books from 15 July 2026, pro rata by the day
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, prorata_rule)
VALUES (10, 4, 'ebooks', '2026-07-01', '2026-07-15', '2026-09-15', 'day');

-- lot 9Y users in the first quarter of 2026, per library and month:
--   Aalsterdam 2, 3, 4; Breeveld 4, 4, 4; Zwaarstad 10, 1, 1
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT u.library_id, md5(format('%s-%s', u.library_id, g)), 'film-9Y', 'film_started',
       make_date(2026, u.month, 10) + time '12:00'
  FROM (VALUES (1, 1, 2), (1, 2, 3), (1, 3, 4),
               (2, 1, 4), (2, 2, 4), (2, 3, 4),
               (3, 1, 10), (3, 2, 1), (3, 3, 1)) AS u (library_id, month, users)
 CROSS JOIN LATERAL generate_series(1, u.users) g;

--
-- 1. The fees still computed for everyone
--
-- e-books 2026 (full year, not indexed): 838.54 + 0.1645 x inhabitants
--   Aalsterdam 0.1645 x 89,000 = 14,640.50 -> 15,479.04
--   Breeveld   0.1645 x 16,500 =  2,714.25 ->  3,552.79
--   Zwaarstad  0.1645 x 600,000 = 98,700.00 -> 99,538.54
-- lot 9X 2026: 20,000 x inhabitants
--   Aalsterdam 1,780,000,000.00; Breeveld 330,000,000.00;
--   Zwaarstad 12,000,000,000.00 does not fit: NULL, with a note
SELECT contract_id, service, basis, unit_price, variable_part, yearly_amount,
       indexed_amount, fee, note
  FROM cultuur.fee_detail(2026, 2026) ORDER BY contract_id;
SELECT count(*) AS rows_in_the_view FROM cultuur.contract_fee_detail WHERE year = 2026;
SELECT cultuur.contract_fee(6, 2026) AS zwaarstad_9x, cultuur.contract_fee(5, 2026) AS breeveld_9x;

-- the previews: Zwaarstad's lot 9X quarter names the contract, 22003
SELECT * FROM cultuur.invoice_preview(6, 'film_quarter', '[2026-01-01,2026-04-01)');
\echo SQLSTATE :SQLSTATE
-- Zwaarstad's lot 9Y quarter: January's 10 users x 1,000,000,000.00
-- = 10,000,000,000.00 does not fit either
SELECT * FROM cultuur.invoice_preview(9, 'film_quarter', '[2026-01-01,2026-04-01)');
\echo SQLSTATE :SQLSTATE
-- Breeveld's lot 9Y quarter: every line fits (4,000,000,000.00), their
-- sum (12,000,000,000.00) does not: the run refuses it, the preview shows
-- the lines
SELECT line_no, month, quantity, unit_price, amount
  FROM cultuur.invoice_preview(8, 'film_quarter', '[2026-01-01,2026-04-01)');

-- what a run on 1 May 2026 would not issue, and why
SELECT contract_id, kind, period, due, reason
  FROM cultuur.invoicing_blocked('2026-05-01') ORDER BY contract_id;

--
-- 2. The run: everything else is issued, the three are reported
--
-- lot 9X, a quarter: Aalsterdam 1,780,000,000.00 / 4 = 445,000,000.00;
-- Breeveld 330,000,000.00 / 4 = 82,500,000.00.
-- lot 9Y, Aalsterdam: (2 + 3 + 4) x 1,000,000,000.00 = 9,000,000,000.00.
-- Numbers in due order: the e-books (due 1 January), then the quarters.
-- The run computes the fees per inhabitant once: one call of fee_detail
-- for its six invoices per inhabitant (a preview per invoice called it
-- once per invoice, each time over every contract), counted in the
-- transaction's own function statistics.
BEGIN;
SET LOCAL track_functions = 'all';
SELECT status, contract_id, kind, period, number, total, error_code, reason
  FROM cultuur.run_invoicing_report('2026-05-01');
SELECT funcname, calls FROM pg_stat_xact_user_functions
 WHERE schemaname = 'cultuur' AND funcname IN ('fee_detail', 'invoice_lines', 'invoices_due_fees')
 ORDER BY funcname;
COMMIT;
SELECT i.number, il.line_no, il.description, il.quantity, il.unit_price, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 ORDER BY i.number, il.line_no;

-- run_invoicing on the same day: nothing new, a warning for each of the
-- three, naming contract, period and SQLSTATE
SELECT count(*) AS issued_again FROM cultuur.run_invoicing('2026-05-01');
SELECT contract_id, kind, reason FROM cultuur.invoicing_blocked('2026-05-01') ORDER BY contract_id;

-- the tariffs corrected (from 1 April, after the invoiced quarter):
-- 0.02 per inhabitant and 4.50 per user.  The next quarter is issued for
-- everyone; the blocked first quarters stay blocked (the tariff in force
-- then is still the wrong one).
UPDATE cultuur.tariff SET valid = daterange('2025-10-01', '2026-04-01') WHERE service IN ('film-9X', 'film-9Y');
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('film-9X', daterange('2026-04-01', NULL), 0, '0.02', '{}'),
    ('film-9Y', daterange('2026-04-01', NULL), 0, '4.50', '{}');
-- lot 9X 2026 is priced by the tariff in force on 1 January: its second
-- quarter is still the wrong one (the fee is yearly); lot 9Y is priced
-- per month, and no one used it in the second quarter: 0.00 each.
SELECT status, contract_id, kind, period, number, total, error_code
  FROM cultuur.run_invoicing_report('2026-08-01');
-- Dagdorp's e-book year, issued on the same run (due on its start, 15
-- July): 838.54 + 0.1645 x 20,000 = 4,128.54 for a year; by the day, 15
-- July - 31 December = 17 + 31 + 31 + 30 + 31 + 30 + 31 = 170 days of 365:
-- round(4,128.54 x 170 / 365 = 1,922.8816, 2) = 1,922.88 (6/12 would be
-- 2,064.27).  The line prints the share it was computed with.
SELECT i.number, l.quantity, l.unit_price, l.fixed_fee, l.base_amount, l.share, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id WHERE i.contract_id = 10;

--
-- 3. Rights: finance runs the report, reporting reads what is blocked;
-- the engine's parts are called by no role
--
BEGIN;
SET LOCAL ROLE cultuur_reporting;
SELECT count(*) AS blocked_seen_by_reporting FROM cultuur.invoicing_blocked('2026-08-01');
SELECT count(*) FROM cultuur.run_invoicing_report('2026-08-01');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
SELECT count(*) AS nothing_more FROM cultuur.run_invoicing_report('2026-08-01');
SELECT * FROM cultuur.invoices_due_fees('2026-08-01');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
SELECT * FROM cultuur.issue_due_invoices('2026-08-01');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
SELECT * FROM cultuur.invoice_lines(4, 'film_quarter', '[2026-01-01,2026-04-01)',
                                    ROW(1, 1, 1, 0, 1, NULL, NULL, 1, NULL)::cultuur.fee_factors);
\echo SQLSTATE :SQLSTATE
ROLLBACK;

--
-- 4. What stops a whole run instead of one invoice: not the invoice's
-- fault (serialization failure, deadlock, resources, lock timeout, cancel,
-- shutdown, system error); the run stops and issues nothing, to be run
-- again.  Anything else skips only the invoice it hit.
--
SELECT code, cultuur.stops_the_run(code) AS stops_the_run
  FROM unnest(ARRAY['40001', '40P01', '53200', '54001', '55P03', '57014', '57P01', '58030', 'XX000',
                    '22003', 'P0002', '22008', '23514', '55006', 'CC010', '42501']) code;

--
-- 5. A projection: what a run on a later date would issue (a run itself is
-- never dated after today, CC014), computed and not issued.  On 1 February
-- 2027: the third and fourth quarters of 2026 of both lots (lot 9X still
-- at the wrong 2026 tariff: 445,000,000.00 and 82,500,000.00 a quarter,
-- Zwaarstad's too large; lot 9Y without usage: 0.00); nothing is written.
--
SELECT count(*) AS invoices_before, (SELECT last_seq FROM cultuur.invoice_counter WHERE year = 2026) AS last_number
  FROM cultuur.invoice;
-- (the reason of an invoice that would be issued says whether its period
-- is over yet: it depends on the day the test runs, and is not shown)
SELECT contract_id, kind, period, due, total, lines, CASE WHEN total IS NULL THEN reason END AS why_not
  FROM cultuur.invoicing_projection('2027-02-01') ORDER BY due, contract_id;
SELECT count(*) AS invoices_after, (SELECT last_seq FROM cultuur.invoice_counter WHERE year = 2026) AS last_number
  FROM cultuur.invoice;
DO $$
DECLARE
    hint text;
BEGIN
    PERFORM cultuur.run_invoicing('2099-01-01');
EXCEPTION WHEN SQLSTATE 'CC014' THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RAISE WARNING 'a run dated 2099 is refused (CC014); the hint names the projection: %',
        hint LIKE '%invoicing_projection(date)%';
END;
$$;
BEGIN;
SET LOCAL ROLE cultuur_reporting;
SELECT count(*) AS projected_by_reporting FROM cultuur.invoicing_projection('2027-02-01');
ROLLBACK;
-- run_invoicing told explicitly that it is a projection: the same
-- invoices, without id or number, nothing written (finance)
BEGIN;
SET LOCAL ROLE cultuur_finance;
SELECT id, number, contract_id, kind, period, issued_on, due_on, total
  FROM cultuur.run_invoicing('2027-02-01', projection => true) WHERE total IS NOT NULL;
SELECT count(*) AS still_issued FROM cultuur.invoice;
SELECT * FROM cultuur.run_invoicing('2027-02-01', NULL);
\echo SQLSTATE :SQLSTATE
ROLLBACK;
DO $$
BEGIN
    PERFORM cultuur.run_invoicing('2099-01-01', projection => false);
EXCEPTION WHEN SQLSTATE 'CC014' THEN
    RAISE WARNING 'run_invoicing(2099-01-01, projection => false) is the run itself: refused (CC014)';
END;
$$;

--
-- 6. The wrong tariffs corrected (finance, with the reason; the old prices
-- kept): lot 9X 0.02 per inhabitant, lot 9Y 4.50 per user, for their
-- whole validity (October 2025 - March 2026, and the year 2026 of lot 9X,
-- whose yearly fee is priced on 1 January).  In place it is refused
-- (CC010).  The next run credits what the issued invoices charged too
-- much, and issues the invoices that were blocked:
--   9X Aalsterdam: 0.02 x 89,000 = 1,780.00 a year, 445.00 a quarter:
--      credit 445,000,000.00 - 445.00 = 444,999,555.00 for each of Q1, Q2
--   9X Breeveld: 0.02 x 16,500 = 330.00, 82.50 a quarter: credit
--      82,500,000.00 - 82.50 = 82,499,917.50 for each of Q1, Q2
--   9Y Aalsterdam Q1: (2 + 3 + 4) x 4.50 = 40.50: credit
--      9,000,000,000.00 - 40.50 = 8,999,999,959.50
--   issued now: 9X Zwaarstad Q1, Q2: 0.02 x 600,000 = 12,000.00, 3,000.00
--      each; 9Y Q1 Breeveld 12 x 4.50 = 54.00, Zwaarstad 12 x 4.50 = 54.00
--
UPDATE cultuur.tariff SET tiers = '0.02' WHERE id = 2;
\echo SQLSTATE :SQLSTATE
BEGIN;
SET LOCAL ROLE cultuur_finance;
INSERT INTO cultuur.tariff_correction (tariff_id, fixed_fee, tiers, reason) VALUES
    (2, 0, '0.02', 'price per inhabitant typed in cents'),
    (3, 0, '4.50', 'price per user typed wrongly')
RETURNING tariff_id, fixed_fee, tiers, previous_tiers, reason;
COMMIT;
SELECT number, contract_id, issued, due, difference, document FROM cultuur.pending_corrections ORDER BY number;
SELECT status, contract_id, kind, period, number, total
  FROM cultuur.run_invoicing_report('2026-08-03');
SELECT count(*) AS blocked_left FROM cultuur.invoicing_blocked('2026-08-03');
SELECT count(*) AS pending FROM cultuur.pending_corrections;
