# Shared by the TAP scripts of test/ (sourced after they cd to the
# repository): the session settings every psql of theirs uses, so that rows
# print the same way, and the TAP counters.
# shellcheck shell=sh
export PGOPTIONS="-c client_min_messages=warning -c DateStyle=ISO,YMD -c TimeZone=UTC -c extra_float_digits=1"
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
