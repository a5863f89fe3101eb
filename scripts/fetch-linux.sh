#!/usr/bin/env bash
# Fetch Debian bookworm's arm64 kernel and busybox-static through apt and
# build what tests/linux and make demo boot:
#   $OUT/Image    the kernel, decompressed from the package's vmlinuz
#   $OUT/initrd   a gzip'd newc cpio: busybox and an /init script
# $OUT defaults to build/linux.  Nothing is downloaded except through
# apt-get (the arm64 architecture is added to dpkg if missing).  Exits 0
# with a message and no files if the packages cannot be had.
set -euo pipefail

OUT=${1:-build/linux}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/deb"
OUT=$(cd "$OUT" && pwd)

if [ -s "$OUT/Image" ] && [ -s "$OUT/initrd" ] &&
   [ "$OUT/initrd" -nt "$HERE/linux-init.sh" ]; then
    exit 0
fi

apt_locked() {
    flock /tmp/memvm-apt.lock "$@"
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "fetch-linux: dpkg has no arm64 architecture; run as root" >&2
        exit 0
    fi
    apt_locked dpkg --add-architecture arm64
    apt_locked apt-get update -qq
fi

# The versioned kernel package that linux-image-arm64 depends on.
kpkg() {
    apt-cache depends linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-arm64\).*/\1/p' |
        head -n 1
}
KPKG=$(kpkg)
if [ -z "$KPKG" ] && [ "$(id -u)" -eq 0 ]; then
    apt_locked apt-get update -qq
    KPKG=$(kpkg)
fi
if [ -z "$KPKG" ]; then
    echo "fetch-linux: apt knows no linux-image-arm64:arm64" >&2
    exit 0
fi
KPKG=${KPKG%:arm64}

cd "$OUT/deb"
if ! ls "${KPKG}"_*_arm64.deb >/dev/null 2>&1 ||
   ! ls busybox-static_*_arm64.deb >/dev/null 2>&1; then
    if ! apt_locked apt-get download -qq "$KPKG:arm64" busybox-static:arm64; then
        echo "fetch-linux: apt-get download failed" >&2
        exit 0
    fi
fi

rm -rf "$OUT/kpkg" "$OUT/bbpkg" "$OUT/root"
dpkg-deb -x "$(ls "${KPKG}"_*_arm64.deb | head -n 1)" "$OUT/kpkg"
dpkg-deb -x "$(ls busybox-static_*_arm64.deb | head -n 1)" "$OUT/bbpkg"

# Debian's arm64 vmlinuz is a gzip'd Image; memvm and QEMU load either.
VMLINUZ=$(ls "$OUT"/kpkg/boot/vmlinuz-* | head -n 1)
if gzip -t "$VMLINUZ" 2>/dev/null; then
    gzip -dc "$VMLINUZ" > "$OUT/Image.tmp"
else
    cp "$VMLINUZ" "$OUT/Image.tmp"
fi
mv "$OUT/Image.tmp" "$OUT/Image"

mkdir -p "$OUT/root/bin" "$OUT/root/proc" "$OUT/root/sys" "$OUT/root/dev"
cp "$OUT/bbpkg/bin/busybox" "$OUT/root/bin/busybox"
install -m 755 "$HERE/linux-init.sh" "$OUT/root/init"
python3 "$HERE/mkcpio.py" "$OUT/root" | gzip -9 > "$OUT/initrd.tmp"
mv "$OUT/initrd.tmp" "$OUT/initrd"
rm -rf "$OUT/kpkg" "$OUT/bbpkg"
echo "fetch-linux: $OUT/Image and $OUT/initrd from $KPKG"
