#!/bin/sh
# ALTER EXTENSION cultuur UPDATE, in TAP: a database that was installed at
# an older version, holds the Antwerp demo (demo/load.sql) loaded at that
# version and is then updated must be the same as a fresh install of the
# current version with the same demo loaded.
#
# Against the cluster of PGHOST/PGPORT/PGUSER (a superuser):
#   1. The current version is cultuur.control's default_version.  Every
#      older version V with an install script cultuur--V.sql in the
#      extension directory of PostgreSQL and an update path to the current
#      version (pg_extension_update_paths) is tried.  Before the first
#      release there is none, and that test is skipped.
#   2. For each V, database A: CREATE EXTENSION cultuur VERSION 'V' CASCADE,
#      demo/load.sql (as demo/run.sh loads it: psql, as the superuser),
#      ALTER EXTENSION cultuur UPDATE.  Then database B: CREATE EXTENSION
#      cultuur CASCADE and demo/load.sql.  A is made first: roles belong to
#      the cluster, and an update must not lean on roles that only a fresh
#      install creates (in a cluster where the suite already installed the
#      current version they exist anyway, so this catches nothing there).
#      A and B are then compared (compare_dbs below) five ways, one TAP
#      test each, a unified diff as diagnostics when they differ:
#        dx           psql's \dx: extensions, versions, schemas
#        members      the member objects of the extension (pg_depend
#                     deptype 'e', pg_describe_object), their initial
#                     privileges (pg_init_privs, which decide what pg_dump
#                     writes for their grants) and the pg_extension row
#        schema       pg_dump --schema-only, as a DBA's dump has it.  Most
#                     tables, sequences and views of cultuur (the books) are
#                     not members of the extension (sql/install/*_books.sql
#                     releases them so that pg_dump dumps them as ordinary
#                     tables): this is where their definitions, triggers,
#                     constraints, comments and grants are compared.  The
#                     members themselves appear only as CREATE EXTENSION.
#        definitions  pg_dump --schema-only of a copy of the database in
#                     which the members are released from the extension (and
#                     their initial privileges forgotten, so that their grants
#                     are dumped in full): the definition of every function,
#                     type, operator, class and table of the extension, which
#                     neither \dx nor the plain dump shows
#        data         every row of every table of schema cultuur (members
#                     and books) and every sequence's state
#      What is normalised, each where it is done, and only because it
#      differs without meaning anything: pg_dump's \restrict key (given),
#      the order of an object's GRANTs and ACL items, the order rows are
#      stored in, and when a row was entered (entered_at).  Left out of the
#      data: invoice_recheck (and its sequence), the invoicing runs' queue
#      of months to check again: a fresh 0.2 notes the months of every fact
#      as it is entered, an update notes every month invoiced before it,
#      and either way the next run empties it.
#   3. The test of the test.  A private PostgreSQL server (see "The private
#      server" below) gets an extension directory of its own with made-up
#      versions of cultuur: an older version whose script is the current one
#      plus a few changes (a function's body, a leftover function, a book's
#      comment, a shipped row, a grant on a function, one on a book), and
#      upgrade scripts from it to the current version: one that undoes every
#      change (must compare equal, as must an empty upgrade between two
#      identical scripts), and, for each change, one that forgets to undo
#      just that change (must be reported, by the comparison that should see
#      it).  The changes are found in the current install script by a probe
#      install, so they follow whatever it holds.  The same functions as in
#      2 run there.
# Nothing is written outside a temporary directory (removed on exit, also
# on failure or interruption) and the databases cultuur_up_* of the
# cluster (dropped on exit).  Prints "ok N - ..." / "not ok N - ..." and the
# plan "1..N" at the end; exits non-zero on any failure.
#
#   PGHOST=/tmp/devpg PGPORT=5499 PGUSER=postgres sh test/upgrade.sh
#   KEEP_DBS=1 ...     keeps the databases of the cluster for inspection
#   SHOW_DIFFS=1 ...   also prints the differences the test of the test finds
#
# The private server.  PostgreSQL finds its share directory (and in it the
# extension directory) and its library directory relative to the directory
# of the running postgres executable: from the compiled-in bindir to the
# compiled-in sharedir and pkglibdir (pg_config prints them; the copied
# pg_config below prints the relocated ones).  The executable's path is
# found with symbolic links resolved, so a symlink to postgres would still
# find the system's directories: postgres (and pg_ctl, which starts the
# postgres beside it) are copied, into a tree that mirrors the system
# paths under the temporary directory.  In that tree the share directory
# holds symlinks to the system's files except extension/, which is a
# directory of its own: symlinks to the system's extension files (btree_gist
# and plpgsql are needed) except cultuur's, and the private cultuur files.
# The library directory is a symlink to the system's (the installed
# cultuur.so goes with the installed scripts used here).  The cluster is
# made by the system's initdb (it needs nothing private) and runs from the
# copy, on a socket in the temporary directory and no TCP port, so its port
# number only names the socket file.  PostgreSQL does not run as root:
# when this script does, initdb and the private server run as postgres
# (as pg_virtualenv's cluster does then).
# (Debian's PostgreSQL also has a setting extension_destdir, a second place
# for extension files; it is Debian's own, and the system's cultuur files
# would still be found beside the private ones, so it is not used.)
set -u
cd "$(dirname "$0")/.." || exit 1

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$($PG_CONFIG --bindir)
sharedir=$($PG_CONFIG --sharedir)
pkglibdir=$($PG_CONFIG --pkglibdir)
extdir=$sharedir/extension

