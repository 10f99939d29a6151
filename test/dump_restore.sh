#!/bin/sh
# Dump/restore round trip of cultuur's user data (issue 3), in TAP.
#
# Against the cluster of PGHOST/PGPORT/PGUSER (a superuser): loads
# demo/load.sql plus renewals, terminations, a price change, a data-annex
# change and usage into a new database, dumps it with pg_dump, restores the
# dump with psql into a fresh database with cultuur.restoring = on (see
# sql/install/40_reference.sql), and compares every table of schema cultuur
# row by row, every sequence, and what the views and functions derive from
# them.  Prints "ok N - ..." / "not ok N - ..." and the plan "1..N" at the
# end; exits non-zero on any failure.
#
# The same dump is also restored without cultuur.restoring; what that does
# is printed as TAP comments ("# ..."), not counted: it is not the
# documented way to restore.
#
#   PGHOST=/tmp/devpg PGPORT=5499 PGUSER=postgres sh test/dump_restore.sh
#   KEEP_DBS=1 ...          keeps the three databases for inspection
set -u
cd "$(dirname "$0")/.." || exit 1

SRC=cultuur_dr_src
DST=cultuur_dr_dst
RAW=cultuur_dr_noflag
tmp=$(mktemp -d)
cleanup() {
    if [ -z "${KEEP_DBS:-}" ]; then
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" \
            -c "DROP DATABASE IF EXISTS $DST" -c "DROP DATABASE IF EXISTS $RAW" \
            >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
# the same settings in every session, so that rows print the same way
PGOPTIONS_BASE="-c client_min_messages=warning -c DateStyle=ISO,YMD -c TimeZone=UTC -c extra_float_digits=1"
export PGOPTIONS="$PGOPTIONS_BASE"
PSQL="psql -X -q -v ON_ERROR_STOP=1"

n=0
failed=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
}
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

$PSQL -d $SRC >"$tmp/extra.log" 2>&1 <<'SQL'
-- an invented small library (NIS code 99991 does not exist)
INSERT INTO cultuur.library (name, nis_code) VALUES ('Kleindorp', '99991');
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT id, y, 1000 FROM cultuur.library, generate_series(2021, 2025) y WHERE nis_code = '99991';
-- a service that is not builtin: pg_dump keeps it (the builtin ones are
-- recreated by CREATE EXTENSION)
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, renewal_term, max_renewals, notice, year_end_exit)
VALUES ('audio', 'Audiobooks (invented)', 'ebooks', 'per_inhabitant', 'cpi', 'tacit',
        NULL, '1 year', NULL, '3 months', true);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates)
VALUES ('audio', daterange('2023-01-01', NULL), 100, '0.05', '{0.03,0.02,0.01}');
-- the film frameworks extended once (F 10.2); Antwerp's film contracts
-- renewed once, to 30 September 2025
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2024-06-01', '2025-09-30' FROM cultuur.service WHERE kind = 'film' ORDER BY code;
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-06-15'), (3, '2024-06-15');
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

# usage (SPEC 8), where this build has it: 25 members of Kleindorp start a
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

# invoicing (SPEC 9), where this build has it: invoices with their lines
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
VALUES (1, 2022, 23751.50, 'D'), (1, 2023, 150000.00, 'D');
INSERT INTO cultuur.budget_assumption (library_id, year, service, users_per_month, consortium_users_per_month)
VALUES (1, 2025, 'film-1B', 1000, 2100);
INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source)
VALUES (1, 2022, 'yearly_amount', 70509.56, 'Bijlage A');
SQL
    st=$?
    check "source: invoices, a credit note, payments, a notice, a suspension, budget" "$tmp/invoicing.log"
fi

# ---- 2. dump, and restore as documented

pg_dump -d $SRC -f "$tmp/dump.sql" >"$tmp/dump.log" 2>&1
st=$?
check "pg_dump of the source database" "$tmp/dump.log"
[ "$st" -eq 0 ] || bail "no dump"
if [ -s "$tmp/dump.log" ]; then
    echo "# pg_dump said:"
    sed 's/^/#   /' "$tmp/dump.log"
