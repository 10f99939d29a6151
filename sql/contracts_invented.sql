--
-- Contracts in the database: many invented contracts.
--
-- Other start months, leap years, the three pro-rata rules, initial terms
-- ending mid-year, tacit renewals into the 2030s, libraries sharing a
-- tiered per-inhabitant film lot, missing populations and indexes, bad
-- input, and statements that are refused as a whole.
--
-- All libraries are real municipalities, but every count of inhabitants,
-- every contract and the film lot 4A framework below are INVENTED.  The
-- tariffs are those of Bijlage A.  Every amount was computed by hand
-- (exact fractions) and is given in the comment above the query that
-- shows it.  A refused statement is followed by "\echo SQLSTATE :SQLSTATE".
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET IntervalStyle = postgres;
SET client_min_messages = warning;

-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

-- CPI of January, base 2013 (Statbel, as in data/be_index.csv)
INSERT INTO cultuur.price_index (series, month, value) VALUES
    ('cpi', '2022-01-01', 118.32), ('cpi', '2023-01-01', 127.84),
    ('cpi', '2024-01-01', 130.08), ('cpi', '2025-01-01', 135.39);

INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}'),
    ('film-4A', daterange('2022-07-01', NULL), 0, '0.022; >500000: 0.018; >1000000: 0.0165', '{}');

-- film lot 2A: the real framework (to 30 September 2024); film lot 4A: an
-- invented long framework (1 July 2022 to 31 December 2028, no
-- extensions) so that its contracts are limited by their own terms only
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions) VALUES
    ('film-2A', '2022-10-01', '2024-09-30', 2),
    ('film-4A', '2022-07-01', '2028-12-31', 0);

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (2, 'Gent', '44021'), (3, 'Brugge', '31005'), (4, 'Leuven', '24062'),
    (5, 'Zonnebeke', '33037'), (6, 'Mechelen', '12025'), (7, 'Antwerpen', '11002'),
    (8, 'Kortrijk', '34022'), (9, 'Oostende', '35013'), (10, 'Hasselt', '71022'),
    (11, 'Aalst', '41002'), (12, 'Roeselare', '36015'), (13, 'Genk', '71016'),
    (14, 'Tielt', '37015');

INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (2, 2022, 263000), (2, 2023, 264000), (2, 2024, 265000), (2, 2025, 266000),
    (3, 2022, 118000), (3, 2023, 118500), (3, 2024, 119000), (3, 2025, 119500),
    (4, 2022, 101000), (4, 2023, 102000), (4, 2024, 103000), (4, 2025, 104000),
    (5, 2023, 15500), (5, 2024, 15600), (5, 2025, 15700),
    (6, 2024, 88000), (6, 2025, 88500),
    (7, 2025, 530000),
    (8, 2022, 77000), (8, 2032, 80000),
    (9, 2022, 71000), (9, 2024, 72000),
    (10, 2022, 79000), (10, 2024, 80000),
    (11, 2023, 89000), (11, 2027, 90000),
    (12, 2023, 64000),
    (13, 2022, 66000), (13, 2023, 66500), (13, 2024, 67000), (13, 2025, 67500);
-- Tielt (14) has no count at all.

