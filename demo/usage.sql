-- SIMULATED usage for the demo: the seeds contain no usage figures.
-- Antwerp and three invented libraries (the rest of the consortium) stream
-- films on lot 1B; the numbers are random but fixed (setseed), and chosen
-- so that the consortium total crosses the 1000 and 2000 tiers and Antwerp
-- reaches its 2024 reach cap in November.
-- The demo runs as a superuser: look-alikes in public must never run.
SET search_path = pg_catalog, pg_temp;
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (2, 'Simulated library A', '99001'),
    (3, 'Simulated library B', '99002'),
    (4, 'Simulated library C', '99003');
SELECT setval('cultuur.library_id_seq', 4) \gset
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT l, y, 80000 + 10000 * l FROM generate_series(2, 4) l, generate_series(2021, 2025) y;
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on)
SELECT 2 + l, l, 'film-1B', '2022-11-01', '2022-11-01' FROM generate_series(2, 4) l;
SELECT setval('cultuur.contract_id_seq', 6) \gset
-- The film framework is extended twice and every film contract renewed
-- twice, each when agreed (F 10.2): entered before the usage of the new
-- terms arrives, since only a library whose contract is in force on the
-- day counts (Bijlage A: over the participating libraries).
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2024-06-01', '2025-09-30' FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2025-06-01', '2026-09-30' FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.renewal (contract_id, agreed_on)
SELECT id, '2024-09-01' FROM cultuur.contract WHERE service LIKE 'film-%' ORDER BY id;
INSERT INTO cultuur.renewal (contract_id, agreed_on)
SELECT id, '2025-09-01' FROM cultuur.contract WHERE service LIKE 'film-%' ORDER BY id;

-- users per library and month: Antwerp about 700 in 2023, 1050 in 2024
-- (so 12 months reach the cap of 11,461.61 by November), the others fewer
SELECT setseed(0.20221101) \gset
CREATE TEMP TABLE sim AS
SELECT l AS library_id, m::date AS month,
       (CASE WHEN l = 1 THEN CASE WHEN extract(year FROM m) = 2024 THEN 1050 ELSE 700 END
             ELSE 150 + 60 * l END
        + floor(random() * 120))::integer AS users
  FROM generate_series(1, 4) l,
       generate_series('2022-11-01'::date, '2026-09-01'::date, interval '1 month') m;

-- each simulated user starts one to three films in the month (times in
-- Europe/Brussels), and some members only log in: they never count
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT s.library_id, md5('member' || s.library_id || '-' || u), 'film-1B',
       'film_started',
       (s.month + (random() * 27) * interval '1 day' + (random() * 23) * interval '1 hour') AT TIME ZONE 'Europe/Brussels'
  FROM sim s
 CROSS JOIN LATERAL generate_series(1, s.users) u
 CROSS JOIN LATERAL generate_series(1, 1 + (u % 3)) k;
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT s.library_id, md5('visitor' || s.library_id || '-' || u), 'film-1B', 'login',
       (s.month + interval '10 days') AT TIME ZONE 'Europe/Brussels'
  FROM sim s CROSS JOIN LATERAL generate_series(1, 200) u;

-- the council's approved budget (D: budget periods 2200-2600)
INSERT INTO cultuur.budget_approved (library_id, year, amount, reference) VALUES
    (1, 2022,  23751.50, 'D: order 4005533253'),
    (1, 2023, 150000.00, 'D: budget period 2300'),
    (1, 2024, 150000.00, 'D: budget period 2400'),
    (1, 2025,  80000.00, 'D: budget period 2500'),
    (1, 2026,  80000.00, 'D: budget period 2600');
-- assumptions for the years without usage yet (2025-2026)
INSERT INTO cultuur.budget_assumption (library_id, year, service, users_per_month,
                                       consortium_users_per_month, inhabitant_growth_pct, index_growth_pct)
SELECT 1, y, 'film-1B', 1000, 2100, 0.5, 2.0 FROM generate_series(2025, 2026) y;
INSERT INTO cultuur.budget_assumption (library_id, year, service, inhabitant_growth_pct, index_growth_pct)
SELECT 1, y, s, 0.5, 2.0 FROM generate_series(2025, 2026) y, unnest('{ebooks,film-2A}'::text[]) s;

-- a figure printed in the contract, to reconcile
INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source) VALUES
    (1, 2022, 'yearly_amount', 70509.56, 'Bijlage A, e-book agreement: "Totaal per jaar"');
