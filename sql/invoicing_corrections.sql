--
-- Invoices that stay right when facts arrive late (doc/rules.md §9): an
-- issued invoice is never changed; when a fact it was computed from
-- changes afterwards -- usage loaded late, a consortium tier crossed by it,
-- a reach-cap hold, a termination -- the next invoicing run issues the
-- difference as its own document (a supplementary invoice or a credit
-- note naming the invoice and what changed), so that for every contract
-- and period the issued total equals what the rules give now.  The view
-- pending_corrections shows them before the run.  A credit note that
-- finance issued (credit_note) is a decision, and no run undoes it.
--
-- Three invented libraries, lot 1B (Bijlage A tariff, seed: 6.79; > 1000:
-- 6.11; > 2000: 5.43 per unique user and month, the tier chosen by the
-- consortium's users of the month) and e-books for one of them, all from
-- 1 January 2026.  Every amount was computed by hand.
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
    (1, 'Aarde', '99201'), (2, 'Beek', '99202'), (3, 'Cel', '99203');
-- inhabitants on 1 January 2025: the fees and reach caps of 2026
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2025, 100000), (2, 2025, 60000), (3, 2025, 10000);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions) VALUES
    ('film-1B', '2022-10-01', '2028-12-31', 0);
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (1, 1, 'ebooks',  '2025-12-01', '2026-01-01', '2026-09-15'),
    (2, 1, 'film-1B', '2025-12-01', '2026-01-01', NULL),
    (3, 2, 'film-1B', '2025-12-01', '2026-01-01', NULL),
    (4, 3, 'film-1B', '2025-12-01', '2026-01-01', NULL);

-- film starts: n distinct members of a library in a month (first of month)
CREATE FUNCTION pg_temp.films(library integer, month date, n integer, first integer DEFAULT 1)
    RETURNS integer LANGUAGE sql AS $$
WITH ins AS (
    INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
    SELECT $1, md5(format('%s-%s', $1, g)), 'film-1B', 'film_started', $2 + interval '9 days 12 hours'
      FROM generate_series($4, $4 + $3 - 1) g
    RETURNING 1
)
SELECT count(*)::integer FROM ins
$$;

--
-- 1. The e-book year 2026, issued on signing (1 January; run 5 January):
--    838.54 + 0.1645 x 100,000 = 838.54 + 16,450.00 = 17,288.54, 12/12
--
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-01-05');

--
-- 2. The first quarter of lot 1B: every month Aarde 600 users, Beek 300,
--    Cel 100 = 1,000 consortium-wide: not > 1000 -> 6.79.
--      Aarde 3 x 600 x 6.79 = 12,222.00; Beek 3 x 300 x 6.79 = 6,111.00;
--      Cel 3 x 100 x 6.79 = 2,037.00
--
SELECT sum(pg_temp.films(l, m::date, n)) AS events
  FROM (VALUES (1, 600), (2, 300), (3, 100)) v (l, n)
 CROSS JOIN generate_series('2026-01-01'::date, '2026-03-01'::date, interval '1 month') m;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-05-01');
-- the usage just invoiced changes nothing: no correction pending
SELECT count(*) AS pending FROM cultuur.pending_corrections;

--
-- 3. One January film start of Cel arrives late (a clerk loads it): 1,001
--    users in January, > 1000 -> 6.11 for every library's January.
--      Aarde 600 x 6.11 = 3,666.00 instead of 600 x 6.79 = 4,074.00: -408.00
--      Beek  300 x 6.11 = 1,833.00 instead of 2,037.00:               -204.00
--      Cel   101 x 6.11 =   617.11 instead of 100 x 6.79 = 679.00:    -61.89
--    Three credit notes, 673.89 in all; nothing is lost or billed twice.
--
CREATE ROLE cultuur_test_corr_clerk;
GRANT cultuur_data_entry TO cultuur_test_corr_clerk;
SET ROLE cultuur_test_corr_clerk;
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
VALUES (3, md5('3-late-1'), 'film-1B', 'film_started', '2026-01-20 18:00+00');
RESET ROLE;
SELECT number, contract_id, period, issued, due, difference, document, facts
  FROM cultuur.pending_corrections ORDER BY number;
SELECT status, contract_id, kind, period, number, total, reason
  FROM cultuur.run_invoicing_report('2026-05-20');
SELECT i.number, i.kind, i.total, c.number AS corrects, i.reason
  FROM cultuur.invoice i JOIN cultuur.invoice c ON c.id = i.credit_for ORDER BY i.number;
