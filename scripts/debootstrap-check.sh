#!/usr/bin/env bash
# A new user's first run, reproduced: a minimal Debian 12 (bookworm) root
# made with debootstrap, with nothing but make and git added, the project's
# committed state cloned into it, and the README's two commands (`make
# demo`, `make check`) run there as root.  Too slow for every `make check`
# (it installs every build and test dependency from scratch); see
# docs/testing.md.
#
#   scripts/debootstrap-check.sh [--root DIR] [--repo DIR] [--rev REV] [--fresh]
#
# --root   where the chroot lives (default /var/tmp/memvm-bookworm); the
#          debootstrap result is kept beside it in DIR.base and copied anew
#          for each run, so every run starts from the same pristine root
# --repo   the git repository to clone (default: the one holding this script)
# --rev    the commit to check out (default HEAD of --repo)
# --fresh  run debootstrap again instead of reusing DIR.base
#
# Prints everything make prints, then the final "N passed, N failed" line
# again, and exits with make's status.  Needs root (debootstrap, chroot,
# mount) and the host's Debian mirror; nothing else is reached.
set -euo pipefail

ROOT=/var/tmp/memvm-bookworm
REPO=
REV=HEAD
FRESH=0
APT_LOCK=${MEMVM_APT_LOCK:-/tmp/memvm-apt.lock}

while [ $# -gt 0 ]; do
    case "$1" in
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    --repo) REPO=${2:?--repo needs a directory}; shift 2 ;;
    --rev) REV=${2:?--rev needs a revision}; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
               exit 0 ;;
    *) echo "debootstrap-check: unknown argument '$1' (try --help)" >&2
       exit 2 ;;
    esac
done
[ -n "$REPO" ] || REPO=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
ROOT=$(realpath -m "$ROOT")
BASE=$ROOT.base
# Only directories this script made are ever removed (rm -rf below).
MARK=.memvm-debootstrap-check

