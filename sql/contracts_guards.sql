--
-- Contracts: requested ends far ahead, computed columns that disagree with
-- the rules, and the guards on built-in services and framework agreements.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET datestyle = ISO;
SET IntervalStyle = postgres;
SET client_min_messages = warning;

-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2021, 529417), (1, 2022, 530630);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
VALUES ('film-1B', '2022-10-01', '2024-09-30', 2);
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct) VALUES
    (1, 1, 'ebooks',  '2022-11-01', '2022-11-01', '2026-09-15', 80),
    (2, 1, 'film-1B', '2022-11-01', '2022-11-01', NULL,         80);

-- A notice of 1 September 2023 may ask for an end years ahead, as long as
-- it is a 31 December (E 10.2) or the end of a tacit term (E 10.3):
-- 31 December 2026 (after the initial term: no exit fee) ...
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end)
VALUES (1, '2023-09-01', '2026-12-31')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
-- ... 15 September 2028, the end of the second tacit renewal
-- (2026-09-16 .. 2027-09-15, 2027-09-16 .. 2028-09-15) ...
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end)
VALUES (1, '2023-09-01', '2028-09-15')
RETURNING effective_end, exit_fee;
ROLLBACK;
-- ... but not 16 September 2028, which is neither
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end)
VALUES (1, '2023-09-01', '2028-09-16');
\echo SQLSTATE :SQLSTATE

-- effective_end and exit_fee are computed: values given with the row must
-- agree (notice 30 September 2023 -> 31 December 2023, k = 2,
-- 0.0827 x 530630 x 0.80 = 35106.4808 -> 35106.48, not indexed)
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on, effective_end, exit_fee, exit_fee_note)
VALUES (1, '2023-09-30', '2023-12-31', 35106.48, 'as dumped')
RETURNING effective_end, exit_fee, exit_fee_note;
ROLLBACK;
INSERT INTO cultuur.termination (contract_id, notified_on, effective_end, exit_fee, exit_fee_note)
VALUES (1, '2023-09-30', '2023-12-31', 35000.00, 'as dumped');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.termination (contract_id, notified_on, effective_end, exit_fee, exit_fee_note)
VALUES (1, '2023-09-30', '2024-12-31', 35106.48, 'as dumped');
\echo SQLSTATE :SQLSTATE
SELECT count(*) AS terminations FROM cultuur.termination;

-- contract_terms needs a finite horizon
SELECT count(*) FROM cultuur.contract_terms(1, 'infinity');
\echo SQLSTATE :SQLSTATE
SELECT term_no, kind, term FROM cultuur.contract_terms(1, '2028-01-01') ORDER BY term_no;

-- built-in services are not dumped (the extension recreates them), so they
-- cannot be changed: their terms are the agreements'
UPDATE cultuur.service SET notice = '1 month' WHERE code = 'ebooks';
\echo SQLSTATE :SQLSTATE
DELETE FROM cultuur.service WHERE code = 'film-4B';
\echo SQLSTATE :SQLSTATE
-- a service of one's own can be added and changed
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal, notice)
VALUES ('ebooks-pilot', 'E-book pilot', 'ebooks', 'per_inhabitant', 'cpi', 'tacit', '3 months');
UPDATE cultuur.service SET notice = '2 months' WHERE code = 'ebooks-pilot';
SELECT code, notice, cultuur.shipped_service(code) AS shipped FROM cultuur.service WHERE code LIKE 'ebooks%' ORDER BY code;
DELETE FROM cultuur.service WHERE code = 'ebooks-pilot';

-- the film framework cannot be shortened below contract 2 (to 30 Sep 2024)
UPDATE cultuur.framework SET ends_on = '2024-06-30' WHERE service = 'film-1B';
\echo SQLSTATE :SQLSTATE
-- nor can an extension that a renewal relies on be removed
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
VALUES ('film-1B', '2024-06-01', '2025-09-30');
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-09-01');
DELETE FROM cultuur.framework_extension WHERE service = 'film-1B';
\echo SQLSTATE :SQLSTATE
UPDATE cultuur.framework_extension SET ends_on = '2025-12-31';
\echo SQLSTATE :SQLSTATE
UPDATE cultuur.framework SET max_extensions = 0 WHERE service = 'film-1B';
\echo SQLSTATE :SQLSTATE
-- lengthening is fine
UPDATE cultuur.framework SET ends_on = '2024-12-31' WHERE service = 'film-1B';
SELECT cultuur.framework_end('film-1B');

-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
