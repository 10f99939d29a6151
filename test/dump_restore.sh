#!/bin/sh
# Backup and restore of cultuur's books (README, "Backup and restore"),
# in TAP.
#
# Against the cluster of PGHOST/PGPORT/PGUSER (a superuser): loads the
# Antwerp demo, its simulated usage (about 140,000 events) and rows for
# every table of the books into a source database, then restores it on
# every path a DBA takes and compares each restored database with the
# source: the row count and an md5 of every table of schema cultuur,
# every sequence, the main reports (fee_detail, budget_variance,
# invoice_balance, contract_status on fixed dates, reconciliation, ...),
# the grants, triggers, constraints and the event trigger:
#   1. pg_dump -Fc, pg_restore -d            (serial)
#   2. pg_dump -Fc, pg_restore -j 4 -d       (parallel)
#   3. pg_dump, psql -f                      (plain SQL, as a DBA runs it)
#   4. pg_dump -Fc, pg_restore --single-transaction -d
#   5. pg_dump --data-only, psql -f          (into a fresh CREATE EXTENSION)
#   6. pg_dumpall, psql -f                   (the whole cluster)
# Each restore must exit 0 and print no error.  Each restored database
# must then work on: new rows get fresh ids, a new invoicing run issues
# nothing twice, the rules refuse what they refused before.  Last, the
# drops that must not take the books with them (DROP EXTENSION cultuur
# with and without CASCADE, DROP EXTENSION btree_gist CASCADE, DROP
# SCHEMA public CASCADE, ALTER TABLE ... DROP COLUMN) are refused and
# leave every row, and DROP SCHEMA cultuur CASCADE removes it all.
# Prints "ok N - ..." / "not ok N - ..." and the plan "1..N" at the end;
# exits non-zero on any failure.
#
#   PGHOST=/tmp/devpg PGPORT=5499 PGUSER=postgres sh test/dump_restore.sh
#   KEEP_DBS=1 ...          keeps the databases for inspection
set -u
cd "$(dirname "$0")/.." || exit 1

SRC=cultuur_dr_src
DBS="$SRC cultuur_dr_serial cultuur_dr_parallel cultuur_dr_psql cultuur_dr_single cultuur_dr_data"
tmp=$(mktemp -d)
cleanup() {
    if [ -z "${KEEP_DBS:-}" ]; then
        for d in $DBS; do
            psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
        done
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
# an interrupted run cleans up too (the EXIT trap runs on exit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# PGOPTIONS, PSQL, ok and not_ok
. test/tap.sh
# check DESCRIPTION LOGFILE: ok if the last command succeeded, else not ok
# with the log as diagnostics
check() {
    if [ "$st" -eq 0 ]; then
        ok "$1"
    else
        not_ok "$1"
        sed 's/^/#   /' "$2" | head -n 40
    fi
}
# quiet DESCRIPTION LOGFILE: ok if the log holds no error or warning
quiet() {
    if grep -qE 'ERROR|FATAL|WARNING|warning|error' "$2"; then
        not_ok "$1"
        grep -E 'ERROR|FATAL|WARNING|warning|error' "$2" | head -n 10 | sed 's/^/#   /'
    else
        ok "$1"
    fi
}
finish() {
    echo "1..$n"
    [ "$failed" -eq 0 ]
    exit $?
}
bail() {
    echo "Bail out! $1"
    echo "1..$n"
    exit 1
}

newdb() {
    $PSQL -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" \
        >"$tmp/newdb.log" 2>&1 || { sed 's/^/# /' "$tmp/newdb.log"; bail "cannot create database $1"; }
}

# ---- 1. the source database: every table of the contract model gets rows

newdb $SRC
$PSQL -d $SRC -f demo/load.sql >"$tmp/load.log" 2>&1
st=$?
check "source: demo/load.sql loads" "$tmp/load.log"
[ "$st" -eq 0 ] || bail "no source data"
# the demo's simulated usage: about 140,000 events, so that a parallel
# restore really loads the big tables side by side
$PSQL -d $SRC -f demo/usage.sql >"$tmp/demo_usage.log" 2>&1
st=$?
check "source: demo/usage.sql loads" "$tmp/demo_usage.log"
# the demo's lending story: titles, licences, members, loans, reservations,
# the pseudonym key
$PSQL -d $SRC -f demo/lending.sql >"$tmp/demo_lending.log" 2>&1
st=$?
check "source: demo/lending.sql loads" "$tmp/demo_lending.log"

$PSQL -d $SRC >"$tmp/extra.log" 2>&1 <<'SQL'
-- an invented small library (NIS code 99991 does not exist)
INSERT INTO cultuur.library (name, nis_code) VALUES ('Kleindorp', '99991');
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT id, y, 1000 FROM cultuur.library, generate_series(2021, 2025) y WHERE nis_code = '99991';
-- a service of the consortium's own, beside the shipped ones
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, renewal_term, max_renewals, notice, year_end_exit)
VALUES ('audio', 'Audiobooks (invented)', 'ebooks', 'per_inhabitant', 'cpi', 'tacit',
        NULL, '1 year', NULL, '3 months', true);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates)