say() { echo "debootstrap-check: $*"; }
die() { echo "debootstrap-check: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mount need it)"
SHA=$(git -C "$REPO" rev-parse --verify -q "$REV^{commit}") ||
    die "--rev '$REV' is not a commit of $REPO"

# The host's own Debian sources: "URI SUITE" pairs for every enabled
# bookworm suite (both the one-line and the deb822 format), so the chroot
# fetches from the same mirror as the host and from nowhere else.
host_sources() {
    /usr/bin/python3 - <<'EOF'
import glob, os
pairs = []
def add(uri, suite, comps):
    if suite.split('-')[0] == 'bookworm' and 'main' in comps:
        pairs.append((uri.rstrip('/'), suite))
files = ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list'))
for f in files:
    if not os.path.exists(f):
        continue
    for line in open(f):
        w = line.split('#')[0].split()
        if w and w[0] == 'deb':
            w = [x for x in w[1:] if not x.startswith('[')]
            if len(w) >= 3:
                add(w[0], w[1], w[2:])
for f in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for block in open(f).read().split('\n\n'):
        fields = {}
        for line in block.splitlines():
            if ':' in line and not line.startswith(('#', ' ')):
                k, v = line.split(':', 1)
                fields[k.strip().lower()] = v.split()
        if 'deb' not in fields.get('types', []) or \
                fields.get('enabled', ['yes'])[0] == 'no':
            continue
        for uri in fields.get('uris', []):
            for suite in fields.get('suites', []):
                add(uri, suite, fields.get('components', []))
for uri, suite in dict.fromkeys(pairs):
    print(uri, suite)
EOF
}
SOURCES=$(host_sources)
MIRROR=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$SOURCES")
[ -n "$MIRROR" ] || die "no bookworm 'main' source in /etc/apt/sources.list*"

# Mounts under $ROOT, innermost last; unmounted in reverse order on exit.
MOUNTS=()
cleanup() {
    local i p
    # Anything still running inside (a memvm a test left) holds mounts.
    for p in /proc/[0-9]*; do
        if [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ]; then
            kill -9 "${p#/proc/}" 2>/dev/null || true
        fi
    done
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || true
    done
    MOUNTS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mounted_below() { awk -v r="$1" '$2 == r || index($2, r "/") == 1' /proc/mounts; }

if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap on the host"
    flock "$APT_LOCK" sh -c 'apt-get install -y -qq debootstrap ||
        { apt-get update -qq && apt-get install -y -qq debootstrap; }'
fi

for d in "$ROOT" "$BASE"; do
    [ ! -e "$d" ] || [ -e "$d/$MARK" ] ||
        die "$d exists and was not made by this script; choose another --root"
    [ -z "$(mounted_below "$d")" ] ||
        die "something is still mounted below $d; unmount it first"
done

if [ "$FRESH" = 1 ] || [ ! -e "$BASE/.memvm-base-complete" ]; then
    rm -rf "$BASE"
    mkdir -p "$BASE"
    touch "$BASE/$MARK"
    say "debootstrap bookworm from $MIRROR into $BASE"
    debootstrap --variant=minbase --include=make,git bookworm "$BASE" "$MIRROR"
    awk '{ print "deb " $1 " " $2 " main" }' <<<"$SOURCES" \
        >"$BASE/etc/apt/sources.list"
    touch "$BASE/.memvm-base-complete"
fi

rm -rf "$ROOT"
cp -a "$BASE" "$ROOT"
rm -f "$ROOT/.memvm-base-complete"
# Name resolution for apt inside, as the host resolves.
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"

say "cloning $REPO at $SHA into $ROOT/root/memvm"
git clone -q --no-hardlinks "$REPO" "$ROOT/root/memvm"
git -C "$ROOT/root/memvm" checkout -q --detach "$SHA"

# What the tests need from the host, mounted the way a user setting up a
# chroot would.  The chroot's / stays a plain directory, not a mount point
# (as in such a chroot), so tests that want a private mount namespace
# must find out that they cannot have one and skip.
#   /proc     the tests read /proc/self/status, /proc/meminfo and
#             /proc/sys/vm/*; glib and the sanitizers read /proc/self/maps
#   /sys      huge page sizes (/sys/kernel/mm/hugepages), NUMA nodes
#             (libnuma), CPU counts
#   /dev      a tmpfs of its own with copies of the device nodes used
#             (null, zero, full, random, urandom, tty, kvm), never the
#             host's /dev bound in: maintainer scripts and tests inside
#             then cannot remove or replace the host's device nodes
#   /dev/pts  a new devpts instance, for apt's and dpkg's terminals
#   /dev/shm  a tmpfs of its own for the backend files tests create there
mount_in() {
    local target=$ROOT$1
    shift
    mkdir -p "$target"
    mount "$@" "$target"
    MOUNTS+=("$target")
}
mount_in /proc -t proc proc
mount_in /sys -t sysfs sysfs
mount_in /dev -t tmpfs -o mode=0755,size=1M memvm-dev
for node in null zero full random urandom tty kvm; do
    [ -c "/dev/$node" ] || continue
    mknod -m "$(stat -c %a "/dev/$node")" "$ROOT/dev/$node" c \
        "$((0x$(stat -c %t "/dev/$node")))" "$((0x$(stat -c %T "/dev/$node")))"
done
ln -s /proc/self/fd "$ROOT/dev/fd"
ln -s /proc/self/fd/0 "$ROOT/dev/stdin"
ln -s /proc/self/fd/1 "$ROOT/dev/stdout"
ln -s /proc/self/fd/2 "$ROOT/dev/stderr"
mount_in /dev/pts -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts
ln -s pts/ptmx "$ROOT/dev/ptmx"
mount_in /dev/shm -t tmpfs -o mode=1777 memvm-shm

in_root() {
    chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/sh -c "cd /root/memvm && $1"
}

say "chroot: make demo"
set +e
in_root 'make demo'
status=$?
set -e
if [ "$status" -ne 0 ]; then
    say "make demo failed with status $status"
    exit "$status"
fi

say "chroot: make check"
set +e
in_root 'make check' | tee "$ROOT/root/make-check.log"
status=${PIPESTATUS[0]}
set -e
final=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$ROOT/root/make-check.log" |
        tail -n 1)
say "make check exited with status $status"
echo "${final:-make check printed no 'N passed, N failed' line}"
exit "$status"