--
-- 1. Bad input is refused, each with its SQLSTATE.
--
-- NIS code not 5 digits (check_violation 23514); a NIS code used twice
-- (unique_violation 23505)
INSERT INTO cultuur.library (id, name, nis_code) VALUES (30, 'Tielt-Winge', '2414');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.library (id, name, nis_code) VALUES (30, 'Tielt-Winge', '241350');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.library (id, name, nis_code) VALUES (30, 'Tielt-Winge', '2413a');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.library (id, name, nis_code) VALUES (30, 'Gent bis', '44021');
\echo SQLSTATE :SQLSTATE
-- a negative count, a year out of range (23514)
INSERT INTO cultuur.population VALUES (14, 2023, -1);
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.population VALUES (14, 1800, 20000);
\echo SQLSTATE :SQLSTATE
-- basis_pct must be > 0 and <= 100 (23514)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01', '2025-12-31', 0);
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01', '2025-12-31', 101);
\echo SQLSTATE :SQLSTATE
-- initial_end before the start (23514)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01', '2022-12-31');
\echo SQLSTATE :SQLSTATE
-- an e-book contract states its initial end (not_null_violation 23502)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01');
\echo SQLSTATE :SQLSTATE
-- unknown service, unknown library (foreign_key_violation 23503)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-3A', '2023-01-01', '2023-01-01', '2024-12-31');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 99, 'ebooks', '2023-01-01', '2023-01-01', '2024-12-31');
\echo SQLSTATE :SQLSTATE
-- a film contract starting before its framework agreement (lot 4A: 1
-- July 2022) is refused (CC009)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on)
VALUES (80, 14, 'film-4A', '2022-06-01', '2022-06-01');
\echo SQLSTATE :SQLSTATE
-- ... and so is one starting after the framework ended (lot 2A: 30
-- September 2024): the hint says to extend the framework (CC009)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on)
VALUES (80, 14, 'film-2A', '2024-10-01', '2024-10-01');
\echo SQLSTATE :SQLSTATE
-- initial term too long: lot 4A starting 1 January 2025 runs at most
-- 2 years, to 31 December 2026; asking for 30 June 2027 (inside the
-- framework) breaks the term (CC005)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-4A', '2025-01-01', '2025-01-01', '2027-06-30');
\echo SQLSTATE :SQLSTATE
-- lot 2A starting 1 November 2022 could run 2 years (to 31 October 2024),
-- but its framework ends on 30 September 2024 (CC009)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-2A', '2022-11-01', '2022-11-01', '2024-10-31');
\echo SQLSTATE :SQLSTATE
-- initial term too short (F 10.1 fixes it; a notice may not end a film
-- contract early either): lot 4A from 1 January 2025 to 30 June 2026
-- instead of 31 December 2026, and lot 2A signed 15 December 2022 to 30
-- June 2024 instead of the framework end in force then, 30 September 2024
-- (CC005, the allowed end in the hint)
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-4A', '2024-12-01', '2025-01-01', '2026-06-30');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-2A', '2022-12-15', '2023-01-01', '2024-06-30');
\echo SQLSTATE :SQLSTATE
-- the exact end is accepted (and is what an empty initial_end gives)
BEGIN;
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'film-2A', '2022-12-15', '2023-01-01', '2024-09-30') RETURNING id, initial_end;
ROLLBACK;
-- an e-book contract with an infinite initial end or start, or dated
-- outside 1900-2200 (a year typed with two digits, a date BC): 22008, the
-- date named.  Accepted, a contract dated BC put an invoice of every year
-- since then into each invoicing run.
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01', 'infinity');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '2023-01-01', '-infinity', '2025-12-31');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '0023-01-01', '0023-01-01', '0026-09-15');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '2022-12-01', '0100-01-01 BC', '2026-09-15');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end)
VALUES (80, 14, 'ebooks', '2023-01-01', '2023-01-01', '2201-09-15');
\echo SQLSTATE :SQLSTATE
-- a framework extension to 'infinity' (CC005: at most one year)
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on) VALUES ('film-2A', '2024-06-01', 'infinity');
\echo SQLSTATE :SQLSTATE
-- a renewal of a contract that does not exist (23503)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (999, '2024-06-01');
\echo SQLSTATE :SQLSTATE
-- a termination of a contract that does not exist (23503), with an
-- unknown reason (22P02)
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (999, '2024-06-01');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (999, '2024-06-01', 'bored');
\echo SQLSTATE :SQLSTATE
-- a price change with infinite dates (23514)
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2023-07-01', 'infinity', 900, '0.17');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '-infinity', '2024-01-01', 900, '0.17');
\echo SQLSTATE :SQLSTATE
-- two tariffs of one service may not overlap (exclusion_violation 23P01)
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers) VALUES ('ebooks', daterange('2025-01-01', NULL), 900, '0.17');
\echo SQLSTATE :SQLSTATE
SELECT count(*) AS contracts FROM cultuur.contract;