VALUES ('audio', daterange('2023-01-01', NULL), 100, '0.05', '{0.03,0.02,0.01}');
-- (the film frameworks are extended twice and the film contracts renewed
-- twice by demo/usage.sql, F 10.2)
-- Kleindorp: e-books (indexed from 2024), audiobooks and film lot 1B
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from)
SELECT id, 'ebooks', '2022-12-01', '2023-01-01', '2026-09-15', 100, 2024
  FROM cultuur.library WHERE nis_code = '99991';
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct, prorata_rule)
SELECT id, 'audio', '2022-12-01', '2023-01-01', '2026-12-31', 90, 'day'
  FROM cultuur.library WHERE nis_code = '99991';
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, basis_pct)
SELECT id, 'film-1B', '2022-11-01', '2022-11-01', 100 FROM cultuur.library WHERE nis_code = '99991';
-- a price change (E 8.9): splits the e-book tariff on 1 January 2025
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers, note)
VALUES ('ebooks', '2024-07-15', '2025-01-01', 900, '0.2000', 'invented increase');
-- a worsening change of the data-use annex
INSERT INTO cultuur.data_annex_change (service, notified_on, worsening, description)
VALUES (NULL, '2024-08-01', true, 'invented: usage data kept longer');
-- terminations: waived (data annex), with an exit fee, and a renewed film contract
INSERT INTO cultuur.termination (contract_id, notified_on, reason)
SELECT c.id, '2024-09-15', 'data_annex_change' FROM cultuur.contract c
  JOIN cultuur.library l ON l.id = c.library_id
 WHERE l.nis_code = '99991' AND c.service = 'ebooks';
INSERT INTO cultuur.termination (contract_id, notified_on)
SELECT c.id, '2023-09-01' FROM cultuur.contract c
  JOIN cultuur.library l ON l.id = c.library_id
 WHERE l.nis_code = '99991' AND c.service = 'audio';
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (3, '2025-06-30');
-- (a correction of Kleindorp's count of 1 January 2023, from which the
-- audiobook exit fee was computed, is refused: CC010)
SQL
st=$?
check "source: renewals, terminations, a price change, a data-annex change" "$tmp/extra.log"

# usage (F 8.1, F 8.6), where this build has it: 25 members of Kleindorp start a
# film in January 2023, which reaches the lot 1B cap of 12 x 1000 x 0.18 %
# = 21.6, so the order is put on hold from February
if [ "$($PSQL -At -d $SRC -c "SELECT to_regclass('cultuur.reach_hold') IS NOT NULL")" = t ]; then
    $PSQL -d $SRC >"$tmp/usage.log" 2>&1 <<'SQL'
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT l.id, md5('member' || g), 'film-1B', 'film_started',
       timestamptz '2023-01-10 20:00+01' + g * interval '1 hour'
  FROM cultuur.library l, generate_series(1, 25) g WHERE l.nis_code = '99991';
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT l.id, md5('member1'), 'film-1B', 'login', '2023-01-31 23:30+00'
  FROM cultuur.library l WHERE l.nis_code = '99991';
