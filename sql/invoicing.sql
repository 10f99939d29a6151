--
-- Invoicing, payments, suspension and budget (doc/rules.md §3, 4, 5, 8, 9): Antwerp's three services 2022-2026 and three invented
-- libraries, with usage small enough to count by hand.
--
-- Every amount was computed by hand (exact fractions, rounded once to
-- cents, half away from zero); the arithmetic is in the comment above the
-- statement that shows it.  A refused statement is followed by
-- "\echo SQLSTATE :SQLSTATE" (project codes: class CC, listed at the top of
-- doc/rules.md; CC010 recorded facts, CC012 payments).
-- Invoicing is run for explicit dates, so nothing depends on current_date.
--
-- Facts from the seeds are marked (seed); everything else is invented.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET IntervalStyle = postgres;
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

--
-- 0. The scenario
--
-- CPI (e-books) of January, base 2013 = 100 (Statbel, data/be_index.csv);
-- January 2026 is not published yet (loaded in 9.)
INSERT INTO cultuur.price_index (series, month, value) VALUES
    ('cpi', '2022-01-01', 118.32),
    ('cpi', '2023-01-01', 127.84),
    ('cpi', '2024-01-01', 130.08),
    ('cpi', '2025-01-01', 135.39);

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (1, 'Antwerpen', '11002'),
    (2, 'Fictiefdorp', '99001'),     -- invented: many film users
    (3, 'Kleindorp', '99002'),       -- invented: 1,000 inhabitants, a hold
    (4, 'Grootstad', '99003');       -- invented: lot 2A from 2025

-- inhabitants on 1 January.  Antwerp 2021 (seed) and 2022 (doc/rules.md §5); the
-- rest invented.  Antwerp 2025 and Grootstad 2025 are entered later.
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2021, 529417), (1, 2022, 530630), (1, 2023, 532500), (1, 2024, 535000),
    (2, 2021, 45000), (2, 2022, 45000), (2, 2023, 45500),
    (3, 2021, 1000), (3, 2022, 1000), (3, 2023, 1000),
    (4, 2024, 600000);

-- Bijlage A (seed)
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2024-09-30', 2 FROM cultuur.service WHERE kind = 'film';

-- contracts: Antwerp (seed: 1 November 2022, 80 % basis, e-books indexed
-- from 2023); Fictiefdorp lot 1B and, from 15 February 2023, lot 2A;
-- Kleindorp lot 1B.  Film contracts end with the framework, 30 September
-- 2024, unless renewed.
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from) VALUES
    (1, 1, 'ebooks',  '2022-11-01', '2022-11-01', '2026-09-15', 80, 2023),
    (2, 1, 'film-1B', '2022-11-01', '2022-11-01', NULL, 80, NULL),
    (3, 1, 'film-2A', '2022-11-01', '2022-11-01', NULL, 80, NULL),
    (4, 2, 'film-1B', '2022-11-01', '2022-11-01', NULL, 100, NULL),
    (5, 2, 'film-2A', '2023-02-01', '2023-02-15', NULL, 100, NULL),
    (6, 3, 'film-1B', '2022-11-01', '2022-11-01', NULL, 100, NULL);
-- the framework is extended twice and Antwerp renews its film lots twice,
-- to 30 September 2026 (F 10.2); Grootstad joins lot 2A on 1 January 2025
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2024-06-01', '2025-09-30' FROM cultuur.service WHERE kind = 'film' ORDER BY code;
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2025-06-01', '2026-09-30' FROM cultuur.service WHERE kind = 'film' ORDER BY code;
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-09-01'), (3, '2024-09-01');
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2025-09-01'), (3, '2025-09-01');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, basis_pct) VALUES
    (7, 4, 'film-2A', '2024-12-01', '2025-01-01', 100);
SELECT setval('cultuur.contract_id_seq', 7);
-- signed on 1 December 2024, when the framework ran to 30 September 2025:
-- its initial term ends then, although the row of the second extension
-- (agreed on 1 June 2025) was entered first (F 10.1: the framework end in
-- force on the signing date); Grootstad renews, to 30 September 2026
SELECT initial_end FROM cultuur.contract WHERE id = 7;
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (7, '2025-09-01');
SELECT c.id, l.name, c.service, c.starts_on, c.basis_pct, c.active
  FROM cultuur.contract c JOIN cultuur.library l ON l.id = c.library_id ORDER BY c.id;

