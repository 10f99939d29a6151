-- cultuur usage benchmark, part 1: libraries, per-user contracts, the
-- event generator (one CSV file per month, written once by the server),
-- the plain table to compare the ingestion with, and the harness.
-- Run by bench/usage.sql in a database of its own (cultuur_bench_usage).
-- Variables (psql -v): libs, events, dir.  Everything random is
-- deterministic (setseed) and invented.

CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
SET max_parallel_workers_per_gather = 0;   -- random() in one order

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- ---------------------------------------------------------------------
-- Libraries (5,000-530,000 inhabitants), the three per-user film lots of
-- Bijlage A (seed tariffs), a framework agreement, and one contract per
-- library and lot from 1 January 2023 (initial term: two years, to 31
-- December 2024).  Not indexed, no holds.
-- ---------------------------------------------------------------------
SELECT setseed(0.3000) \g /dev/null
INSERT INTO cultuur.library (id, name, nis_code)
SELECT g, 'Bench library ' || g, to_char(90000 + g, 'FM00000')
  FROM generate_series(1, :libs) g;
SELECT setval('cultuur.library_id_seq', :libs) \g /dev/null
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT l.id, y, l.base
  FROM (SELECT id, (5000 + floor(random() * 525001))::integer AS base
          FROM cultuur.library ORDER BY id) l
 CROSS JOIN generate_series(2022, 2024) y;

INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers) VALUES
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43'),
    ('film-2B', daterange('2022-10-01', NULL), 0, '3.03; >1000: 2.42; >2000: 1.815'),
    ('film-4B', daterange('2022-10-01', NULL), 0, '1.21; >1000: 0.98; >2000: 0.932');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2026-12-31', 0 FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on)
SELECT l.id, s.service, '2022-12-01', '2023-01-01'
  FROM cultuur.library l
 CROSS JOIN (VALUES ('film-1B'), ('film-2B'), ('film-4B')) s (service)
 ORDER BY l.id, s.service;

-- the tier prices as a plain schema would keep them (see fees_setup.sql)
CREATE TABLE bench.tariff_tier (
    tariff_id integer NOT NULL REFERENCES cultuur.tariff,
    above     numeric,
    price     numeric NOT NULL,
    UNIQUE (tariff_id, above)
);
INSERT INTO bench.tariff_tier (tariff_id, above, price)
SELECT t.id, v.above, v.price
  FROM cultuur.tariff t
  JOIN (VALUES ('film-1B', NULL::numeric, 6.79), ('film-1B', 1000, 6.11), ('film-1B', 2000, 5.43),
               ('film-2B', NULL, 3.03), ('film-2B', 1000, 2.42), ('film-2B', 2000, 1.815),
               ('film-4B', NULL, 1.21), ('film-4B', 1000, 0.98), ('film-4B', 2000, 0.932))
       v (service, above, price) ON v.service = t.service;
ANALYZE cultuur.library, cultuur.population, cultuur.tariff, cultuur.contract, bench.tariff_tier;

-- ---------------------------------------------------------------------
-- The generator.  events are spread over library x lot x month cells:
-- in proportion to the library's inhabitants, lot 1B 50 %, 2B 30 %, 4B
-- 20 % of the events, a seasonal +-15 % over the year.  In each cell 80 %
-- of the events are film_started by members 1..pool of the library (pool =
-- film starts / 3: a member who streams starts about three films a month,
-- Poisson-like), 20 % logins by members 1..1.5 x pool (some only log in,
-- and never count).  member_ref = md5('member <library>-<k>'): the same
-- member in every month and lot.  Times: uniform over the month in
-- Europe/Brussels, to the second, so some films started late on the last
-- evening of a month in UTC count for the next month.
-- ---------------------------------------------------------------------
CREATE TABLE bench.cell (
    library_id integer NOT NULL,
    service    text NOT NULL,
    month      date NOT NULL,
    n          integer NOT NULL,
    pool       integer NOT NULL,
    PRIMARY KEY (month, library_id, service)
);
INSERT INTO bench.cell (library_id, service, month, n, pool)
SELECT library_id, service, month, n, greatest(1, round(n * 0.8 / 3))::integer
  FROM (SELECT p.library_id, s.service, m::date AS month,
               round(:events::numeric * p.inhabitants * s.w
                     * (1 + 0.15 * cos(2 * pi() * (extract(month FROM m) - 1) / 12))::numeric
                     / sum(p.inhabitants * s.w
                           * (1 + 0.15 * cos(2 * pi() * (extract(month FROM m) - 1) / 12))::numeric)
                       OVER ())::integer AS n
          FROM cultuur.population p
         CROSS JOIN (VALUES ('film-1B', 0.5), ('film-2B', 0.3), ('film-4B', 0.2)) s (service, w)
         CROSS JOIN generate_series('2023-01-01'::date, '2024-12-01'::date, interval '1 month') m
         WHERE p.year = 2022) c;