DBS="cultuur_up_a cultuur_up_b cultuur_up_a_released cultuur_up_b_released"
tmp=$(mktemp -d)
# the private server, once started: its pg_ctl and data directory
priv_ctl=""
priv_data=""
cleanup() {
    if [ -n "$priv_ctl" ]; then
        as_server "$priv_ctl" -D "$priv_data" -m immediate -w stop >/dev/null 2>&1
    fi
    if [ -z "${KEEP_DBS:-}" ] && [ -n "${shared_env:-}" ]; then
        use_env "$shared_env"
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
# diag FILE [LINES]: the file's first lines (100 unless told) as diagnostics
diag() {
    head -n "${2:-100}" "$1" | sed 's/^/#   /'
    total=$(wc -l <"$1")
    if [ "$total" -gt "${2:-100}" ]; then
        echo "#   ... ($total lines in all)"
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
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now_s)

# the connection settings of a server, saved and restored as one word
# (the paths involved hold no spaces: mktemp's and PostgreSQL's)
env_of_now() { echo "${PGHOST:-}|${PGPORT:-}|${PGUSER:-}"; }
use_env() {
    PGHOST=${1%%|*}
    rest=${1#*|}
    PGPORT=${rest%%|*}
    PGUSER=${rest#*|}
    export PGHOST PGPORT PGUSER
}
shared_env=$(env_of_now)

# as_server COMMAND...: as the user a server runs as (postgres when root)
as_server() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# ---- the SQL the comparison runs

# the members of the extension, their initial privileges, its catalog row;
# an ACL's items are listed sorted (their order means nothing, and differs
# when an update grants what a fresh install granted in another order)
cat >"$tmp/members.sql" <<'SQL'
SELECT line FROM (
SELECT 'member: ' || pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_extension e
    ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid
 WHERE e.extname = 'cultuur' AND d.deptype = 'e'
UNION ALL
SELECT 'initial privileges: ' || pg_catalog.pg_describe_object(i.classoid, i.objoid, i.objsubid)
       || ': ' || (SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                     FROM pg_catalog.unnest(i.initprivs) a)
  FROM pg_catalog.pg_init_privs i
 WHERE i.privtype = 'e'
UNION ALL
SELECT pg_catalog.format('extension %s: version %s, schema %s, owner %s, relocatable %s, configuration %s',
           e.extname, e.extversion, e.extnamespace::pg_catalog.regnamespace, e.extowner::pg_catalog.regrole,
           e.extrelocatable, e.extconfig::pg_catalog.regclass[]::text || ' ' || coalesce(e.extcondition::text, '-'))
  FROM pg_catalog.pg_extension e
) l (line)
 ORDER BY line COLLATE "C";
SQL

# every row of every table of schema cultuur, sorted (the order rows are
# stored in means nothing: an update that rewrites or updates a table
# moves them), and every sequence.  entered_at is when a row was entered
# (the entry stamp, sql/install/*_record.sql): A and B are loaded at
# different moments, so it is shown only as present or not.  The runs'
# queue invoice_recheck is left out (see the top of this file).
cat >"$tmp/data.sql" <<'SQL'
SELECT CASE c.relkind
       WHEN 'S' THEN pg_catalog.format('SELECT %L, last_value, is_called FROM %s',
                                       c.oid::pg_catalog.regclass::text, c.oid::pg_catalog.regclass)
       ELSE pg_catalog.format('SELECT %L, r::text FROM (SELECT %s FROM ONLY %s) r ORDER BY r::text COLLATE "C"',
                              c.oid::pg_catalog.regclass::text,
                              (SELECT pg_catalog.string_agg(CASE WHEN a.attname = 'entered_at'
                                        THEN pg_catalog.format('(%I IS NOT NULL) AS %I', a.attname, a.attname)
                                        ELSE pg_catalog.quote_ident(a.attname) END, ', ' ORDER BY a.attnum)
                                 FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                              c.oid::pg_catalog.regclass)
       END
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace AND c.relkind IN ('r', 'S')
   AND c.relname NOT IN ('invoice_recheck', 'invoice_recheck_id_seq')
 ORDER BY c.relname COLLATE "C"
\gexec
SQL

# Releases the members of the extension, in a copy of the database made
# for this, so that pg_dump dumps their definitions: the catalog rows that
# make them members are deleted (ALTER EXTENSION ... DROP would need the
# right syntax for each kind of object: operators, classes, casts), and
# with them the members' initial privileges, so that their grants are
# dumped against the default and not against what the script granted.
cat >"$tmp/release.sql" <<'SQL'
BEGIN;
DELETE FROM pg_catalog.pg_init_privs i
 USING pg_catalog.pg_depend d, pg_catalog.pg_extension e
 WHERE e.extname = 'cultuur' AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND d.refobjid = e.oid AND d.deptype = 'e'
   AND i.classoid = d.classid AND i.objoid = d.objid;
DELETE FROM pg_catalog.pg_depend d
 USING pg_catalog.pg_extension e
 WHERE e.extname = 'cultuur' AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND d.refobjid = e.oid AND d.deptype = 'e';
COMMIT;
SQL

# pg_dump of 15.14 and later opens and closes a dump with \restrict and
# \unrestrict and a key, random unless given: the same key for every dump
DUMP_OPTS="--schema-only"
if pg_dump --help 2>/dev/null | grep -q -- --restrict-key; then
    DUMP_OPTS="$DUMP_OPTS --restrict-key=cultuurupgradetest"
fi

# sort_grants: pg_dump writes an object's GRANTs in the order of its ACL,
# which differs when an update grants what a fresh install granted in
# another order; a run of GRANT lines is sorted (GRANTs commute; REVOKEs
# and everything else keep their place)
sort_grants() {
    awk '
        function flush(   i, j, x) {
            for (i = 2; i <= k; i++) {
                x = run[i]
                for (j = i - 1; j >= 1 && run[j] > x; j--) run[j + 1] = run[j]
                run[j + 1] = x
            }
            for (i = 1; i <= k; i++) print run[i]
            k = 0
        }
        /^GRANT / { run[++k] = $0; next }
        { flush(); print }
        END { flush() }'
}

# ---- making and comparing databases

newdb() {
    $PSQL -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >>"$2" 2>&1
}

# upgraded DB V LOG: database DB installed at version V, the demo loaded,
# updated to the default version; on failure, what failed is in $step
upgraded() {
    : >"$3"
    step="CREATE DATABASE $1"
    newdb "$1" "$3" || return 1
    step="CREATE EXTENSION cultuur VERSION '$2' CASCADE"
    printf '%s\n' "CREATE EXTENSION cultuur VERSION :'v' CASCADE;" |
        $PSQL -v v="$2" -d "$1" >>"$3" 2>&1 || return 1
    step="demo/load.sql at version $2"
    $PSQL -d "$1" -f demo/load.sql >>"$3" 2>&1 || return 1
    step="ALTER EXTENSION cultuur UPDATE"
    $PSQL -d "$1" -c 'ALTER EXTENSION cultuur UPDATE' >>"$3" 2>&1 || return 1
}

# fresh DB LOG: database DB with a fresh install of the default version and
# the demo loaded
fresh() {
    : >"$2"
    step="CREATE DATABASE $1"
    newdb "$1" "$2" || return 1
    step="CREATE EXTENSION cultuur CASCADE"
    $PSQL -d "$1" -c 'CREATE EXTENSION cultuur CASCADE' >>"$2" 2>&1 || return 1
    step="demo/load.sql"
    $PSQL -d "$1" -f demo/load.sql >>"$2" 2>&1 || return 1
}

# snapshot DB DIR: what compare_dbs compares, one file per comparison; on
# failure, what failed is in $step and DIR/log.  (A pipe's status is that
# of sort_grants: pg_dump's errors are found in the log.)
# shellcheck disable=SC2086
snapshot() {
    mkdir -p "$2"
    log=$2/log
    : >"$log"
    step="\\dx"
    psql -X -d "$1" -c '\dx' >"$2/dx" 2>>"$log" || return 1
    step="the extension's members"
    $PSQL -At -d "$1" -f "$tmp/members.sql" >"$2/members" 2>>"$log" || return 1
    step="pg_dump --schema-only"
    pg_dump $DUMP_OPTS -d "$1" 2>>"$log" | sort_grants >"$2/schema"
    ! grep -q . "$log" || return 1
    step="the rows"
    $PSQL -At -F ' ' -d "$1" -f "$tmp/data.sql" >"$2/data" 2>>"$log" || return 1
    step="a copy with the members released"
    $PSQL -d postgres -c "DROP DATABASE IF EXISTS ${1}_released" \
          -c "CREATE DATABASE ${1}_released TEMPLATE $1" >>"$log" 2>&1 || return 1
    $PSQL -d "${1}_released" -f "$tmp/release.sql" >>"$log" 2>&1 || return 1
    step="pg_dump --schema-only of the copy"
    pg_dump $DUMP_OPTS -d "${1}_released" 2>>"$log" | sort_grants >"$2/definitions"
    ! grep -q . "$log" || return 1
    $PSQL -d postgres -c "DROP DATABASE ${1}_released" >>"$log" 2>&1 || return 1
    ! grep -q . "$log"
}

ASPECTS="dx members schema definitions data"
aspect_title() {
    case $1 in
        dx)          echo "\\dx: the same extensions, versions and schemas" ;;
        members)     echo "the same members of the extension, with the same initial privileges" ;;
        schema)      echo "the same pg_dump --schema-only" ;;
        definitions) echo "the same definitions of the extension's members (pg_dump with them released)" ;;
        data)        echo "the same rows in every table and sequence of schema cultuur" ;;
    esac
}