--
-- 2. A refused statement leaves nothing half-written.
--
-- three libraries, the third with a bad NIS code: none is added
INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (20, 'Ieper', '33011'), (21, 'Poperinge', '33021'), (22, 'Veurne', '3802');
\echo SQLSTATE :SQLSTATE
SELECT count(*) AS libraries_20_22 FROM cultuur.library WHERE id BETWEEN 20 AND 22;
-- three contracts, the third overlapping the first (same library and
-- service; the first renews tacitly, so it has no end yet): none is added
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (90, 14, 'ebooks', '2023-01-01', '2023-01-01', '2024-12-31'),
    (91, 13, 'film-4A', '2023-01-01', '2023-01-01', NULL),
    (92, 14, 'ebooks', '2025-01-01', '2025-01-01', '2026-12-31');
\echo SQLSTATE :SQLSTATE
SELECT count(*) AS contracts FROM cultuur.contract;
-- a price change whose new tariff is invalid (negative fixed fee): the
-- trigger had already split the tariff, but the whole statement is undone
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2023-07-01', '2024-01-01', -1, '0.17');
\echo SQLSTATE :SQLSTATE
SELECT service, valid, fixed_fee, tiers FROM cultuur.tariff ORDER BY service, lower(valid);
SELECT count(*) AS price_changes FROM cultuur.price_change;

--
-- 3. Film lot 4A shared by several libraries: the tier is chosen by the
-- consortium-wide count of inhabitants (of 1 January Y-1) of every library
-- with a lot 4A contract in force in year Y, and that one price applies to
-- all of them (doc/rules.md §3, strict ">").  Tiers: 0.022; > 500,000: 0.018;
-- > 1,000,000: 0.0165.
--
-- Gent (basis 90 %), Brugge and Leuven from 1 January 2023 (2 years: to
-- 31 December 2024, the trigger fills that in).  Brugge's first contract
-- started on 1 July 2022 (2 years: to 30 June 2024), and Brugge takes a
-- new one from 1 July 2024.  Zonnebeke joins on 1 January 2024, Mechelen on
-- 1 January 2025, Antwerpen (basis 80 %) on 1 January 2026.
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct) VALUES
    (101, 2, 'film-4A', '2022-12-01', '2023-01-01', NULL, 90),
    (102, 3, 'film-4A', '2022-06-01', '2022-07-01', NULL, 100),
    (103, 3, 'film-4A', '2024-06-01', '2024-07-01', NULL, 100),
    (104, 4, 'film-4A', '2022-12-01', '2023-01-01', NULL, 100),
    (105, 5, 'film-4A', '2023-12-01', '2024-01-01', NULL, 100),
    (106, 6, 'film-4A', '2024-12-01', '2025-01-01', NULL, 100),
    (107, 7, 'film-4A', '2025-12-01', '2026-01-01', NULL, 80);
-- renewals by agreement: Gent and Leuven twice (to 31 December 2026),
-- Zonnebeke once (to 31 December 2026); each one year
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES
    (101, '2024-10-01'), (104, '2024-10-01'), (105, '2025-10-01');
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES
    (101, '2025-10-01'), (104, '2025-10-01');
