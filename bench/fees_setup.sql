-- cultuur fees benchmark, part 1: the data (in the extension's own tables)
-- and the same fees written by hand in plain SQL.  Run by bench/fees.sql in
-- a database of its own (bench/run.sh makes cultuur_bench_fees).
-- Variables (psql -v): libs (300).
-- Everything random is deterministic (setseed) and invented: only the
-- tariffs of 2022 and the index values of 2020-2025 come from the seeds
-- and demo/be_index.csv.

CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
-- one process per query while generating, so random() runs in one order
SET max_parallel_workers_per_gather = 0;

-- ---------------------------------------------------------------------
-- Price indexes: Statbel's published months (2020-2025), then an invented
-- January for 2026-2032 (+1.5 % to +3 % a year), for cpi and health.
-- ---------------------------------------------------------------------
\copy cultuur.price_index (series, month, value, source) FROM '../demo/be_index.csv' WITH (FORMAT csv, HEADER true)
SELECT setseed(0.2023) \g /dev/null
INSERT INTO cultuur.price_index (series, month, value, source)
WITH RECURSIVE jan (series, year, value) AS (
    SELECT series, 2025, value FROM cultuur.price_index
     WHERE month = '2025-01-01' AND base = 2013
    UNION ALL
    SELECT series, year + 1, round(value * (1.015 + 0.015 * random())::numeric, 2)
      FROM jan WHERE year < 2032
)
SELECT series, make_date(year, 1, 1), value, 'invented for the benchmark'
  FROM jan WHERE year > 2025 ORDER BY series, year;

-- ---------------------------------------------------------------------
-- Libraries and their inhabitants on 1 January 2021-2032: a base count of
-- 5,000-530,000 and a yearly growth of -0.5 % to +1.5 %, kept in range.
-- ---------------------------------------------------------------------
SELECT setseed(0.3000) \g /dev/null
INSERT INTO cultuur.library (id, name, nis_code)
SELECT g, 'Bench library ' || g, to_char(90000 + g, 'FM00000')
  FROM generate_series(1, :libs) g;
SELECT setval('cultuur.library_id_seq', :libs) \g /dev/null

CREATE TEMP TABLE lib_growth AS
SELECT id, 5000 + floor(random() * 525001) AS base, -0.005 + 0.02 * random() AS growth
  FROM cultuur.library ORDER BY id;
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT id, y, least(530000, greatest(5000, round(base * power(1 + growth, y - 2021))))::integer
  FROM lib_growth CROSS JOIN generate_series(2021, 2032) y
 ORDER BY id, y;

-- ---------------------------------------------------------------------
-- Tariffs: the six of Bijlage A (seed; as in demo/load.sql), and two
-- invented price changes so that the tariff in force depends on the year:
-- e-books from 2029, film lot 4A from 2030.
-- ---------------------------------------------------------------------
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', '2029-01-01'), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('ebooks',  daterange('2029-01-01', NULL), 880.00, '0.1725', '{}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}'),
    ('film-2B', daterange('2022-10-01', NULL), 0, '3.03; >1000: 2.42; >2000: 1.815', '{}'),
    ('film-4A', daterange('2022-10-01', '2030-01-01'), 0, '0.022; >500000: 0.018; >1000000: 0.0165', '{}'),
    ('film-4A', daterange('2030-01-01', NULL), 0, '0.024; >500000: 0.02; >1000000: 0.0175', '{}'),
    ('film-4B', daterange('2022-10-01', NULL), 0, '1.21; >1000: 0.98; >2000: 0.932', '{}');

-- the film framework agreements, long enough for ten years of contracts
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2032-12-31', 0 FROM cultuur.service WHERE kind = 'film';

-- ---------------------------------------------------------------------
-- Contracts.  Every library takes all six services.
--   e-books: one contract, starting on some day of a month from November
--     2022 to December 2023, initial term to 15 September 2026, then tacit
--     renewals; half indexed (CPI) from 2023, 2024 or 2025; one in six
--     terminated by a notice sent in 2027-2031 (it ends on the earliest
--     date that notice can reach: a 31 December or a 15 September).
--   film lots: a contract can last at most four years (two years and two
--     one-year renewals, F 10), so each library has a chain of contracts
--     per lot: the first starts in a month of November 2022 - December
--     2023, each next one four years later, the last one cut at the end of
--     the framework (31 December 2032).  One chain in ten skips its second
--     renewal (a year without the lot); a third of the contracts is indexed
--     (health index) from their third year.
--   basis 80 % for one library in five, else 100 %; pro-rata rule month.
-- ---------------------------------------------------------------------
SELECT setseed(0.4000) \g /dev/null
CREATE TEMP TABLE plan AS
SELECT l.id AS library_id, s.code AS service, s.kind,
       (date '2022-11-01' + make_interval(months => floor(random() * 14)::integer)
                          + make_interval(days => CASE WHEN random() < 0.3 THEN floor(random() * 28)::integer ELSE 0 END))::date AS first_start,
       CASE WHEN random() < 0.2 THEN 80 ELSE 100 END AS basis_pct,
       random() < 0.5 AS indexed,
       random() < 0.1 AS skip_renewal,
       random() < 1.0 / 6 AS terminated,
       random() AS r,
       random() AS r2
  FROM cultuur.library l CROSS JOIN cultuur.service s
 ORDER BY l.id, s.code;

INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from)
SELECT p.library_id, p.service, p.first_start - 30, p.first_start, '2026-09-15', p.basis_pct,
       CASE WHEN p.indexed THEN 2023 + floor(p.r * 3)::integer END
  FROM plan p WHERE p.kind = 'ebooks'
 ORDER BY p.library_id;

INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, basis_pct, index_from)
SELECT p.library_id, p.service, (p.first_start + make_interval(years => 4 * k))::date - 30,
       (p.first_start + make_interval(years => 4 * k))::date, p.basis_pct,
       CASE WHEN p.indexed AND p.r < 0.66 THEN extract(year FROM p.first_start)::integer + 4 * k + 2 END
  FROM plan p CROSS JOIN generate_series(0, 2) k
 WHERE p.kind = 'film'
   AND (p.first_start + make_interval(years => 4 * k))::date <= '2032-12-31'
 ORDER BY p.library_id, p.service, k;

-- The benchmark simulates ten years ahead: its renewals and notices lie in
-- the future, which the rules refuse for real entries (an entry is never
-- dated after the day it is made).  In this throwaway database it lifts
-- that one check (the entry_stamp triggers) and records who and when
-- itself; every other rule applies.
ALTER TABLE cultuur.renewal DISABLE TRIGGER entry_stamp;
ALTER TABLE cultuur.termination DISABLE TRIGGER entry_stamp;

-- the renewals by agreement, agreed two months before each term ends
-- (each trigger places the renewal after the current term, at most a year)
INSERT INTO cultuur.renewal (contract_id, agreed_on, entered_by, entered_at)
SELECT c.id, c.initial_end - 60, session_user, now()
  FROM cultuur.contract c JOIN cultuur.service s ON s.code = c.service AND s.kind = 'film'
 WHERE c.initial_end < '2032-12-31'
 ORDER BY c.id;
INSERT INTO cultuur.renewal (contract_id, agreed_on, entered_by, entered_at)
SELECT c.id, upper(c.active) - 61, session_user, now()
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.kind = 'film'
  JOIN plan p ON p.library_id = c.library_id AND p.service = c.service
 WHERE upper(c.active) <= '2032-12-31' AND NOT p.skip_renewal
 ORDER BY c.id;

-- e-book notices: a day of 2027-2031
INSERT INTO cultuur.termination (contract_id, notified_on, entered_by, entered_at)
SELECT c.id, date '2027-01-01' + floor(p.r2 * 1826)::integer, session_user, now()
  FROM cultuur.contract c JOIN plan p ON p.library_id = c.library_id AND p.service = c.service
 WHERE c.service = 'ebooks' AND p.terminated
 ORDER BY c.id;
ALTER TABLE cultuur.renewal ENABLE TRIGGER entry_stamp;
ALTER TABLE cultuur.termination ENABLE TRIGGER entry_stamp;

ANALYZE cultuur.price_index, cultuur.library, cultuur.population, cultuur.tariff,
        cultuur.contract, cultuur.renewal, cultuur.termination;

-- ---------------------------------------------------------------------
-- What a user would write without the extension's functions.  The tier
-- schedules are an extension type, so the plain SQL keeps them the way a
-- plain schema would: one row per tier (price applies when the volume is
-- above "above"; NULL for the first tier), keyed by the tariff row.
-- Everything else comes from the same tables as cultuur.fee_detail.
-- ---------------------------------------------------------------------
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

CREATE TABLE bench.tariff_tier (
    tariff_id integer NOT NULL REFERENCES cultuur.tariff,
    above     numeric,
    price     numeric NOT NULL,
    UNIQUE (tariff_id, above)
);
INSERT INTO bench.tariff_tier (tariff_id, above, price)
SELECT t.id, NULL::numeric, 0.1645 FROM cultuur.tariff t WHERE t.service = 'ebooks' AND lower(t.valid) = '2022-01-01'
UNION ALL SELECT t.id, NULL, 0.1725 FROM cultuur.tariff t WHERE t.service = 'ebooks' AND lower(t.valid) = '2029-01-01'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 6.79), (1000, 6.11), (2000, 5.43)) v(a, p) WHERE t.service = 'film-1B'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 0.015), (500000, 0.015), (1000000, 0.0121)) v(a, p) WHERE t.service = 'film-2A'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 3.03), (1000, 2.42), (2000, 1.815)) v(a, p) WHERE t.service = 'film-2B'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 0.022), (500000, 0.018), (1000000, 0.0165)) v(a, p)
     WHERE t.service = 'film-4A' AND lower(t.valid) = '2022-10-01'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 0.024), (500000, 0.02), (1000000, 0.0175)) v(a, p)
     WHERE t.service = 'film-4A' AND lower(t.valid) = '2030-01-01'
