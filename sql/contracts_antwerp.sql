--
-- Contracts in the database: the Antwerp scenario (doc/rules.md §2-7).
-- Antwerp's e-book contract and film lots 1B and 2A as rows,
-- with the dates of doc/rules.md §7.
--
-- Every number below was computed by hand (exact decimals) and is given in
-- the comment above the statement that shows it; a refused statement is
-- followed by "\echo SQLSTATE :SQLSTATE" so the expected output shows the
-- error as a user sees it and the SQLSTATE that programs see (project
-- codes: class CC, listed in doc/rules.md).
--
-- Facts from the seeds are marked (seed); the populations of 1 January
-- 2023, 2024 and 2025 are INVENTED (and deliberately all different) so that
-- the output shows which year's count each amount uses.
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

-- Belgian CPI, base 2013 = 100 (Statbel, January of each year: the values
-- of data/be_index.csv)
INSERT INTO cultuur.price_index (series, month, value) VALUES
    ('cpi', '2022-01-01', 118.32),
    ('cpi', '2023-01-01', 127.84),
    ('cpi', '2024-01-01', 130.08),
    ('cpi', '2025-01-01', 135.39);

INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');

INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2021, 529417),      -- (seed) Bijlage A
    (1, 2022, 530630),      -- doc/rules.md §5 worked example
    (1, 2023, 532500),      -- invented
    (1, 2024, 535000),      -- invented
    (1, 2025, 538000);      -- invented

-- Bijlage A (seed); e-book exit-fee rates for entry year 2022
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}');

-- the film framework agreement: 1 October 2022 + 2 years, at most two
-- one-year extensions (F 10.1, F 10.2)
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2024-09-30', 2 FROM cultuur.service WHERE kind = 'film';

--
-- 1. The contracts.  Film contracts leave initial_end empty: the trigger
-- fills it in.  F 10.1: start 1 November 2022 + 2 years - 1 day =
-- 31 October 2024, cut at the framework end 30 September 2024.  The
-- e-book contract renews tacitly, so it stays open-ended (active has no
-- upper bound); the film contracts end with their initial term until a
-- renewal is agreed.
--
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from) VALUES
    (1, 1, 'ebooks',  '2022-11-01', '2022-11-01', '2026-09-15', 80, 2023),
    (2, 1, 'film-1B', '2022-11-01', '2022-11-01', NULL,         80, NULL),
    (3, 1, 'film-2A', '2022-11-01', '2022-11-01', NULL,         80, NULL);
SELECT setval('cultuur.contract_id_seq', 3);
SELECT id, service, starts_on, initial_end, basis_pct, prorata_rule, index_from, active
  FROM cultuur.contract ORDER BY id;

--
-- 2. Terms of the e-book contract (E 10.1, E 10.3), computed for any date
-- without renewal rows: initial term 1 November 2022 - 15 September 2026,
-- then one-year tacit renewals: renewal k runs from 16 September of
-- 2025 + k to 15 September of 2026 + k.
--   2026-09-15 -> initial; 2026-09-16 -> renewal 1 [2026-09-16, 2027-09-16);
--   2031-01-01 -> renewal 5 [2030-09-16, 2031-09-16);
--   2035-06-01 -> renewal 9 [2034-09-16, 2035-09-16);
--   2022-10-31 (before the start) -> no row.
--
SELECT d AS on_date, t.term_no, t.kind, t.term
  FROM unnest('{2022-10-31,2022-11-01,2026-09-15,2026-09-16,2031-01-01,2035-06-01}'::date[]) d
  LEFT JOIN LATERAL cultuur.contract_term(1, d) t ON true
 ORDER BY d;

