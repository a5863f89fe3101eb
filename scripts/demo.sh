#!/usr/bin/env bash
# make demo: boot Debian's arm64 Linux on backend RAM (demo-linux.sh), the
# bundled guests (demo-guest.sh), then
# write and read guest RAM over qtest and show that the bytes live in the
# backend's memory.
set -euo pipefail
BUILD=${1:-build}
BIN="$BUILD/memvm-system-x86_64"

# The main job: Linux, then the bundled guests, booting in backend RAM.
bash "$(dirname "$0")/demo-linux.sh" "$BUILD"
bash "$(dirname "$0")/demo-guest.sh" "$BUILD"

echo "== memvm demo: guest RAM from a host memory backend, over qtest =="
echo
echo "\$ $BIN -object memory-backend-ram,help"
"$BIN" -object memory-backend-ram,help
echo

SHM=$(mktemp /dev/shm/memvm-demo.XXXXXX)
trap 'rm -f "$SHM"' EXIT
ARGS=(-M none -display none -nodefaults
      -object "memory-backend-file,id=ram0,size=256M,mem-path=$SHM,share=on,prealloc=on"
      -machine memory-backend=ram0)
echo "\$ $BIN ${ARGS[*]} -qtest stdio"
CMDS='writel 0x1000 0xdeadbeef
readl 0x1000
write 0xffffff0 16 0x6d656d766d206261636b656e64210a00
read 0xffffff0 16
memset 0x200000 4096 0x5a
readq 0x200ff8'
echo "$CMDS" | sed 's/^/  send:  /'
echo "$CMDS" | "$BIN" "${ARGS[@]}" -qtest stdio | sed 's/^/  reply: /'
echo
echo "The same bytes, read from the backend's file $SHM:"
python3 - "$SHM" <<'PY'
import sys
with open(sys.argv[1], 'rb') as f:
    f.seek(0x1000); v = f.read(4)
    print('  offset 0x1000:     %s (little-endian 0x%08x)' % (v.hex(), int.from_bytes(v, 'little')))
    f.seek(0xffffff0); print('  offset 0xffffff0:  %r' % f.read(15))
    f.seek(0x200000); print('  offset 0x200000:   %s...' % f.read(8).hex())
PY
echo
echo "memvm wrote into the backend's pages directly: one host memory, no copy."
