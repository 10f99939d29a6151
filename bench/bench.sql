-- cultuur benchmark: everything in ONE session (bench/run.sh runs this).
-- Variables (psql -v): rows, reps.
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\pset tuples_only on
\pset format unaligned
SET client_min_messages = warning;

\echo == cultuur benchmark
SELECT format('PostgreSQL %s, %s rows, %s timed runs of every case',
              current_setting('server_version'), :'rows', :'reps');

\echo
\echo == Setup: table, PL/pgSQL alternatives, harness
\ir setup.sql
\ir cases.sql
SELECT format('cultuur_bench.charges: %s rows, %s',
              count(*), pg_size_pretty(pg_table_size('cultuur_bench.charges')))
FROM cultuur_bench.charges;

-- A fair comparison: one process each, and no JIT (JIT compiles the inline
-- SQL expression but calls C and PL/pgSQL functions out of line, and its
-- compile time would be part of every figure).
SET max_parallel_workers_per_gather = 0;
SET jit = off;
\echo settings: max_parallel_workers_per_gather = 0, jit = off

\echo
\echo == Timing: every query is SELECT sum(<expression>) FROM charges; cases run round-robin
SELECT format('SELECT cultuur_bench.run_round(%s, %s)', r, :reps)
FROM generate_series(0, :reps) AS r \gexec

\ir report.sql