INSERT INTO cultuur.reach_hold (contract_id, starts_on)
SELECT c.id, '2023-02-01' FROM cultuur.contract c
  JOIN cultuur.library l ON l.id = c.library_id
 WHERE l.nis_code = '99991' AND c.service = 'film-1B';
SQL
    st=$?
    check "source: usage events and a reach-cap hold" "$tmp/usage.log"
fi

# invoicing (E 8.5, F 8.1, E 8.6, E 8.7), where this build has it: invoices with their lines
# and a credit note, payments, a formal notice and a suspension, the
# council's budget with assumptions, and a quoted figure to reconcile
if [ "$($PSQL -At -d $SRC -c "SELECT to_regclass('cultuur.invoice') IS NOT NULL")" = t ]; then
    $PSQL -d $SRC >"$tmp/invoicing.log" 2>&1 <<'SQL'
SELECT count(*) FROM cultuur.run_invoicing('2023-02-01');
SELECT count(*) FROM cultuur.run_invoicing('2023-05-01');
SELECT cultuur.credit_note((SELECT min(id) FROM cultuur.invoice WHERE total > 100), '2023-05-10', 'invented correction', 10.00);
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT invoice_id, issued_on + 10, outstanding FROM cultuur.invoice_balance
 WHERE kind = 'ebooks_year' AND outstanding > 0 ORDER BY invoice_id LIMIT 1;
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, due_on + 5 FROM cultuur.invoice WHERE kind = 'film_quarter' AND total > 0 ORDER BY id DESC LIMIT 1;
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, due_on + 40 FROM cultuur.invoice WHERE kind = 'film_quarter' AND total > 0 ORDER BY id DESC LIMIT 1;
INSERT INTO cultuur.budget_approved (library_id, year, amount, reference)
VALUES (1, 2022, 23751.50, 'D'), (1, 2023, 150000.00, 'D') ON CONFLICT DO NOTHING;
INSERT INTO cultuur.budget_assumption (library_id, year, service, users_per_month, consortium_users_per_month)
VALUES (1, 2025, 'film-1B', 1000, 2100) ON CONFLICT DO NOTHING;
INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source)
VALUES (1, 2022, 'yearly_amount', 70509.56, 'Bijlage A');
SQL
    st=$?
    check "source: invoices, a credit note, payments, a notice, a suspension, budget" "$tmp/invoicing.log"
fi