--
-- Usage of lot 1B (all in the middle of a Brussels day unless said).
-- Antwerp's members a1..a6 (refs aa..01 to aa..06), a9 only logs in:
--   2022-11: a1 (2 films), a2                  -> 2
--   2022-12: a1, a2, a3                        -> 3
--   2023-01: a1, a2, a3 (a9 logs in)           -> 3
--   2023-02: a1, a2, a4, and a5 at 2023-01-31 23:30 UTC (00:30 in
--            Brussels on 1 February)           -> 4
--   2023-03: a1, and a2 arriving late (after April's events) -> 2
--   2023-04: a3                                -> 1
--   2025-01: a1, a2                            -> 2
-- Kleindorp's k1, k2, k3 every month January-October 2023 and in January
-- 2024 -> 3 a month.  Fictiefdorp: 5 in November 2022, 994 in January and
-- February 2023, 1,996 in March and April 2023.
-- Consortium (tier volume): 2022-11 2 + 5 = 7; 2022-12 3;
--   2023-01 3 + 994 + 3 = 1000 (exactly 1000: still 6.79);
--   2023-02 4 + 994 + 3 = 1001 (> 1000: 6.11);
--   2023-03 2 + 1996 + 3 = 2001 (> 2000: 5.43);
--   2023-04 1 + 1996 + 3 = 2000 (exactly 2000: still 6.11);
--   2023-05 .. 2023-10 and 2024-01: 3 (Kleindorp); 2025-01: 2.
--
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2022-11-05 19:00+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2022-11-20 19:00+00'),
    (1, 'aa00000000000002', 'film-1B', 'film_started', '2022-11-12 19:00+00'),
    (1, 'aa00000000000009', 'film-1B', 'login',        '2022-11-13 19:00+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2022-12-03 19:00+00'),
    (1, 'aa00000000000002', 'film-1B', 'film_started', '2022-12-04 19:00+00'),
    (1, 'aa00000000000003', 'film-1B', 'film_started', '2022-12-24 19:00+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2023-01-05 19:00+00'),
    (1, 'aa00000000000002', 'film-1B', 'film_started', '2023-01-06 19:00+00'),
    (1, 'aa00000000000003', 'film-1B', 'film_started', '2023-01-07 19:00+00'),
    (1, 'aa00000000000009', 'film-1B', 'login',        '2023-01-08 19:00+00'),
    (1, 'aa00000000000005', 'film-1B', 'film_started', '2023-01-31 23:30+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2023-02-10 19:00+00'),
    (1, 'aa00000000000002', 'film-1B', 'film_started', '2023-02-11 19:00+00'),
    (1, 'aa00000000000004', 'film-1B', 'film_started', '2023-02-12 19:00+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2023-03-05 19:00+00'),
    (1, 'aa00000000000003', 'film-1B', 'film_started', '2023-04-10 18:00+00'),
    (1, 'aa00000000000001', 'film-1B', 'film_started', '2025-01-10 19:00+00'),
    (1, 'aa00000000000002', 'film-1B', 'film_started', '2025-01-11 19:00+00');
-- late: a2's film of 28 March 2023 arrives after April's events
INSERT INTO cultuur.usage_event VALUES (1, 'aa00000000000002', 'film-1B', 'film_started', '2023-03-28 19:00+00');
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 3, 'cc0000000000000' || k, 'film-1B', 'film_started', m + interval '14 days 18 hours'
  FROM generate_series(1, 3) k,
       (SELECT generate_series('2023-01-01'::timestamp, '2023-10-01', '1 month') UNION ALL
        SELECT '2024-01-01'::timestamp) g(m);
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 2, md5(format('fictief-%s-%s', m, n)), 'film-1B', 'film_started', m + interval '9 days 18 hours'
  FROM (VALUES ('2022-11-01'::timestamp, 5), ('2023-01-01', 994), ('2023-02-01', 994),
               ('2023-03-01', 1996), ('2023-04-01', 1996)) v(m, users),
       LATERAL generate_series(1, v.users) n;
SELECT library_id, month, unique_users FROM cultuur.monthly_usage
 WHERE library_id IN (1, 3) ORDER BY library_id, month;
SELECT service, month, unique_users FROM cultuur.consortium_usage ORDER BY service, month;

--
-- 1. 1 November 2022: the first e-book year is invoiced on signing, pro
-- rata for the remaining months (E 8.4, E 8.5).  Antwerp 2022: fixed
-- 838.54 + round(0.1645 x 529,417 x 80 % = 0.1645 x 423,533.6
-- = 69,671.2772, 2) = 838.54 + 69,671.28 = 70,509.82 a year (not indexed
-- in the first year); November-December = 2/12:
-- round(70,509.82 x 2 / 12 = 11,751.6367, 2) = 11,751.64.
-- Numbered 2022/000001, due 30 days later: 1 December 2022.
--
SELECT number, contract_id, kind, period, issued_on, due_on, total
  FROM cultuur.run_invoicing('2022-11-01') ORDER BY number;
SELECT i.number, il.line_no, il.description, il.quantity, il.unit_price, il.tier_volume,
       il.fixed_fee, il.base_amount, il.base_index, il.new_index, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number = '2022/000001' ORDER BY il.line_no;
-- nothing else is due in December or January
SELECT count(*) AS issued FROM cultuur.run_invoicing('2022-12-01');
SELECT count(*) AS issued FROM cultuur.run_invoicing('2023-01-01');

--
-- 2. 1 February 2023: the fourth quarter of 2022, in the second month
-- after it (F 8.1).  Numbers 2023/000001.. in the order due, contract.
--   contract 2, Antwerp 1B: October not in force (no line);
--     November 2 x 6.79 (volume 7) = 13.58; December 3 x 6.79 (volume 3)
--     = 20.37; total 33.95
--   contract 3, Antwerp 2A: yearly round(0.015 x 423,533.6 = 6,353.004, 2)
--     = 6,353.00 (volume 529,417: Antwerp is the only 2A library in 2022,
--     > 500,000: 0.015); a quarter of it for November-December only:
--     round(6,353.00 / 4 x 2/3 = 1,058.8333, 2) = 1,058.83
--   contract 4, Fictiefdorp 1B: November 5 x 6.79 = 33.95, December 0
--   contract 6, Kleindorp 1B: no users: 0.00 (still issued)
--
SELECT number, contract_id, kind, period, issued_on, due_on, total
  FROM cultuur.run_invoicing('2023-02-01') ORDER BY number;
SELECT i.number, il.line_no, il.description, il.month, il.quantity, il.unit_price,
       il.tier_volume, il.base_amount, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number IN ('2023/000001', '2023/000002', '2023/000004') ORDER BY i.number, il.line_no;
-- running it again creates nothing
SELECT count(*) AS issued_again FROM cultuur.run_invoicing('2023-02-01');
SELECT count(*) AS issued_again FROM cultuur.run_invoicing('2022-11-01');

--
-- 3. An issued invoice is never changed (CC010)
--
UPDATE cultuur.invoice SET total = 0 WHERE number = '2023/000001';
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.invoice WHERE number = '2023/000001';
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, quantity, amount)
SELECT id, 4, 'an extra line', 1, 10.00 FROM cultuur.invoice WHERE number = '2023/000001';
\echo SQLSTATE :SQLSTATE
UPDATE cultuur.invoice_line SET amount = 0
 WHERE invoice_id = (SELECT id FROM cultuur.invoice WHERE number = '2023/000001');
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.invoice_line
 WHERE invoice_id = (SELECT id FROM cultuur.invoice WHERE number = '2023/000001');