SELECT i.number, l.line_no, l.description, l.month, l.quantity, l.unit_price, l.tier_volume,
       l.base_amount, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id
 WHERE i.kind IN ('credit_note', 'supplement') ORDER BY i.number, l.line_no;
-- issued total = what the rules give now, for every invoice of the quarter
SELECT i.number, i.total + coalesce(sum(x.total), 0) AS issued_total,
       (SELECT sum(p.amount) FROM cultuur.invoice_preview(i.contract_id, i.kind, i.period) p) AS rules_now
  FROM cultuur.invoice i
  LEFT JOIN cultuur.invoice_correction ic ON ic.corrects = i.id
  LEFT JOIN cultuur.invoice x ON x.id = ic.invoice_id
 WHERE i.kind = 'film_quarter' GROUP BY i.id ORDER BY i.number;
-- a second run issues nothing more
SELECT count(*) AS issued_again FROM cultuur.run_invoicing('2026-05-20');

--
-- 4. Finance credits Aarde's quarter 100.00 (a decision: goodwill), and
--    one more January user of Beek arrives late: January stays > 1000
--    (1,002 -> 6.11), Beek 301 x 6.11 = 1,839.11, 6.11 more than the
--    corrected 1,833.00: a supplementary invoice of 6.11 (a correction of
--    the correction).  Finance's credit note is not undone.
--
SELECT number, total FROM cultuur.credit_note(
    (SELECT id FROM cultuur.invoice WHERE contract_id = 2 AND kind = 'film_quarter'),
    '2026-05-25', 'goodwill: streaming outage in February', 100.00);
SELECT pg_temp.films(2, '2026-01-01', 1, 900) AS events;
SELECT number, contract_id, issued, due, difference, document, facts FROM cultuur.pending_corrections;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-05-26');
SELECT number, total, paid, credited, outstanding FROM cultuur.invoice_balance
 WHERE contract_id IN (2, 3) ORDER BY number;

--
-- 5. Aarde ends its e-books at the end of the initial term, 15 September
--    2026, by a notice of 10 June (the last day is 15 June, E 10.2): after
--    the year was invoiced in full.  Month rule: January-September = 9/12;
--    round(17,288.54 x 9 / 12 = 12,966.405, 2) = 12,966.41;
--    credit 17,288.54 - 12,966.41 = 4,322.13.
--
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end)
VALUES (1, '2026-06-10', '2026-09-15');
SELECT number, contract_id, kind, issued, due, difference, document, facts FROM cultuur.pending_corrections;
SELECT number, contract_id, kind, period, total, reason FROM cultuur.run_invoicing('2026-06-15');
SELECT i.number, l.description, l.quantity, l.share, l.base_amount, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id
 WHERE i.contract_id = 1 ORDER BY i.number, l.line_no;

--
-- 6. The second quarter: every month Aarde 600, Beek 300, Cel 100 new
--    members (1,000: 6.79).  Cel: 3 x 100 x 6.79 = 2,037.00.  Cel's reach
--    cap 2026: 12 x 10,000 x 0.18 % = 216 users, reached in March (301);
--    Cel puts lot 1B on hold from 1 May, after the quarter was invoiced
--    (F 8.6): May and June are not billed, a credit note of
--    2 x 679.00 = 1,358.00.
--
SELECT sum(pg_temp.films(l, m::date, n, 1000)) AS events
  FROM (VALUES (1, 600), (2, 300), (3, 100)) v (l, n)
 CROSS JOIN generate_series('2026-04-01'::date, '2026-06-01'::date, interval '1 month') m;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-08-01');
SET ROLE cultuur_test_corr_clerk;
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (4, '2026-05-01');
RESET ROLE;
SELECT number, contract_id, issued, due, difference, document, facts FROM cultuur.pending_corrections;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-08-10');
-- the notes are handled: nothing is pending, nothing noted is left over
SELECT count(*) AS pending FROM cultuur.pending_corrections;
SELECT count(*) AS notes_left FROM cultuur.invoice_recheck;

