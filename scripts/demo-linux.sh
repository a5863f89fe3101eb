#!/usr/bin/env bash
# make demo, first part: Debian's arm64 Linux on memvm's virt board, on
# RAM from two memory backends (a memfd and a file) as two NUMA nodes.
# The kernel and busybox come from scripts/fetch-linux.sh (apt).
set -euo pipefail
BUILD=${1:-build}
BIN="$BUILD/memvm-system-aarch64"
LINUX=${MEMVM_LINUX_DIR:-$BUILD/linux}

if [ ! -s "$LINUX/Image" ] || [ ! -s "$LINUX/initrd" ]; then
    bash "$(dirname "$0")/fetch-linux.sh" "$LINUX"
fi
if [ ! -s "$LINUX/Image" ]; then
    echo "== memvm demo: no Debian arm64 kernel (apt could not fetch it); skipping Linux =="
    exit 0
fi

FILE=$(mktemp /tmp/memvm-demo-node1.XXXXXX)
trap 'rm -f "$FILE"' EXIT
ARGS=(-M virt -cpu cortex-a57 -m 1G -nographic -no-reboot
      -object memory-backend-memfd,id=n0,size=512M
      -object "memory-backend-file,id=n1,size=512M,mem-path=$FILE"
      -numa node,memdev=n0 -numa node,memdev=n1
      -kernel "$LINUX/Image" -initrd "$LINUX/initrd"
      -append "console=ttyAMA0 panic=-1")
echo "== memvm demo: Linux on backend RAM, two NUMA nodes =="
echo "\$ $BIN ${ARGS[*]}"
timeout 600 "$BIN" "${ARGS[@]}" </dev/null
echo