\echo SQLSTATE :SQLSTATE
SELECT number, total FROM cultuur.invoice WHERE number = '2023/000001';

--
-- 4. Credit notes, numbered like invoices (15 and 20 March 2023)
--   full: Fictiefdorp's 2023/000003 (33.95)            -> 2023/000005, -33.95
--   partial: 58.83 of Antwerp's 2A 2023/000002 (1,058.83) -> 2023/000006,
--            1,000.00 left
--   refused (22023): 1,000.01 on 2023/000002 (more than the 1,000.00 left);
--            11,751.65 on 2022/000001 (more than its 11,751.64); 0.005
--            (not cents); dated before the invoice; without a reason;
--            on a credit note
--   the rest of 2023/000002 (amount left out: 1,000.00) -> 2023/000007;
--   a further credit on it is refused (nothing left)
--
SELECT number, kind, credit_for, period, issued_on, due_on, total, reason
  FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000003'),
                           '2023-03-15', 'service not delivered in November');
SELECT number, total FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000002'),
                                              '2023-03-15', 'inhabitants corrected', 58.83);
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000002'),
                                       '2023-03-15', 'too much', 1000.01);
\echo SQLSTATE :SQLSTATE
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2022/000001'),
                                       '2023-03-15', 'too much', 11751.65);
\echo SQLSTATE :SQLSTATE
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2022/000001'),
                                       '2023-03-15', 'half a cent', 0.005);
\echo SQLSTATE :SQLSTATE
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2022/000001'),
                                       '2022-10-31', 'before the invoice', 1.00);
\echo SQLSTATE :SQLSTATE
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2022/000001'),
                                       '2023-03-15', ' ', 1.00);
\echo SQLSTATE :SQLSTATE
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000005'),
                                       '2023-03-15', 'credit a credit note', 1.00);
\echo SQLSTATE :SQLSTATE
SELECT number, total FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000002'),
                                              '2023-03-20', 'service cancelled');
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000002'),
                                       '2023-03-21', 'once more', 0.01);
\echo SQLSTATE :SQLSTATE
SELECT i.number, il.description, il.quantity, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.kind = 'credit_note' ORDER BY i.number, il.line_no;
-- balances: 2023/000002 1,058.83 - 58.83 - 1,000.00 = 0.00 outstanding;
-- 2023/000003 33.95 - 33.95 = 0.00; the others untouched
SELECT number, kind, total, paid, credited, outstanding FROM cultuur.invoice_balance ORDER BY number;

--
-- 5. 1 May 2023: e-books 2023 and the first quarter of 2023.  On 30 April
-- nothing is due yet.
--   contract 1, e-books 2023 (doc/rules.md §5 worked example): basis 530,630 x 80 %
--     = 424,504.0; 838.54 + round(0.1645 x 424,504.0 = 69,830.908, 2)
--     = 70,669.45; CPI January 2022 118.32 -> January 2023 127.84:
--     round(70,669.45 x 127.84 / 118.32 = 76,355.4977, 2) = 76,355.50
--   contract 2, Antwerp 1B, the consortium crosses two tiers in the quarter:
--     January 3 x 6.79 (volume 1000) = 20.37; February 4 x 6.11 (1001)
--     = 24.44; March 2 x 5.43 (2001) = 10.86; total 55.67
--   contract 3, Antwerp 2A 2023: basis 424,504.0, volume 530,630 + 45,000
--     (Fictiefdorp) = 575,630 -> 0.015; round(0.015 x 424,504.0, 2)
--     = 6,367.56 a year; a quarter: 1,591.89
--   contract 4, Fictiefdorp 1B: 994 x 6.79 = 6,749.26; 994 x 6.11
--     = 6,073.34; 1,996 x 5.43 = 10,838.28; total 23,660.88
--   contract 5, Fictiefdorp 2A from 15 February: 0.015 x 45,000 = 675.00 a
--     year; a quarter 168.75 x 2/3 (February, March; rule month)
--     = 112.50
--   contract 6, Kleindorp 1B: 3 x 6.79 = 20.37; 3 x 6.11 = 18.33;
--     3 x 5.43 = 16.29; total 54.99
--
SELECT count(*) AS issued FROM cultuur.run_invoicing('2023-04-30');
SELECT number, contract_id, kind, period, issued_on, due_on, total
  FROM cultuur.run_invoicing('2023-05-01') ORDER BY number;
