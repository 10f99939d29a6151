-- cultuur fees benchmark: every fee of 300 libraries x 6
-- services x 10 years in one query, cultuur.fee_detail against the same
-- computation written by hand in plain SQL, in ONE session.
-- bench/run.sh runs this in a database of its own (cultuur_bench_fees).
-- Variables (psql -v): libs (300), reps (timed runs of each query).
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\pset tuples_only on
\pset format unaligned
SET client_min_messages = warning;

\echo
\echo == cultuur fees benchmark
SELECT format('PostgreSQL %s, %s libraries x 6 services, fees of 2023-2032, %s timed runs of each query',
              current_setting('server_version'), :'libs', :'reps');

\echo
\echo == Setup: libraries, populations, indexes, tariffs, contracts, renewals, notices
SELECT clock_timestamp() AS t0 \gset
\ir fees_setup.sql
SELECT format('%s libraries, %s contracts (%s e-books, %s film), %s renewals, %s terminations, %s tariffs; setup %s s',
              (SELECT count(*) FROM cultuur.library),
              (SELECT count(*) FROM cultuur.contract),
              (SELECT count(*) FROM cultuur.contract WHERE service = 'ebooks'),
              (SELECT count(*) FROM cultuur.contract WHERE service <> 'ebooks'),
              (SELECT count(*) FROM cultuur.renewal),
              (SELECT count(*) FROM cultuur.termination),
              (SELECT count(*) FROM cultuur.tariff),
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1));

-- as in the engine benchmark: one process each, no JIT
SET max_parallel_workers_per_gather = 0;
SET jit = off;
\echo settings: max_parallel_workers_per_gather = 0, jit = off

-- ---------------------------------------------------------------------
-- The harness (as in setup.sql): each case is one query that returns one
-- value; the cases run round-robin, timed with clock_timestamp() around
-- EXECUTE.  Round 0 is a warm-up, not recorded.
-- ---------------------------------------------------------------------
CREATE TABLE bench.cases (
    id      serial PRIMARY KEY,
    kind    text NOT NULL,      -- cultuur, sql
    name    text NOT NULL,
    query   text NOT NULL
);
CREATE TABLE bench.timings (
    case_id integer NOT NULL REFERENCES bench.cases,
    rep     integer NOT NULL,
    ms      double precision NOT NULL,
    result  numeric
);
CREATE FUNCTION bench.run_round(r integer, rounds integer) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    c   bench.cases;
    t0  timestamptz;
    tr  timestamptz := clock_timestamp();
    res numeric;
BEGIN
    FOR c IN SELECT * FROM bench.cases ORDER BY id LOOP
        t0 := clock_timestamp();
        EXECUTE c.query INTO res;
        IF r > 0 THEN
            INSERT INTO bench.timings
            VALUES (c.id, r, extract(epoch FROM clock_timestamp() - t0) * 1000, res);
        END IF;
    END LOOP;
    RETURN format('%s: %s s',
                  CASE WHEN r = 0 THEN 'warm-up' ELSE format('round %s of %s', r, rounds) END,
                  round(extract(epoch FROM clock_timestamp() - tr)::numeric, 2));
END
$$;

INSERT INTO bench.cases (kind, name, query) VALUES
('cultuur', 'cultuur.fee_detail(2023, 2032)',
 $q$SELECT sum(fee) FROM cultuur.fee_detail(2023, 2032)$q$),
('sql', 'plain SQL (bench.plain_fee)',
 $q$SELECT sum(fee) FROM bench.plain_fee$q$);

\echo
\echo == Timing: SELECT sum(fee) over all contracts and years 2023-2032; the two queries run round-robin
SELECT format('SELECT bench.run_round(%s, %s)', r, :reps)
FROM generate_series(0, :reps) AS r \gexec

-- ---------------------------------------------------------------------
-- Do they agree?  The totals of every run, and row by row (contract and
-- year, fee compared with IS DISTINCT FROM, rows missing on either side
-- count as differing).
-- ---------------------------------------------------------------------
\echo
\echo == Do they agree?
CREATE TEMP TABLE fee_rows AS
SELECT coalesce(d.contract_id, p.contract_id) AS contract_id,
       coalesce(d.year, p.year) AS year,
       d.contract_id IS NOT NULL AS in_cultuur, p.contract_id IS NOT NULL AS in_plain,
       d.fee AS cultuur_fee, p.fee AS plain_fee, d.note
  FROM cultuur.fee_detail(2023, 2032) d
  FULL JOIN bench.plain_fee p ON p.contract_id = d.contract_id AND p.year = d.year;