# compare_dbs DIR_A DIR_B OUT: diff each snapshot file (A updated, B fresh)
# into OUT/ASPECT.diff; prints the aspects that differ
compare_dbs() {
    mkdir -p "$3"
    for a in $ASPECTS; do
        if ! diff -u "$1/$a" "$2/$a" >"$3/$a.raw" 2>&1; then
            # the headers name the two sides, not the temporary files
            sed -e "1s|^--- [^	]*|--- updated/$a|" -e "2s|^+++ [^	]*|+++ fresh/$a|" \
                "$3/$a.raw" >"$3/$a.diff"
            printf '%s ' "$a"
        fi
    done
}

# upgrade_vs_fresh V LABEL WORK: databases A (V, updated) and B (fresh),
# snapshots in WORK/upgraded and WORK/fresh (B's snapshot is kept in
# WORK/../fresh when that exists: one fresh install serves every V of a
# server).  Sets $differs to the aspects that differ and returns 0, or
# emits a not ok for the step that failed and returns 1.
upgrade_vs_fresh() {
    mkdir -p "$3"
    if ! upgraded cultuur_up_a "$1" "$3/a.log"; then
        not_ok "$2: $step"
        diag "$3/a.log" 20
        return 1
    fi
    if ! snapshot cultuur_up_a "$3/upgraded"; then
        not_ok "$2: cannot read the updated database ($step)"
        diag "$3/upgraded/log" 20
        return 1
    fi
    fresh_dir=$(dirname "$3")/fresh
    if [ ! -f "$fresh_dir/data" ]; then
        if ! fresh cultuur_up_b "$3/b.log"; then
            not_ok "$2: the fresh install: $step"
            diag "$3/b.log" 20
            return 1
        fi
        if ! snapshot cultuur_up_b "$fresh_dir"; then
            not_ok "$2: cannot read the fresh install ($step)"
            diag "$fresh_dir/log" 20
            return 1
        fi
    fi
    differs=$(compare_dbs "$3/upgraded" "$fresh_dir" "$3/diff")
    differs=${differs% }
    return 0
}