# snapshot DB FILE: one line "kind|name|fingerprint" per table (row count
# and md5 of all rows as text, in order), sequence (last_value, is_called)
# and derived result (views and functions over the tables).
snapshot() {
    $PSQL -At -F '|' -d "$1" >"$2" 2>"$2.err" <<'SQL'
-- a fingerprint, or the error a query raises
CREATE FUNCTION pg_temp.fingerprint(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE query INTO r;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || translate(SQLERRM, '|' || chr(10), '/ ');
END $$;
WITH q (kind, name, query) AS (
    SELECT 'table', c.oid::regclass::text,
           format('SELECT count(*) || '' '' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), ''-'') AS x FROM %s t', c.oid::regclass)
      FROM pg_class c
     WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind IN ('r', 'p')
       -- the engine's own lock rows are not the books: recreated, not restored
       AND c.relname <> 'engine_lock'
    UNION ALL
    SELECT 'sequence', c.oid::regclass::text,
           format('SELECT last_value || '','' || is_called AS x FROM %s', c.oid::regclass)
      FROM pg_class c
     WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind = 'S'
    UNION ALL
    SELECT 'derived', d.name,
           format('SELECT count(*) || '' '' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), ''-'') AS x FROM (%s) t', d.query)
      FROM (VALUES
        ('cultuur.contract_status(2024-01-01)', 'SELECT * FROM cultuur.contract_status(''2024-01-01'')'),
        ('cultuur.contract_status(2025-08-01)', 'SELECT * FROM cultuur.contract_status(''2025-08-01'')'),
        ('cultuur.fee_detail(2022, 2027)', 'SELECT * FROM cultuur.fee_detail(2022, 2027)'),
        ('cultuur.upcoming_deadlines(2023-01-01, 4 years)', 'SELECT * FROM cultuur.upcoming_deadlines(''2023-01-01'', ''4 years'')'),
        ('cultuur.price_increase_flag', 'SELECT * FROM cultuur.price_increase_flag'),
        ('cultuur.contract_terms of every contract', 'SELECT c.id, t.* FROM cultuur.contract c, cultuur.contract_terms(c.id, ''2030-12-31'') t'),
        ('cultuur.budget_variance(2022, 2026)', 'SELECT * FROM cultuur.budget_variance(2022, 2026)'),
        ('cultuur.invoice_balance', 'SELECT * FROM cultuur.invoice_balance'),
        ('cultuur.reconciliation', 'SELECT * FROM cultuur.reconciliation'),
        ('cultuur.overdue(2024-01-01)', 'SELECT * FROM cultuur.overdue(''2024-01-01'')'),
        ('grants on schema cultuur', $q$SELECT n.nspacl::text FROM pg_namespace n WHERE n.nspname = 'cultuur'$q$),
        ('grants on the tables and views', $q$SELECT c.relname, c.relacl::text FROM pg_class c WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind IN ('r', 'v', 'S')$q$),
        ('triggers of the books', $q$SELECT t.tgrelid::regclass::text, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'cultuur'::regnamespace AND NOT t.tgisinternal$q$),
        ('constraints of the books', $q$SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'cultuur'::regnamespace$q$),
        ('the event trigger', $q$SELECT evtname, evtevent, evtenabled FROM pg_event_trigger$q$)
      ) d (name, query)
)
SELECT kind, name, pg_temp.fingerprint(query)
  FROM q
 ORDER BY kind DESC, name;
SQL
}


# tables of the contract model that must have rows, or the comparison
# proves nothing
must_have_rows=" cultuur.library cultuur.population cultuur.price_index cultuur.service
 cultuur.framework cultuur.framework_extension cultuur.tariff cultuur.contract
 cultuur.renewal cultuur.termination cultuur.data_annex_change cultuur.price_change
 cultuur.usage_event cultuur.monthly_user cultuur.monthly_usage
 cultuur.consortium_usage cultuur.reach_hold cultuur.invoice_counter
 cultuur.invoice cultuur.invoice_line cultuur.payment cultuur.formal_notice
 cultuur.suspension cultuur.budget_approved cultuur.budget_assumption
 cultuur.quoted_amount "

# compare FILE_A FILE_B EMIT: EMIT is "tap" (ok / not ok lines) or "diag"
compare() {
    while IFS='|' read -r kind name val; do
        other=$(awk -F'|' -v k="$kind" -v m="$name" '$1 == k && $2 == m { print $3 }' "$2")
        rows=${val%% *}
        case $val in
            ERROR*)
                # not a dump problem: the source itself cannot compute it
                if [ "$3" = tap ]; then
                    ok "$kind $name # SKIP the source raises an error"
                    echo "#   source: $val"
                fi
                continue ;;
        esac
        case $kind in
            sequence) what="sequence $name ($val)" ;;
            *)        what="$kind $name ($rows rows)" ;;
        esac
        if [ "$val" = "$other" ]; then
            if [ "$3" = tap ]; then
                if [ "$kind" = table ] && [ "$rows" = 0 ]; then
                    case $must_have_rows in
                        *" $name "*) not_ok "$what: no rows in the source, nothing was compared" ;;
                        *) ok "$what # SKIP no rows in the source" ;;
                    esac
                else
                    ok "$what"
                fi
            fi
        else
            if [ "$3" = tap ]; then
                not_ok "$what"
                echo "#   source:   $val"
                echo "#   restored: ${other:-missing}"
            else
                echo "#   differs: $what; source: $val; restored: ${other:-missing}"
            fi
        fi
    done <"$1"
}
# ---- 2. the dumps: no warning points the DBA at a wrong fix