SELECT format('rows: %s (%s with a fee, %s per-user rows without one), fee_detail notes other than per-user: %s',
              count(*), count(cultuur_fee), count(*) FILTER (WHERE note LIKE 'billed per unique user%'),
              count(*) FILTER (WHERE note IS NOT NULL AND note NOT LIKE 'billed per unique user%'))
  FROM fee_rows;
SELECT format('of the rows with a fee: %s indexed, %s pro rata (share < 1), %s under the 2029/2030 price changes, %s with 80 %% basis; consortium tier volumes %s-%s inhabitants',
              count(*) FILTER (WHERE base_index IS NOT NULL), count(*) FILTER (WHERE share < 1),
              count(*) FILTER (WHERE year >= 2029 AND service = 'ebooks' OR year >= 2030 AND service = 'film-4A'),
              count(*) FILTER (WHERE basis_pct = 80), min(tier_volume), max(tier_volume))
  FROM cultuur.fee_detail(2023, 2032) WHERE fee IS NOT NULL;
SELECT format('per year (fee_detail): %s',
              string_agg(format('%s: %s', year, to_char(s, 'FM999G999G999D00')), ', ' ORDER BY year))
  FROM (SELECT year, sum(cultuur_fee) AS s FROM fee_rows GROUP BY year) y;

CREATE TEMP TABLE agreement AS
SELECT (SELECT count(DISTINCT t.result) FROM bench.timings t) AS distinct_totals,
       (SELECT min(t.result) FROM bench.timings t) AS total,
       (SELECT count(*) FROM fee_rows
         WHERE NOT (in_cultuur AND in_plain) OR cultuur_fee IS DISTINCT FROM plain_fee) AS rows_differing;
SELECT format('every run of both queries totals: %s  (%s distinct total%s)  rows differing: %s',
              to_char(total, 'FM999G999G999G999D00'), distinct_totals,
              CASE WHEN distinct_totals = 1 THEN '' ELSE 's' END, rows_differing)
  FROM agreement;
SELECT format('  differs: contract %s, year %s: cultuur %s, plain %s', contract_id, year,
              coalesce(cultuur_fee::text, '-'), coalesce(plain_fee::text, '-'))
  FROM fee_rows
 WHERE NOT (in_cultuur AND in_plain) OR cultuur_fee IS DISTINCT FROM plain_fee
 ORDER BY contract_id, year LIMIT 10;
SELECT 'results agree: ' ||
       CASE WHEN distinct_totals = 1 AND rows_differing = 0 THEN 'yes' ELSE 'no' END AS fees_verdict
  FROM agreement \gset
\echo :fees_verdict

-- ---------------------------------------------------------------------
-- Figures: median and best of the runs, ratio of the medians.
-- ---------------------------------------------------------------------
CREATE TEMP TABLE figures AS
WITH per_case AS (
    SELECT c.id, c.kind, c.name, count(*) AS runs,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS med,
           min(t.ms) AS best
      FROM bench.cases c JOIN bench.timings t ON t.case_id = c.id
     GROUP BY c.id, c.kind, c.name
)
SELECT p.*, p.med / q.med AS vs_sql, p.best / q.best AS best_vs_sql
  FROM per_case p CROSS JOIN (SELECT med, best FROM per_case WHERE kind = 'sql') q;

\echo
\echo == Fees: ms = median over the runs of SELECT sum(fee) over every contract and year 2023-2032;
\echo == "time / SQL" = ms / ms of the plain SQL query (of the best runs in brackets)
SELECT format('%s contract-years, %s libraries x 6 services', count(*), :'libs') FROM fee_rows;
SELECT '| query | runs | ms | best ms | time / SQL |'
UNION ALL SELECT '|---|--:|--:|--:|--:|'
UNION ALL
(SELECT format('| %s | %s | %s | %s | %s [%s] |', name, runs,
               round(med::numeric, 1), round(best::numeric, 1),
               to_char(vs_sql, 'FM990.00') || '×', to_char(best_vs_sql, 'FM990.00') || '×')
   FROM figures ORDER BY id);
\echo
SELECT format('fee_detail / plain SQL = %s [%s]; %s',
              to_char(c.med / q.med, 'FM990.00'), to_char(c.best / q.best, 'FM990.00'),
              CASE WHEN c.med <= q.med THEN format('fee_detail is %s× faster', to_char(q.med / c.med, 'FM990.0'))
                   ELSE format('fee_detail is %s× slower', to_char(c.med / q.med, 'FM990.0')) END)
  FROM figures c, figures q WHERE c.kind = 'cultuur' AND q.kind = 'sql';
\echo :fees_verdict
