#!/bin/sh
# Test the Debian package the way a user gets it: build postgresql-15-cultuur
# from a clean clone (dpkg-buildpackage -us -uc -b), install it with apt into
# a bare Debian bookworm system (debootstrap --variant=minbase, in a chroot),
# which pulls in postgresql-15, start a cluster there and run
# CREATE EXTENSION cultuur CASCADE and the README's "A short SQL tour",
# checking each result against the value in its comment
# (debian/tests/readme-tour).  Then the autopkgtest (debian/tests/tour) in
# the same chroot, and removal of the package.
#
# Usage (as root):  sh tools/deb-test.sh [REPO [REF]]
#   REPO  the git repository to clone (default: the one holding this script)
#   REF   what to build (default: HEAD); uncommitted changes are not tested
#
# Prints "ok - ..." / "not ok - ..." lines and ends with "N passed,
# M failed"; exits 1 when anything failed.  Everything happens under a
# temporary directory in /var/tmp, removed at the end (the chroot's /proc is
# unmounted first and the cluster stopped), also on failure or interrupt.
#
# Slow the first time (debootstrap, downloading PostgreSQL); the bare
# system and the downloaded packages are kept in $CULTUUR_DEB_CACHE
# (default /var/tmp/cultuur-deb-test) for the next run.  Environment:
#   CULTUUR_DEB_PORT=5470   the chroot cluster's port (unix socket only)
#   CULTUUR_DEB_REFRESH=1   make the bare system again
#   CULTUUR_DEB_MIRROR=URI  Debian mirror (default: the one apt uses here)
# shellcheck disable=SC2016  # single quotes for sh -c scripts and formats
set -u
LC_ALL=C.UTF-8
export LC_ALL
umask 022

top=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-$top}
ref=${2:-HEAD}
port=${CULTUUR_DEB_PORT:-5470}
cache=${CULTUUR_DEB_CACHE:-/var/tmp/cultuur-deb-test}
suite=bookworm
pgv=15

pass=0
fail=0
work=""
root=""
cluster=""
t_start=$(date +%s)

# Report lines go to fd 3, the original standard output, so that they
# reach the terminal even when a trap fires while a command's output is
# redirected to its log; commands in the chroot run with fd 3 closed (the
# cluster must not hold it open).
exec 3>&1
say() { printf '%s\n' "$*" >&3; }
ok() { pass=$((pass + 1)); say "ok - $*"; }
not_ok() { fail=$((fail + 1)); say "not ok - $*"; }
note() { say "# $*"; }
show_log() { [ -s "$1" ] && tail -n "${2:-25}" "$1" | sed 's/^/#   /' >&3; return 0; }
since() { echo $(( $(date +%s) - $1 ))s; }

# step LOG DESCRIPTION COMMAND...: run COMMAND with its output in LOG.
step() {
    _log=$1 _desc=$2
    shift 2
    if "$@" >"$_log" 2>&1; then
        ok "$_desc"
        return 0
    fi
    not_ok "$_desc"
    show_log "$_log"
    return 1
}

# Run a command in the chroot with a clean environment.
in_root() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive chroot "$root" "$@" 3>&-
}

# Keep the packages apt downloaded in the chroot for the next run, less
# those the index no longer has (apt-get autoclean).
save_cache() {
    in_root apt-get autoclean -qq >/dev/null 2>&1 || true
    find "$cache/archives" -maxdepth 1 -name '*.deb' -delete
    find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' \
        -exec cp {} "$cache/archives/" \;
}

mounts_below() {
    # mount points under $1, deepest first
    awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r
}

