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
# On a failure make prints "make: *** [Makefile:NN: test] Error 1" after
# this script ends (and every make above it adds its own).  When the output
# goes to a file or a pipe (CI, "make test | tee"), the totals are printed
# once those makes have exited, by a process that keeps the output open, so
# that they are still the last line; on a terminal they are printed now.
if [ "$st" -ne 0 ] && [ ! -t 1 ] && [ -r /proc/$$/stat ]; then
    makes=""
    p=$PPID
    # the makes above this script, through the shells that run recipes
    while [ "$p" -gt 1 ]; do
        case $(cat /proc/"$p"/comm 2>/dev/null) in
            make) makes="$makes $p" ;;
            sh|dash|bash) ;;
            *) break ;;
        esac
        p=$(sed 's/^.*) [A-Za-z] \([0-9]*\) .*$/\1/' /proc/"$p"/stat)
    done
    if [ -n "$makes" ]; then
        (
            trap '' HUP
            for m in $makes; do
                while kill -0 "$m" 2>/dev/null; do sleep 0.1; done
            done
            echo "$line"
        ) &
        exit $st
    fi
fi
echo "$line"
exit $st
