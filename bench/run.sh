#!/bin/sh
# cultuur benchmark: run by `make bench` as
#   sh tools/with-cluster.sh sh bench/run.sh
# (a throwaway cluster, PGHOST/PGPORT/PGUSER/PGPASSWORD set), or by hand
# against any database where the extension can be created:
#   PGHOST=... PGPORT=... PGUSER=... PGDATABASE=... sh bench/run.sh
# In one psql session it (re)creates schema cultuur_bench with a table of
# 1,000,000 rows, times three ways of pricing them (plain SQL, PL/pgSQL,
# cultuur), checks that they agree and prints a Markdown table.
# Knobs: BENCH_ROWS (1000000), BENCH_REPS (7 timed runs of every case).
set -eu
cd "$(dirname "$0")"
load() { if [ -r /proc/loadavg ]; then cut -d' ' -f1-3 /proc/loadavg; else echo unknown; fi; }
echo "machine: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, load average before: $(load)"
psql -X -q -v ON_ERROR_STOP=1 \
    -v rows="${BENCH_ROWS:-1000000}" \
    -v reps="${BENCH_REPS:-7}" \
    -f bench.sql
echo "load average after: $(load) (a busy machine inflates the medians more than the best runs)"