SELECT i.number, il.line_no, il.description, il.month, il.quantity, il.unit_price,
       il.tier_volume, il.fixed_fee, il.base_amount, il.base_index, il.new_index, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number IN ('2023/000008', '2023/000009', '2023/000012') ORDER BY i.number, il.line_no;
-- a late March event after the invoice: a6 now counts in March (3) and
-- the consortium total is 2002.  The issued invoice stays 55.67; the next
-- run issues the difference as a supplementary invoice (doc/rules.md §9):
-- March 3 x 5.43 (volume 2002, still > 2000) = 16.29 instead of 2 x 5.43
-- = 10.86, 5.43 more.  No other library's March price moves (the tier was
-- > 2000 already).
INSERT INTO cultuur.usage_event VALUES (1, 'aa00000000000006', 'film-1B', 'film_started', '2023-03-30 19:00+00');
SELECT mu.month, mu.unique_users AS antwerp, cu.unique_users AS consortium
  FROM cultuur.monthly_usage mu
  JOIN cultuur.consortium_usage cu ON cu.service = mu.service AND cu.month = mu.month
 WHERE mu.library_id = 1 AND mu.month = '2023-03-01' ORDER BY mu.month;
SELECT number, total FROM cultuur.invoice WHERE number = '2023/000009';
SELECT number, contract_id, period, issued, due, difference, document, facts
  FROM cultuur.pending_corrections;

--
-- 6. Payments, formal notice, suspension (E 8.6, E 8.7, F 8.3, F 8.4).
-- 2023/000008 (e-books 2023, 76,355.50) is due on 31 May 2023.
--
-- a notice on the due date is refused: not overdue yet (CC012)
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-05-31' FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
-- suspension without a formal notice is refused, even 31 days overdue
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-07-01' FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-07-15' FROM cultuur.invoice WHERE number = '2023/000010';
\echo SQLSTATE :SQLSTATE
-- the notice of 5 June is accepted
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-06-05' FROM cultuur.invoice WHERE number = '2023/000008';
-- a payment dated before the invoice is refused (23514)
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-04-30', 100.00 FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
-- 50,000.00 paid on 15 June: 76,355.50 - 50,000.00 = 26,355.50 left
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-06-15', 50000.00 FROM cultuur.invoice WHERE number = '2023/000008';
-- suspension from 30 June: 30 days after the due date, not more (CC012)
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-06-30' FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
-- from 1 July (31 days overdue, notice sent 5 June): accepted
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-07-01' FROM cultuur.invoice WHERE number = '2023/000008';
-- paying more than the 26,355.50 left is refused (CC012)
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-07-20', 26355.51 FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
-- the payment that settles it lifts the suspension on its date, 20 July
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-07-20', 26355.50 FROM cultuur.invoice WHERE number = '2023/000008';
-- a notice for a paid invoice is refused (CC012)
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-07-25' FROM cultuur.invoice WHERE number = '2023/000008';
\echo SQLSTATE :SQLSTATE
-- a payment on a credit note is refused (23503)
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-07-25', 1.00 FROM cultuur.invoice WHERE number = '2023/000005';
\echo SQLSTATE :SQLSTATE
--
-- 2023/000009 (Antwerp 1B, 55.67, due 31 May): notice on 10 June,
-- suspension from 3 July (33 days); the bank statement of a payment made
-- on 2 July arrives after the suspension was recorded.  The payment is
-- accepted and ends the suspension on the day it started (3 July): it was
-- paid before.
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-06-10' FROM cultuur.invoice WHERE number = '2023/000009';
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-07-03' FROM cultuur.invoice WHERE number = '2023/000009';
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-07-02', 55.67 FROM cultuur.invoice WHERE number = '2023/000009';
--
-- 2023/000011 (Fictiefdorp 1B, 23,660.88, due 31 May): notice on 2 June,
-- 20,000.00 paid on 20 June (3,660.88 left), suspended from 10 July (40
-- days); on 25 July the rest is credited (2023/000014, -3,660.88): the
-- invoice is settled and the credit note lifts the suspension on 25 July.
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-06-02' FROM cultuur.invoice WHERE number = '2023/000011';
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-06-20', 20000.00 FROM cultuur.invoice WHERE number = '2023/000011';
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-07-10' FROM cultuur.invoice WHERE number = '2023/000011';
SELECT number, total FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000011'),
                                              '2023-07-25', 'March usage disputed', 3660.88);
SELECT i.number, s.starts_on, s.lifted_on
  FROM cultuur.suspension s JOIN cultuur.invoice i ON i.id = s.invoice_id ORDER BY i.number, s.starts_on;
SELECT number, total, paid, credited, outstanding FROM cultuur.invoice_balance
 WHERE number IN ('2023/000008', '2023/000009', '2023/000010', '2023/000011') ORDER BY number;
