--
-- Bad arguments to the functions that read or write the books: a year
-- outside 1900-2200, a date outside 1900-01-01 to 2200-12-31, infinity,
-- NULL, an absurd horizon, a contract that does not exist.  Each is
-- answered at once (before any work: budget_projection over two billion
-- years used to run for minutes) by the function's own error, naming the
-- argument: 22023 for a bad value or NULL, 22008 for a date out of range.
--
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SET datestyle = ISO, YMD;
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

-- years
SELECT * FROM cultuur.budget_projection(-2147483648, 2023); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.budget_variance(2023, 2147483647); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.fee_detail(NULL, 2023); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.fee_detail(2022, 2201); \echo SQLSTATE :SQLSTATE
SELECT cultuur.contract_fee(1, 99999); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.reach_cap_status(1899); \echo SQLSTATE :SQLSTATE
SELECT cultuur.index_value('cpi', '2023-01-01', 0); \echo SQLSTATE :SQLSTATE
-- dates: infinite, beyond what a timestamp holds, far past and future, NULL
SELECT * FROM cultuur.run_invoicing('infinity'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.run_invoicing(NULL); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.invoice_schedule('infinity'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.invoicing_blocked('-infinity'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.credit_note(1, 'infinity', 'x'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.contract_status('294276-01-01'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.contract_status(NULL); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.overdue('0001-01-01 BC'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.contract_terms(1, 'infinity'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.contract_term(1, '2201-01-01'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.end_options(1, '1899-12-31'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_end(1, 'infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.index_value('cpi', '5874897-12-31', 2013); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.exit_fee_quote(1, '4000-01-01'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.invoice_preview(1, 'ebooks_year', '[2023-01-01,infinity)'); \echo SQLSTATE :SQLSTATE
-- an absurd horizon
SELECT * FROM cultuur.upcoming_deadlines('2023-01-01', '1000000 years'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.upcoming_deadlines('2023-01-01', '-1 day'); \echo SQLSTATE :SQLSTATE
-- things that do not exist
SELECT * FROM cultuur.invoice_preview(99, 'ebooks_year', '[2023-01-01,2024-01-01)'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.invoice_preview(NULL, 'ebooks_year', '[2023-01-01,2024-01-01)'); \echo SQLSTATE :SQLSTATE
SELECT * FROM cultuur.credit_note(99, '2023-06-01', 'no such invoice'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.lift_suspension(99, '2023-06-01', 'no such suspension'); \echo SQLSTATE :SQLSTATE

-- the edges themselves are accepted, with a contract that renews tacitly
-- for ever (E 10.3)
INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2021, 529417);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (1, 1, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80);
SELECT count(*) AS years, min(year), max(year), count(fee) AS with_fee FROM cultuur.fee_detail(1900, 2200);
SELECT status, term_no, current_term FROM cultuur.contract_status('2200-12-31');
SELECT count(*) FROM cultuur.upcoming_deadlines('2100-12-31', '100 years');
SELECT count(*) FROM cultuur.budget_variance(1900, 2200);
SELECT count(*) FROM cultuur.invoice_schedule('2200-12-31');
