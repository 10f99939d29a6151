#!/bin/sh
# make demo: load the Antwerp scenario into a fresh database of the
# throwaway cluster and print what a finance officer needs to see.
set -eu
cd "$(dirname "$0")/.."
psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cultuur_demo' -c 'CREATE DATABASE cultuur_demo'
psql -X -q -d cultuur_demo -f demo/load.sql
psql -X -q -d cultuur_demo -f demo/usage.sql
psql -X -q -d cultuur_demo -f demo/report.sql
psql -X -q -d cultuur_demo -f demo/lending.sql