--
-- 6b. Statbel corrects Aarde's count of 1 January 2025: 101,000, not
-- 100,000.  The count the e-book year 2026 was billed from cannot be
-- updated in place (CC010); it is entered as a correction, with its
-- reason, and the old value stays.  The year (9/12 since the notice):
--   838.54 + 0.1645 x 101,000 = 838.54 + 16,614.50 = 17,453.04;
--   round(17,453.04 x 9 / 12 = 13,089.78, 2) = 13,089.78, issued so far
--   17,288.54 - 4,322.13 = 12,966.41: a supplementary invoice of 123.37.
--
SET ROLE cultuur_test_corr_clerk;
UPDATE cultuur.population SET inhabitants = 101000 WHERE library_id = 1 AND year = 2025;
\echo SQLSTATE :SQLSTATE
-- (terse: the failing row shows when it was entered)
\set VERBOSITY terse
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2025, 101000, '');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2025, 100000, 'no change');
\echo SQLSTATE :SQLSTATE
-- bad input: a count for a year never entered (23503), a negative count
-- (23514), a tier schedule that is not one (22P02), no reason (23502)
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2019, 100, 'not entered');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY terse
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2025, -5, 'negative');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2025, 101000, NULL);
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
RESET ROLE;
BEGIN;
SET LOCAL ROLE cultuur_finance;
INSERT INTO cultuur.tariff_correction (tariff_id, fixed_fee, tiers, reason) VALUES (1, 838.54, '0,1645', 'comma');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
SET ROLE cultuur_test_corr_clerk;
INSERT INTO cultuur.population_correction (library_id, year, inhabitants, reason)
VALUES (1, 2025, 101000, 'Statbel correction published 1 July 2026')
RETURNING library_id, year, inhabitants, previous, reason, entered_by IS NOT NULL AS who_recorded;
RESET ROLE;
SELECT inhabitants FROM cultuur.population WHERE library_id = 1 AND year = 2025;
SELECT number, contract_id, kind, issued, due, difference, document, facts FROM cultuur.pending_corrections;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-08-11');
SELECT count(*) AS pending FROM cultuur.pending_corrections;

--
-- 6c. A contract entered after its usage: Dal's February film starts (50
-- members) arrive before Dal's lot 1B contract is entered; they are stored,
-- not counted (a warning says so).  The contract, from 1 February, is
-- entered late: the starts are counted now, February has 1,050 users
-- consortium-wide, > 1000 -> 6.11 for every library's February:
--   Aarde 600 x (6.79 - 6.11) = 408.00, Beek 300 x 0.68 = 204.00, Cel
--   100 x 0.68 = 68.00 credited; Dal's own first quarter 50 x 6.11 =
--   305.50 (February; March 0), its second 0.00.
--
INSERT INTO cultuur.library (id, name, nis_code) VALUES (5, 'Dal', '99205');
SET ROLE cultuur_test_corr_clerk;
SELECT pg_temp.films(5, '2026-02-01', 50) AS events;
SELECT month, unique_users FROM cultuur.consortium_usage WHERE service = 'film-1B' AND month = '2026-02-01';
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on)
VALUES (5, 5, 'film-1B', '2026-01-20', '2026-02-01');
RESET ROLE;
SELECT month, unique_users FROM cultuur.consortium_usage WHERE service = 'film-1B' AND month = '2026-02-01';
SELECT library_id, unique_users FROM cultuur.monthly_usage
 WHERE service = 'film-1B' AND month = '2026-02-01' ORDER BY library_id;
SELECT number, contract_id, issued, due, difference, document, facts FROM cultuur.pending_corrections ORDER BY number;
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-08-12');
SELECT count(*) AS pending FROM cultuur.pending_corrections;

--
-- 7. Rights: reporting reads what is pending and the corrections issued;
-- no role writes the notes or the corrections, or calls the engine parts
--
BEGIN;
SET LOCAL ROLE cultuur_reporting;
SELECT count(*) AS corrections_seen FROM cultuur.invoice_correction;
SELECT count(*) AS pending_seen FROM cultuur.pending_corrections;
INSERT INTO cultuur.invoice_recheck (service, month, cause) VALUES ('film-1B', '2026-01-01', 'usage');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
DELETE FROM cultuur.invoice_recheck;
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
SELECT count(*) FROM cultuur.issue_corrections('2026-08-10', ARRAY[1::bigint], 0);
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_data_entry;
SELECT cultuur.note_recheck('film-1B', '2026-01-01', '2026-02-01', 'usage');
\echo SQLSTATE :SQLSTATE
ROLLBACK;

-- every document still adds up to its lines
SELECT count(*) AS not_adding_up FROM cultuur.invoice i
 WHERE i.total <> (SELECT coalesce(sum(l.amount), 0) FROM cultuur.invoice_line l WHERE l.invoice_id = i.id);
DROP ROLE cultuur_test_corr_clerk;