fi

newdb $DST
PGOPTIONS="$PGOPTIONS_BASE -c cultuur.restoring=on" \
    $PSQL -d $DST -f "$tmp/dump.sql" >"$tmp/restore.log" 2>&1
st=$?
check "restore with PGOPTIONS='-c cultuur.restoring=on' psql -f: no error" "$tmp/restore.log"

# ---- 3. compare
#
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
        ('cultuur.contract_terms of every contract', 'SELECT c.id, t.* FROM cultuur.contract c, cultuur.contract_terms(c.id, ''2030-12-31'') t')
      ) d (name, query)
)
SELECT kind, name, pg_temp.fingerprint(query)
  FROM q
 ORDER BY kind DESC, name;
SQL
}

snapshot $SRC "$tmp/src.txt" || { sed 's/^/# /' "$tmp/src.txt.err"; bail "cannot read the source database"; }
snapshot $DST "$tmp/dst.txt" || { sed 's/^/# /' "$tmp/dst.txt.err"; bail "cannot read the restored database"; }

# tables of the contract model that must have rows, or the comparison
# proves nothing
must_have_rows=" cultuur.library cultuur.population cultuur.price_index cultuur.service
 cultuur.framework cultuur.framework_extension cultuur.tariff cultuur.contract
 cultuur.renewal cultuur.termination cultuur.data_annex_change cultuur.price_change
 cultuur.usage_event cultuur.monthly_user cultuur.monthly_usage
 cultuur.consortium_usage cultuur.reach_hold "

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
compare "$tmp/src.txt" "$tmp/dst.txt" tap

# the builtin services: recreated by CREATE EXTENSION, exactly once
v=$($PSQL -At -d $DST -c "SELECT string_agg(code, ',' ORDER BY code) FROM cultuur.service WHERE builtin")
if [ "$v" = "ebooks,film-1B,film-2A,film-2B,film-4A,film-4B" ]; then
    ok "restored: the six builtin services"
else
    not_ok "restored: the six builtin services (have: $v)"
fi

# the restored database accepts new rows: sequences are past the dumped ids
# and the triggers work again once cultuur.restoring is off
$PSQL -d $DST >"$tmp/after.log" 2>&1 <<'SQL'
BEGIN;
INSERT INTO cultuur.library (name, nis_code) VALUES ('Nieuwdorp', '99992');
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end)
SELECT id, 'ebooks', '2024-01-01', '2024-01-01', '2026-09-15' FROM cultuur.library WHERE nis_code = '99992';
DO $$
BEGIN
    -- a second termination of a terminated contract must still be refused
    INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (3, '2025-07-01');
    RAISE EXCEPTION 'second termination accepted';
EXCEPTION WHEN SQLSTATE 'CC002' THEN
    NULL;
END $$;
ROLLBACK;
SQL
st=$?
check "restored: new library and contract get fresh ids, a second termination is refused (CC002)" "$tmp/after.log"

# ---- 4. for the record: the same dump restored without cultuur.restoring

newdb $RAW
psql -X -q -d $RAW -f "$tmp/dump.sql" >"$tmp/raw.log" 2>&1
errors=$(grep -c 'ERROR' "$tmp/raw.log")
echo "# without cultuur.restoring: psql -f printed $errors error(s)"
grep 'ERROR' "$tmp/raw.log" | head -n 10 | sed 's/^/#   /'
if snapshot $RAW "$tmp/raw.txt"; then
    d=$(compare "$tmp/src.txt" "$tmp/raw.txt" diag)
    if [ -z "$d" ]; then
        echo "# without cultuur.restoring: every table, sequence and derived result is the same"
    else
        echo "# without cultuur.restoring, compared with the source:"
        echo "$d"
    fi
fi

finish
