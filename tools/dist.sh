#!/bin/sh
# Build the PGXN distribution NAME-VERSION.zip (name and version from
# META.json, e.g. cultuur-0.1.0.zip): the committed tree of HEAD
# (git archive) under one top directory NAME-VERSION/, plus the install
# script sql/cultuur--0.1.sql that make generates from sql/install/*.sql
# (META.json names it as the file that provides the extension).
#
# Usage: sh tools/dist.sh [OUTDIR]   (default: the current directory)
#
# Only what is committed goes in: uncommitted changes are left out (with a
# warning).  The zip is the same for the same commit (every entry carries
# the commit's time).  META.json is checked first (tools/check-meta.sh).
set -eu
LC_ALL=C
export LC_ALL

outdir=${1:-.}
[ -d "$outdir" ] || { echo "dist: $outdir is not a directory" >&2; exit 2; }
outdir=$(cd "$outdir" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

git rev-parse --verify -q HEAD >/dev/null || { echo "dist: $top has no commit" >&2; exit 1; }
for f in META.json cultuur.control Makefile tools/check-meta.sh; do
    if ! git cat-file -e "HEAD:$f" 2>/dev/null; then
        echo "dist: $f is not committed; commit it first" >&2
        exit 1
    fi
done
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "dist: warning: uncommitted changes are not in the zip (it is made from HEAD)" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cultuur-dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# an interrupted run cleans up too (the EXIT trap runs on exit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
git archive --format=tar HEAD | tar -x -C "$tmp"

# Name and version as the committed META.json gives them, checked there.
sh "$tmp/tools/check-meta.sh" >/dev/null
name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$tmp/META.json")
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$tmp/META.json")
base=$name-$version

# The generated install script, made by the Makefile's own rule (it works
# without PostgreSQL installed).
script=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["provides"]["cultuur"]["file"])' "$tmp/META.json")
make -s -C "$tmp" "$script" >/dev/null
[ -s "$tmp/$script" ] || { echo "dist: make did not produce $script" >&2; exit 1; }
if git cat-file -e "HEAD:$script" 2>/dev/null; then
    add=""
else
    add="--prefix=$base/$(dirname "$script")/ --add-file=$tmp/$script"
fi

zip=$outdir/$base.zip
rm -f "$zip.part"
# shellcheck disable=SC2086
git archive --format=zip $add --prefix="$base/" -o "$zip.part" HEAD
mv "$zip.part" "$zip"

# One top directory, with the metadata and the install script in it.
if command -v unzip >/dev/null 2>&1; then
    tops=$(unzip -Z1 "$zip" | cut -d/ -f1 | sort -u)
    [ "$tops" = "$base" ] || { echo "dist: $zip has top entries other than $base/: $tops" >&2; exit 1; }
    for f in META.json "$script"; do
        unzip -Z1 "$zip" | grep -qx "$base/$f" || { echo "dist: $f is missing from $zip" >&2; exit 1; }
    done
fi
echo "$zip"