-- recorded payments and notices cannot be changed (CC010)
UPDATE cultuur.payment SET amount = 1.00;
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.formal_notice;
\echo SQLSTATE :SQLSTATE
--
-- Overdue as of several dates, each seeing only the payments and credit
-- notes made by then (2023/000010, Antwerp 2A 1,591.89 due 31 May, is
-- never paid):
--   31 May:  nothing (the due date itself)
--   1 June:  000008 76,355.50, 000009 55.67, 000010 1,591.89, 000011
--            23,660.88: 1 day, no notice, not eligible
--   15 June: 000008 76,355.50 - 50,000.00 = 26,355.50, 15 days, notice
--            5 June; 000009 55.67, notice 10 June; 000010 1,591.89;
--            000011 23,660.88, notice 2 June; none eligible (15 <= 30)
--   1 July:  31 days: 000008 eligible (notice) and suspended since 1 July;
--            000009 eligible, not suspended; 000010 not eligible (no
--            notice); 000011 23,660.88 - 20,000.00 = 3,660.88, eligible
--   3 July:  000009 paid on 2 July: gone; 000008 33 days, suspended;
--            000010 33 days; 000011 3,660.88, eligible
--   20 July: 000008 paid: gone; 000010 50 days; 000011 suspended since
--            10 July
--   25 July: 000011 credited: gone; 000010 55 days
--
SELECT d AS as_of, o.number, o.due_on, o.outstanding, o.days_overdue, o.formal_notice_on,
       o.eligible_for_suspension, o.suspended_since
  FROM unnest('{2023-05-31,2023-06-01,2023-06-15,2023-07-01,2023-07-03,2023-07-20,2023-07-25}'::date[]) d
 CROSS JOIN LATERAL cultuur.overdue(d) o
 WHERE o.number IN ('2023/000008', '2023/000009', '2023/000010', '2023/000011')
 ORDER BY d, o.number;

--
-- 7. A hold (F 8.6): Kleindorp, 1,000 inhabitants on 1 January 2022,
-- lot 1B all 12 months of 2023: cap 12 x 1,000 x 0.18 % = 21.6.  Three
-- users a month: before August 7 x 3 = 21 < 21.6 (refused, CC011); before
-- September 8 x 3 = 24 >= 21.6 (accepted, until 31 December).
--
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (6, '2023-08-01');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (6, '2023-09-01');
SELECT contract_id, starts_on, ends_on FROM cultuur.reach_hold ORDER BY contract_id;
-- all lot 1B contracts in 2023 (caps use the count of 1 January 2022):
--   2 Antwerp: 12 x 530,630 x 0.0018 = 11,461.608; users 3 + 4 + 3 (a6's
--     late event) + 1 = 11: not reached
--   4 Fictiefdorp: 12 x 45,000 x 0.0018 = 972; users 994 + 994 + 1,996 +
--     1,996 = 5,980: reached (no hold asked)
--   6 Kleindorp: 21.6; 10 months x 3 = 30: reached, hold from 1 September
SELECT contract_id, library_id, year, inhabitants, months, cap, unique_users, reached, hold_from
  FROM cultuur.reach_cap_status(2023) ORDER BY contract_id;

