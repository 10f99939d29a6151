#!/bin/sh
# cultuur benchmarks: run by `make bench` as
#   sh tools/with-cluster.sh sh bench/run.sh
# (a throwaway cluster, PGHOST/PGPORT/PGUSER/PGPASSWORD set), or by hand
# against any cluster where the extension can be created:
#   PGHOST=... PGPORT=... PGUSER=... PGDATABASE=... sh bench/run.sh
# Four parts, each in one psql session (lock: pgbench):
#   engine  the tariff engine (bench.sql): in schema cultuur_bench of
#           PGDATABASE, a table of 1,000,000 rows priced three ways (plain
#           SQL, PL/pgSQL, cultuur);
#   fees    (fees.sql) in a new database cultuur_bench_fees: every fee of
#           300 libraries x 6 services x 10 years, cultuur.fee_detail
#           against the same computation in plain SQL;
#   usage   (usage.sql) in a new database cultuur_bench_usage: COPY of
#           generated usage events with and without the incremental
#           counting, and a quarter's invoicing against COUNT(DISTINCT).
#           Needs a superuser (the server writes and reads the CSV files)
#           and disk: about 450 bytes per event (20M: ~9 GB, check
#           df -h /tmp);
#   lock    (lock.sh) in a new database cultuur_bench_lock: the contract
#           lock every rule trigger takes, with pgbench under REPEATABLE
#           READ, against the row update it replaced and a plain row lock;
#   invoicing (invoicing.sql) in new databases cultuur_bench_invoicing_N:
#           a May run and a quarter run of run_invoicing for 300 and for
#           3,000 libraries (e-books, lot 2A, lot 1B), and a run that
#           corrects late usage, against one invoice_preview per invoice
#           (the 0.1 run; for late usage every issued invoice previewed
#           again) at 300, and the ratio of the two sizes.
# Each part checks that the two ways agree and prints a Markdown table.
# Knobs:
#   BENCH_ONLY          engine, fees, usage, lock or invoicing: run that part only (default all)
#   BENCH_ROWS          engine: rows (1000000)
#   BENCH_REPS          engine: timed runs of every case (7)
#   BENCH_LIBRARIES     fees and usage: libraries (300)
#   BENCH_FEES_REPS     fees: timed runs of each query (11)
#   BENCH_EVENTS        usage: events (20000000)
#   BENCH_PLAIN_EVERY   usage: load the plain table with one month in n (2;
#                       1 = every month, as the counting table)
#   BENCH_USAGE_SINGLE  usage: 1 = also time one COPY of all months into the
#                       emptied counting tables (0; at 20M: ~10 more minutes)
#   BENCH_WORK_MEM      usage: work_mem of the session (64MB)
#   BENCH_DIR           usage: where the server writes the CSV files (/tmp;
#                       a temporary directory in it, removed at the end)
#   BENCH_INVOICING_LIBS  invoicing: the two sizes ("300 3000")
#   BENCH_INVOICING_REPS  invoicing: timed runs rolled back before the kept one (3)
#   BENCH_INVOICING_PREVIEW_MAX  invoicing: largest size timed the 0.1 way too (300)
#   BENCH_KEEP          1: keep the databases cultuur_bench_fees and
#                       cultuur_bench_usage (default: dropped at the end)
set -eu
cd "$(dirname "$0")"
only=${BENCH_ONLY:-all}
case "$only" in
    all|engine|fees|usage|lock|invoicing) ;;
    *) echo "BENCH_ONLY must be engine, fees, usage, lock or invoicing, not '$only'" >&2; exit 2 ;;
esac
load() { if [ -r /proc/loadavg ]; then cut -d' ' -f1-3 /proc/loadavg; else echo unknown; fi; }
part() { [ "$only" = all ] || [ "$only" = "$1" ]; }
fresh_db() {
    psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}
done_db() {
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1"
    fi
}
start=$(date +%s)
echo "machine: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, load average before: $(load)"