--
-- 3. Notice on 30 September vs 1 October (E 10.2: "at least three months
-- before 31 December" = on or before 30 September; the sending date
-- counts).  One termination per transaction, rolled back.
--
-- The exit fee (doc/rules.md §6, Bijlage A 2): k = exit year - 2022 + 1, rate
-- x inhabitants of 1 January of the exit year x 80 %, rounded, then indexed
-- with the CPI of January of the exit year over January 2022 (118.32),
-- rounded again (doc/rules.md §5 formula).
--
-- 30 September 2023 -> ends 31 December 2023, k = 2:
--   0.0827 x 532,500 x 0.80 = 0.0827 x 426,000.0 = 35,230.20;
--   35,230.20 x 127.84 / 118.32 = 38,064.8138... -> 38,064.81
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2023-09-30')
RETURNING notified_on, requested_end, reason, effective_end, exit_fee, exit_fee_note;
-- the contract's active range now ends with 31 December 2023
SELECT active FROM cultuur.contract WHERE id = 1;
ROLLBACK;
-- 1 October 2023 is one day late for 31 December 2023: the termination
-- takes effect on the next date the rules allow, 31 December 2024 (its
-- deadline 30 September 2024 is still ahead).  The exit year is then 2024,
-- k = 3 (the seed's table is "notice against the end of" that year):
--   0.0413 x 535,000 x 0.80 = 0.0413 x 428,000.0 = 17,676.40;
--   17,676.40 x 130.08 / 118.32 = 19,433.2836... -> 19,433.28
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2023-10-01')
RETURNING notified_on, requested_end, reason, effective_end, exit_fee, exit_fee_note;
ROLLBACK;

--
-- 4. Exit in each year 2022-2026.
--
-- 2022: the contract was signed on 1 November 2022, after the 2022
-- deadline (30 September 2022).  A notice before signing is refused; a
-- notice in November 2022 asking for 31 December 2022 breaks the notice
-- rule and is refused with the earliest allowed date (31 December 2023) in
-- the message; without a requested end it ends on 31 December 2023.
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2022-09-30');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2022-11-15', '2022-12-31');
\echo SQLSTATE :SQLSTATE
-- 2023: a notice of 15 November 2022 ends on 31 December 2023, k = 2, the
-- same fee as the notice of 30 September 2023 above: 38,064.81
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2022-11-15')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- 2023 with an explicit requested end that the rules allow: same result
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2023-06-01', '2023-12-31')
RETURNING notified_on, requested_end, effective_end, exit_fee;
ROLLBACK;
-- 2024: notice on the last allowed day, 30 September 2024, k = 3:
--   19,433.28 as computed in section 3
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2024-09-30')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- 2025: notice on 30 September 2025, k = 4:
--   0.0413 x 538,000 x 0.80 = 0.0413 x 430,400.0 = 17,775.52;
--   17,775.52 x 135.39 / 118.32 = 20,339.9903... -> 20,339.99
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2025-09-30')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- 2026: the initial term ends on 15 September 2026 (before 31 December
-- 2026).  A notice by 15 June 2026 (15 September - 3 months, E 10.3) ends
-- the contract with its initial term: no exit fee (doc/rules.md §6: no fee after
-- the initial term).
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2026-06-15')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- 16 June 2026 is too late for 15 September 2026; the next date is
-- 31 December 2026 (deadline 30 September 2026), in the first tacit
-- renewal: no exit fee either.
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2026-06-16')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- ... and asking for 15 September 2026 with that notice is refused, with
-- 31 December 2026 as the earliest allowed end
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2026-06-16', '2026-09-15');
\echo SQLSTATE :SQLSTATE
-- 1 October 2026 misses 31 December 2026; the next date is the end of the
-- first tacit renewal, 15 September 2027 (deadline 15 June 2027), before
-- 31 December 2027.
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2026-10-01')
RETURNING notified_on, effective_end, exit_fee, exit_fee_note;
ROLLBACK;

--
-- 5. Requested ends that break the notice rule are refused (CC001) with
-- the earliest allowed date in the message.
--
-- 1 October 2023 for 31 December 2023: earliest 31 December 2024
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2023-10-01', '2023-12-31');
\echo SQLSTATE :SQLSTATE
-- 30 June 2024 is neither a 31 December nor the end of a term: refused,
-- earliest end for a notice of 1 March 2024 is 31 December 2024
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2024-03-01', '2024-06-30');
\echo SQLSTATE :SQLSTATE
-- an end before the notice itself
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2024-03-01', '2023-12-31');
\echo SQLSTATE :SQLSTATE
-- nothing was written by the refused statements
SELECT count(*) AS terminations FROM cultuur.termination;