--
-- 8. Invoicing on the first of every month, August 2023 - June 2024 (a
-- run in June or July 2023 is refused: credit note 2023/000014 is dated
-- 25 July 2023, and the pending correction would be numbered after it).
--   1 August 2023, second quarter 2023 (after credit note 2023/000014):
--     2023/000015 c2 Antwerp 1B: April 1 x 6.11 (volume exactly 2000)
--                 = 6.11; May, June 0
--     2023/000016 c3 Antwerp 2A: 1,591.89
--     2023/000017 c4 Fictiefdorp 1B: April 1,996 x 6.11 = 12,195.56
--     2023/000018 c5 Fictiefdorp 2A: 675.00 / 4 = 168.75
--     2023/000019 c6 Kleindorp 1B: April 3 x 6.11 = 18.33; May 3 x 6.79
--                 (volume 3) = 20.37; June 20.37; total 59.07
--     2023/000020 c2 supplementary invoice on 2023/000009 (a6's late
--                 March event): 5.43
--   1 November 2023, third quarter:
--     2023/000021 c2 0.00, 2023/000022 c3 1,591.89, 2023/000023 c4 0.00,
--     2023/000024 c5 168.75,
--     2023/000025 c6 Kleindorp: July 20.37 + August 20.37 + September on
--                 hold (3 users, 0.00) = 40.74
--   1 February 2024, fourth quarter 2023:
--     2024/000001 c2 0.00, 2024/000002 c3 1,591.89, 2024/000003 c4 0.00,
--     2024/000004 c5 168.75, 2024/000005 c6 0.00 (October's 3 users on hold)
--   1 May 2024:
--     2024/000006 c1 e-books 2024: basis 532,500 x 80 % = 426,000.0;
--                 838.54 + 0.1645 x 426,000.0 (= 70,077.00) = 70,915.54;
--                 round(70,915.54 x 130.08 / 118.32 = 77,963.9405, 2)
--                 = 77,963.94
--     2024/000007 c2 0.00
--     2024/000008 c3 Antwerp 2A 2024: volume 532,500 + 45,500 = 578,000
--                 -> 0.015; 0.015 x 426,000.0 = 6,390.00; / 4 = 1,597.50
--     2024/000009 c4 0.00
--     2024/000010 c5 Fictiefdorp 2A 2024: 0.015 x 45,500 = 682.50;
--                 round(682.50 / 4 = 170.625, 2) = 170.63
--     2024/000011 c6 Kleindorp: January 2024 3 x 6.79 (volume 3) = 20.37
--                 (the hold ended on 31 December)
--
-- (run in another session time zone: invoicing does not depend on it)
SET TimeZone = 'Asia/Tokyo';
SELECT d::date AS run_on, i.number, i.contract_id, i.kind, i.period, i.total
  FROM generate_series('2023-08-01'::date, '2024-06-01'::date, interval '1 month') d
 CROSS JOIN LATERAL cultuur.run_invoicing(d::date) i
 ORDER BY i.year, i.seq;
SELECT i.number, il.line_no, il.description, il.month, il.quantity, il.unit_price,
       il.tier_volume, il.fixed_fee, il.base_amount, il.base_index, il.new_index, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number IN ('2023/000020', '2023/000025', '2024/000005', '2024/000006', '2024/000010') ORDER BY i.number, il.line_no;

--
-- 9. Budget, first look (after the run of 1 June 2024).  The council's
-- figures (D, seed) and Antwerp's assumptions: lot 1B 3 users a month with
-- 1,500 consortium-wide (-> 6.11) in 2024-2026; for 2026 inhabitants
-- +0.5 % a year and the CPI +2 % a year.
--
INSERT INTO cultuur.budget_approved (library_id, year, amount, reference) VALUES
    (1, 2022,  23751.50, 'D: order 4005533253'),
    (1, 2023, 150000.00, 'D: budget period 2300'),
    (1, 2024, 150000.00, 'D: budget period 2400'),
    (1, 2025,  80000.00, 'D: budget period 2500'),
    (1, 2026,  80000.00, 'D: budget period 2600');
INSERT INTO cultuur.budget_assumption (library_id, year, service, users_per_month, consortium_users_per_month)
SELECT 1, y, 'film-1B', 3, 1500 FROM generate_series(2024, 2026) y;
INSERT INTO cultuur.budget_assumption (library_id, year, service, inhabitant_growth_pct, index_growth_pct)
SELECT 1, 2026, s, 0.5, 2.0 FROM unnest('{ebooks,film-2A}'::text[]) s;
--
-- Per service and year (Antwerp):
--   ebooks  2022 invoiced 11,751.64; 2023 76,355.50; 2024 77,963.94;
--           2025 not invoiced, the rules: basis 535,000 x 80 % = 428,000.0;
--             838.54 + 0.1645 x 428,000.0 (= 70,406.00) = 71,244.54;
--             round(71,244.54 x 135.39 / 118.32 = 81,522.9739, 2) = 81,522.97
--           2026 no count of 1 January 2025, no CPI of January 2026: the
--             assumptions: 535,000 x 1.005 = 537,675 inhabitants, basis
--             430,140.0; 838.54 + round(0.1645 x 430,140.0 = 70,758.03, 2)
--             = 71,596.57; CPI 135.39 x 1.02 = 138.0978;
--             round(71,596.57 x 138.0978 / 118.32 = 83,564.3070, 2) = 83,564.31
--   film-1B 2022 33.95; 2023 55.67 + 5.43 (the supplement of a6's late
--           March event) + 6.11 + 0 + 0 = 67.21; 2024 0.00 for
--           the first quarter + April-December 9 x 3 x 6.11 = 164.97;
--           2025 12 x 3 x 6.11 = 219.96; 2026 (to 30 September) 9 x 3 x
--           6.11 = 164.97
--   film-2A 2022 1,058.83 - 58.83 - 1,000.00 = 0.00 (credited; the only
--           quarter is invoiced, nothing more to come); 2023 4 x 1,591.89
--           = 6,367.56; 2024 1,597.50 invoiced + 3 quarters x 1,597.50 =
--           4,792.50 to come; 2025 volume 535,000 + 600,000 (Grootstad) =
--           1,135,000 > 1,000,000 -> 0.0121: 0.0121 x 428,000.0 = 5,178.80
--           (4 x 1,294.70); 2026: 537,675 x 80 % = 430,140.0; volume
--           537,675 + 600,000 (Grootstad's latest count) = 1,137,675 ->
--           0.0121; round(0.0121 x 430,140.0 = 5,204.694, 2) = 5,204.69;
--           3 quarters of round(5,204.69 / 4 = 1,301.1725, 2) = 1,301.17
--           = 3,903.51
-- Per year: 2022 11,751.64 + 33.95 + 0.00 = 11,785.59 (approved 23,751.50:
--   11,965.91 left); 2023 76,355.50 + 67.21 + 6,367.56 = 82,790.27
--   (67,209.73 left); 2024 77,963.94 + 0.00 + 1,597.50 invoiced and 164.97
--   + 4,792.50 projected = 79,561.44 + 4,957.47 = 84,518.91 (65,481.09
--   left); 2025 81,522.97 + 219.96 + 5,178.80 = 86,921.73 projected
--   (80,000.00 - 86,921.73 = -6,921.73: over budget); 2026 83,564.31 +
--   164.97 + 3,903.51 = 87,632.79 (-7,632.79)
--
SELECT year, service, contract_id, invoiced, projected, source
  FROM cultuur.budget_projection(2022, 2026) WHERE library_id = 1 ORDER BY year, service;
SELECT year, invoiced, projected, expected_total, approved, variance
  FROM cultuur.budget_variance(2022, 2026) WHERE library_id = 1 ORDER BY year;

--
-- 10. June 2024 - May 2026.  Antwerp's count of 1 January 2025 is entered
-- (538,000, invented), Grootstad's is forgotten; Antwerp gives notice on
-- 2 March 2026 to end the e-book contract at the end of its initial term,
-- 15 September 2026 (E 10.3: no exit fee).
--   1 Aug 2024, Q2 2024: 2024/000012 c2 0.00, 000013 c3 1,597.50, 000014
--     c4 0.00, 000015 c5 170.63, 000016 c6 0.00
--   1 Nov 2024, Q3 2024: 000017 c2 0.00, 000018 c3 1,597.50, 000019 c4
--     0.00, 000020 c5 170.63, 000021 c6 0.00 (contracts 4-6 end 30
--     September 2024)
--   1 Feb 2025, Q4 2024: 2025/000001 c2 0.00, 000002 c3 1,597.50
--   1 May 2025: 000003 c1 e-books 2025 81,522.97 (see 9.); 000004 c2 Q1
--     2025: January 2 x 6.79 (volume 2) = 13.58; 000005 c3 0.0121 x
--     428,000.0 = 5,178.80 / 4 = 1,294.70; 000006 c7 Grootstad 0.0121 x
--     600,000 = 7,260.00 / 4 = 1,815.00
--   1 Aug 2025: 000007 c2 0.00, 000008 c3 1,294.70, 000009 c7 1,815.00
--   1 Nov 2025: 000010 c2 0.00, 000011 c3 1,294.70, 000012 c7 1,815.00
--   1 Feb 2026: 2026/000001 c2 0.00, 000002 c3 1,294.70, 000003 c7 1,815.00
--
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2025, 538000);
SET TimeZone = 'America/New_York';
SELECT d::date AS run_on, i.number, i.contract_id, i.kind, i.period, i.total
  FROM generate_series('2024-07-01'::date, '2026-02-01'::date, interval '1 month') d
 CROSS JOIN LATERAL cultuur.run_invoicing(d::date) i
 ORDER BY i.year, i.seq;
SELECT i.number, il.line_no, il.description, il.quantity, il.unit_price, il.tier_volume,
       il.base_amount, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number IN ('2025/000004', '2025/000005') ORDER BY i.number, il.line_no;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2026-03-02');
SELECT contract_id, notified_on, effective_end, exit_fee FROM cultuur.termination ORDER BY contract_id;

SET TimeZone = 'UTC';

--
-- 11. 1 May 2026: three invoices cannot be issued yet and are skipped with
-- a warning, without using a number:
--   c1 e-books 2026: the CPI of January 2026 is not loaded
--   c3 Antwerp 2A 2026: Grootstad's count of 1 January 2025 is missing, and
--      with it the consortium volume could cross 1,000,000 (538,000 alone
--      would be 0.015, with Grootstad 0.0121)
--   c7 Grootstad 2A 2026: its own count is missing
-- Only 2026/000004 (c2, Q1 2026, no users: 0.00) is issued.
--
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2026-05-01') ORDER BY number;
SELECT contract_id, kind, period, due, reason FROM cultuur.invoicing_blocked('2026-05-01')
 ORDER BY contract_id, period;
-- the figures arrive: CPI January 2026 (invented: 138.12) and Grootstad's
-- count (600,000); run again on 15 May:
--   2026/000005 c1 e-books 2026: basis 538,000 x 80 % = 430,400.0; 838.54
--     + 0.1645 x 430,400.0 (= 70,800.80) = 71,639.34; x 138.12 / 118.32
--     = 83,627.6677 -> 83,627.67 a year; ends 15 September: 9/12 (rule
--     month) -> round(83,627.67 x 9 / 12 = 62,720.7525, 2) = 62,720.75.
--     (The pro-rata share is applied to the indexed yearly amount; both
--     orders give 62,720.75 here.)
--   2026/000006 c3 Antwerp 2A: volume 538,000 + 600,000 = 1,138,000 ->
--     0.0121 x 430,400.0 = 5,207.84; / 4 = 1,301.96
--   2026/000007 c7 Grootstad 2A: 7,260.00 / 4 = 1,815.00
INSERT INTO cultuur.price_index (series, month, value) VALUES ('cpi', '2026-01-01', 138.12);
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (4, 2025, 600000);
SELECT count(*) AS blocked FROM cultuur.invoicing_blocked('2026-05-15');
SELECT number, contract_id, kind, period, issued_on, total FROM cultuur.run_invoicing('2026-05-15') ORDER BY number;
SELECT i.number, il.line_no, il.description, il.quantity, il.unit_price, il.tier_volume,
       il.fixed_fee, il.base_amount, il.base_index, il.new_index, il.share, il.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line il ON il.invoice_id = i.id
 WHERE i.number IN ('2026/000005', '2026/000006') ORDER BY i.number, il.line_no;

--
-- 12. The rest, to 1 December 2026 (a run dated after today is refused,
-- see 13):
--   1 Aug 2026, Q2: 2026/000008 c2 0.00, 000009 c3 1,301.96, 000010 c7 1,815.00
--   1 Nov 2026, Q3: 000011 c2 0.00, 000012 c3 1,301.96, 000013 c7 1,815.00
-- nothing after: the film contracts end on 30 September 2026, the e-book
-- contract on 15 September 2026 (nothing due on 1 December)
--
SELECT d::date AS run_on, i.number, i.contract_id, i.kind, i.period, i.total
  FROM generate_series('2026-06-01'::date, '2026-12-01'::date, interval '1 month') d
 CROSS JOIN LATERAL cultuur.run_invoicing(d::date) i
 ORDER BY i.year, i.seq;
SELECT count(*) AS issued_again FROM generate_series('2022-11-01'::date, '2026-12-01'::date, interval '1 month') d
 CROSS JOIN LATERAL cultuur.run_invoicing(d::date) i;

--
-- 13. Runs on the wrong date (doc/rules.md §9, CC014).  The messages name
-- today's date, which changes: the blocks print them with every date as D.
--
-- a run dated after today (2030 typed for 2023) issues nothing
DO $$
BEGIN
    PERFORM cultuur.run_invoicing(cultuur.today() + 1);
    RAISE EXCEPTION 'a run dated tomorrow was not refused';
EXCEPTION WHEN SQLSTATE 'CC014' THEN
    RAISE WARNING 'refused (%): %', SQLSTATE, regexp_replace(SQLERRM, '\d{4}-\d\d-\d\d', 'D', 'g');
END;
$$;
DO $$
BEGIN
    PERFORM cultuur.run_invoicing('2030-01-01');
    RAISE EXCEPTION 'a run dated 2030 was not refused';
EXCEPTION WHEN SQLSTATE 'CC014' THEN
    RAISE WARNING 'refused (%): %', SQLSTATE, regexp_replace(SQLERRM, '\d{4}-\d\d-\d\d', 'D', 'g');
END;
$$;
-- today itself is allowed (nothing is due: the contracts have ended)
SELECT count(*) AS issued_today FROM cultuur.run_invoicing(cultuur.today());
-- numbers follow dates: a credit note dated 15 October 2026 would come
-- after 2026/000013 of 1 November 2026
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2026/000009'),
                                       '2026-10-15', 'backdated by mistake', 1.00);
