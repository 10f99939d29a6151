#!/bin/sh
# The two commands of README.md ("Two commands") as a newcomer runs them:
# each scenario in a fresh Debian bookworm chroot that has nothing but git
# and make, with a clean clone of this repository's HEAD.
#
#   1. bare, as root (as CI runs .ci/run: CI=true, no standard input):
#      make demo, then make test;
#   2. postgresql-15 already installed, but not its server headers:
#      tools/deps.sh must add postgresql-server-dev-15;
#   3. a user who is not root: make test prints the apt-get command for
#      root, root runs it; make test then prints the one command that
#      installs the extension, root runs make install in the user's
#      checkout; the user's make demo and make test pass without writing
#      outside the user's home; a second user and root run the suite right
#      after; nothing is left in /tmp, /var/tmp, /dev/shm or /run/postgresql.
#
# Prints "ok N - ..." / "not ok N - ..." per step, the time of each scenario,
# and ends with "N passed, M failed"; exits non-zero when a step failed.
# Runs as root on a Debian machine (it installs debootstrap when missing).
# Slow (minutes, it installs PostgreSQL three times): not part of make test.
#
#   sh tools/newcomer-test.sh              the three scenarios on HEAD
#   sh tools/newcomer-test.sh --worktree   HEAD plus the working tree's
#                                          uncommitted changes to tracked files
#   sh tools/newcomer-test.sh 3            only scenario 3 (any of 1 2 3)
#   sh tools/newcomer-test.sh --interrupt  also, at the end of scenario 3,
#                                          stop a make test half-way with
#                                          SIGTERM to its process group (as
#                                          Ctrl-C or a CI time limit does)
#                                          and look for what it left in /tmp
#
# The commit (and, with --worktree, the changed files) is taken once at the
# start: every scenario tests the same tree even if HEAD moves meanwhile.
# Clones never share files with this repository (--no-hardlinks), since
# scenario 3 gives its clones to the chroot's users.
#
# The base chroot (debootstrap minbase + git + make) is kept as a tarball in
# /var/tmp/cultuur-chroot (NEWCOMER_DIR) and reused; each scenario unpacks a
# copy there, which is removed on exit with its mounts, also on failure or
# interruption.  Logs stay in NEWCOMER_DIR/logs.  The throwaway clusters
# listen on NEWCOMER_PORT (default 5480) and up, a free port per scenario:
# the chroot shares this machine's network, where other clusters may run.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${NEWCOMER_DIR:-/var/tmp/cultuur-chroot}
base_port=${NEWCOMER_PORT:-5480}
# what the base holds; a change here rebuilds it
base_recipe="debootstrap --variant=minbase bookworm; git make without recommends; no package lists"

worktree=no
interrupt=no
scenarios=""
for a in "$@"; do
    case $a in
        --worktree) worktree=yes ;;
        --interrupt) interrupt=yes ;;
        1|2|3) scenarios="$scenarios $a" ;;
        *) echo "usage: $0 [--worktree] [--interrupt] [1] [2] [3]" >&2; exit 2 ;;
    esac
done
[ -n "$scenarios" ] || scenarios="1 2 3"

if [ "$(id -u)" != 0 ]; then
    echo "$0: must run as root (debootstrap, chroot, mount)" >&2
    exit 2
fi

mkdir -p "$dir" || exit 2
exec 8>&1 7>&2
exec 9>"$dir/.lock"
if ! flock -n 9; then
    echo "$0: another run holds $dir/.lock" >&2
    exit 2
fi

logs=$dir/logs
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "$dir/run.XXXXXX") || exit 2
rev=$(cd "$top" && git rev-parse HEAD) || exit 2

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
    if [ -n "${2:-}" ] && [ -f "$2" ]; then
        echo "#   last lines of $2:"
        tail -n 25 "$2" | sed 's/^/#   /'
    fi
}

# waitable COMMAND...: COMMAND in the background, waited for.  A shell
# runs its traps only once the foreground command has ended, but interrupts
# a wait: so INT or TERM stops this script at once, and cleanup() ends what
# still runs in the chroots.  Standard input is /dev/null: nothing may ask.
waitable() {
    "$@" </dev/null &
    wait $!
}

# ---- chroots: mount, kill what runs inside, unmount, remove

