--
-- Film fees follow the health index only on renewal (doc/rules.md §5;
-- F 8.5): never during the initial term, and from a renewal's start for
-- that whole term, to the index of January of the year the term started
-- (the base: January of the contract's start year).  index_from says from
-- which year's renewals on it was agreed; for e-books it is the calendar
-- year (E 8.8), unchanged.
-- One invented library, lot 2A (per inhabitant) and lot 1B (per user)
-- from 1 October 2022 (initial term to 30 September 2024, F 10.1),
-- indexation agreed from 2023, renewed by agreement for 1 October 2024 -
-- 30 September 2025.  Health index of January (Statbel, demo/be_index.csv):
-- 2022 118.21, 2023 128.00, 2024 130.19, 2025 135.52.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET client_min_messages = warning;
SET TimeZone = 'UTC';

DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.price_index (series, month, value) VALUES
    ('health', '2022-01-01', 118.21), ('health', '2023-01-01', 128.00),
    ('health', '2024-01-01', 130.19), ('health', '2025-01-01', 135.52);
INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Hoeve', '99401');
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT 1, y, 50000 FROM generate_series(2021, 2024) y;
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}');
-- the real frameworks (to 30 September 2024), extended by a year
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2024-09-30', 2 FROM cultuur.service WHERE code IN ('film-1B', 'film-2A');
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on) VALUES
    ('film-1B', '2024-06-01', '2025-09-30'), ('film-2A', '2024-06-01', '2025-09-30');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, index_from) VALUES
    (1, 1, 'film-2A', '2022-09-01', '2022-10-01', 2023),
    (2, 1, 'film-1B', '2022-09-01', '2022-10-01', 2023);
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (1, '2024-06-01'), (2, '2024-06-01');
SELECT contract_id, seq, starts_on, ends_on FROM cultuur.renewal ORDER BY contract_id;
-- lot 1B: 10 members start a film every month
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, md5(format('%s-%s', m, u)), 'film-1B', 'film_started', m + interval '14 days 20 hours'
  FROM generate_series('2022-10-01'::timestamptz, '2025-09-01', interval '1 month') m,
       generate_series(1, 10) u;