-- on or after the latest date is fine (and rolled back here)
BEGIN;
SELECT number, issued_on, total FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2026/000009'),
                                                         '2026-11-01', 'same day as the latest', 1.00);
ROLLBACK;
-- a year has 999,999 numbers: the millionth is refused, not wrapped to
-- 2026/100000 (the counter is set by hand, as only a superuser can)
BEGIN;
UPDATE cultuur.invoice_counter SET last_seq = 999998 WHERE year = 2026;
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2026/000009'),
                                       '2026-11-20', 'number 999999', 1.00);
SELECT number FROM cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2026/000009'),
                                       '2026-11-20', 'number 1000000', 1.00);
ROLLBACK;

-- Invoice numbers are gapless per year, credit notes included, the
-- refused credit notes and skipped invoices using none:
--   2022: 1; 2023: 4 + 3 credit notes + 6 + 1 credit note + 5 + 5 = 24;
--   2024: 5 + 6 + 5 + 5 = 21; 2025: 2 + 4 + 3 + 3 = 12;
--   2026: 3 + 1 + 3 + 3 + 3 = 13
SELECT year, count(*) AS invoices, min(seq) AS first, max(seq) AS last,
       count(*) = max(seq) AND min(seq) = 1 AS gapless
  FROM cultuur.invoice GROUP BY year ORDER BY year;