pg_dump -Fc -d $SRC -f "$tmp/db.fc" >"$tmp/dump_fc.log" 2>&1
st=$?
check "pg_dump -Fc of the source" "$tmp/dump_fc.log"
quiet "pg_dump -Fc warns of nothing (no circular foreign keys)" "$tmp/dump_fc.log"
pg_dump -d $SRC -f "$tmp/db.sql" >"$tmp/dump_sql.log" 2>&1
st=$?
check "pg_dump (plain SQL) of the source" "$tmp/dump_sql.log"
quiet "pg_dump warns of nothing" "$tmp/dump_sql.log"
pg_dump --data-only -d $SRC -f "$tmp/data.sql" >"$tmp/dump_data.log" 2>&1
st=$?
check "pg_dump --data-only of the source" "$tmp/dump_data.log"
if [ -s "$tmp/dump_data.log" ]; then
    # the credit notes refer to their invoice in the same table; pg_dump
    # orders rows as stored, invoices before their credit notes
    echo "# pg_dump --data-only said (harmless: see README, Backup and restore):"
    sed 's/^/#   /' "$tmp/dump_data.log"
fi
# pg_dumpall, of this database only (the cluster holds the suite's others)
others=$(psql -X -At -d postgres -c "SELECT string_agg(format('--exclude-database=%s', datname), ' ') FROM pg_database WHERE datname NOT IN ('$SRC', 'postgres', 'template0', 'template1')")
# shellcheck disable=SC2086
pg_dumpall $others -f "$tmp/all.sql" >"$tmp/dumpall.log" 2>&1
st=$?
check "pg_dumpall of the cluster" "$tmp/dumpall.log"
quiet "pg_dumpall warns of nothing" "$tmp/dumpall.log"

snapshot $SRC "$tmp/src.txt" || { sed 's/^/# /' "$tmp/src.txt.err"; bail "cannot read the source database"; }
empty=""
for t in $must_have_rows; do
    rows=$(awk -F'|' -v m="$t" '$1 == "table" && $2 == m { split($3, a, " "); print a[1] }' "$tmp/src.txt")
    [ "${rows:-0}" -gt 0 ] || empty="$empty $t"
done
if [ -z "$empty" ]; then
    ok "source: every table of the books has rows ($(awk -F'|' '$1 == "table" { split($3, a, " "); s += a[1] } END { print s }' "$tmp/src.txt") rows)"
else
    not_ok "source: tables without rows, so nothing of them is compared:$empty"
fi

# works_on DB LABEL: the restored database takes new rows and keeps its rules
works_on() {
    $PSQL -d "$1" >"$tmp/after_$1.log" 2>&1 <<'SQL'
BEGIN;
-- fresh ids: the sequences continue after the dumped rows
INSERT INTO cultuur.library (name, nis_code) VALUES ('Nieuwdorp', '99992');
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end)
SELECT id, 'ebooks', '2024-01-01', '2024-01-01', '2026-09-15' FROM cultuur.library WHERE nis_code = '99992';
DO $$
DECLARE
    before integer := (SELECT count(*) FROM cultuur.invoice);