# older_versions EXTDIR: the versions with an install script in EXTDIR and
# an update path to $cur, on the server of the PG* settings
older_versions() {
    printf '%s\n' "SELECT source FROM pg_catalog.pg_extension_update_paths('cultuur')
                    WHERE target = :'cur' AND path IS NOT NULL ORDER BY source COLLATE \"C\";" |
        $PSQL -At -v cur="$cur" -d postgres >"$tmp/versions" 2>"$tmp/versions.err" || return 1
    while read -r v; do
        [ -f "$1/cultuur--$v.sql" ] && echo "$v"
    done <"$tmp/versions"
    return 0
}

# ---- 1. the current version, and what it can be updated from

cur=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" cultuur.control)
[ -n "$cur" ] || bail "no default_version in cultuur.control"
installed=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" \
                "$extdir/cultuur.control" 2>/dev/null)
if [ "$installed" = "$cur" ] && [ -f "$extdir/cultuur--$cur.sql" ]; then
    ok "cultuur.control's version $cur is the installed one, with its install script"
else
    bail "cultuur.control says version $cur, the installed control ${installed:-is missing} (make install)"
fi

if ! olds=$(older_versions "$extdir"); then
    diag "$tmp/versions.err" 10
    bail "cannot list the update paths of cultuur"