SELECT id, library_id, starts_on, initial_end, active FROM cultuur.contract WHERE service = 'film-4A' ORDER BY id;
--
-- Tier volume per year (inhabitants, not the basis share):
--   2023: Gent 263,000 + Brugge 118,000 + Leuven 101,000 = 482,000 -> 0.022
--   2024: 264,000 + 118,500 + 102,000 + Zonnebeke 15,500 = 500,000 exactly:
--         not > 500,000 -> still 0.022.  Brugge has two contracts in 2024
--         but is counted once (counted twice it would be 618,500 -> 0.018).
--   2025: 265,000 + 119,000 + 103,000 + 15,600 + Mechelen 88,000
--         = 590,600 -> 0.018 (for everyone)
--   2026: 266,000 + 119,500 + 104,000 + 15,700 + 88,500 + Antwerpen
--         530,000 = 1,123,700 -> 0.0165 (for everyone)
-- Fees = round(price x basis, 2) x share (month rule):
--   2023: Gent 0.022 x 236,700 (263,000 x 0.9) = 5,207.40; Brugge 0.022
--         x 118,000 = 2,596.00; Leuven 0.022 x 101,000 = 2,222.00
--   2024: Gent 0.022 x 237,600 = 5,227.20; Brugge 0.022 x 118,500 =
--         2,607.00, January-June (102) and July-December (103): 6/12 each
--         = 1,303.50 + 1,303.50; Leuven 0.022 x 102,000 = 2,244.00;
--         Zonnebeke 0.022 x 15,500 = 341.00
--   2025: Gent 0.018 x 238,500 = 4,293.00; Brugge 0.018 x 119,000 =
--         2,142.00; Leuven 0.018 x 103,000 = 1,854.00; Zonnebeke 0.018 x
--         15,600 = 280.80; Mechelen 0.018 x 88,000 = 1,584.00
--   2026: Gent 0.0165 x 239,400 = 3,950.10; Brugge 0.0165 x 119,500 =
--         1,971.75 x 6/12 (its contract ends 30 June 2026) = 985.875
--         -> 985.88 (half away from zero); Leuven 0.0165 x 104,000 =
--         1,716.00; Zonnebeke 0.0165 x 15,700 = 259.05; Mechelen 0.0165 x
--         88,500 = 1,460.25; Antwerpen 0.0165 x 424,000 (530,000 x 0.8)
--         = 6,996.00
SELECT year, contract_id, library_id, inhabitants, basis, tier_volume, unit_price,
       yearly_amount, round(share, 4) AS share, fee, note
  FROM cultuur.fee_detail(2023, 2026) WHERE service = 'film-4A'
 ORDER BY year, contract_id;
-- 3b. Tielt joins lot 4A on 1 January 2024 without a count of 1 January
-- 2023.  Its own fee is unknown, and so is everyone's 2024 price: the
-- known volume is 500,000 and any count for Tielt would cross 500,000.
BEGIN;
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on) VALUES
    (108, 14, 'film-4A', '2023-12-01', '2024-01-01');
SELECT contract_id, library_id, tier_volume, unit_price, fee, note
  FROM cultuur.fee_detail(2024, 2024) WHERE service = 'film-4A' ORDER BY contract_id;
-- with Tielt's count entered (20,000): 520,000 > 500,000 -> 0.018 for all:
--   Gent 0.018 x 237,600 = 4,276.80; Brugge 0.018 x 118,500 = 2,133.00
--   x 6/12 = 1,066.50 (twice); Leuven 0.018 x 102,000 = 1,836.00;
--   Zonnebeke 0.018 x 15,500 = 279.00; Tielt 0.018 x 20,000 = 360.00
INSERT INTO cultuur.population VALUES (14, 2023, 20000);
SELECT contract_id, library_id, tier_volume, unit_price, fee, note
  FROM cultuur.fee_detail(2024, 2024) WHERE service = 'film-4A' ORDER BY contract_id;
-- Tielt renews to 31 December 2026 but has no count of 1 January 2025:
-- in 2026 the known volume, 1,123,700, is already in the top tier, so the
-- others' price (0.0165) is known; only Tielt's own fee is missing.  In
-- 2025 (no count of 1 January 2024 either) the known 590,600 could still
-- cross 1,000,000: every 2025 fee is unknown.
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (108, '2025-10-01');
SELECT year, contract_id, tier_volume, unit_price, fee, note
  FROM cultuur.fee_detail(2025, 2026) WHERE service = 'film-4A' ORDER BY year, contract_id;
ROLLBACK;
-- 3c. renewals: at most twice (CC006).  A multi-row renewal with one bad
-- row adds nothing: Mechelen's renewal is fine, but renewing Brugge's first
-- contract (to 30 June 2025) would overlap Brugge's second one (23P01), so
-- Mechelen's row is not kept either
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (101, '2026-10-01');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (106, '2026-10-01'), (102, '2024-06-01');
\echo SQLSTATE :SQLSTATE
SELECT contract_id, count(*) AS renewals FROM cultuur.renewal GROUP BY contract_id ORDER BY contract_id;
SELECT id, active FROM cultuur.contract WHERE id = 106;
-- a renewal ending before the full year is allowed (to 30 June 2027)
BEGIN;
INSERT INTO cultuur.renewal (contract_id, agreed_on, ends_on) VALUES (106, '2026-10-01', '2027-06-30')
RETURNING contract_id, seq, starts_on, ends_on;
ROLLBACK;