--
-- 6. A second termination is refused (CC002), even with an earlier
-- notice date.
--
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2024-09-30')
RETURNING effective_end, exit_fee;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2024-09-01');
\echo SQLSTATE :SQLSTATE
ROLLBACK;

--
-- 7. Exit-fee waivers (E 8.9, Bijlage B 1).  Claiming one without its
-- ground is refused (CC008); with the ground recorded the fee is 0.00.
--
-- 7a. price_increase with no price change recorded: refused
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2023-09-30', 'price_increase');
\echo SQLSTATE :SQLSTATE
-- 7b. a price change of 10 % or less is not a ground.  Fixed fee
-- 838.54 x 1.10 = 922.394 -> 922.39 (rounded down), unit price
-- 0.1645 x 1.10 = 0.18095 exactly.  The price compared is the contract's
-- yearly price at the basis of 1 January 2023 (532,500 x 0.80 = 426,000.0):
--   original: 838.54 + round(0.1645 x 426,000.0, 2) = 838.54 + 70,077.00
--   = 70,915.54; x 1.10 = 78,007.094
--   new: 922.39 + round(0.18095 x 426,000.0, 2) = 922.39 + 77,084.70
--   = 78,007.09 <= 78,007.094: just under +10 %, not flagged
BEGIN;
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2023-07-31', '2024-01-01', 922.39, '0.18095');
SELECT count(*) AS flags FROM cultuur.price_increase_flag;
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2023-09-30', 'price_increase');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
-- 7c. an increase of more than 10 %: +11 % on both parts (838.54 x 1.11 =
-- 930.7794 -> 930.78; 0.1645 x 1.11 = 0.182595), notified on 31 July 2023
-- for 1 January 2024:
--   new: 930.78 + round(0.182595 x 426,000.0, 2) = 930.78 + 77,785.47
--   = 78,716.25; 78,716.25 / 70,915.54 - 1 = 11.0000... % -> 11.00
-- A notice of 30 September 2023 with reason price_increase then costs
-- nothing (the ordinary fee would be 38,064.81, section 3).
BEGIN;
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2023-07-31', '2024-01-01', 930.78, '0.182595');
SELECT contract_id, notified_on, effective_on, original_amount, new_amount, increase_pct
  FROM cultuur.price_increase_flag ORDER BY contract_id, price_change_id;
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2023-09-30', 'price_increase')
RETURNING effective_end, reason, exit_fee, exit_fee_note;
ROLLBACK;
-- 7d. the flag must be notified before the termination: a notice of
-- 30 July 2023, the day before the price change of 31 July, is refused
BEGIN;
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2023-07-31', '2024-01-01', 930.78, '0.182595');
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2023-07-30', 'price_increase');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
-- 7e. data_annex_change: a worsening change notified on 15 March 2024.
-- "Within 3 months" of it = up to and including 15 June 2024 (15 March +
-- 3 months, counted like the notice periods of doc/rules.md §7).
INSERT INTO cultuur.data_annex_change (id, service, notified_on, worsening, description) VALUES
    (1, 'ebooks', '2024-03-15', true, 'invented: loan history shared with the platform supplier');
