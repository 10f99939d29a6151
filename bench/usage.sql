-- cultuur usage and invoicing benchmark, in ONE session:
--   1. ingestion: COPY of the same files into cultuur.usage_event (with
--      the statement trigger that counts unique users) and into a plain
--      table of the same shape without it; target: counting >= half the
--      plain rate;
--   2. invoicing: cultuur.run_invoicing for a full quarter (900 per-user
--      contracts) against the same invoice amounts computed with
--      COUNT(DISTINCT member_ref) over the raw events; target: >= 20x.
-- bench/run.sh runs this in a database of its own (cultuur_bench_usage).
-- Variables (psql -v): libs (300), events (20000000), dir (where the
-- server writes the CSV files), single (1: also time one COPY of all
-- months into the emptied counting table), plain_every (n: load the plain table with
-- every n-th month only; the rates are compared on those months), work_mem.
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\pset tuples_only on
\pset format unaligned
SET client_min_messages = warning;

\echo
\echo == cultuur usage and invoicing benchmark
SELECT format('PostgreSQL %s, %s libraries x 3 per-user lots x 24 months (2023-2024), %s events requested',
              current_setting('server_version'), :'libs', :'events');
SELECT set_config('bench.dir', :'dir', false) \g /dev/null
SET work_mem = :'work_mem';
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT format('settings: work_mem = %s, shared_buffers = %s, max_wal_size = %s, synchronous_commit = %s, fsync = %s, max_parallel_workers_per_gather = 0, jit = off',
              current_setting('work_mem'), current_setting('shared_buffers'), current_setting('max_wal_size'),
              current_setting('synchronous_commit'), current_setting('fsync'));

\echo
\echo == Setup: libraries, 900 per-user contracts, plain table; generating one CSV per month
\ir usage_setup.sql
SELECT clock_timestamp() AS t0 \gset
SELECT setseed(0.5000) \g /dev/null
SELECT format('SELECT bench.generate_month(%L)', m::date)
  FROM generate_series('2023-01-01'::date, '2024-12-01'::date, interval '1 month') m \gexec
SELECT format('%s events in %s files (%s), %s film_started; generated in %s s',
              sum(rows), count(*), pg_size_pretty(sum((pg_stat_file(file)).size)),
              (SELECT round(sum(n) * 0.8) FROM bench.cell) || ' expected',
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric))
  FROM bench.month;

-- ---------------------------------------------------------------------
-- 1. Ingestion: month by month, the same file into both tables, the
--    order alternating (plain first in odd months).
-- ---------------------------------------------------------------------
\echo
SELECT format('== Ingestion: COPY ... FROM the file of each month into cultuur.usage_event; the same file into the plain table %s; in turn, the order alternating',
              CASE WHEN :plain_every = 1 THEN 'too' ELSE format('for one month in %s (to save time)', :plain_every) END);
SELECT format('SELECT bench.timed_copy(%L, %L, %L, %L)', 'per month', t, to_char(month, 'YYYY-MM'), quote_literal(file))
  FROM (SELECT month, file, row_number() OVER (ORDER BY month) AS i FROM bench.month) m
 CROSS JOIN LATERAL (VALUES (1, 'plain'), (2, 'counting')) v (o, t)
 WHERE v.t = 'counting' OR (m.i - 1) % :plain_every = 0
 ORDER BY m.month, CASE WHEN (m.i - 1) / :plain_every % 2 = 0 THEN v.o ELSE -v.o END \gexec

\if :single
\echo
\echo == Ingestion again: one COPY of all months (FROM PROGRAM cat of the files) into the emptied counting tables
-- (a benchmark's throwaway tables: it lifts the guard that refuses
-- TRUNCATE for the books, and puts it back)
ALTER TABLE cultuur.usage_event DISABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.monthly_user DISABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.monthly_usage DISABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.consortium_usage DISABLE TRIGGER refuse_truncate;
TRUNCATE cultuur.usage_event, cultuur.monthly_user, cultuur.monthly_usage, cultuur.consortium_usage;
ALTER TABLE cultuur.usage_event ENABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.monthly_user ENABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.monthly_usage ENABLE TRIGGER refuse_truncate;
ALTER TABLE cultuur.consortium_usage ENABLE TRIGGER refuse_truncate;
CHECKPOINT;
SELECT format('SELECT bench.timed_copy(%L, %L, %L, %L)', 'one COPY', 'counting', 'all months',
              'PROGRAM ' || quote_literal('cat ' || (SELECT string_agg(file, ' ' ORDER BY month) FROM bench.month))) \gexec
\endif

SELECT clock_timestamp() AS t0 \gset
VACUUM ANALYZE bench.plain;
VACUUM ANALYZE cultuur.usage_event;
VACUUM ANALYZE cultuur.monthly_user;
VACUUM ANALYZE cultuur.monthly_usage;
VACUUM ANALYZE cultuur.consortium_usage;
SELECT format('cultuur.usage_event %s, bench.plain %s, cultuur.monthly_user %s rows (%s with its key); vacuum analyze %s s',
              pg_size_pretty(pg_table_size('cultuur.usage_event')), pg_size_pretty(pg_table_size('bench.plain')),
              (SELECT count(*) FROM cultuur.monthly_user), pg_size_pretty(pg_total_relation_size('cultuur.monthly_user')),
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric));