--
-- 4. E-book contracts with other start months and the three pro-rata
-- rules (doc/rules.md §4).  Yearly price = 838.54 + round(0.1645 x basis, 2), basis
-- = inhabitants of 1 January Y-1 (100 %).
--
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, prorata_rule, index_from) VALUES
    (201, 8,  'ebooks', '2023-03-01', '2023-03-15', '2025-06-30', 'month',      NULL),
    (202, 9,  'ebooks', '2023-03-01', '2023-03-15', '2025-06-15', 'full_month', NULL),
    (203, 10, 'ebooks', '2023-03-01', '2023-03-15', '2025-06-15', 'day',        NULL),
    (204, 11, 'ebooks', '2024-02-01', '2024-02-29', '2028-02-29', 'day',        NULL),
    (205, 12, 'ebooks', '2024-06-01', '2024-07-01', '2026-12-31', 'day',        NULL),
    (206, 13, 'ebooks', '2022-12-01', '2023-01-01', '2025-12-31', 'month',      2024),
    (207, 14, 'ebooks', '2023-12-01', '2024-01-01', '2026-12-31', 'month',      NULL);
-- first-year fees:
--   201 Kortrijk, from 15 March 2023, month: March counts whole ->
--       10/12; yearly 838.54 + round(0.1645 x 77,000, 2) = 838.54 +
--       12,666.50 = 13,505.04 -> 13,505.04 x 10/12 = 11,254.20
--   202 Oostende, from 15 March 2023, full_month: March is not full ->
--       9/12; 838.54 + 11,679.50 = 12,518.04 x 9/12 = 9,388.53
--   203 Hasselt, from 15 March 2023, day: 15 March - 31 December = 17 +
--       30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 292 days of 365;
--       838.54 + 12,995.50 = 13,834.04 x 292/365 = 11,067.232 -> 11,067.23
--   204 Aalst, from 29 February 2024 (leap year), day: 1 + 31 + 30 + 31 +
--       30 + 31 + 31 + 30 + 31 + 30 + 31 = 307 days of 366; 838.54 +
--       14,640.50 = 15,479.04 x 307/366 = 12,983.7849... -> 12,983.78
--   205 Roeselare, from 1 July 2024, day: 184 days of 366 (not 1/2);
--       838.54 + 10,528.00 = 11,366.54 x 184/366 = 5,714.3261... -> 5,714.33
--   206 Genk, from 1 January 2023: whole year, not indexed in its start
--       year: 838.54 + round(0.1645 x 66,000, 2) = 838.54 + 10,857.00
--       = 11,695.54
--   207 Tielt, from 1 January 2024: no count of 1 January 2023 -> NULL
SELECT contract_id, year, prorata_rule, inhabitants, yearly_amount, share, fee, note
  FROM cultuur.fee_detail(2023, 2024) d
 WHERE service = 'ebooks'
   AND year = extract(year FROM lower(d.active))
 ORDER BY contract_id;
-- the same periods under the three rules, as exact shares of 12 and of
-- the days of the year (prorate(12 or 365/366, ...) = 12 or 365/366 x
-- share, rounded once):
--   15 March - 31 December 2023: month 10/12 (= 304.1666.../365),
--     full_month 9/12 (= 273.75/365), day 292/365 (= 9.6/12)
--   29 February - 31 December 2024: month 11/12 (= 335.5/366),
--     full_month 10/12 (= 305/366), day 307/366 (= 10.0655.../12)
SELECT r AS rule,
       cultuur.prorate(12,  daterange('2023-03-15', NULL), daterange('2023-01-01', '2024-01-01'), r) AS twelfths_2023,
       cultuur.prorate(365, daterange('2023-03-15', NULL), daterange('2023-01-01', '2024-01-01'), r) AS days_2023,
       cultuur.prorate(12,  daterange('2024-02-29', NULL), daterange('2024-01-01', '2025-01-01'), r) AS twelfths_2024,
       cultuur.prorate(366, daterange('2024-02-29', NULL), daterange('2024-01-01', '2025-01-01'), r) AS days_2024
  FROM unnest(enum_range(NULL::cultuur.prorata_rule)) r ORDER BY r;

