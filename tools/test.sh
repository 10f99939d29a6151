#!/bin/sh
# make test: the whole suite (tools/run-tests.sh) in a throwaway cluster
# (tools/with-cluster.sh), then its closing line "N passed, M failed",
# printed after the cluster is gone and after any diffs or server log, so
# that it is the last line of the output.
set -u
cd "$(dirname "$0")/.."
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
# an interrupted run cleans up too (the EXIT trap runs on exit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
CULTUUR_SUMMARY=$summary sh tools/with-cluster.sh sh tools/run-tests.sh
st=$?
line=$(cat "$summary")
if [ -z "$line" ]; then
    # the cluster did not start, or the runner died before counting
    line="0 passed, 1 failed"
    st=1
fi
echo "$line"
exit $st