# pids of the processes whose root directory is under $1 (started by us,
# inside one of our chroots)
procs_in() {
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        case $r in
            "$1"|"$1"/*) echo "${p#/proc/}" ;;
        esac
    done
}

mounts_under() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r
}

chroot_up() {
    mount -t proc proc "$1/proc" &&
        mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$1/dev/pts" &&
        mount -t tmpfs -o mode=1777,size=512m tmpfs "$1/dev/shm"
}

chroot_down() {
    [ -d "$1" ] || return 0
    for sig in TERM KILL; do
        pids=$(procs_in "$1")
        [ -n "$pids" ] || break
        # shellcheck disable=SC2086
        kill -s $sig $pids 2>/dev/null
        sleep 2
    done
    for m in $(mounts_under "$1"); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
    if [ -n "$(mounts_under "$1")" ]; then
        echo "# $1: still mounted, not removed" >&2
        return 1
    fi
    rm -rf "$1"
}

cleanup() {
    trap - EXIT INT TERM HUP
    left=no
    for c in "$work"/s[0-9]; do
        [ -d "$c" ] || continue
        chroot_down "$c" || left=yes
    done
    # never through a mount that would not come off
    [ "$left" = yes ] || rm -rf "$work"
    rm -rf "$dir/base.new"
}
trap cleanup EXIT
# stopped: the step under way fails, the totals are still the last line
stopped() {
    # back to the terminal: the signal may come while a step's output goes
    # to its log
    exec >&8 2>&7
    not_ok "stopped by SIG$1 (cleaning up)"
    echo "$((n - failed)) passed, $failed failed"
    exit "$2"
}
trap 'stopped INT 130' INT
trap 'stopped TERM 143' TERM
trap 'stopped HUP 129' HUP

# ---- the base tarball

build_base() {
    command -v debootstrap >/dev/null 2>&1 || {
        echo "# installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    } || return 1
    b=$dir/base.new
    rm -rf "$b"
    waitable debootstrap --variant=minbase bookworm "$b" || return 1
    chroot_up "$b" || return 1
    waitable chroot "$b" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends git make >/dev/null' \
        || return 1
    # a fresh machine has no package lists: deps.sh must run apt-get update
    chroot "$b" apt-get clean
    rm -rf "$b"/var/lib/apt/lists/* "$b"/var/cache/apt/*.bin
    for m in $(mounts_under "$b"); do umount "$m"; done
    tar -C "$b" -czf "$dir/base.tar.gz.new" . || return 1
    mv "$dir/base.tar.gz.new" "$dir/base.tar.gz"
    echo "$base_recipe" >"$dir/base.recipe"
    rm -rf "$b"
}

t0=$(date +%s)
if [ -f "$dir/base.tar.gz" ] && [ "$(cat "$dir/base.recipe" 2>/dev/null)" = "$base_recipe" ]; then
    echo "# reusing $dir/base.tar.gz"
else
    echo "# building $dir/base.tar.gz"
    if build_base >"$logs/base.log" 2>&1; then
        ok "base chroot: debootstrap minbase bookworm with git and make ($(($(date +%s) - t0)) s)"
    else
        not_ok "base chroot: debootstrap minbase bookworm with git and make" "$logs/base.log"
        echo "$((n - failed)) passed, $failed failed"
        exit 1
    fi
fi

# ---- helpers for the scenarios

# new_chroot NAME: a fresh copy of the base; prints its path
new_chroot() {
    c=$work/$1
    mkdir "$c" && tar -C "$c" -xzf "$dir/base.tar.gz" && chroot_up "$c" && echo "$c"
}

# --worktree: the tracked files that differ from HEAD, copied now
overlay=$work/overlay
if [ "$worktree" = yes ]; then
    mkdir "$overlay" &&
        (cd "$top" && git diff --name-only "$rev" >"$overlay.list" &&
            while read -r f; do
                if [ -f "$f" ]; then
                    mkdir -p "$overlay/$(dirname "$f")" && cp -p "$f" "$overlay/$f"
                fi
            done <"$overlay.list") || exit 2
fi

# clone_into ROOT PATH [USER]: a clean clone of the commit at PATH inside
# ROOT (with the overlay under --worktree), owned by USER when given
clone_into() {
    git clone -q --no-hardlinks "$top" "$1$2" &&
        git -C "$1$2" checkout -q --detach "$rev" || return 1
    if [ "$worktree" = yes ]; then
        while read -r f; do
            if [ -f "$overlay/$f" ]; then
                cp -p "$overlay/$f" "$1$2/$f"
            else
                rm -f "$1$2/$f"
            fi
        done <"$overlay.list"
    fi
    if [ -n "${3:-}" ]; then
        chroot "$1" chown -R "$3:$3" "$2"
    fi
}

# free_port N: the first port from N on that nothing listens on
free_port() {
    p=$1
    while ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; do
        p=$((p + 1))
    done
    echo "$p"
}

# as_root ROOT PORT COMMAND: COMMAND in ROOT as CI runs it (root, CI=true,
# no standard input, no terminal, a minimal environment)
as_root() {
    waitable chroot "$1" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root USER=root LOGNAME=root CI=true PGPORT="$2" \
        sh -c "$3"
}

# as_user ROOT USER PORT COMMAND: COMMAND in ROOT as USER, with a locale
# a desktop would set and this chroot does not have
as_user() {
    waitable chroot --userspec="$2:$2" "$1" env -i PATH=/usr/local/bin:/usr/bin:/bin \
        HOME="/home/$2" USER="$2" LOGNAME="$2" SHELL=/bin/sh LANG=en_US.UTF-8 \
        PGPORT="$3" sh -c "cd && $4"
}

# last_line_ok LOG: the last line is "N passed, 0 failed" with N > 0
last_line_ok() {
    tail -n 1 "$1" | grep -qE '^[1-9][0-9]* passed, 0 failed$'
}

# leftovers ROOT: what a run left in the shared places of ROOT
leftovers() {
    for d in tmp var/tmp dev/shm run/postgresql; do
        [ -d "$1/$d" ] && find "$1/$d" -mindepth 1 -maxdepth 1 -printf "/$d/%P\n"
    done
    [ -d "$1/etc/postgresql/15/regress" ] && echo "/etc/postgresql/15/regress"
    [ -z "$(procs_in "$1")" ] || echo "processes: $(procs_in "$1" | tr '\n' ' ')"
}

check_clean() {
    # $1 root, $2 label, $3 log
    leftovers "$1" >"$3" 2>&1
    if [ -s "$3" ]; then
        not_ok "$2: nothing left in /tmp, /var/tmp, /dev/shm, /run/postgresql, no cluster, no process" "$3"
    else
        ok "$2: nothing left in /tmp, /var/tmp, /dev/shm, /run/postgresql, no cluster, no process"
    fi
}

# demo_ok LOG RC
demo_ok() {
    [ "$2" -eq 0 ] && grep -q '^=== 1\. ' "$1" && grep -q '^Dropping cluster 15/regress' "$1"
}

# ---- scenario 1: bare, as root

scenario1() {
    R=$(new_chroot s1) || { not_ok "s1: fresh chroot"; return; }
    port=$(free_port "$base_port")
    clone_into "$R" /home/src/cultuur || { not_ok "s1: clone"; return; }
    L=$logs/s1

    as_root "$R" "$port" 'cd /home/src/cultuur && make demo' >"$L-demo.log" 2>&1
    st=$?
    if demo_ok "$L-demo.log" $st && grep -q '^Installed: .*postgresql-15' "$L-demo.log"; then
        ok "s1: make demo as root on a bare machine installs what is missing and prints the report"
    else
        not_ok "s1: make demo as root on a bare machine (exit $st)" "$L-demo.log"
    fi
    if grep -qiE 'debconf: .*(frontend: (readline|teletype|dialog))' "$L-demo.log"; then
        not_ok "s1: no debconf frontend that could ask a question" "$L-demo.log"
    else
        ok "s1: apt-get and debconf asked nothing (no standard input)"
    fi

    as_root "$R" "$port" 'cd /home/src/cultuur && make test' >"$L-test.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && last_line_ok "$L-test.log"; then
        ok "s1: make test as root: $(tail -n 1 "$L-test.log")"
    else
        not_ok "s1: make test as root (exit $st; last line: $(tail -n 1 "$L-test.log"))" "$L-test.log"
    fi
    check_clean "$R" "s1" "$L-left.log"
    chroot_down "$R"
}

# ---- scenario 2: postgresql-15 installed, no server headers

scenario2() {
    R=$(new_chroot s2) || { not_ok "s2: fresh chroot"; return; }
    port=$(free_port "$base_port")
    clone_into "$R" /home/src/cultuur || { not_ok "s2: clone"; return; }
    L=$logs/s2

    waitable chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update -qq && apt-get install -y -qq postgresql-15' >"$L-pre.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && [ -x "$R/usr/lib/postgresql/15/bin/postgres" ] &&
        [ -f "$R/usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk" ] &&
        [ ! -f "$R/usr/include/postgresql/15/server/postgres.h" ]; then
        ok "s2: setup: postgresql-15 installed (pgxs.mk present, server headers absent)"
    else
        not_ok "s2: setup: postgresql-15 installed without its server headers" "$L-pre.log"
        chroot_down "$R"
        return
    fi

    as_root "$R" "$port" 'cd /home/src/cultuur && make demo' >"$L-demo.log" 2>&1
    st=$?
    if grep -q '^Installing: .*postgresql-server-dev-15' "$L-demo.log"; then
        ok "s2: tools/deps.sh notices the missing server headers"
    else
        not_ok "s2: tools/deps.sh notices the missing server headers" "$L-demo.log"
    fi
    if demo_ok "$L-demo.log" $st; then
        ok "s2: make demo as root"
    else
        not_ok "s2: make demo as root (exit $st)" "$L-demo.log"
    fi

    as_root "$R" "$port" 'cd /home/src/cultuur && make test' >"$L-test.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && last_line_ok "$L-test.log"; then
        ok "s2: make test as root: $(tail -n 1 "$L-test.log")"
    else
        not_ok "s2: make test as root (exit $st; last line: $(tail -n 1 "$L-test.log"))" "$L-test.log"
    fi
    check_clean "$R" "s2" "$L-left.log"
    chroot_down "$R"
}

# ---- scenario 3: a user who is not root

scenario3() {
    R=$(new_chroot s3) || { not_ok "s3: fresh chroot"; return; }
    port=$(free_port "$base_port")
    L=$logs/s3
    chroot "$R" useradd -m -s /bin/sh ana &&
        chroot "$R" useradd -m -s /bin/sh bert &&
        clone_into "$R" /home/ana/cultuur ana &&
        clone_into "$R" /home/bert/cultuur bert &&
        clone_into "$R" /root/cultuur ||
        { not_ok "s3: users ana and bert, their clones"; chroot_down "$R"; return; }

    # 1. the user is told the apt-get command for root
    as_user "$R" ana "$port" 'cd cultuur && make test' >"$L-ana-test1.log" 2>&1
    st=$?
    cmds=$(grep -c 'Run as root:  ' "$L-ana-test1.log")
    cmd=$(sed -n 's/.*Run as root:  //p' "$L-ana-test1.log" | head -n 1)
    case $cmd in
        "apt-get update && apt-get install "*) good=yes ;;
        *) good=no ;;
    esac
    if [ $st -ne 0 ] && [ "$cmds" = 1 ] && [ $good = yes ]; then
        ok "s3: ana's make test prints the one command for root: $cmd"
    else
        not_ok "s3: ana's make test prints the one apt-get command for root (exit $st)" "$L-ana-test1.log"
        chroot_down "$R"
        return
    fi

    # 2. root runs it exactly as printed (no DEBIAN_FRONTEND, no stdin)
    waitable chroot "$R" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        sh -c "$cmd" >"$L-root-apt.log" 2>&1
    st=$?
    if [ $st -eq 0 ]; then
        ok "s3: root runs it as printed"
    else
        not_ok "s3: root runs it as printed (exit $st)" "$L-root-apt.log"
    fi

    # 3. the user is told to install the extension
    as_user "$R" ana "$port" 'cd cultuur && make test' >"$L-ana-test2.log" 2>&1
    st=$?
    if [ $st -ne 0 ] && grep -q 'sudo make install' "$L-ana-test2.log" &&
        ! grep -q 'Run as root:' "$L-ana-test2.log"; then
        ok "s3: ana's make test builds, then prints the command to install it: sudo make install"
    else
        not_ok "s3: ana's make test prints sudo make install (exit $st)" "$L-ana-test2.log"
    fi

    # 4. root installs from the user's checkout
    waitable chroot "$R" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        sh -c 'cd /home/ana/cultuur && make install' >"$L-root-install.log" 2>&1
    st=$?
    rootowned=$(find "$R/home/ana" -user 0 | head -n 5)
    if [ $st -eq 0 ] && [ -z "$rootowned" ]; then
        ok "s3: root's make install in ana's checkout (leaves no file of root's there)"
    else
        echo "root-owned: $rootowned" >>"$L-root-install.log"
        not_ok "s3: root's make install in ana's checkout (exit $st)" "$L-root-install.log"
    fi

    # 5, 6. the user's demo and suite, writing nowhere but the user's home
    stamp=$work/s3.stamp
    touch "$stamp"
    sleep 1
    as_user "$R" ana "$port" 'cd cultuur && make demo' >"$L-ana-demo.log" 2>&1
    st=$?
    if demo_ok "$L-ana-demo.log" $st; then
        ok "s3: ana's make demo"
    else
        not_ok "s3: ana's make demo (exit $st)" "$L-ana-demo.log"
    fi
    as_user "$R" ana "$port" 'cd cultuur && make test' >"$L-ana-test.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && last_line_ok "$L-ana-test.log"; then
        ok "s3: ana's make test: $(tail -n 1 "$L-ana-test.log")"
    else
        not_ok "s3: ana's make test (exit $st; last line: $(tail -n 1 "$L-ana-test.log"))" "$L-ana-test.log"
    fi
    find "$R" -xdev -newer "$stamp" ! -type d ! -path "$R/home/ana/*" -printf '/%P\n' >"$L-written.log" 2>&1
    if [ -s "$L-written.log" ]; then
        not_ok "s3: ana's demo and test wrote only under /home/ana" "$L-written.log"
    else
        ok "s3: ana's demo and test wrote only under /home/ana"
    fi
    check_clean "$R" "s3 after ana" "$L-left1.log"

    # 7. a second user, right after, with a clean clone of the same commit
    as_user "$R" bert "$port" 'cd cultuur && make test' >"$L-bert-test.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && last_line_ok "$L-bert-test.log"; then
        ok "s3: bert's make test right after, in his own clone, no root needed: $(tail -n 1 "$L-bert-test.log")"
    else
        not_ok "s3: bert's make test right after, in his own clone (exit $st; last line: $(tail -n 1 "$L-bert-test.log"))" "$L-bert-test.log"
    fi

    # 8. and root
    as_root "$R" "$port" 'cd /root/cultuur && make test' >"$L-root-test.log" 2>&1
    st=$?
    if [ $st -eq 0 ] && last_line_ok "$L-root-test.log"; then
        ok "s3: root's make test right after: $(tail -n 1 "$L-root-test.log")"
    else
        not_ok "s3: root's make test right after (exit $st; last line: $(tail -n 1 "$L-root-test.log"))" "$L-root-test.log"
    fi
    check_clean "$R" "s3 at the end" "$L-left2.log"

    # 9. (--interrupt) a make test stopped half-way cleans up too
    if [ "$interrupt" = yes ]; then
        # its own session and process group (setsid), which gets the signal
        setsid chroot --userspec=ana:ana "$R" env -i PATH=/usr/local/bin:/usr/bin:/bin \
            HOME=/home/ana USER=ana LOGNAME=ana PGPORT="$port" \
            sh -c 'cd && cd cultuur && make test' </dev/null >"$L-ana-stopped.log" 2>&1 &
        pid=$!
        sleep 30
        kill -s TERM -- "-$pid" 2>/dev/null
        wait "$pid"
        sleep 3
        check_clean "$R" "s3: make test stopped by SIGTERM after 30 s" "$L-left3.log"
    fi
    chroot_down "$R"
}

echo "# repository: $top at $(git -C "$top" rev-parse --short "$rev")$( [ $worktree = yes ] && echo " plus the working tree's changes to $(wc -l <"$overlay.list") file(s)")"
echo "# logs: $logs"
for s in $scenarios; do
    t=$(date +%s)
    scenario$s
    echo "# scenario $s took $(($(date +%s) - t)) s"
done

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