-- one file per month, ordered by time (as a feed arrives), written by the
-- server; returns the file name and its number of rows
CREATE FUNCTION bench.month_file(m date) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT format('%s/cultuur_bench_usage_%s.csv', current_setting('bench.dir'), to_char(m, 'YYYY-MM')) $$;

CREATE FUNCTION bench.generate_month(m date) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    n  bigint;
    t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE format($q$
        COPY (
            SELECT e.library_id, md5('member ' || e.library_id || '-' || e.k), e.service, e.action,
                   (e.month + floor(random() * e.secs) * interval '1 second') AT TIME ZONE 'Europe/Brussels'
                       AS occurred_at
              FROM (SELECT c.library_id, c.service, c.month,
                           extract(epoch FROM (c.month + interval '1 month')::timestamp - c.month::timestamp) AS secs,
                           CASE WHEN random() < 0.8 THEN 'film_started' ELSE 'login' END AS action,
                           c.pool
                      FROM bench.cell c CROSS JOIN LATERAL generate_series(1, c.n) i
                     WHERE c.month = %L) e0
             CROSS JOIN LATERAL (
                   SELECT e0.library_id, e0.service, e0.month, e0.secs, e0.action,
                          1 + floor(random() * CASE WHEN e0.action = 'login' THEN e0.pool * 1.5
                                                    ELSE e0.pool END)::integer AS k) e
             ORDER BY occurred_at
        ) TO %L WITH (FORMAT csv)$q$, m, bench.month_file(m));
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO bench.month (month, file, rows) VALUES (m, bench.month_file(m), n);
    RETURN format('%s: %s events, %s s', to_char(m, 'YYYY-MM'), n,
                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1));
END
$$;
CREATE TABLE bench.month (
    month date PRIMARY KEY,
    file  text NOT NULL,
    rows  bigint NOT NULL
);

-- ---------------------------------------------------------------------
-- The table without the counting: same columns, CHECKs, index and foreign
-- keys (LIKE copies no foreign keys: added by hand), no trigger.
-- Autovacuum off on both, so that it does not run during a timed load.
-- ---------------------------------------------------------------------
CREATE TABLE bench.plain (LIKE cultuur.usage_event INCLUDING ALL);
ALTER TABLE bench.plain ADD FOREIGN KEY (library_id) REFERENCES cultuur.library,
                        ADD FOREIGN KEY (service) REFERENCES cultuur.service ON UPDATE CASCADE;
ALTER TABLE bench.plain SET (autovacuum_enabled = false);
ALTER TABLE cultuur.usage_event SET (autovacuum_enabled = false);
ALTER TABLE cultuur.monthly_user SET (autovacuum_enabled = false);
ALTER TABLE cultuur.monthly_usage SET (autovacuum_enabled = false);
ALTER TABLE cultuur.consortium_usage SET (autovacuum_enabled = false);

-- ---------------------------------------------------------------------
-- The harness: one COPY timed with clock_timestamp(); each call is its
-- own transaction (psql \gexec, autocommit), so the statement trigger's
-- work is in the time and the commit is not.
-- ---------------------------------------------------------------------
CREATE TABLE bench.ingest (
    id     serial PRIMARY KEY,
    how    text NOT NULL,       -- 'per month' or 'one COPY'
    target text NOT NULL,       -- 'counting' (cultuur.usage_event) or 'plain'
    label  text NOT NULL,
    rows   bigint NOT NULL,
    ms     double precision NOT NULL
);
CREATE FUNCTION bench.timed_copy(how text, target text, label text, source text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    n  bigint;
    t0 timestamptz;
    ms double precision;
BEGIN
    t0 := clock_timestamp();
    EXECUTE format('COPY %s FROM %s WITH (FORMAT csv)',
                   CASE target WHEN 'counting' THEN 'cultuur.usage_event' ELSE 'bench.plain' END, source);
    GET DIAGNOSTICS n = ROW_COUNT;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    INSERT INTO bench.ingest (how, target, label, rows, ms) VALUES (how, target, label, n, ms);
    RETURN format('%s %-8s %s: %s rows, %s s, %s rows/s', how, target, label, n,
                  round((ms / 1000)::numeric, 1), round(n / (ms / 1000)));
END
$$;