-- notice on 15 June 2024 (the last day): waived; the contract still ends on
-- 31 December 2024 (the ordinary fee would be 19,433.28)
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-06-15', 'data_annex_change')
RETURNING effective_end, reason, exit_fee, exit_fee_note;
ROLLBACK;
-- notice on 16 June 2024, beyond the 3 months: refused
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-06-16', 'data_annex_change');
\echo SQLSTATE :SQLSTATE
-- a change that does not worsen anything is no ground, even within the
-- 3 months (notified on 1 July 2024, notice on 15 July 2024, when the
-- worsening change of 15 March is more than 3 months old)
INSERT INTO cultuur.data_annex_change (id, service, notified_on, worsening, description) VALUES
    (2, 'ebooks', '2024-07-01', false, 'invented: new contact address of the data protection officer');
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-07-15', 'data_annex_change');
\echo SQLSTATE :SQLSTATE
-- a worsening change of another service is no ground either
INSERT INTO cultuur.data_annex_change (id, service, notified_on, worsening, description) VALUES
    (3, 'film-1B', '2024-07-01', true, 'invented: viewing history kept longer');
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-07-15', 'data_annex_change');
\echo SQLSTATE :SQLSTATE
-- ... while one for all services (service NULL) is
BEGIN;
INSERT INTO cultuur.data_annex_change (id, service, notified_on, worsening, description) VALUES
    (4, NULL, '2024-07-01', true, 'invented: statistics no longer pseudonymised');
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-07-15', 'data_annex_change')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- a notice before the change was notified is no ground either
INSERT INTO cultuur.termination (contract_id, notified_on, reason) VALUES (1, '2024-03-14', 'data_annex_change');
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.data_annex_change;

--
-- 8. Price changes other than indexation (E 8.9): on 1 January, notified
-- on or before 31 July of the year before.
--
-- 8a. notified on 1 August 2024 for 1 January 2025: too late (CC007);
-- the hint names the earliest possible date, 1 January 2026
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2024-08-01', '2025-01-01', 942.18, '0.18483');
\echo SQLSTATE :SQLSTATE
-- 8b. not on 1 January: refused (CC007)
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2024-03-01', '2025-07-01', 942.18, '0.18483');
\echo SQLSTATE :SQLSTATE
BEGIN;
-- 8c. notified 31 July 2023 for 1 January 2024: accepted; the tariff is
-- split into the old price until 31 December 2023 and the new one after.
-- +6 %: 838.54 x 1.06 = 888.8524 -> 888.85; 0.1645 x 1.06 = 0.17437
INSERT INTO cultuur.price_change (id, service, notified_on, effective_on, fixed_fee, tiers)
VALUES (1, 'ebooks', '2023-07-31', '2024-01-01', 888.85, '0.17437');
SELECT service, valid, fixed_fee, tiers, exit_rates FROM cultuur.tariff
 WHERE service = 'ebooks' ORDER BY lower(valid);
-- +6 % is not more than 10 %: no flag
--   (888.85 + round(0.17437 x 426,000.0, 2)) / 70,915.54
--   = (888.85 + 74,281.62) / 70,915.54 = 75,170.47 / 70,915.54 = 1.05999...
SELECT count(*) AS flags FROM cultuur.price_increase_flag;
-- 8d. a second +6 % (on the new price: 888.85 x 1.06 = 942.181 -> 942.18;
-- 0.17437 x 1.06 = 0.1848322 -> 0.18483 with at most 6 decimals kept at 5
-- for readability), notified 31 July 2024 for 1 January 2025: accepted.
-- Cumulatively it is more than 10 % over the ORIGINAL price, so it is
-- flagged.  Original and new price at the basis of 1 January 2024
-- (535,000 x 0.80 = 428,000.0):
--   original 838.54 + round(0.1645 x 428,000.0, 2) = 838.54 + 70,406.00
--   = 71,244.54
--   new 942.18 + round(0.18483 x 428,000.0, 2) = 942.18 + 79,107.24
--   = 80,049.42; 80,049.42 / 71,244.54 - 1 = 12.3588... % -> 12.36
INSERT INTO cultuur.price_change (id, service, notified_on, effective_on, fixed_fee, tiers)
VALUES (2, 'ebooks', '2024-07-31', '2025-01-01', 942.18, '0.18483');
SELECT service, valid, fixed_fee, tiers FROM cultuur.tariff
 WHERE service = 'ebooks' ORDER BY lower(valid);
SELECT price_change_id, contract_id, notified_on, effective_on, original_amount, new_amount, increase_pct
  FROM cultuur.price_increase_flag ORDER BY price_change_id, contract_id;