-- the budget, before anything is invoiced, projects lot 2A by the term in
-- force when the year starts, as fee_detail below, quarter by quarter as
-- it is invoiced: 2022 187.50; 2023 and 2024 750.00 (initial term on 1
-- January; by the calendar year 2023 would be indexed); 2025 three
-- quarters of 206.50 (the renewal's index) = 619.50
SELECT year, projected, source FROM cultuur.budget_projection(2022, 2025)
 WHERE contract_id = 1 ORDER BY year;

--
-- Lot 2A: 0.015 x 50,000 = 750.00 a year, 187.50 a quarter, through the
-- initial term: 2023 too, although index_from is 2023 (indexed by the
-- calendar year it would be round(750.00 x 128.00 / 118.21, 2) = 812.11,
-- 203.03 a quarter).  From the renewal on, 1 October 2024:
-- round(750.00 x 130.19 / 118.21 = 826.0088, 2) = 826.01, a quarter
-- round(826.01 / 4 = 206.5025, 2) = 206.50, for the whole term: 2025's
-- quarters too (not January 2025's 135.52, which would give 214.96).
--
SELECT number, contract_id, kind, period, total FROM cultuur.run_invoicing('2025-11-01')
 WHERE contract_id = 1 ORDER BY number;
SELECT lower(i.period) AS quarter, l.base_amount, l.base_index, l.new_index, l.share, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id
 WHERE i.contract_id = 1 AND lower(i.period) >= '2024-07-01' ORDER BY i.period;

--
-- Lot 1B: 10 x 6.79 = 67.90 a month; from October 2024
-- round(67.90 x 130.19 / 118.21 = 74.7813, 2) = 74.78.  A year: 2022
-- 3 x 67.90 = 203.70; 2023 12 x 67.90 = 814.80; 2024 9 x 67.90 + 3 x
-- 74.78 = 835.44; 2025 9 x 74.78 = 673.02.
--
SELECT l.month, l.quantity, l.unit_price, l.base_amount, l.base_index, l.new_index, l.amount
  FROM cultuur.invoice i JOIN cultuur.invoice_line l ON l.invoice_id = i.id
 WHERE i.contract_id = 2 AND l.month IN ('2023-01-01', '2024-09-01', '2024-10-01', '2025-09-01')
 ORDER BY l.month;
SELECT extract(year FROM lower(i.period)) AS year, sum(i.total) AS lot_1b
  FROM cultuur.invoice i WHERE i.contract_id = 2 GROUP BY 1 ORDER BY 1;

--
-- fee_detail, per calendar year, takes the term in force when the year
-- starts: 2022-2024 unindexed (initial term on 1 January), 2025 indexed
-- by the renewal of 1 October 2024 (826.01, 9/12 to 30 September:
-- round(826.01 x 9 / 12 = 619.5075, 2) = 619.51; the three quarters
-- invoiced, each rounded, are 3 x 206.50 = 619.50).  A year whose
-- quarters fall in two terms is shown by the term of its start; the
-- invoices follow each quarter's term.
--
SELECT year, yearly_amount, index_series, base_index, year_index, indexed_amount, round(share, 4) AS share, fee
  FROM cultuur.fee_detail(2022, 2025) WHERE contract_id = 1 ORDER BY year;

-- the rule itself (index_month): film only in a renewal term starting in
-- index_from or later; e-books by the calendar year, never the first
SELECT cultuur.index_month('agreement', 2023, '2022-10-01', 2023, NULL) AS film_initial_term,
       cultuur.index_month('agreement', 2023, '2022-10-01', 2025, '2024-10-01') AS film_renewal,
       cultuur.index_month('agreement', 2025, '2022-10-01', 2025, '2024-10-01') AS film_renewal_before_index_from,
       cultuur.index_month('agreement', NULL, '2022-10-01', 2025, '2024-10-01') AS film_not_agreed,
       cultuur.index_month('tacit', 2023, '2022-11-01', 2023, NULL) AS ebooks_2023,
       cultuur.index_month('tacit', 2023, '2022-11-01', 2022, NULL) AS ebooks_first_year;

--
-- Statbel revises the health index of January 2024 (invented: 130.29, not
-- 130.19).  It cannot be updated in place once invoices were indexed with
-- it (CC010); it is entered as a correction with its reason, the old value
-- kept, and the next run corrects every invoice indexed with it:
--   lot 2A: round(750.00 x 130.29 / 118.21 = 826.6433, 2) = 826.64, a
--     quarter round(826.64 / 4 = 206.66, 2) = 206.66: 0.16 more for each
--     of the 4 quarters of the renewal;
--   lot 1B: round(67.90 x 130.29 / 118.21 = 74.8388, 2) = 74.84 a month,
--     0.06 more: 0.18 for each of the 4 quarters.
-- Only finance enters index corrections (42501 for data entry).
--
UPDATE cultuur.price_index SET value = 130.29 WHERE series = 'health' AND month = '2024-01-01';
\echo SQLSTATE :SQLSTATE
BEGIN;
SET LOCAL ROLE cultuur_data_entry;
INSERT INTO cultuur.price_index_correction (series, month, value, reason)
VALUES ('health', '2024-01-01', 130.29, 'Statbel revision');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL ROLE cultuur_finance;
INSERT INTO cultuur.price_index_correction (series, month, value, reason)
VALUES ('health', '2024-01-01', 130.29, 'Statbel revision of the January 2024 health index')
RETURNING series, month, value, previous, reason;
COMMIT;
SELECT number, contract_id, issued, due, difference, document, facts
  FROM cultuur.pending_corrections ORDER BY number;
SELECT i.kind, count(*) AS documents, sum(i.total) AS total
  FROM cultuur.run_invoicing('2025-11-02') i GROUP BY i.kind;
SELECT count(*) AS pending FROM cultuur.pending_corrections;
