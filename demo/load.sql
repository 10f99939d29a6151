-- The Antwerp scenario of the seeds (Antwerp council decision 2022,
-- e-book agreement and film streaming pilot with their Bijlage A), as rows.
-- Facts from the seeds are marked (seed); anything else is an assumption
-- and says so.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
-- The demo runs as a superuser: look-alikes in public must never run (set after
-- CREATE EXTENSION, which would otherwise put btree_gist into pg_catalog).
SET search_path = pg_catalog, pg_temp;

-- Belgian CPI and health index, base 2013 = 100, as published by Statbel
\copy cultuur.price_index (series, month, value, source) FROM 'demo/be_index.csv' WITH (FORMAT csv, HEADER true)

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (1, 'Antwerpen', '11002');
SELECT setval('cultuur.library_id_seq', 1) \gset

INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2021, 529417),      -- (seed) Bijlage A: 1 January 2021
    (1, 2022, 530630),      -- 1 January 2022: the count of the 2023 indexation example (E 8.8)
    (1, 2023, 530630),      -- assumption: not in the seeds, kept at 2022's count
    (1, 2024, 530630),      -- assumption
    (1, 2025, 530630);      -- assumption

-- tariffs of Bijlage A (seed); e-book exit-fee rates for entry year 2022
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}'),
    ('film-2B', daterange('2022-10-01', NULL), 0, '3.03; >1000: 2.42; >2000: 1.815', '{}'),
    ('film-4A', daterange('2022-10-01', NULL), 0, '0.022; >500000: 0.018; >1000000: 0.0165', '{}'),
    ('film-4B', daterange('2022-10-01', NULL), 0, '1.21; >1000: 0.98; >2000: 0.932', '{}');

-- the film framework agreement: 1 October 2022 + 2 years, at most two
-- extensions of one year (F 10.1, F 10.2)
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2024-09-30', 2 FROM cultuur.service WHERE kind = 'film';

-- Antwerp's contracts: e-books, film lots 1B and 2A, 80 % basis (seed).
-- Signing date: assumption (the decision ratifies agreements signed in
-- November 2022).
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from) VALUES
    (1, 1, 'ebooks',  '2022-11-01', '2022-11-01', '2026-09-15', 80, 2023),
    (2, 1, 'film-1B', '2022-11-01', '2022-11-01', NULL,         80, NULL),
    (3, 1, 'film-2A', '2022-11-01', '2022-11-01', NULL,         80, NULL);
SELECT setval('cultuur.contract_id_seq', 3) \gset
