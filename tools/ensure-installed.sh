#!/bin/sh
# Before demo, test and bench: the extension installed in PostgreSQL must be
# the one just built.  Installs it when it is missing or differs and we may
# write there (root, or a writable PostgreSQL tree); otherwise prints the one
# command to run and stops.  Nothing is installed when the files are the same,
# so a user can run the suite after root installed this very build.
set -eu
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
libdir=$($PG_CONFIG --pkglibdir)
extdir=$($PG_CONFIG --sharedir)/extension

# loaded_image FILE: a hex dump of every section of a shared object except
# the debug information and the build id, which carry (or are computed from)
# the directory it was built in.  Two checkouts of one commit, in different
# directories, build the same code with different debug information: the
# second user's build is then the same as the first user's installed one.
# Prints nothing when readelf (binutils, which gcc depends on) is missing.
loaded_image() {
    command -v readelf >/dev/null 2>&1 || return 0
    sections=$(readelf -SW "$1" 2>/dev/null |
        sed -n 's/^ *\[ *[1-9][0-9]*\] \([^ ]*\) .*/\1/p' |
        grep -v -e '^\.debug_' -e '^\.note\.gnu\.build-id$') || return 0
    args=""
    for s in $sections; do
        args="$args -x $s"
    done
    # shellcheck disable=SC2086
    readelf -W $args "$1" 2>/dev/null | cksum
}

same_module() {
    cmp -s "$1" "$2" && return 0
    [ -f "$2" ] || return 1
    a=$(loaded_image "$1")
    [ -n "$a" ] && [ "$a" = "$(loaded_image "$2")" ]
}

same=yes
same_module cultuur.so "$libdir/cultuur.so" || same=no
cmp -s cultuur.control "$extdir/cultuur.control" || same=no
for f in sql/cultuur--*.sql; do
    cmp -s "$f" "$extdir/$(basename "$f")" || same=no
done
[ "$same" = yes ] && exit 0

if [ "$(id -u)" = 0 ] || { [ -w "$libdir" ] && [ -w "$extdir" ]; }; then
    ${MAKE:-make} -s install
    exit 0
fi
echo "The cultuur extension installed in PostgreSQL is missing or differs from this build." >&2
echo "Install it once as root from this checkout ($(pwd)), then run this again:  sudo make install" >&2
exit 1
