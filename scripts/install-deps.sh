#!/usr/bin/env bash
# Install the Debian packages memvm needs to build and test.
# Runs `apt-get update` only when something is actually missing, so a
# machine that already has everything does no network work at all.
set -euo pipefail

PKGS=(
    build-essential meson ninja-build pkg-config
    libglib2.0-dev libjson-glib-dev libfdt-dev libnuma-dev zlib1g-dev
    libunicorn-dev libelf-dev device-tree-compiler python3
    clang-14 libclang-rt-14-dev
    binutils-aarch64-linux-gnu binutils-riscv64-linux-gnu
    binutils-x86-64-linux-gnu
    qemu-system-x86 qemu-system-arm qemu-system-misc
    qemu-system-mips qemu-system-ppc qemu-system-sparc
    # man pages (rst2man), Debian packaging, libvirt compatibility test
    python3-docutils man-db
    debhelper dpkg-dev lintian fakeroot
    libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# Debian's arm64 kernel and busybox for tests/linux and make demo, when
# everything else is in place (scripts/fetch-linux.sh; apt only).
fetch_linux() {
    bash "$(dirname "$0")/fetch-linux.sh" "${MEMVM_LINUX_DIR:-build/linux}"
}

if [ ${#missing[@]} -eq 0 ]; then
    fetch_linux
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root (or install them) and try again" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
flock /tmp/memvm-apt.lock apt-get update -qq
flock /tmp/memvm-apt.lock apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fetch_linux