--
-- 5. Initial terms ending mid-year: Oostende and Hasselt end with their
-- initial term on 15 June 2025.  Notice by 15 March 2025 (15 June - 3
-- months); the term end comes before 31 December, so it is the earliest
-- end.  No exit fee (end of the initial term).  2025 fees, yearly 838.54 +
-- round(0.1645 x 72,000 / 80,000, 2) (1 January 2024):
--   202 Oostende, full_month: January-May are full, June is not -> 5/12;
--       838.54 + 11,844.00 = 12,682.54 x 5/12 = 5,284.3916... -> 5,284.39
--   203 Hasselt, day: 1 January - 15 June 2025 = 31 + 28 + 31 + 30 + 31
--       + 15 = 166 days of 365; 838.54 + 13,160.00 = 13,998.54 x 166/365
--       = 6,366.4592... -> 6,366.46
--
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (202, '2025-03-15'), (203, '2025-03-15')
RETURNING contract_id, effective_end, exit_fee, exit_fee_note;
SELECT contract_id, year, prorata_rule, yearly_amount, share, fee
  FROM cultuur.fee_detail(2025, 2026) WHERE contract_id IN (202, 203) ORDER BY contract_id, year;
-- a notice one day later would have missed 15 June 2025 (earliest end
-- then 31 December 2025); the terminations are already in place, so a
-- multi-row insert with Kortrijk's good row and a second notice for
-- Oostende is refused as a whole (CC002): Kortrijk stays unterminated
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (201, '2025-03-16'), (202, '2025-03-16');
\echo SQLSTATE :SQLSTATE
SELECT contract_id FROM cultuur.termination ORDER BY contract_id;
-- Kortrijk's initial term ends on 30 June 2025: notice by 30 March 2025
-- reaches it, 31 March 2025 reaches 31 December 2025
SELECT cultuur.earliest_end(201, '2025-03-30') AS kortrijk_notice_30_march_2025,
       cultuur.earliest_end(201, '2025-03-31') AS kortrijk_notice_31_march_2025;

--
-- 6. Tacit renewals into the 2030s (E 10.3): Kortrijk (201), initial term
-- 15 March 2023 - 30 June 2025, then one year at a time: renewal k ends on
-- 30 June 2025 + k years.
--   2025-06-30 -> initial; 2025-07-01 -> renewal 1 [2025-07-01, 2026-07-01)
--   2031-01-01 -> renewal 6 [2030-07-01, 2031-07-01)
--   2033-06-30 -> renewal 8 [2032-07-01, 2033-07-01)
--   2035-12-31 -> renewal 11 [2035-07-01, 2036-07-01)
SELECT d AS on_date, t.term_no, t.kind, t.term
  FROM unnest('{2025-06-30,2025-07-01,2031-01-01,2033-06-30,2035-12-31}'::date[]) d
 CROSS JOIN LATERAL cultuur.contract_term(201, d) t ORDER BY d;
-- a termination in 2033: the term ends on 30 June 2033 (notice by
-- 30 March 2033) and 31 December 2033 (notice by 30 September 2033).
--   notice 30 March 2033 -> 30 June 2033; notice 31 March 2033 -> 31
--   December 2033.  Both after the initial term: no exit fee.
-- Such a notice cannot be entered before the day it is sent (CC013), so
-- the rules it would meet are read from end_options and exit_fee_quote,
-- which the termination trigger applies.
\set VERBOSITY terse
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (201, '2033-03-30');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
SELECT d AS notified_on, cultuur.earliest_end(201, d) AS effective_end, q.exit_fee, q.note
  FROM unnest('{2033-03-30,2033-03-31}'::date[]) d
 CROSS JOIN LATERAL cultuur.exit_fee_quote(201, cultuur.earliest_end(201, d), 'ordinary', d) q
 ORDER BY d;
