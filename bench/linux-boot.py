#!/usr/bin/env python3
"""Linux boot time on Arm virt: memvm (accel tcg) against QEMU 7.2 TCG.

Both boot Debian's arm64 kernel with the busybox initramfs of
scripts/fetch-linux.sh (-M virt -cpu cortex-a57 -m 1G -append
console=ttyAMA0), and the time from start to the initramfs's first line
("memvm-init: started") is taken from the serial output; the run ends
when the guest powers off.  Both are measured in this run, alternately;
the best of --reps is kept and the ratio printed.  Prints numbers,
asserts nothing.

Usage: bench/linux-boot.py [--build DIR] [--linux DIR] [--reps N]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

SRC = os.path.dirname(os.path.abspath(__file__))
FIRST_LINE = b'memvm-init: started'


def boot_seconds(argv, timeout=300):
    """(seconds to the init's first line, seconds to power-off) or None."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    buf = b''
    try:
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            buf = (buf + chunk)[-4096:]
            if first is None and FIRST_LINE in buf:
                first = time.monotonic() - start
            if time.monotonic() - start > timeout:
                p.kill()
                return None
    finally:
        p.wait()
    if first is None or p.returncode != 0:
        return None
    return first, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', default='build')
    ap.add_argument('--linux', default=None,
                    help='directory with Image and initrd (default '
                    'BUILD/linux)')
    ap.add_argument('--reps', type=int, default=3)
    args = ap.parse_args()
    linux = args.linux or os.path.join(args.build, 'linux')
    image = os.path.join(linux, 'Image')
    initrd = os.path.join(linux, 'initrd')
    if not (os.path.exists(image) and os.path.exists(initrd)):
        print('linux-boot: no kernel in %s (run scripts/fetch-linux.sh)'
              % linux)
        return 0
    common = ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '1G',
              '-nographic', '-no-reboot', '-kernel', image, '-initrd',
              initrd, '-append', 'console=ttyAMA0 panic=-1']
    sides = [('memvm', [os.path.join(args.build, 'memvm-system-aarch64')])]
    qemu = shutil.which('qemu-system-aarch64')
    if qemu:
        sides.append(('QEMU 7.2 TCG', [qemu, '-accel', 'tcg']))
    best = {}
    for _ in range(args.reps):
        for name, cmd in sides:
            r = boot_seconds(cmd + common)
            if r and (name not in best or r[0] < best[name][0]):
                best[name] = r
    print('Linux 6.1 (Debian arm64) on -M virt -m 1G, best of %d:'
          % args.reps)
    for name, _ in sides:
        if name in best:
            print('  %-13s init after %6.2f s, powered off after %6.2f s'
                  % (name, best[name][0], best[name][1]))
        else:
            print('  %-13s did not boot' % name)
    if 'memvm' in best and 'QEMU 7.2 TCG' in best:
        print('  ratio memvm / QEMU, start to init: %.2f'
              % (best['memvm'][0] / best['QEMU 7.2 TCG'][0]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