SELECT year, last_seq FROM cultuur.invoice_counter ORDER BY year;

-- Antwerp's invoices 2022-2026, in order
SELECT i.number, c.service, i.kind, i.period, i.issued_on, i.due_on, i.total
  FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
 WHERE i.library_id = 1 ORDER BY i.year, i.seq;
-- totals per service and year (invoice period), credit notes included:
--   ebooks  11,751.64; 76,355.50; 77,963.94; 81,522.97; 62,720.75
--   film-1B 33.95; 67.21 (5 documents: the supplement); 0.00; 13.58; 0.00
--   film-2A 0.00 (1,058.83 credited); 6,367.56; 4 x 1,597.50 = 6,390.00;
--           4 x 1,294.70 = 5,178.80; 3 x 1,301.96 = 3,905.88
SELECT c.service, extract(year FROM lower(i.period))::integer AS year, sum(i.total) AS total,
       count(*) AS documents
  FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
 WHERE i.library_id = 1 GROUP BY 1, 2 ORDER BY 1, 2;
-- every stored line adds up to its invoice
SELECT count(*) AS invoices_not_adding_up
  FROM cultuur.invoice i
 WHERE i.total <> (SELECT coalesce(sum(il.amount), 0) FROM cultuur.invoice_line il WHERE il.invoice_id = i.id);

--
-- 13. Budget at the end: everything is invoiced, nothing projected.
--   2022 11,751.64 + 33.95 + 0.00 = 11,785.59; variance 23,751.50 -
--        11,785.59 = 11,965.91
--   2023 76,355.50 + 67.21 + 6,367.56 = 82,790.27; 67,209.73
--   2024 77,963.94 + 0.00 + 6,390.00 = 84,353.94; 65,646.06
--   2025 81,522.97 + 13.58 + 5,178.80 = 86,715.35; -6,715.35
--   2026 62,720.75 + 0.00 + 3,905.88 = 66,626.63; 13,373.37
--
SELECT year, service, invoiced, projected, source
  FROM cultuur.budget_projection(2022, 2026) WHERE library_id = 1 ORDER BY year, service;
SELECT year, invoiced, projected, expected_total, approved, variance
  FROM cultuur.budget_variance(2022, 2026) WHERE library_id = 1 ORDER BY year;

--
-- 14. Reconciliation: amounts quoted by others against the rules.
--   Bijlage A prints 70,509.56 as the yearly e-book amount; the rules
--   give 838.54 + 69,671.28 = 70,509.82: difference -0.26
--   doc/rules.md §4: the 2022 e-book fee 11,751.64: difference 0.00
--   a supplier statement claims 6,400.00 invoiced for lot 2A in 2024;
--   invoiced 6,390.00: difference 10.00
--
INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source) VALUES
    (1, 2022, 'yearly_amount', 70509.56, 'Bijlage A, e-book agreement: "Totaal per jaar"'),
    (1, 2022, 'fee', 11751.64, 'doc/rules.md §4 worked example'),
    (3, 2024, 'invoiced', 6400.00, 'supplier statement (invented)');
SELECT contract_id, service, year, what, source, quoted, computed, difference
  FROM cultuur.reconciliation ORDER BY id;

RESET TimeZone;
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