fi

# ---- 2. every older version, updated, against a fresh install

if [ -z "$olds" ]; then
    ok "update to $cur # SKIP no released version older than $cur"
fi
for v in $olds; do
    label="$v updated to $cur"
    w=$tmp/shared/$v
    t0=$(now_s)
    upgrade_vs_fresh "$v" "$label" "$w" || continue
    for a in $ASPECTS; do
        case " $differs " in
            *" $a "*)
                not_ok "$label: $(aspect_title "$a")"
                diag "$w/diff/$a.diff" ;;
            *)
                ok "$label: $(aspect_title "$a")" ;;
        esac
    done
    echo "# $label, against a fresh install, took $(elapsed "$t0") s"
done

# ---- 3. the test of the test, on a private server

priv=$tmp/private
root=$priv/root
mkdir -p "$priv" "$root$bindir" "$root$sharedir" "$(dirname "$root$pkglibdir")" "$priv/sock"
cp "$bindir/postgres" "$bindir/pg_ctl" "$bindir/pg_config" "$root$bindir/"
ln -s "$pkglibdir" "$root$pkglibdir"
ln -s "$sharedir"/* "$root$sharedir/"
rm "$root$sharedir/extension"
pext=$root$sharedir/extension
mkdir "$pext"
ln -s "$extdir"/* "$pext/"
rm -f "$pext/cultuur.control" "$pext"/cultuur--*
cp "$extdir/cultuur.control" "$extdir/cultuur--$cur.sql" "$pext/"

if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        not_ok "self-test: as root, the private server needs the user postgres to run as"
        finish
    fi
    # readable by postgres: the directories and copies made here (find
    # does not follow the symlinks into the system's directories)
    chmod 755 "$tmp"
    find "$root" -type d -exec chmod 755 {} +
    chmod 755 "$root$bindir"/*
    chown postgres "$priv" "$priv/sock"
fi

if [ "$("$root$bindir/pg_config" --sharedir)" = "$root$sharedir" ] &&
   [ "$("$root$bindir/pg_config" --pkglibdir)" = "$root$pkglibdir" ]; then
    ok "self-test: a copy of the binaries finds the private share and library directories"
else
    not_ok "self-test: a copy of the binaries finds the private share and library directories"
    echo "#   the copied pg_config says $("$root$bindir/pg_config" --sharedir)"
    finish
fi

# initdb needs nothing private (the cluster's files are the same)
priv_port=5432
if ! as_server "$bindir/initdb" -D "$priv/data" -U postgres -A trust -E UTF8 --locale=C -N \
        >"$tmp/initdb.log" 2>&1; then
    not_ok "self-test: initdb of the private cluster"
    diag "$tmp/initdb.log" 20
    finish
fi
priv_data=$priv/data
if as_server "$root$bindir/pg_ctl" -D "$priv_data" -l "$priv/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$priv/sock' -c port=$priv_port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >"$tmp/pg_ctl.log" 2>&1; then
    priv_ctl=$root$bindir/pg_ctl
else
    not_ok "self-test: the private server starts"
    diag "$tmp/pg_ctl.log" 20
    [ -f "$priv/server.log" ] && diag "$priv/server.log" 20
    finish
fi
use_env "$priv/sock|$priv_port|postgres"

# the probe: the current version installed, to find what the made-up older
# version changes (whatever the install script holds today)
probe=$tmp/probe
mkdir -p "$probe"
if ! $PSQL -d postgres -c 'CREATE DATABASE cultuur_up_probe' >"$probe/log" 2>&1 ||
   ! $PSQL -d cultuur_up_probe -c 'CREATE EXTENSION cultuur CASCADE' >>"$probe/log" 2>&1; then
    not_ok "self-test: CREATE EXTENSION cultuur on the private server"
    diag "$probe/log" 20
    finish
fi
# each change: CHANGE.old (appended to the older version's install script)
# and CHANGE.fix (what the upgrade script does to undo it); none, when the
# install script offers nothing of that kind
$PSQL -At -d cultuur_up_probe -v dir="$probe" >>"$probe/log" 2>&1 <<'SQL'
CREATE TEMP VIEW member AS
SELECT d.classid, d.objid FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e
    ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid
 WHERE e.extname = 'cultuur' AND d.deptype = 'e';
-- body: a function of the extension had another body (a line more)
CREATE TEMP VIEW body AS
SELECT pg_catalog.pg_get_functiondef(p.oid) AS def
  FROM pg_catalog.pg_proc p JOIN member m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
 WHERE l.lanname IN ('plpgsql', 'sql') AND p.prosqlbody IS NULL AND p.prokind = 'f'
 ORDER BY p.oid::pg_catalog.regprocedure::text COLLATE "C" LIMIT 1;
\o :dir/body.old
SELECT pg_catalog.regexp_replace(def, '^AS (\$[^$]*\$)', E'AS \\1\n-- (the older body)', 'n') || ';' FROM body;
\o :dir/body.fix
SELECT def || ';' FROM body;
-- leftover: the older version had a function that the current one has not
\o :dir/leftover.old
SELECT 'CREATE FUNCTION cultuur.upgrade_selftest_leftover() RETURNS integer LANGUAGE sql IMMUTABLE AS ''SELECT 1'';';
\o :dir/leftover.fix
SELECT 'DROP FUNCTION cultuur.upgrade_selftest_leftover();';
-- comment: a book (a table the extension releases) had another comment
CREATE TEMP VIEW book AS
SELECT c.oid::pg_catalog.regclass AS t, pg_catalog.obj_description(c.oid, 'pg_class') AS comment
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace AND c.relkind = 'r'
   AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
 ORDER BY c.relname COLLATE "C" LIMIT 1;
\o :dir/comment.old
SELECT pg_catalog.format('COMMENT ON TABLE %s IS %L;', t, 'the comment of the older version') FROM book;
\o :dir/comment.fix
SELECT pg_catalog.format('COMMENT ON TABLE %s IS %s;', t, pg_catalog.quote_nullable(comment)) FROM book;
-- row: a row the extension ships had another value: the first text column,
-- in no constraint or index, of the first book with rows after CREATE
-- EXTENSION
CREATE TEMP TABLE shipped AS
SELECT c.oid::pg_catalog.regclass AS t, a.attname AS col
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
 WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace AND c.relkind = 'r'
   AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
   AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'pg_catalog.text'::pg_catalog.regtype
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND a.attnum = ANY (k.conkey))
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid
                      AND (a.attnum = ANY (i.indkey::int2[]) OR i.indexprs IS NOT NULL OR i.indpred IS NOT NULL))
   AND (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(
            pg_catalog.format('SELECT count(*) AS n FROM %s', c.oid::pg_catalog.regclass), false, true, '')))[1]::text::integer > 0
 ORDER BY c.relname COLLATE "C", a.attnum LIMIT 1;
\o :dir/row.old
SELECT pg_catalog.format('UPDATE %s SET %I = %I || %L;', t, col, col, ' (older)') FROM shipped;
\o :dir/row.fix
SELECT pg_catalog.format('UPDATE %s SET %I = pg_catalog.left(%I, -8) WHERE %I LIKE %L;', t, col, col, col, '% (older)') FROM shipped;
-- grant: a function of the extension was not granted to one of the roles
CREATE TEMP VIEW granted AS
SELECT p.oid::pg_catalog.regprocedure AS f, a.grantee::pg_catalog.regrole AS r
  FROM pg_catalog.pg_proc p JOIN member m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
 CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) a
 WHERE a.grantee <> p.proowner AND a.grantee <> 0 AND a.privilege_type = 'EXECUTE'
 ORDER BY p.oid::pg_catalog.regprocedure::text COLLATE "C", a.grantee::pg_catalog.regrole::text COLLATE "C" LIMIT 1;
\o :dir/grant.old
SELECT pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM %s;', f, r) FROM granted;
\o :dir/grant.fix
SELECT pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s;', f, r) FROM granted;
-- bookgrant: a book granted to two roles or more was not granted to the
-- first of them (granted again, it comes last in the table's ACL: the
-- order of grants differs from a fresh install's).  A GRANT or REVOKE in
-- an extension script records the object's initial privileges even for a
-- table the extension released, and pg_dump then leaves out the grants
-- that match them: a dump of the database would restore the book without
-- them.  ALTER EXTENSION ... DROP forgets them again (as in
-- sql/install/*_books.sql), so a script that changes a book's grants
-- takes the book into the extension for the change and releases it again.
CREATE TEMP VIEW acl_item AS
SELECT c.oid::pg_catalog.regclass AS t, c.relname, a.grantee, a.privilege_type, a.ord
  FROM pg_catalog.pg_class c
 CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) WITH ORDINALITY a (grantor, grantee, privilege_type, is_grantable, ord)
 WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace AND c.relkind = 'r'
   AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute x WHERE x.attrelid = c.oid AND x.attacl IS NOT NULL)
   AND a.grantee <> c.relowner AND a.grantee <> 0 AND NOT a.is_grantable;
CREATE TEMP VIEW book_grant AS
SELECT i.t, i.grantee::pg_catalog.regrole AS r,
       pg_catalog.string_agg(i.privilege_type, ', ' ORDER BY i.privilege_type) AS privs
  FROM acl_item i
 WHERE i.t = (SELECT j.t FROM acl_item j GROUP BY j.t, j.relname
               HAVING count(DISTINCT j.grantee) >= 2 ORDER BY j.relname COLLATE "C" LIMIT 1)
   AND i.grantee = (SELECT j.grantee FROM acl_item j WHERE j.t = i.t ORDER BY j.ord LIMIT 1)
 GROUP BY i.t, i.grantee;
\o :dir/bookgrant.old
SELECT pg_catalog.format(E'ALTER EXTENSION cultuur ADD TABLE %s;\nREVOKE ALL ON TABLE %s FROM %s;\nALTER EXTENSION cultuur DROP TABLE %s;',
                         t, t, r, t) FROM book_grant;
\o :dir/bookgrant.fix
SELECT pg_catalog.format(E'ALTER EXTENSION cultuur ADD TABLE %s;\nGRANT %s ON TABLE %s TO %s;\nALTER EXTENSION cultuur DROP TABLE %s;',
                         t, privs, t, r, t) FROM book_grant;
\o
SQL
st=$?
$PSQL -d postgres -c 'DROP DATABASE cultuur_up_probe' >>"$probe/log" 2>&1
if [ "$st" -ne 0 ]; then
    not_ok "self-test: the probe of the current install script"
    diag "$probe/log" 20
    finish
fi

# what each change is, and the comparison that must see it when an
# upgrade forgets it
CHANGES="body leftover comment row grant bookgrant"
change_title() {
    case $1 in
        body)     echo "the new body of a function" ;;
        leftover) echo "the drop of a function the current version has not" ;;
        comment)  echo "the new comment of a book" ;;
        row)      echo "the new value of a shipped row" ;;
        grant)    echo "a grant on a function" ;;
        bookgrant) echo "a grant on a book" ;;
    esac
}
change_seen_by() {
    case $1 in
        body)     echo definitions ;;
        leftover) echo members ;;
        comment)  echo schema ;;
        row)      echo data ;;
        grant)    echo members ;;
        bookgrant) echo schema ;;
    esac
}
present=""
for c in $CHANGES; do
    [ -s "$probe/$c.old" ] && present="$present $c"
done
# the older version: the current install script and every change
{ cat "$extdir/cultuur--$cur.sql"; echo
  echo "-- the made-up older version of test/upgrade.sh differs in this:"
  for c in $present; do cat "$probe/$c.old"; done; } >"$probe/older.sql"
# selftest-same: the current script, and an empty upgrade
cp "$extdir/cultuur--$cur.sql" "$pext/cultuur--selftest-same.sql"
echo "-- test/upgrade.sh: the same script, nothing to do" >"$pext/cultuur--selftest-same--$cur.sql"
# selftest-fixed: the older version, and an upgrade that undoes every change
cp "$probe/older.sql" "$pext/cultuur--selftest-fixed.sql"
for c in $present; do cat "$probe/$c.fix"; done >"$pext/cultuur--selftest-fixed--$cur.sql"
# selftest-no-CHANGE: the older version, and an upgrade that forgets CHANGE
for c in $present; do
    cp "$probe/older.sql" "$pext/cultuur--selftest-no-$c.sql"
    for d in $present; do
        [ "$d" = "$c" ] || cat "$probe/$d.fix"
    done >"$pext/cultuur--selftest-no-$c--$cur.sql"
done

# the private server reads the private directory, and step 1's search
# finds the made-up versions there
expected=$(for v in same fixed $(for c in $present; do echo "no-$c"; done); do echo "selftest-$v"; done |
           LC_ALL=C sort | tr '\n' ' ')
found=$(older_versions "$pext" | tr '\n' ' ')
if [ "$found" = "$expected" ]; then
    ok "self-test: the private server offers the made-up older versions, and only those"
else
    not_ok "self-test: the private server offers the made-up older versions, and only those"
    echo "#   expected: $expected"
    echo "#   found:    $found"
    [ -s "$tmp/versions.err" ] && diag "$tmp/versions.err" 10
fi

t0=$(now_s)
# positive controls: no difference may be reported
for v in same fixed; do
    case $v in
        same)  what="an empty upgrade between two identical scripts" ;;
        fixed) what="an upgrade that undoes each of $(echo "$present" | wc -w) changes ($(echo "$present" | sed 's/^ //; s/ /, /g'))" ;;
    esac
    w=$tmp/selftest/$v
    upgrade_vs_fresh "selftest-$v" "self-test: $what" "$w" || continue
    if [ -z "$differs" ]; then
        ok "self-test: $what compares equal"
    else
        not_ok "self-test: $what compares equal (differs: $differs)"
        for a in $differs; do
            echo "#   $(aspect_title "$a"): no"
            diag "$w/diff/$a.diff"
        done
    fi
done
# the broken upgrades: each must be reported, by the comparison that sees
# what was forgotten
for c in $CHANGES; do
    case " $present " in
        *" $c "*) ;;
        *) ok "self-test: an upgrade that forgets $(change_title "$c") # SKIP the install script has nothing of that kind"
           continue ;;
    esac
    w=$tmp/selftest/no-$c
    what="an upgrade that forgets $(change_title "$c")"
    upgrade_vs_fresh "selftest-no-$c" "self-test: $what" "$w" || continue
    seen=$(change_seen_by "$c")
    case " $differs " in
        *" $seen "*)
            ok "self-test: $what is reported (differs: $differs)" ;;
        *)
            not_ok "self-test: $what is reported by the comparison of $seen (differs: ${differs:-nothing})" ;;
    esac
    if [ -n "${SHOW_DIFFS:-}" ]; then
        for a in $differs; do
            echo "#   $(aspect_title "$a"): no"
            diag "$w/diff/$a.diff" 30
        done
    fi
done
echo "# the test of the test took $(elapsed "$t0") s; all of test/upgrade.sh $(elapsed "$t_start") s"

finish