-- the 2025 fee uses the new price: basis 428,000.0 (1 January 2024),
--   942.18 + 79,107.24 = 80,049.42, indexed 80,049.42 x 135.39 / 118.32
--   = 91,598.1301... -> 91,598.13
-- and the 2024 fee the first change: basis 426,000.0 (1 January 2023),
--   888.85 + 74,281.62 = 75,170.47, x 130.08 / 118.32 = 82,641.7712...
--   -> 82,641.77
SELECT year, tariff_id IS NOT NULL AS has_tariff, fixed_fee, tiers, basis, yearly_amount, indexed_amount, fee
  FROM cultuur.fee_detail(2024, 2025) WHERE contract_id = 1 ORDER BY year;
-- a price change cannot be changed afterwards (CC010)
SAVEPOINT pc;
UPDATE cultuur.price_change SET fixed_fee = 900 WHERE id = 2;
\echo SQLSTATE :SQLSTATE
ROLLBACK TO SAVEPOINT pc;
-- a second price change for the same 1 January is refused (CC010)
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2024-07-15', '2025-01-01', 950.00, '0.19');
\echo SQLSTATE :SQLSTATE
ROLLBACK;

--
-- 9. The film contracts (F 10): renewal only by agreement, at most one
-- year, at most twice, and only while the framework agreement is extended.
--
-- 9a. the initial term ends on 30 September 2024 (section 1); a renewal
-- while the framework still ends on 30 September 2024 is refused (CC009)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-09-01');
\echo SQLSTATE :SQLSTATE
-- also with an explicit end
INSERT INTO cultuur.renewal (contract_id, agreed_on, ends_on) VALUES (2, '2024-09-01', '2025-09-30');
\echo SQLSTATE :SQLSTATE
-- 9b. the e-book contract renews tacitly: renewal rows are refused (CC004)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (1, '2026-06-01');
\echo SQLSTATE :SQLSTATE
-- 9c. the framework is extended by one year (to 30 September 2025); an
-- extension longer than one year (to 1 October 2025) is refused (CC005)
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on) VALUES ('film-1B', '2024-06-01', '2025-10-01');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2024-06-01', '2025-09-30' FROM cultuur.service WHERE kind = 'film' ORDER BY code;
-- 9d. a renewal longer than one year is refused (CC005): it starts on
-- 1 October 2024, so it may end on 30 September 2025 at the latest
INSERT INTO cultuur.renewal (contract_id, agreed_on, ends_on) VALUES (2, '2024-09-01', '2025-10-01');
\echo SQLSTATE :SQLSTATE
-- 9e. a renewal agreed after the contract ended is refused (CC003)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (3, '2024-10-02');
\echo SQLSTATE :SQLSTATE
-- 9f. the first renewals: 1 October 2024 - 30 September 2025 (seq and
-- starts_on filled in, ends_on defaults to one year cut at the framework)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-09-01'), (3, '2024-09-01');
-- before the second extension a second renewal is refused (CC009)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2025-09-01');
\echo SQLSTATE :SQLSTATE
-- 9g. second extension (to 30 September 2026) and second renewals
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2025-06-01', '2026-09-30' FROM cultuur.service WHERE kind = 'film' ORDER BY code;
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2025-09-01'), (3, '2025-09-01');
SELECT contract_id, seq, agreed_on, starts_on, ends_on FROM cultuur.renewal ORDER BY contract_id, seq;
SELECT c.id AS contract_id, c.service, t.term_no, t.kind, t.term
  FROM cultuur.contract c CROSS JOIN LATERAL cultuur.contract_terms(c.id) t
 WHERE c.service LIKE 'film%' ORDER BY c.id, t.term_no;
SELECT id, active FROM cultuur.contract ORDER BY id;
-- 9h. a third extension of the framework is refused (CC006), and so is a
-- third renewal (CC006)
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on) VALUES ('film-1B', '2026-06-01', '2027-09-30');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2026-09-01');
\echo SQLSTATE :SQLSTATE
-- renewals cannot be changed (CC010), and only the last one can be deleted
UPDATE cultuur.renewal SET ends_on = '2026-06-30' WHERE contract_id = 2 AND seq = 2;
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.renewal WHERE contract_id = 2 AND seq = 1;
\echo SQLSTATE :SQLSTATE