BEGIN
    -- what was invoiced is not invoiced again
    PERFORM cultuur.run_invoicing('2023-05-01');
    IF (SELECT count(*) FROM cultuur.invoice) <> before THEN
        RAISE EXCEPTION 'a new run issued % invoices again', (SELECT count(*) FROM cultuur.invoice) - before;
    END IF;
    -- the rules refuse what they refused before
    BEGIN
        INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (3, '2025-07-01');
        RAISE EXCEPTION 'second termination accepted';
    EXCEPTION WHEN SQLSTATE 'CC002' THEN
        NULL;
    END;
    BEGIN
        UPDATE cultuur.invoice SET total = 0 WHERE id = (SELECT min(id) FROM cultuur.invoice);
        RAISE EXCEPTION 'issued invoice changed';
    EXCEPTION WHEN SQLSTATE 'CC010' THEN
        NULL;
    END;
    BEGIN
        TRUNCATE cultuur.payment;
        RAISE EXCEPTION 'payments truncated';
    EXCEPTION WHEN SQLSTATE 'CC010' THEN
        NULL;
    END;
    -- the pseudonym key came with the dump: a member's usage keeps its pseudonym
    IF NOT EXISTS (SELECT 1 FROM cultuur.loan o JOIN cultuur.member m ON m.id = o.member_id
                     JOIN cultuur.usage_event e ON e.occurred_at = o.started_at AND e.action = 'ebook_loaned'
                                               AND e.member_ref = cultuur.member_pseudonym(m.id)
                    WHERE m.card_number = 'ANT-0004') THEN
        RAISE EXCEPTION 'the pseudonym key was not restored';
    END IF;
    -- lending refuses what it refused before: the metered licence's
    -- checkouts are used up (or the library is suspended)
    BEGIN
        PERFORM cultuur.borrow((SELECT id FROM cultuur.member WHERE card_number = 'ANT-0001'),
                               (SELECT id FROM cultuur.title WHERE name = 'Het Verdriet van België'));
        RAISE EXCEPTION 'a used-up licence lent';
    EXCEPTION WHEN SQLSTATE 'CC017' OR SQLSTATE 'CC015' THEN
        NULL;
    END;
    -- and the roles keep their rights
    IF NOT has_table_privilege('cultuur_reporting', 'cultuur.invoice', 'SELECT')
       OR has_table_privilege('cultuur_finance', 'cultuur.invoice', 'INSERT')
       OR NOT has_function_privilege('cultuur_finance', 'cultuur.run_invoicing(date)', 'EXECUTE')
       OR has_function_privilege('public', 'cultuur.run_invoicing(date)', 'EXECUTE') THEN
        RAISE EXCEPTION 'grants not as installed';
    END IF;
END $$;
ROLLBACK;
SQL
    st=$?
    check "$2: works on (fresh ids, nothing invoiced twice, rules and grants as before)" "$tmp/after_$1.log"
}

# elapsed START: seconds since START (from now_s), for the record
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# restored DB LABEL LOG: the restore's exit status in $st, then every
# table, sequence and report against the source
restored() {
    check "$2: exits 0" "$3"
    quiet "$2: prints no error" "$3"
    if snapshot "$1" "$tmp/$1.txt"; then
        d=$(compare "$tmp/src.txt" "$tmp/$1.txt" diag)
        if [ -z "$d" ]; then
            ok "$2: every table, sequence, report, grant and trigger as in the source ($(grep -c '^table' "$tmp/src.txt") tables)"
        else
            not_ok "$2: differs from the source"
            echo "$d" | head -n 30
        fi
    else
        not_ok "$2: cannot read the restored database"
        sed 's/^/#   /' "$tmp/$1.txt.err" | head -n 10
    fi
    works_on "$1" "$2"
}

# ---- 3. every restore path

newdb cultuur_dr_serial
t0=$(now_s)
pg_restore -d cultuur_dr_serial "$tmp/db.fc" >"$tmp/r_serial.log" 2>&1
st=$?
echo "# pg_restore -d took $(elapsed "$t0") s"
restored cultuur_dr_serial "pg_restore -d" "$tmp/r_serial.log"

newdb cultuur_dr_parallel
t0=$(now_s)
pg_restore -j 4 -d cultuur_dr_parallel "$tmp/db.fc" >"$tmp/r_parallel.log" 2>&1
st=$?
echo "# pg_restore -j 4 -d took $(elapsed "$t0") s"
restored cultuur_dr_parallel "pg_restore -j 4 -d" "$tmp/r_parallel.log"

