#!/bin/sh
# make psql: inside the throwaway cluster (tools/with-cluster.sh), a
# database cultuur_demo with the extension, the Antwerp scenario and its
# simulated usage loaded (demo/load.sql, demo/usage.sql), and psql on it.
# The cluster, and all in it, is removed when psql exits.
set -eu
cd "$(dirname "$0")/.."
psql -X -q -d postgres -c 'CREATE DATABASE cultuur_demo'
psql -X -q -d cultuur_demo -f demo/load.sql
psql -X -q -d cultuur_demo -f demo/usage.sql
echo "cultuur_demo: the Antwerp scenario is loaded (README, \"A short SQL tour\"). \\q ends the session and removes the cluster."
psql -X -d cultuur_demo