-- asking for 30 June 2033 with a notice of 31 March 2033 would be refused
-- (CC001): the option is there, but no longer allowed
SELECT end_on, kind, deadline, allowed FROM cultuur.end_options(201, '2033-03-31')
 WHERE end_on IN ('2033-06-30', '2033-12-31') ORDER BY end_on;
-- the years without a count of inhabitants (2025-2031) have no fee, with
-- a note; 2032 neither (count of 1 January 2031 missing)
SELECT year, fee, note FROM cultuur.fee_detail(2030, 2032) WHERE contract_id = 201 ORDER BY year;

--
-- 7. Leap years: Aalst (204), 29 February 2024 - 29 February 2028, then
-- renewals ending on 29 February 2028 + k years: 28 February 2029, 2030,
-- 2031 and 29 February 2032.
--   2028-02-29 -> initial [2024-02-29, 2028-03-01)
--   2028-03-01 -> renewal 1 [2028-03-01, 2029-03-01)
--   2031-03-01 -> renewal 4 [2031-03-01, 2032-03-01) (366 days, ends on 29 February 2032)
--   2032-03-01 -> renewal 5 [2032-03-01, 2033-03-01)
--   2035-02-28 -> renewal 7 [2034-03-01, 2035-03-01)
SELECT d AS on_date, t.term_no, t.kind, t.term
  FROM unnest('{2028-02-29,2028-03-01,2031-03-01,2032-02-29,2032-03-01,2035-02-28}'::date[]) d
 CROSS JOIN LATERAL cultuur.contract_term(204, d) t ORDER BY d;
-- notice deadline for 29 February 2028: 29 February - 3 months =
-- 29 November 2027.  Notice that day: ends 29 February 2028, no exit fee.
-- Notice on 30 November 2027 misses 29 February 2028 (and 31 December
-- 2027, deadline 30 September 2027): next is 31 December 2028 (deadline
-- 30 September 2028), before the renewal's end 28 February 2029.
-- (Notices dated after today are refused, CC013: read from the rules.)
\set VERBOSITY terse
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (204, '2027-11-29');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
SELECT d AS notified_on, cultuur.earliest_end(204, d) AS effective_end, q.exit_fee, q.note
  FROM unnest('{2027-11-29,2027-11-30}'::date[]) d
 CROSS JOIN LATERAL cultuur.exit_fee_quote(204, cultuur.earliest_end(204, d), 'ordinary', d) q
 ORDER BY d;
-- the 2028 fee if it ends on 29 February 2028 (day rule, 1 January 2027:
-- 90,000): 838.54 + 14,805.00 = 15,643.54 x 60/366 (31 + 29 days) =
-- 2,564.5147... -> 2,564.51
SELECT cultuur.prorate(15643.54, '[2024-02-29,2028-03-01)', '[2028-01-01,2029-01-01)', 'day');
-- exit in 2025 (k = 2025 - 2024 + 1 = 2): Aalst has no count of 1 January
-- 2025, so the latest published count (1 January 2023: 89,000) is used
-- and the note says so: 0.0827 x 89,000 = 7,360.30 (not indexed)
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (204, '2025-09-30')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;

--
-- 8. Indexation and exit fees of a contract starting on 1 January 2023
-- (Genk, 206, indexed from 2024; base = CPI of January 2023, 127.84).
--   2024: 838.54 + round(0.1645 x 66,500, 2) = 838.54 + 10,939.25 =
--         11,777.79 x 130.08 / 127.84 = 11,984.1592... -> 11,984.16
--   2025: 838.54 + 11,021.50 = 11,860.04 x 135.39 / 127.84 =
--         12,560.4725... -> 12,560.47
--   2026: 838.54 + 11,103.75 = 11,942.29; CPI of January 2026 not loaded:
--         NULL with a note
SELECT year, inhabitants, yearly_amount, base_index, year_index, indexed_amount, fee, note
  FROM cultuur.fee_detail(2023, 2026) WHERE contract_id = 206 ORDER BY year;