cleanup() {
    if [ -n "$root" ] && [ -d "$root" ]; then
        if [ -n "$cluster" ]; then
            in_root pg_ctlcluster "$pgv" "$cluster" stop -m fast >/dev/null 2>&1 || true
        fi
        # Whatever still runs inside the chroot was started by this script:
        # end it, by process id.
        for p in /proc/[0-9]*; do
            r=$(readlink "$p/root" 2>/dev/null) || continue
            case $r in
                "$root" | "$root"/*) kill -9 "${p#/proc/}" 2>/dev/null || true ;;
            esac
        done
    fi
    if [ -n "$work" ] && [ -d "$work" ]; then
        for m in $(mounts_below "$work"); do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
        done
        if [ -n "$(mounts_below "$work")" ]; then
            note "still mounted below $work, not removing it:"
            mounts_below "$work" | sed 's/^/#   /' >&3
        else
            rm -rf "$work"
        fi
    fi
    work=""
}

finish() {
    cleanup
    note "total $(since "$t_start")"
    say "$pass passed, $fail failed"
    trap - EXIT INT TERM HUP
    [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
    exit $?
}
trap finish EXIT
trap 'not_ok "interrupted"; finish' INT TERM HUP

# Debian sources apt uses on this machine, as "URI SUITE" lines, for the
# suites of $suite (main, updates, security): the chroot uses the same.
host_sources() {
    {
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                               print $i, $(i + 1) }'
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk 'BEGIN { RS = ""; FS = "\n" }
                 { types = uris = suites = ""; enabled = "yes"
                   for (i = 1; i <= NF; i++) {
                       line = $i; sub(/^[ \t]+/, "", line)
                       if (line ~ /^#/) continue
                       key = tolower(line); sub(/:.*/, "", key)
                       val = line; sub(/^[^:]*:[ \t]*/, "", val)
                       if (key == "types") types = val
                       else if (key == "uris") uris = val
                       else if (key == "suites") suites = val
                       else if (key == "enabled") enabled = tolower(val)
                   }
                   if (enabled == "no" || (" " types " ") !~ / deb /) next
                   split(uris, u, /[ \t]+/); n = split(suites, s, /[ \t]+/)
                   for (j = 1; j <= n; j++) print u[1], s[j] }' "$f"
        done
    } | awk -v s="$suite" '$2 == s || $2 == s "-updates" || $2 == s "-security"' | sort -u
}

if [ "$(id -u)" != 0 ]; then
    echo "tools/deb-test.sh needs root (debootstrap, chroot, mount)" >&2
    not_ok "running as root"
    finish
fi

note "cultuur Debian package test: $repo $ref, bookworm chroot, port $port"

# --- host tools -----------------------------------------------------------
need=""
command -v git >/dev/null 2>&1 || need="$need git"
command -v dpkg-buildpackage >/dev/null 2>&1 || need="$need dpkg-dev"
command -v gcc >/dev/null 2>&1 || need="$need build-essential"
command -v dh >/dev/null 2>&1 || need="$need debhelper"
command -v pg_buildext >/dev/null 2>&1 || need="$need postgresql-server-dev-all"
[ -f /usr/include/postgresql/$pgv/server/postgres.h ] || need="$need postgresql-server-dev-$pgv"
command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
if [ -n "$need" ]; then
    note "installing on this machine:$need"
    # shellcheck disable=SC2086
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need; } >/dev/null 2>&1; then
        not_ok "install build tools:$need"
        finish
    fi
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/cultuur-deb-test.XXXXXX")
mkdir -p "$cache/archives"

# --- build ------------------------------------------------------------------
t=$(date +%s)
src=$work/cultuur
step "$work/clone.log" "git clone $repo and check out $ref" \
    sh -c 'git clone -q "$1" "$2" && git -C "$2" checkout -q --detach "$3"' sh "$repo" "$src" "$ref" || finish
note "commit $(git -C "$src" log -1 --format='%h %s' | cut -c1-70)"
if [ ! -f "$src/debian/control" ] || [ ! -f "$src/debian/rules" ]; then
    not_ok "debian/ is committed at $ref"
    finish
fi
step "$work/builddeps.log" "build dependencies installed (dpkg-checkbuilddeps)" \
    sh -c 'cd "$1" && dpkg-checkbuilddeps' sh "$src" || finish
