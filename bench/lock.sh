#!/bin/sh
# cultuur lock benchmark (bench/run.sh, BENCH_ONLY=lock): how many rule
# locks a second the contract lock takes, side by side with what one would
# write instead, under REPEATABLE READ with pgbench.
#
#   helper       SELECT cultuur.contract_lock(id): the contract row locked
#                FOR NO KEY UPDATE (no trigger fires) and its engine lock row
#                updated -- what every rule trigger of a contract calls;
#   old helper   the contract lock as it was before the engine lock: a
#                SECURITY DEFINER function updating the contract row
#                (recreated here as cultuur_bench_lock.old_contract_lock);
#   row update   UPDATE cultuur.contract SET active = active: the same
#                serialisation through the contract row itself, which fires
#                the contract's rule triggers on every lock (how the rule
#                triggers locked a contract before the engine lock);
#   row lock     SELECT ... FOR UPDATE: cheapest, but not enough -- under
#                REPEATABLE READ a transaction whose snapshot predates the
#                previous holder's commit gets the lock without an error and
#                checks its rule against rows it cannot see (the isolation
#                specs renewal_race and termination_race show the broken
#                rule this gives).
#
# Each pgbench transaction: BEGIN ISOLATION LEVEL REPEATABLE READ, lock one
# random contract of the fees benchmark (300 libraries, bench/fees_setup.sql),
# COMMIT; serialization failures are retried (--max-tries) and counted.
# Knobs: BENCH_LOCK_CLIENTS (4), BENCH_LOCK_SECONDS (10), BENCH_LOCK_ROUNDS (3:
# the cases alternate, round after round, and the best round counts),
# BENCH_LOCK_DATA (fees: 4,800 contracts; demo: the Antwerp demo's 3).
set -eu
cd "$(dirname "$0")"
clients=${BENCH_LOCK_CLIENTS:-4}
seconds=${BENCH_LOCK_SECONDS:-10}
rounds=${BENCH_LOCK_ROUNDS:-3}
db=cultuur_bench_lock
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
if [ "${BENCH_LOCK_DATA:-fees}" = demo ]; then
    # the Antwerp demo: a handful of contracts, so the clients often want
    # the same one (lock waits and 40001 retries dominate)
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION cultuur CASCADE' >/dev/null 2>&1
    (cd .. && psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/load.sql >/dev/null 2>&1)
else
    # the fees benchmark's data: 300 libraries, a contract for each of 6 services
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v libs=300 -f fees_setup.sql >/dev/null 2>&1
fi
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'VACUUM ANALYZE'
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE SCHEMA cultuur_bench_lock;
CREATE FUNCTION cultuur_bench_lock.old_contract_lock(contract_id integer) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    UPDATE cultuur.contract SET active = active WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
END;
$$;
SQL
n=$(psql -X -At -d "$db" -c 'SELECT count(*) FROM cultuur.contract')
lo=$(psql -X -At -d "$db" -c 'SELECT min(id) FROM cultuur.contract')
hi=$(psql -X -At -d "$db" -c 'SELECT max(id) FROM cultuur.contract')

script() {
    # $1: name, $2: the statement that locks contract :id
    cat >"$work/$1.sql" <<SQL
\set id random($lo, $hi)
BEGIN ISOLATION LEVEL REPEATABLE READ;
$2
COMMIT;
SQL
}
script helper     'SELECT cultuur.contract_lock(:id);'
script old_helper 'SELECT cultuur_bench_lock.old_contract_lock(:id);'
script row_update 'UPDATE cultuur.contract SET active = active WHERE id = :id;'
script row_lock   'SELECT FROM cultuur.contract WHERE id = :id FOR UPDATE;'

run() {
    # prints "tps failures" of one pgbench run of script $1
    pgbench -n -c "$clients" -j "$clients" -T "$seconds" \
        --max-tries=100 -f "$work/$1.sql" "$db" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/out" | head -n 1)
    retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$work/out")
    echo "$tps ${retried:-0}"
}

best_helper=0; best_old=0; best_update=0; best_lock=0
r=1
while [ "$r" -le "$rounds" ]; do
    for c in helper old_helper row_update row_lock; do
        set -- $(run "$c")
        echo "round $r, $c: $1 locks/s ($2 retried after 40001)"
        case $c in
            helper)     best_helper=$(echo "$1 $best_helper" | awk '{print ($1 > $2) ? $1 : $2}') ;;
            old_helper) best_old=$(echo "$1 $best_old" | awk '{print ($1 > $2) ? $1 : $2}') ;;
            row_update) best_update=$(echo "$1 $best_update" | awk '{print ($1 > $2) ? $1 : $2}') ;;
            row_lock)   best_lock=$(echo "$1 $best_lock" | awk '{print ($1 > $2) ? $1 : $2}') ;;
        esac
    done
    r=$((r + 1))
done

echo
echo "Contract locks, REPEATABLE READ, $clients clients, $n contracts, best of $rounds runs of $seconds s:"
echo
echo "| lock | locks/s | vs old helper |"
echo "|---|---:|---:|"
awk -v h="$best_helper" -v o="$best_old" -v u="$best_update" -v l="$best_lock" 'BEGIN {
    printf "| cultuur.contract_lock (row lock + engine lock) | %.0f | %.2fx |\n", h, h / o
    printf "| old helper (updates the contract row, fires its triggers) | %.0f | 1.00x |\n", o
    printf "| UPDATE contract SET active = active, no function | %.0f | %.2fx |\n", u, u / o
    printf "| SELECT ... FOR UPDATE (not safe under REPEATABLE READ) | %.0f | %.2fx |\n", l, l / o
}'
if [ "${BENCH_KEEP:-0}" != 1 ]; then
    psql -X -q -c "DROP DATABASE IF EXISTS $db"
fi