--
-- 10. Termination of a film contract: it can only end at the end of its
-- current (last) term, 30 September 2026.  No exit-fee rates: 0.00.
-- Once ended, a notice is refused (CC003).
--
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (2, '2026-01-15')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (2, '2026-10-01');
\echo SQLSTATE :SQLSTATE
-- a terminated film contract cannot be renewed (CC002)
BEGIN;
DELETE FROM cultuur.renewal WHERE contract_id = 3 AND seq = 2;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (3, '2025-01-15')
RETURNING effective_end;
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (3, '2025-09-01');
\echo SQLSTATE :SQLSTATE
ROLLBACK;

--
-- 11. One library has at most one contract per service at any moment
-- (exclusion constraint, 23P01).
--
-- a second e-book contract for Antwerp from 2027 overlaps the open-ended
-- (tacitly renewing) first one
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (1, 'ebooks', '2026-12-01', '2027-01-01', '2029-12-31', 80);
\echo SQLSTATE :SQLSTATE
BEGIN;
-- after a termination ending on 31 December 2024 a new contract from
-- 1 January 2025 is accepted, one from 1 December 2024 is not
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2024-09-30')
RETURNING effective_end;
SAVEPOINT overlap;
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (10, 1, 'ebooks', '2024-11-01', '2024-12-01', '2027-12-31', 80);
\echo SQLSTATE :SQLSTATE
ROLLBACK TO SAVEPOINT overlap;
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (10, 1, 'ebooks', '2024-11-01', '2025-01-01', '2027-12-31', 80)
RETURNING id, starts_on, active;
-- deleting the termination would make the two overlap again: refused
DELETE FROM cultuur.termination WHERE contract_id = 1;
\echo SQLSTATE :SQLSTATE
ROLLBACK;
-- a film lot 2A contract for Antwerp beside the existing one: refused
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, basis_pct)
VALUES (1, 'film-2A', '2025-01-01', '2025-01-01', 80);
\echo SQLSTATE :SQLSTATE

--
-- 12. Fees per year 2022-2026 (doc/rules.md §2-5), every factor shown.
--
-- e-books (basis = inhabitants of 1 January Y-1 x 80 %, not rounded):
--   2022: 838.54 + round(0.1645 x 423,533.6, 2) = 838.54 + 69,671.28
--         = 70,509.82; 2 months (November, December) of 12:
--         round(70,509.82 x 2 / 12, 2) = 11,751.64           (doc/rules.md §4)
--   2023: 838.54 + round(0.1645 x 424,504.0, 2) = 838.54 + 69,830.91
--         = 70,669.45; x 127.84 / 118.32 = 76,355.4978... -> 76,355.50
--                                                            (doc/rules.md §5)
--   2024: 838.54 + round(0.1645 x 426,000.0, 2) = 838.54 + 70,077.00
--         = 70,915.54; x 130.08 / 118.32 = 77,963.9397... -> 77,963.94
--   2025: 838.54 + round(0.1645 x 428,000.0, 2) = 838.54 + 70,406.00
--         = 71,244.54; x 135.39 / 118.32 = 81,522.9665... -> 81,522.97
--   2026: 838.54 + round(0.1645 x 430,400.0, 2) = 71,639.34; the CPI of
--         January 2026 is not loaded: fee NULL with a note.  (The contract
--         renews tacitly on 16 September 2026, so 2026 is a whole year.)
-- film lot 2A (0.015 per inhabitant; the consortium volume is Antwerp's
-- own count, 529,417 .. 538,000, > 500,000 and <= 1,000,000: 0.015; not
-- indexed; with both renewals it runs to 30 September 2026):
--   2022: round(0.015 x 423,533.6, 2) = 6,353.00 x 2/12 = 1,058.8333 -> 1,058.83
--   2023: 0.015 x 424,504.0 = 6,367.56;  2024: 0.015 x 426,000.0 = 6,390.00
--   2025: 0.015 x 428,000.0 = 6,420.00;
--   2026: 0.015 x 430,400.0 = 6,456.00 x 9/12 (January-September) = 4,842.00
-- film lot 1B is billed per unique user per month: fee NULL with a note.
--
SELECT service, year, population_year AS pop_year, inhabitants, basis, tier_volume,
       unit_price, fixed_fee, variable_part, yearly_amount,
       base_index, year_index, indexed_amount, round(share, 4) AS share, fee, note
  FROM cultuur.fee_detail(2022, 2026) ORDER BY contract_id, year;