-- exit in the first contract year (notice 30 September 2023, ends 31
-- December 2023, k = 1): 0.1240 x 66,500 (1 January 2023) = 8,246.00, not
-- indexed (exit year = start year)
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (206, '2023-09-30')
RETURNING effective_end, exit_fee, exit_fee_note;
SELECT year, share, fee FROM cultuur.fee_detail(2023, 2024) WHERE contract_id = 206;
ROLLBACK;
-- exit in 2024 (k = 2): 0.0827 x 67,000 = 5,540.90 x 130.08 / 127.84 =
-- 5,637.9871... -> 5,637.99
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (206, '2024-09-30')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- exit in 2025 = the end of the initial term (31 December 2025): no fee
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (206, '2025-09-30')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- Tielt (207) has no count at all: a termination during the initial term
-- cannot compute its exit fee and is refused (no_data_found P0002)
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (207, '2024-09-30');
\echo SQLSTATE :SQLSTATE
-- a termination with an infinite notice date (23514)
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (206, 'infinity');
\echo SQLSTATE :SQLSTATE

--
-- 9. Status and deadlines of the invented contracts on 1 January 2026.
--   201 Kortrijk: renewal 1 [2025-07-01, 2026-07-01); notice that day
--       reaches 30 June 2026 (deadline 30 March 2026); no exit fee.
--   202/203: ended 15 June 2025.
--   204 Aalst: initial term; next end 31 December 2026 (deadline
--       30 September 2026), contract year 3: 0.0413 x 89,000 (latest
--       count, 1 January 2023) = 3,675.70.
--   205 Roeselare: initial term to 31 December 2026; next end 31 December
--       2026, which is also the end of its initial term: no exit fee.
--   206 Genk: renewal 1 from 1 January 2026; next end 31 December 2026.
--   207 Tielt: initial term to 31 December 2026 = its next end: no exit
--       fee, so its missing count does not matter here.
--   film-4A: renewals by agreement only; each ends as recorded.
SELECT s.contract_id, s.library, s.service, s.status, s.term_no, s.current_term, s.next_renewal,
       s.ends_on, s.next_end_option, s.notice_deadline, s.exit_fee_if_notice_today
  FROM cultuur.contract_status('2026-01-01') s ORDER BY s.contract_id;
-- status for an infinite date is refused (22023)
SELECT * FROM cultuur.contract_status('infinity');
\echo SQLSTATE :SQLSTATE
-- deadlines from 1 March 2026 for 6 months
SELECT due_on, contract_id, library, service, what
  FROM cultuur.upcoming_deadlines('2026-03-01', '6 months');

--
-- Tacit terms across a leap day (E 10.3; doc/rules.md §7): each term runs
-- from the day after the previous one to the day before the same date a
-- year later, never to a clamped anniversary of the initial end.  An
-- e-book contract of Ieper (invented) with an initial end of 28 February
-- 2027:
--   term 1: 1 March 2027 - 29 February 2028 (366 days: a leap year)
--   term 2: 1 March 2028 - 28 February 2029
--   term 3: 1 March 2029 - 28 February 2030
-- (the clamped anniversaries would give 28 February 2028, then a term of a
-- year and a day from 29 February 2028.)  A notice sent on 29 November
-- 2027, exactly three months before 29 February 2028, ends term 1 then.
INSERT INTO cultuur.library (id, name, nis_code) VALUES (15, 'Ieper', '33011');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (301, 15, 'ebooks', '2025-02-01', '2025-03-01', '2027-02-28');
SELECT term_no, kind, term, upper(term) - lower(term) AS days
  FROM cultuur.contract_terms(301, '2030-01-01') ORDER BY term_no;
SELECT end_on, kind, deadline, allowed FROM cultuur.end_options(301, '2027-11-29')
 WHERE end_on <= '2028-03-01' ORDER BY end_on;
SELECT cultuur.earliest_end(301, '2027-11-29') AS earliest_end_of_a_notice_on_29_november_2027,
       cultuur.earliest_end(301, '2027-11-30') AS one_day_later;

-- clean up: nothing of this file stays behind
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
SELECT (SELECT count(*) FROM cultuur.contract) AS contracts,
       (SELECT count(*) FROM cultuur.library) AS libraries,
       (SELECT count(*) FROM cultuur.tariff) AS tariffs;