if part engine; then
    psql -X -q -v ON_ERROR_STOP=1 \
        -v rows="${BENCH_ROWS:-1000000}" \
        -v reps="${BENCH_REPS:-7}" \
        -f bench.sql
    echo "load average after: $(load) (a busy machine inflates the medians more than the best runs)"
fi

if part fees; then
    t=$(date +%s)
    fresh_db cultuur_bench_fees
    psql -X -q -v ON_ERROR_STOP=1 -d cultuur_bench_fees \
        -v libs="${BENCH_LIBRARIES:-300}" \
        -v reps="${BENCH_FEES_REPS:-11}" \
        -f fees.sql
    done_db cultuur_bench_fees
    echo "load average after the fees benchmark: $(load); it took $(( $(date +%s) - t )) s"
fi

if part usage; then
    t=$(date +%s)
    events=${BENCH_EVENTS:-20000000}
    dir=$(mktemp -d "${BENCH_DIR:-/tmp}/cultuur_bench.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
    chmod 777 "$dir"            # the server writes the files
    echo
    echo "disk for the usage benchmark (about $(( events / 1000000 * 450 / 1000 + 1 )) GB for $events events: CSV files, two tables, counts, WAL):"
    df -h "$dir" | sed 's/^/    /'
    fresh_db cultuur_bench_usage
    psql -X -q -v ON_ERROR_STOP=1 -d cultuur_bench_usage \
        -v libs="${BENCH_LIBRARIES:-300}" \
        -v events="$events" \
        -v plain_every="${BENCH_PLAIN_EVERY:-2}" \
        -v single="${BENCH_USAGE_SINGLE:-0}" \
        -v work_mem="${BENCH_WORK_MEM:-64MB}" \
        -v dir="$dir" \
        -f usage.sql
    done_db cultuur_bench_usage
    echo "load average after the usage benchmark: $(load); it took $(( $(date +%s) - t )) s"
fi
if part lock; then
    t=$(date +%s)
    sh lock.sh
    echo "load average after the lock benchmark: $(load); it took $(( $(date +%s) - t )) s"
fi
if part invoicing; then
    t=$(date +%s)
    set -- ${BENCH_INVOICING_LIBS:-300 3000}
    small=$1
    results=$(mktemp)
    for libs in "$@"; do
        db=cultuur_bench_invoicing_$libs
        fresh_db "$db"
        psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
            -v libs="$libs" \
            -v reps="${BENCH_INVOICING_REPS:-3}" \
            -v preview_max="${BENCH_INVOICING_PREVIEW_MAX:-300}" \
            -f invoicing.sql | tee /dev/stderr | sed -n "s/^RESULT /$libs|/p" >>"$results"
        done_db "$db"
    done 2>&1
    if grep -q DIFFERENT "$results"; then
        echo "the preview and the run disagree" >&2
        exit 1
    fi
    # libs|name|invoices|total|best ms|all ms -> one table, ratios to the smallest size
    echo
    echo "| run | libraries | invoices | best of runs (ms) | per invoice (ms) | vs the 0.1 way | vs $small libraries |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    awk -F'|' -v small="$small" '
        { key = $1 "|" $2; ms[key] = $5; inv[key] = $3; order[++n] = key }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], k, "|"); libs = k[1]; name = k[2]
                if (name !~ /^run_invoicing/) continue
                what = substr(name, 16)
                prev = libs "|preview (0.1 way): " what
                base = small "|" name
                printf "| %s | %d | %d | %.0f | %.3f | %s | %s |\n", what, libs, inv[order[i]], ms[order[i]],
                       ms[order[i]] / inv[order[i]],
                       (prev in ms) ? sprintf("%.1fx faster (%.0f ms)", ms[prev] / ms[order[i]], ms[prev]) : "-",
                       (libs == small) ? "1" : sprintf("%.1fx", ms[order[i]] / ms[base])
            }
        }' "$results"
    rm -f "$results"
    echo "load average after the invoicing benchmark: $(load); it took $(( $(date +%s) - t )) s"
fi
echo "all benchmarks: $(( $(date +%s) - start )) s"