UNION ALL SELECT t.id, a, p FROM cultuur.tariff t,
    (VALUES (NULL, 1.21), (1000, 0.98), (2000, 0.932)) v(a, p) WHERE t.service = 'film-4B';
ANALYZE bench.tariff_tier;

-- The fee of every contract and calendar year 2023-2032 (doc/rules.md §2-5):
--   inhabitants of 1 January of the previous year x basis share (not
--   rounded); the tier picked by the consortium volume (inhabitants of
--   every library with a contract for the service that year, each library
--   once); yearly = fixed fee + round(basis x unit price, 2); indexed =
--   round(yearly x index of January Y / index of January of the start year,
--   2) when the contract says so from that year (never in the start year);
--   film only in a renewal term (in force on the year's first day) that
--   starts in index_from or later, to January of the term's start year;
--   fee = round(indexed x months / 12, 2), months = calendar months of the
--   year with at least one active day (rule 'month').  Per-user lots are
--   billed from usage: a row with fee NULL, as in fee_detail.
CREATE VIEW bench.plain_fee AS
WITH cy AS (
    SELECT c.id, c.library_id, c.service, c.starts_on, c.basis_pct, c.index_from,
           s.price_model, s.index_series, s.renewal, y AS year,
           (SELECT r.starts_on FROM cultuur.renewal r
             WHERE r.contract_id = c.id
               AND greatest(c.starts_on, make_date(y, 1, 1)) BETWEEN r.starts_on AND r.ends_on) AS term_start,
           greatest(lower(c.active), make_date(y, 1, 1)) AS first_day,
           least(coalesce(upper(c.active), 'infinity'), make_date(y + 1, 1, 1)) AS end_day,
           p.inhabitants
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN LATERAL generate_series(
             greatest(2023, extract(year FROM lower(c.active))::integer),
             least(2032, coalesce(extract(year FROM upper(c.active) - 1)::integer, 2032))) y
      LEFT JOIN cultuur.population p ON p.library_id = c.library_id AND p.year = y - 1
),
volume AS (
    SELECT service, year,
           CASE WHEN count(*) = count(inhabitants) THEN sum(inhabitants) END AS inhabitants
      FROM (SELECT DISTINCT service, year, library_id, inhabitants FROM cy) l
     GROUP BY service, year
),
priced AS (
    SELECT cy.*, t.fixed_fee,
           cy.inhabitants * cy.basis_pct * 0.01 AS basis,
           (SELECT tt.price FROM bench.tariff_tier tt
             WHERE tt.tariff_id = t.id AND (tt.above IS NULL OR v.inhabitants > tt.above)
             ORDER BY tt.above DESC NULLS LAST LIMIT 1) AS unit_price,
           CASE WHEN cy.renewal = 'agreement'
                THEN cy.term_start IS NOT NULL AND extract(year FROM cy.term_start) >= cy.index_from
                ELSE cy.index_from IS NOT NULL AND cy.year >= cy.index_from
                     AND cy.year > extract(year FROM cy.starts_on) END AS is_indexed,
           CASE WHEN cy.renewal = 'agreement' THEN make_date(extract(year FROM cy.term_start)::integer, 1, 1)
                ELSE make_date(cy.year, 1, 1) END AS new_month
      FROM cy
      LEFT JOIN cultuur.tariff t
             ON t.service = cy.service AND t.valid @> greatest(make_date(cy.year, 1, 1), cy.starts_on)
      LEFT JOIN volume v ON v.service = cy.service AND v.year = cy.year
),
amounts AS (
    SELECT p.*, p.fixed_fee + round(p.basis * p.unit_price, 2) AS yearly,
           bi.value AS base_index, yi.value AS year_index,
           (extract(year FROM p.end_day - 1) * 12 + extract(month FROM p.end_day - 1))
         - (extract(year FROM p.first_day) * 12 + extract(month FROM p.first_day)) + 1 AS months
      FROM priced p
      LEFT JOIN cultuur.price_index bi
             ON p.is_indexed AND bi.series = p.index_series AND bi.base = 2013
            AND bi.month = make_date(extract(year FROM p.starts_on)::integer, 1, 1)
      LEFT JOIN cultuur.price_index yi
             ON p.is_indexed AND yi.series = p.index_series AND yi.base = 2013
            AND yi.month = p.new_month
)
SELECT id AS contract_id, year,
       CASE WHEN price_model = 'per_inhabitant' THEN
           round(CASE WHEN is_indexed THEN round(yearly * year_index / base_index, 2)
                      ELSE yearly END * months / 12, 2)
       END AS fee
  FROM amounts;
