#!/bin/sh
# The whole cultuur suite against the running cluster (see with-cluster.sh):
#   1. pg_regress (sql/*.sql against expected/*.out)
#   2. isolation specs (test/isolation/specs)
#   3. pgTAP (test/pgtap/*.sql through pg_prove)
#   4. the dump/restore round trip (test/dump_restore.sh, TAP)
#   5. ALTER EXTENSION cultuur UPDATE from every older version against a
#      fresh install, and a test that the comparison catches broken
#      upgrade scripts (test/upgrade.sh, TAP)
#   6. the README's SQL tour, run as written (test/readme_tour.sh, TAP)
#   7. a real client library's view of the report columns
#      (test/clients/column_types.py, psycopg, TAP)
#   8. pg_regress again with force_parallel_mode = regress, which runs
#      every PARALLEL SAFE function in a worker and so catches wrong labels
# and ends with the totals "N passed, M failed", also written to the file
# named by CULTUUR_SUMMARY (tools/test.sh prints it as the very last line,
# after the cluster is removed).
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
# an interrupted run cleans up too (the EXIT trap runs on exit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

count_regress() {
    # $1: label, $2: log file, $3: exit status of the run
    p=$(grep -cE '\.\.\. +ok' "$2" || true)
    f=$(grep -cE '\.\.\. +FAILED|failed \(ignored\)' "$2" || true)
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1                     # the runner itself failed
    fi
    echo "== $1: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ] && [ -f regression.diffs ]; then
        head -n 300 regression.diffs
    fi
    if [ "$f" -ne 0 ] && [ -f output_iso/regression.diffs ]; then
        head -n 300 output_iso/regression.diffs
    fi
}

echo "== pg_regress"
make -s installcheck ISOLATION= >"$log/regress" 2>&1
st=$?
cat "$log/regress"
count_regress "pg_regress" "$log/regress" $st

if ls test/isolation/specs/*.spec >/dev/null 2>&1; then
    echo "== isolation"
    make -s installcheck REGRESS= >"$log/iso" 2>&1
    st=$?
    cat "$log/iso"
    count_regress "isolation" "$log/iso" $st
fi

if ls test/pgtap/*.sql >/dev/null 2>&1; then
    echo "== pgTAP"
    psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cultuur_tap' \
        -c 'CREATE DATABASE cultuur_tap' >/dev/null
    pg_prove -v -d cultuur_tap test/pgtap/*.sql >"$log/tap" 2>&1
    st=$?
    grep -vE '^ok ' "$log/tap"
    p=$(grep -cE '^ok ' "$log/tap" || true)
    f=$(grep -cE '^not ok ' "$log/tap" || true)
    if [ $st -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "== pgTAP: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
fi

# run_tap LABEL LOG COMMAND...: a TAP producer; prints what is not a plain
# pass (failures, skips, diagnostics), counts passes (skips are not) and
# failures, and counts one failure when it exits non-zero without any
run_tap() {
    label=$1
    out=$2
    shift 2
    echo "== $label"
    "$@" >"$out" 2>&1
    st=$?
    awk '!/^ok [0-9]+ - / || /# SKIP/' "$out"
    p=$(grep -E '^ok ' "$out" | grep -vc '# SKIP' || true)
    f=$(grep -cE '^not ok ' "$out" || true)
    if [ $st -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "== $label: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
}

[ -f test/dump_restore.sh ] && run_tap "dump/restore" "$log/dump" sh test/dump_restore.sh
[ -f test/upgrade.sh ] && run_tap "upgrade" "$log/upgrade" sh test/upgrade.sh
[ -f test/readme_tour.sh ] && run_tap "README tour" "$log/tour" sh test/readme_tour.sh
[ -f test/clients/column_types.py ] && run_tap "clients" "$log/clients" /usr/bin/python3 test/clients/column_types.py

echo "== pg_regress with force_parallel_mode = regress"
PGOPTIONS="-c force_parallel_mode=regress" make -s installcheck ISOLATION= >"$log/par" 2>&1
st=$?
cat "$log/par"
count_regress "pg_regress (parallel)" "$log/par" $st

if [ -n "${CULTUUR_SUMMARY:-}" ]; then
    echo "$passed passed, $failed failed" >"$CULTUUR_SUMMARY"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