step "$work/build.log" "dpkg-buildpackage -us -uc -b" \
    sh -c 'cd "$1" && dpkg-buildpackage -us -uc -b' sh "$src" || finish
note "build $(since "$t")"

deb=""
for f in "$work/postgresql-$pgv-cultuur_"*.deb; do   # not the -dbgsym_ one
    [ -f "$f" ] && deb=$f
done
if [ -z "$deb" ]; then
    not_ok "the build made postgresql-$pgv-cultuur_*.deb"
    finish
fi
ok "the build made $(basename "$deb")"

extver=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$src/cultuur.control")
dpkg-deb -c "$deb" | awk '{ print $6 }' > "$work/contents"
for f in ./usr/lib/postgresql/$pgv/lib/cultuur.so \
         ./usr/share/postgresql/$pgv/extension/cultuur.control \
         ./usr/share/postgresql/$pgv/extension/cultuur--$extver.sql; do
    if grep -qx "$f" "$work/contents"; then
        ok "package has ${f#.}"
    else
        not_ok "package has ${f#.}"
    fi
done
mkdir "$work/unpacked"
dpkg-deb -x "$deb" "$work/unpacked"
if (cd "$src" && LC_ALL=C cat sql/install/*.sql) |
        cmp -s - "$work/unpacked/usr/share/postgresql/$pgv/extension/cultuur--$extver.sql"; then
    ok "packaged cultuur--$extver.sql is sql/install/*.sql of $ref"
else
    not_ok "packaged cultuur--$extver.sql is sql/install/*.sql of $ref"
fi
note "Depends: $(dpkg-deb -f "$deb" Depends)"

# --- a bare bookworm system -----------------------------------------------
t=$(date +%s)
sources=$(host_sources)
mirror=${CULTUUR_DEB_MIRROR:-$(echo "$sources" | awk -v s="$suite" '$2 == s { print $1; exit }')}
base=$cache/$suite-minbase.tar.gz
if [ "${CULTUUR_DEB_REFRESH:-}" = 1 ] || [ ! -s "$base" ]; then
    # shellcheck disable=SC2086
    if step "$work/debootstrap.log" "debootstrap --variant=minbase $suite" \
            debootstrap --variant=minbase "$suite" "$work/base" $mirror &&
       step "$work/tar.log" "keep the bare system in $base" \
            sh -c 'rm -f "$1"/var/cache/apt/archives/*.deb &&
                   tar -C "$1" --numeric-owner -czf "$2.part" . && mv "$2.part" "$2"' sh "$work/base" "$base"; then
        rm -rf "$work/base"
    else
        finish
    fi
fi
root=$work/root
mkdir "$root"
step "$work/unpack.log" "fresh $suite chroot from $(basename "$base")" \
    tar -C "$root" --numeric-owner -xzf "$base" || finish

# apt sources as on this machine; no service starts (the chroot shares the
# network with this machine); no default cluster on 5432.
if [ -n "${CULTUUR_DEB_MIRROR:-}" ] || [ -z "$sources" ]; then
    echo "deb ${mirror:-$(awk '$1 == "deb" { print $2; exit }' "$root/etc/apt/sources.list")} $suite main" \
        > "$root/etc/apt/sources.list"
else
    echo "$sources" | awk '{ print "deb", $1, $2, "main" }' > "$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/etc/postgresql-common/createcluster.d"
echo "create_main_cluster = false" > "$root/etc/postgresql-common/createcluster.d/deb-test.conf"
find "$cache/archives" -name '*.deb' -exec cp {} "$root/var/cache/apt/archives/" \;
if ! mount -t proc proc "$root/proc"; then
    not_ok "mount /proc in the chroot"
    finish
fi
cp "$deb" "$root/tmp/"
chmod 644 "$root/tmp/$(basename "$deb")"

step "$work/update.log" "apt-get update in the chroot" in_root apt-get update || finish
before=$(in_root dpkg-query -W -f '${Package}\n' | wc -l)
step "$work/install.log" "apt-get install ./$(basename "$deb") in the bare system" \
    in_root sh -c 'cd /tmp && apt-get install -y --no-install-recommends "./$1"' sh "$(basename "$deb")" || finish
after=$(in_root dpkg-query -W -f '${Package}\n' | wc -l)
note "installed $((after - before)) packages"
save_cache

if in_root dpkg-query -W -f '${Status}\n' postgresql-$pgv 2>/dev/null | grep -q 'install ok installed'; then
    ok "postgresql-$pgv came with it ($(in_root dpkg-query -W -f '${Version}' postgresql-$pgv))"
else
    not_ok "postgresql-$pgv came with it"
fi
owner=$(in_root dpkg -S /usr/share/postgresql/$pgv/extension/btree_gist.control 2>/dev/null | cut -d: -f1)
if [ "$owner" = "postgresql-$pgv" ]; then
    ok "btree_gist ships in postgresql-$pgv"
else
    not_ok "btree_gist ships in postgresql-$pgv (owner: ${owner:-none})"
fi
note "chroot $(since "$t")"

# --- a cluster and the tour ---------------------------------------------------
t=$(date +%s)
if step "$work/cluster.log" "cluster $pgv/tour on port $port (unix socket only) starts" \
        in_root sh -c 'pg_createcluster --locale C.UTF-8 -p "$1" -o "listen_addresses=" -o fsync=off \
                           '"$pgv"' tour >/dev/null && pg_ctlcluster '"$pgv"' tour start' sh "$port"; then
    cluster=tour
    mkdir -p "$root/tmp/tour"
    cp "$src/README.md" "$src/cultuur.control" "$src/debian/tests/readme-tour" "$root/tmp/tour/"
    chmod -R a+rX "$root/tmp/tour"
    in_root runuser -u postgres -- env PGHOST=/var/run/postgresql PGPORT="$port" \
        perl /tmp/tour/readme-tour /tmp/tour/README.md > "$work/tour.log" 2>&1
    st=$?
    before_fail=$fail
    while IFS= read -r line; do
        case $line in
            "ok "*) ok "tour: ${line#ok - }" ;;
            "not ok "*) not_ok "tour: ${line#not ok - }" ;;
            *) say "$line" ;;
        esac
    done < "$work/tour.log"
    if [ "$st" != 0 ] && [ "$fail" = "$before_fail" ]; then
        not_ok "debian/tests/readme-tour exited with $st"
    fi
    step "$work/stop.log" "cluster $pgv/tour stops" in_root pg_ctlcluster "$pgv" tour stop && cluster=""
fi
note "tour $(since "$t")"

# --- the autopkgtest, in a network namespace of its own --------------------
t=$(date +%s)
mkdir -p "$root/tmp/src"
cp -a "$src/README.md" "$src/cultuur.control" "$src/debian" "$root/tmp/src/"
if step "$work/iproute.log" "apt-get install iproute2 (for the autopkgtest's own network)" \
        in_root apt-get install -y --no-install-recommends iproute2; then
    save_cache
    if in_root sh -c 'cd /tmp/src && PG_VIRTUALENV_UNSHARE=-n sh debian/tests/tour' > "$work/autopkgtest.log" 2>&1; then
        ok "debian/tests/tour (autopkgtest): $(grep -c '^ok ' "$work/autopkgtest.log") checks passed"
    else
        not_ok "debian/tests/tour (autopkgtest)"
        show_log "$work/autopkgtest.log" 40
    fi
fi
note "autopkgtest $(since "$t")"

# --- removal ------------------------------------------------------------------
if step "$work/remove.log" "apt-get remove postgresql-$pgv-cultuur" \
        in_root apt-get remove -y postgresql-$pgv-cultuur; then
    if [ -e "$root/usr/lib/postgresql/$pgv/lib/cultuur.so" ] ||
       [ -e "$root/usr/share/postgresql/$pgv/extension/cultuur.control" ]; then
        not_ok "removal leaves no cultuur files"
    else
        ok "removal leaves no cultuur files"
    fi
fi

finish
