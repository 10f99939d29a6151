#!/bin/sh
# The README's "A short SQL tour", run as written (debian/tests/readme-tour),
# in TAP:
#   1. block 1, as the autopkgtest runs it (debian/tests/tour): a fresh
#      database, CREATE EXTENSION cultuur CASCADE and the plain SELECTs
#   2. block 2 (contracts as rows) in an empty database after
#      CREATE EXTENSION cultuur CASCADE
#   3. block 2 in a database with demo/load.sql and demo/usage.sql loaded,
#      as `make psql` has it (tools/psql-demo.sh)
# Every check of the checker is one TAP line here, named after its run.
# Prints "ok N - ..." / "not ok N - ..." and the plan "1..N" at the end;
# exits non-zero on any failure.
#
#   PGHOST=/tmp/devpg PGPORT=5499 PGUSER=postgres sh test/readme_tour.sh
#   README=/tmp/README.md ...   checks another copy of the README
#   KEEP_DBS=1 ...              keeps the database cultuur_tour of the last run
set -u
cd "$(dirname "$0")/.." || exit 1

README=${README:-README.md}
tmp=$(mktemp -d)
cleanup() {
    if [ -z "${KEEP_DBS:-}" ]; then
        psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cultuur_tour' >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
# an interrupted run cleans up too (the EXIT trap runs on exit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

n=0
failed=0

# tour LABEL ARGS...: runs the checker, one TAP line per check
tour() {
    label=$1
    shift
    perl debian/tests/readme-tour "$@" "$README" >"$tmp/tour.log" 2>&1
    st=$?
    before=$failed
    while IFS= read -r line; do
        case $line in
            "ok - "*)
                n=$((n + 1))
                echo "ok $n - $label: ${line#ok - }" ;;
            "not ok - "*)
                n=$((n + 1))
                failed=$((failed + 1))
                echo "not ok $n - $label: ${line#not ok - }" ;;
            "#"*) echo "$line" ;;
            *) echo "# $line" ;;
        esac
    done <"$tmp/tour.log"
    if [ "$st" -ne 0 ] && [ "$failed" -eq "$before" ]; then
        n=$((n + 1))
        failed=$((failed + 1))
        echo "not ok $n - $label: debian/tests/readme-tour exited with $st"
    fi
}

tour "block 1"                # the default: as debian/tests/tour runs it
tour "empty database" --block 2
tour "demo database" --block 2 --demo

echo "1..$n"
[ "$failed" -eq 0 ]
