#!/bin/sh
# Install what cultuur needs to build, test and demo, when it is missing:
# PostgreSQL 15 with its server headers, a C compiler, pgTAP and pg_prove.
# As root this runs apt-get; otherwise it prints the command to run.
set -eu
LC_ALL=C.UTF-8
export LC_ALL

need=""
missing() { need="$need $1"; }

[ -x /usr/lib/postgresql/15/bin/postgres ] || missing postgresql-15
# pgxs.mk and pg_config ship in postgresql-client-15; the headers do not.
[ -f /usr/include/postgresql/15/server/postgres.h ] || missing postgresql-server-dev-15
[ -f /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk ] || missing postgresql-client-15
command -v pg_virtualenv >/dev/null 2>&1 || missing postgresql-common
command -v gcc >/dev/null 2>&1 || missing gcc
[ -f /usr/include/stdio.h ] || missing libc6-dev
[ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing postgresql-15-pgtap
command -v pg_prove >/dev/null 2>&1 || missing libtap-parser-sourcehandler-pgtap-perl
[ -f /usr/share/postgresql/15/extension/plpgsql_check.control ] || missing postgresql-15-plpgsql-check
# a reporting tool's view of the columns (test/clients/column_types.py)
/usr/bin/python3 -c 'import psycopg' >/dev/null 2>&1 || missing python3-psycopg

if [ -z "$need" ]; then
    exit 0
fi

cmd="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" != 0 ]; then
    echo "cultuur needs these Debian packages:$need" >&2
    echo "Run as root:  apt-get update && $cmd" >&2
    exit 1
fi
# No question may be asked: CI runs this with no standard input.
export DEBIAN_FRONTEND=noninteractive

# On a machine that has just booted, apt's daily timer or unattended-upgrades
# may hold apt's locks for a few minutes.  apt-get install waits for dpkg's
# lock (DPkg::Lock::Timeout); apt-get update does not wait for the lock of
# the package lists, so it is retried while that lock is what stops it.
wait=300
apt_update() {
    waited=0
    while :; do
        if err=$(apt-get update -qq 2>&1 >/dev/null); then
            [ -z "$err" ] || printf '%s\n' "$err" >&2
            return 0
        fi
        case $err in
            *"Could not get lock"*) ;;
            *) printf '%s\n' "$err" >&2; return 1 ;;
        esac
        if [ "$waited" -ge "$wait" ]; then
            printf '%s\n' "$err" >&2
            return 1
        fi
        [ "$waited" -gt 0 ] || echo "Waiting for another apt-get or dpkg to finish ..." >&2
        sleep 5
        waited=$((waited + 5))
    done
}

echo "Installing:$need"
apt_update
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=$wait \
    $need >/dev/null
echo "Installed:$need"
