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

same=yes
for pair in "cultuur.so $libdir/cultuur.so" \
            "cultuur.control $extdir/cultuur.control"; do
    set -- $pair
    cmp -s "$1" "$2" || same=no
done
for f in sql/cultuur--*.sql; do
    cmp -s "$f" "$extdir/$(basename "$f")" || same=no
done
[ "$same" = yes ] && exit 0

if [ "$(id -u)" = 0 ] || { [ -w "$libdir" ] && [ -w "$extdir" ]; }; then
    ${MAKE:-make} -s install
    exit 0
fi
echo "The cultuur extension installed in PostgreSQL is missing or differs from this build." >&2
echo "Install it once as root, then run this again:  sudo make install" >&2
exit 1