newdb cultuur_dr_psql
psql -X -q -d cultuur_dr_psql -f "$tmp/db.sql" >"$tmp/r_psql.log" 2>&1
st=$?
restored cultuur_dr_psql "psql -f of a plain pg_dump" "$tmp/r_psql.log"

newdb cultuur_dr_single
t0=$(now_s)
pg_restore --single-transaction -d cultuur_dr_single "$tmp/db.fc" >"$tmp/r_single.log" 2>&1
st=$?
echo "# pg_restore --single-transaction -d took $(elapsed "$t0") s"
restored cultuur_dr_single "pg_restore --single-transaction -d" "$tmp/r_single.log"

newdb cultuur_dr_data
$PSQL -d cultuur_dr_data -c 'CREATE EXTENSION cultuur CASCADE' >"$tmp/r_data_ext.log" 2>&1
st=$?
check "data-only: a fresh CREATE EXTENSION cultuur CASCADE" "$tmp/r_data_ext.log"
psql -X -q -d cultuur_dr_data -f "$tmp/data.sql" >"$tmp/r_data.log" 2>&1
st=$?
restored cultuur_dr_data "psql -f of pg_dump --data-only into the fresh install" "$tmp/r_data.log"

# ---- 4. drops that must not take the books with them

counts() {
    psql -X -At -d "$1" -c "SELECT string_agg(c.relname || '=' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM cultuur.%I', c.relname), false, true, '')))[1]::text, ',' ORDER BY c.relname) FROM pg_class c WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind = 'r'"
}
db=cultuur_dr_serial
before=$(counts $db)
for cmd in 'DROP EXTENSION cultuur' 'DROP EXTENSION cultuur CASCADE' 'DROP EXTENSION btree_gist CASCADE' \
           'DROP SCHEMA public CASCADE' 'ALTER TABLE cultuur.invoice DROP COLUMN reason' \
           'DROP TABLE cultuur.payment CASCADE'; do
    psql -X -q -d $db -c "$cmd" >"$tmp/drop.log" 2>&1
    st=$?
    after=$(counts $db)
    if [ "$st" -ne 0 ] && [ "$after" = "$before" ] && [ -n "$before" ]; then
        ok "$cmd is refused and every row stays ($(head -n 1 "$tmp/drop.log" | cut -c1-90))"
    else
        not_ok "$cmd is refused and every row stays (exit $st)"
        sed 's/^/#   /' "$tmp/drop.log" | head -n 5
    fi
done
psql -X -q -d $db -c 'DROP SCHEMA cultuur CASCADE' >"$tmp/drop.log" 2>&1
st=$?
if [ "$st" -eq 0 ] && [ "$(psql -X -At -d $db -c "SELECT count(*) FROM pg_extension WHERE extname = 'cultuur'")" = 0 ]; then
    ok "DROP SCHEMA cultuur CASCADE, the deliberate command, removes cultuur and its books"
else
    not_ok "DROP SCHEMA cultuur CASCADE removes cultuur and its books"
    sed 's/^/#   /' "$tmp/drop.log" | head -n 5
fi
$PSQL -d $db -c 'CREATE EXTENSION cultuur' -c 'SELECT count(*) FROM cultuur.contract' >"$tmp/reinstall.log" 2>&1
st=$?
check "... after which CREATE EXTENSION cultuur installs afresh" "$tmp/reinstall.log"

# ---- 5. pg_dumpall into the cluster the source is gone from

psql -X -q -d postgres -c "DROP DATABASE $SRC" >"$tmp/dropsrc.log" 2>&1
psql -X -q -d postgres -f "$tmp/all.sql" >"$tmp/r_all.log" 2>&1
st=$?
# the roles exist already in this cluster (in a new one they would not)
grep -vE 'role "[^"]+" already exists' "$tmp/r_all.log" >"$tmp/r_all_other.log"
restored $SRC "psql -f of pg_dumpall (roles already there aside)" "$tmp/r_all_other.log"

finish