-- ---------------------------------------------------------------------
-- 2. Invoicing, quarter by quarter (Q1 2023 ... Q4 2024), each on its
--    invoicing date (the first of the second month after the quarter):
--      run_invoicing   cultuur.run_invoicing(date): issues the quarter's
--                      900 invoices with their lines, from the counts
--      preview only    the same amounts from cultuur.invoice_preview,
--                      nothing issued (where the time of run_invoicing goes)
--      COUNT(DISTINCT) the same amounts from the raw events, written into
--                      bench.base_* (a few thousand rows), as a user
--                      without the incremental counts would
--    run in turn, the order rotating by quarter.
-- ---------------------------------------------------------------------
CREATE TABLE bench.base_users (library_id integer, service text, month date, users bigint);
CREATE TABLE bench.base_volume (service text, month date, users numeric);
CREATE TABLE bench.base_invoice (contract_id integer, period daterange, total numeric);
CREATE TABLE bench.invoicing (
    quarter  date NOT NULL,
    what     text NOT NULL,
    ms       double precision NOT NULL,
    invoices bigint,
    total    numeric
);

-- Unique users per library, lot and Brussels month of the quarter from the
-- raw events (the BRIN index on occurred_at finds the quarter), the lot's
-- consortium total per month, the tier price that total picks, and per
-- contract the sum of round(users x price, 2) over the months of the
-- quarter it is in force.  (The contracts here are neither indexed nor on
-- hold, so no index factor and no held months.)
CREATE FUNCTION bench.count_distinct_sql(q date) RETURNS text
LANGUAGE sql IMMUTABLE
AS $f$ SELECT format($q$
WITH ev AS (
    SELECT e.library_id, e.service, e.member_ref,
           date_trunc('month', e.occurred_at AT TIME ZONE 'Europe/Brussels')::date AS month
      FROM cultuur.usage_event e
     WHERE e.action = 'film_started'
       AND e.occurred_at >= (timestamp %1$L AT TIME ZONE 'Europe/Brussels')
       AND e.occurred_at < (timestamp %2$L AT TIME ZONE 'Europe/Brussels')
),
users AS (
    SELECT library_id, service, month, count(DISTINCT member_ref) AS users
      FROM ev GROUP BY library_id, service, month
),
volume AS (
    SELECT service, month, sum(users) AS users FROM users GROUP BY service, month
),
lines AS (
    SELECT c.id AS contract_id, m.month, coalesce(u.users, 0) AS users,
           (SELECT tt.price FROM bench.tariff_tier tt
             WHERE tt.tariff_id = t.id AND (tt.above IS NULL OR coalesce(v.users, 0) > tt.above)
             ORDER BY tt.above DESC NULLS LAST LIMIT 1) AS price
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service AND s.price_model = 'per_user'
     CROSS JOIN (SELECT g::date AS month
                   FROM generate_series(date %1$L, date %2$L - 1, interval '1 month') g) m
      JOIN cultuur.tariff t ON t.service = c.service AND t.valid @> m.month
      LEFT JOIN users u ON u.library_id = c.library_id AND u.service = c.service AND u.month = m.month
      LEFT JOIN volume v ON v.service = c.service AND v.month = m.month
     WHERE c.active && daterange(m.month, (m.month + interval '1 month')::date)
),
keep_users AS (INSERT INTO bench.base_users SELECT * FROM users),
keep_volume AS (INSERT INTO bench.base_volume SELECT * FROM volume),
invoices AS (
    INSERT INTO bench.base_invoice
    SELECT contract_id, daterange(date %1$L, date %2$L), sum(round(users * price, 2))
      FROM lines GROUP BY contract_id
    RETURNING total
)
SELECT count(*), sum(total) FROM invoices$q$, $1, ($1 + interval '3 months')::date) $f$;

CREATE FUNCTION bench.time_quarter(q date) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    what text;
    qry  text;
    t0   timestamptz;
    n    bigint;
    tot  numeric;
    res  text := to_char(q, 'YYYY "Q"Q') || ':';
    k    integer := (extract(year FROM q)::integer * 4 + extract(quarter FROM q)::integer) % 3;
BEGIN
    FOR what IN SELECT w FROM unnest(ARRAY['run_invoicing', 'preview only', 'COUNT(DISTINCT)']) WITH ORDINALITY u (w, o)
                 ORDER BY (o + k) % 3 LOOP
        qry := CASE what
            WHEN 'run_invoicing' THEN
                format('SELECT count(*), sum(total) FROM cultuur.run_invoicing(%L)', (q + interval '4 months')::date)
            WHEN 'preview only' THEN
                format($q$SELECT count(DISTINCT s.contract_id), sum(p.amount)
                            FROM cultuur.invoice_schedule(%1$L) s
                           CROSS JOIN LATERAL cultuur.invoice_preview(s.contract_id, s.kind, s.period) p
                           WHERE s.period = daterange(%2$L, %3$L)$q$,
                       (q + interval '4 months')::date, q, (q + interval '3 months')::date)
            ELSE bench.count_distinct_sql(q) END;
        t0 := clock_timestamp();
        EXECUTE qry INTO n, tot;
        INSERT INTO bench.invoicing VALUES (q, what, extract(epoch FROM clock_timestamp() - t0) * 1000, n, tot);
        res := res || format('  %s %s s', what, round(extract(epoch FROM clock_timestamp() - t0)::numeric, 2));
    END LOOP;
    RETURN res;
END
$$;

\echo
\echo == Invoicing, quarter by quarter
SELECT format('SELECT bench.time_quarter(%L)', q::date)
  FROM generate_series('2023-01-01'::date, '2024-10-01'::date, interval '3 months') q \gexec

\ir usage_report.sql
