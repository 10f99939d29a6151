#!/bin/sh
# Run a command against a throwaway PostgreSQL 15 cluster: pg_virtualenv
# creates it in a temporary directory, sets PGHOST/PGPORT/PGUSER/PGPASSWORD,
# and stops and removes it when the command ends, also on failure.
set -eu
# A UTF-8 cluster whatever the caller's locale (unset, or one that is not
# generated on this machine): C.UTF-8 is built into Debian's libc.
LC_ALL=C.UTF-8
export LC_ALL
exec pg_virtualenv -t -v 15 \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o max_worker_processes=16 -o max_parallel_workers=8 \
    -o max_prepared_transactions=10 \
    "$@"
