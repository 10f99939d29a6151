--
-- Exit fees (doc/rules.md §6; E 10.2, E 10.4): a subscriber that ends its
-- e-book contract before the end of the initial term (15 September 2026)
-- pays the unpaid start-up costs; the invoicing run issues that exit fee
-- as an invoice of its own, and the early termination is confirmed when
-- that invoice is settled.  A termination by the consortium costs no exit
-- fee.  The contract is billed until its effective end either way.
-- Two invented libraries; the tariff and exit rates are Bijlage A's (seed).
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET client_min_messages = warning;
SET TimeZone = 'UTC';

DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Eekhout', '99301'), (2, 'Fortdorp', '99302');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2023, 29800), (1, 2024, 30000), (1, 2025, 30500),
    (2, 2023, 11900), (2, 2024, 12000), (2, 2025, 12100);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (1, 1, 'ebooks', '2023-12-01', '2024-01-01', '2026-09-15'),
    (2, 2, 'ebooks', '2023-12-01', '2024-01-01', '2026-09-15');

-- the years 2024 and 2025 (838.54 + 0.1645 x inhabitants of 1 January of
-- the year before):
--   Eekhout 2024: 0.1645 x 29,800 = 4,902.10 -> 5,740.64;
--           2025: 0.1645 x 30,000 = 4,935.00 -> 5,773.54
--   Fortdorp 2024: 0.1645 x 11,900 = 1,957.55 -> 2,796.09;
--            2025: 0.1645 x 12,000 = 1,974.00 -> 2,812.54
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2025-05-01');

--
-- 1. Notices of 30 September 2025, the last day to end on 31 December 2025
-- (E 10.2): Eekhout's own; Fortdorp's by the consortium.
--   Eekhout leaves in year 2 of its initial term (2025 - 2024 + 1): 8.27 %
--   of its basis, the inhabitants of 1 January 2025: 0.0827 x 30,500 =
--   2,522.35.  Fortdorp: no exit fee.
--
CREATE ROLE cultuur_test_exit_clerk;
GRANT cultuur_data_entry TO cultuur_test_exit_clerk;
SET ROLE cultuur_test_exit_clerk;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2025-09-30')
RETURNING contract_id, given_by, effective_end, exit_fee, exit_fee_note;
-- only the subscriber or the consortium gives notice (23514; terse: the
-- failing row shows when it was entered)
\set VERBOSITY terse
INSERT INTO cultuur.termination (contract_id, notified_on, given_by) VALUES (2, '2025-09-30', 'supplier');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
INSERT INTO cultuur.termination (contract_id, notified_on, given_by) VALUES (2, '2025-09-30', 'consortium')
RETURNING contract_id, given_by, effective_end, exit_fee, exit_fee_note;
RESET ROLE;
SELECT contract_id, given_by, effective_end, exit_fee, exit_fee_invoice, outstanding, status, confirmed
  FROM cultuur.termination_status ORDER BY contract_id;

--
-- 2. The next run issues the exit fee (due on the day of the notice), for
-- the rest of the initial term, 1 January - 15 September 2026; the years
-- invoiced stay as they are (both contracts end on 31 December 2025: the
-- year 2025 is billed in full, nothing to correct).
--
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2025-10-01');
SELECT i.number, l.description, l.quantity, l.unit_price, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id WHERE i.kind = 'exit_fee';
SELECT count(*) AS pending FROM cultuur.pending_corrections;
SELECT contract_id, exit_fee_invoice, outstanding, status, confirmed
  FROM cultuur.termination_status ORDER BY contract_id;
-- nothing is issued twice
SELECT count(*) AS issued_again FROM cultuur.run_invoicing('2025-10-01');

--
-- 3. While the exit fee is open, the notice cannot be removed (CC010); it
-- is confirmed once the invoice is paid (E 10.4).
--
SET ROLE cultuur_test_exit_clerk;
DELETE FROM cultuur.termination WHERE contract_id = 1;
\echo SQLSTATE :SQLSTATE
RESET ROLE;
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2025-10-20', 1000.00 FROM cultuur.invoice WHERE kind = 'exit_fee';
SELECT contract_id, outstanding, status, confirmed FROM cultuur.termination_status WHERE contract_id = 1;
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2025-10-25', 1522.35 FROM cultuur.invoice WHERE kind = 'exit_fee';
SELECT contract_id, outstanding, status, confirmed FROM cultuur.termination_status WHERE contract_id = 1;

--
-- 4. The contract was billed to its effective end, and no further: the
-- schedule has no e-book year 2026 for either library.
--
SELECT contract_id, kind, period FROM cultuur.invoice_schedule('2026-12-01') ORDER BY contract_id, lower(period);
SELECT count(*) AS due_now FROM cultuur.invoices_due('2026-12-01');

-- reporting reads the status
BEGIN;
SET LOCAL ROLE cultuur_reporting;
SELECT count(*) AS terminations_seen FROM cultuur.termination_status;
ROLLBACK;
DROP ROLE cultuur_test_exit_clerk;
