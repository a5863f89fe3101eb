#!/usr/bin/env bash
# Part of `make demo`: boot two bundled bare-metal guests (tests/guest/)
# under accel tcg and show what they print.  Usage: demo-guest.sh [BUILD]
#   1. aarch64 on "virt" with 1 GiB of RAM from a memfd backend;
#   2. x86_64 on "pc" with -m 4G: RAM below and above 4 GiB.
# Each guest prints the RAM map it was given, writes every page, reads
# it back and ends through its board's exit device.
set -euo pipefail
BUILD=${1:-build}
GUESTS="$BUILD/tests/guest"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The guest's UART goes to a file that is shown once the guest is done.
run_guest() {
    local bin=$1 want=$2
    shift 2
    echo "\$ $(basename "$bin") $*"
    local status=0
    "$bin" "$@" -display none -serial "file:$TMP/serial" || status=$?
    sed 's/^/  guest: /' "$TMP/serial"
    echo "  memvm exit status: $status (expected $want)"
    echo
}

echo "== memvm demo: bare-metal guests on backend RAM (accel tcg) =="
echo

if [ -e "$GUESTS/aarch64-ram.elf" ]; then
    run_guest "$BUILD/memvm-system-aarch64" 0 \
        -M virt -m 1G \
        -object memory-backend-memfd,id=ram0,size=1G \
        -machine memory-backend=ram0 \
        -kernel "$GUESTS/aarch64-ram.elf"
    echo "The aarch64 guest found its 1 GiB at 0x40000000 in the device tree;"
    echo "its stores went into the memfd's pages (unicorn maps them directly)."
    echo "It powered off with PSCI SYSTEM_OFF: exit status 0."
    echo
else
    echo "(no aarch64 guest: aarch64-linux-gnu binutils not installed)"
    echo
fi

if [ -e "$GUESTS/x86_64-ram.elf" ]; then
    run_guest "$BUILD/memvm-system-x86_64" 0 \
        -M pc -m 4G -no-reboot -kernel "$GUESTS/x86_64-ram.elf"
    echo "The x86_64 guest got memvm's boot table: RAM below 3 GiB (minus the"
    echo "PC's ROM holes) and 1 GiB above 4 GiB, all from one backend."
    echo "It ended with a reset through port 0xcf9; with -no-reboot memvm"
    echo "then exits with status 0."
else
    echo "(no x86_64 guest: not an x86_64 host)"
fi
