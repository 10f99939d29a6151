#!/bin/sh
# Run a command against a throwaway PostgreSQL 15 cluster: pg_virtualenv
# creates it in a temporary directory, sets PGHOST/PGPORT/PGUSER/PGPASSWORD,
# and stops and removes it when the command ends, also on failure.
set -eu
# A UTF-8 cluster whatever the caller's locale (unset, or one that is not
# generated on this machine): C.UTF-8 is built into Debian's libc.
LC_ALL=C.UTF-8
export LC_ALL
# pg_virtualenv sets PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for
# the command (and honours a PGPORT given to it); other libpq settings left
# in the caller's environment would reach every psql, pg_regress and pg_dump
# run against the throwaway cluster: PGSSLMODE=require cannot connect (the
# cluster has no SSL), PGOPTIONS, PGDATESTYLE or PGTZ change what the
# expected output compares.  The runners set what they need themselves
# (tools/run-tests.sh, test/dump_restore.sh).
unset PGOPTIONS PGTZ PGDATESTYLE PGCLIENTENCODING PGSSLMODE PGREQUIRESSL \
      PGGSSENCMODE PGTARGETSESSIONATTRS PGSERVICEFILE PGPASSFILE 2>/dev/null || true
exec pg_virtualenv -t -v 15 \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o max_worker_processes=16 -o max_parallel_workers=8 \
    -o max_prepared_transactions=10 \
    "$@"