-- contract_fee gives the same amounts
SELECT y AS year, cultuur.contract_fee(1, y) AS ebooks, cultuur.contract_fee(2, y) AS film_1b,
       cultuur.contract_fee(3, y) AS film_2a
  FROM generate_series(2021, 2027) y ORDER BY y;
-- the doc/rules.md §6 worked example as a plain function call (basis 423,533.6):
--   round(0.0827 x 423,533.6, 2) = 35,026.23
SELECT cultuur.exit_fee('{0.1240,0.0827,0.0413,0.0413}', 2022, 2023, 423533.6) AS spec_6_example;

--
-- 13. Status on several dates (contract_status) and upcoming deadlines.
--
-- 31 October 2022: not started.  1 January 2024: e-books in the initial
-- term; a notice that day reaches 31 December 2024 (deadline 30 September
-- 2024), exit fee 19,433.28 (section 3).  Film contracts: renewed to
-- 30 September 2026 by now, so no end option before that.
SELECT d AS as_of, s.contract_id, s.service, s.status, s.term_no, s.term_kind, s.current_term,
       s.next_renewal, s.ends_on, s.next_end_option, s.notice_deadline,
       s.exit_fee_if_notice_today
  FROM unnest('{2022-10-31,2024-01-01,2025-10-01,2026-09-16,2026-10-01,2031-01-01}'::date[]) d
 CROSS JOIN LATERAL cultuur.contract_status(d) s
 ORDER BY d, s.contract_id;
-- the exit-fee notes of the quotes on 1 January 2024 and 1 October 2025
-- (a notice on 1 October 2025 misses 31 December 2025 and reaches the end
-- of the initial term, 15 September 2026 (deadline 15 June 2026): no fee)
SELECT d AS as_of, s.contract_id, s.exit_fee_note
  FROM unnest('{2024-01-01,2025-10-01}'::date[]) d
 CROSS JOIN LATERAL cultuur.contract_status(d) s
 WHERE s.contract_id = 1 ORDER BY d;
-- a terminated contract shows its end
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2024-09-30');
SELECT d AS as_of, s.status, s.current_term, s.next_renewal, s.renewal, s.ends_on,
       s.next_end_option, s.exit_fee_if_notice_today
  FROM unnest('{2024-10-01,2024-12-31,2025-01-01}'::date[]) d
 CROSS JOIN LATERAL cultuur.contract_status(d) s
 WHERE s.contract_id = 1 ORDER BY d;
-- and the deadlines from 1 October 2024: only its end remains; the film
-- contracts end on 30 September 2026 with no renewal left
SELECT * FROM cultuur.upcoming_deadlines('2024-10-01', '2 years');
ROLLBACK;
-- deadlines from 1 January 2023 for one year: the notice deadline for
-- 31 December 2023 (30 September 2023)
SELECT * FROM cultuur.upcoming_deadlines('2023-01-01', '1 year');
-- from 1 January 2025 for two years: notice deadlines 30 September 2025
-- (31 December 2025), 15 June 2026 (end of the initial term 15 September
-- 2026), the tacit renewal on 15 September 2026, 30 September 2026
-- (31 December 2026), and the film contracts' end on 30 September 2026
SELECT * FROM cultuur.upcoming_deadlines('2025-01-01', '2 years');

-- clean up: nothing of this file stays behind
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
SELECT (SELECT count(*) FROM cultuur.contract) AS contracts,
       (SELECT count(*) FROM cultuur.renewal) AS renewals,
       (SELECT count(*) FROM cultuur.termination) AS terminations,
       (SELECT count(*) FROM cultuur.price_change) AS price_changes,
       (SELECT count(*) FROM cultuur.framework_extension) AS extensions;
