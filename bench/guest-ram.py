#!/usr/bin/env python3
"""Guest store throughput over all guest RAM, against a host memset.

For each architecture, the bundled "fill" guest (tests/guest/) stores a
word to every 8 bytes of guest RAM (all of it but its own image) and
powers off; the "empty" guest of the same build starts and powers off at
once.  The difference of their wall times is the store loop.  memvm runs
them under accel tcg (libunicorn) with a memfd backend; QEMU 7.2 TCG runs
the same images with the same backend where qemu-system-<arch> is
installed (x86_64 has no QEMU counterpart: the guest uses memvm's own
boot protocol).  The host reference is memset() over a fresh memfd of the
same size, built and run here; both sides include first touch of the
pages.

Every figure is measured in this run; the best of --reps runs is kept.
This is a benchmark: it prints numbers and asserts nothing about them.

Usage: bench/guest-ram.py [--build DIR] [--size SIZE] [--reps N]
                          [--arch aarch64,riscv64,x86_64]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.abspath(__file__))

# arch: (memvm board, QEMU command line prefix or None)
ARCHES = {
    'aarch64': ('virt', ['qemu-system-aarch64', '-M', 'virt',
                         '-cpu', 'cortex-a57']),
    'riscv64': ('virt', ['qemu-system-riscv64', '-M', 'virt',
                         '-bios', 'none']),
    'x86_64': ('pc', None),
}


def parse_size(text):
    m = re.fullmatch(r'(\d+)([KMGT]?)', text.upper())
    if not m:
        raise argparse.ArgumentTypeError('bad size %r' % text)
    return int(m.group(1)) << (10 * ' KMGT'.index(m.group(2) or ' '))


def human(size):
    for unit in ('GiB', 'MiB', 'KiB'):
        shift = {'GiB': 30, 'MiB': 20, 'KiB': 10}[unit]
        if size >= 1 << shift and size % (1 << shift) == 0:
            return '%d %s' % (size >> shift, unit)
    return '%d B' % size


def timed_run(argv, serial, want):
    """Wall time of one run; None (with a note) if it did not end well."""
    start = time.monotonic()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=600)
    elapsed = time.monotonic() - start
    with open(serial, errors='replace') as f:
        text = f.read()
    if want not in text:
        sys.stderr.write('guest-ram: %s: no %r in the output (status %d)\n'
                         '%s%s' % (argv[0], want, p.returncode, text,
                                   p.stderr.decode(errors='replace')))
        return None
    return elapsed


def best_of(reps, argv, serial, want):
    times = [timed_run(argv, serial, want) for _ in range(reps)]
    return None if None in times else min(times)


def store_seconds(prefix, size, images, tmp, reps):
    """Seconds of the store loop: fill run minus empty run."""
    serial = os.path.join(tmp, 'serial.txt')
    common = prefix + [
        '-m', str(size // (1 << 20)) + 'M',
        '-object', 'memory-backend-memfd,id=ram0,size=%d' % size,
        '-machine', 'memory-backend=ram0',
        '-display', 'none', '-serial', 'file:' + serial]
    fill = best_of(reps, common + ['-kernel', images['fill']], serial,
                   'filled')
    empty = best_of(reps, common + ['-kernel', images['empty']], serial,
                    'image ')
    if fill is None or empty is None:
        return None, None, None
    return fill - empty, fill, empty


def qemu_version(cmd):
    try:
        out = subprocess.run([cmd, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=30).stdout
    except OSError:
        return None
    m = re.search(rb'version (\d+\.\d+(\.\d+)?)', out)
    return m.group(1).decode() if m else None


def host_memset(size, tmp):
    exe = os.path.join(tmp, 'memset-bench')
    subprocess.run(['cc', '-O2', '-o', exe,
                    os.path.join(SRC, 'memset-bench.c')], check=True)
    out = subprocess.run([exe, str(size)], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    values = dict(line.split() for line in out.splitlines())
    return float(values['first-touch']), float(values['touched'])


def describe(size, seconds, memset_seconds):
    if not seconds:
        return 'failed'
    return ('%.2f s, %.3f GB/s, %.1f ns per 8-byte store, %.4fx memset'
            % (seconds, rate(size, seconds), seconds / (size / 8) * 1e9,
               rate(size, seconds) / rate(size, memset_seconds)))


def rate(size, seconds):
    return size / seconds / 1e9 if seconds and seconds > 0 else float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', default='build')
    ap.add_argument('--size', type=parse_size, default=1 << 30)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--arch', default=','.join(ARCHES))
    args = ap.parse_args()
    guest_dir = os.path.join(args.build, 'tests', 'guest')
    size = args.size
    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        first, touched = host_memset(size, tmp)
        print('guest-ram: 8-byte store loop over all of %s of guest RAM '
              '(memfd backend), best of %d' % (human(size), args.reps))
        print('host memset over a fresh %s memfd: %.3f s (%.2f GB/s); '
              'again once touched: %.3f s (%.2f GB/s)'
              % (human(size), first, rate(size, first), touched,
                 rate(size, touched)))
        print('ratios: guest GB/s over host first-touch memset GB/s (both '
              'include first touch); memvm/QEMU is memvm GB/s over QEMU GB/s')
        print()
        for arch in args.arch.split(','):
            board, qemu = ARCHES[arch]
            images = {v: os.path.join(guest_dir, '%s-%s.elf' % (arch, v))
                      for v in ('fill', 'empty')}
            memvm = os.path.join(args.build, 'memvm-system-' + arch)
            if not all(os.path.exists(p) for p in
                       list(images.values()) + [memvm]):
                print('%s %s: not built' % (arch, board))
                continue
            m_store, _, _ = store_seconds([memvm, '-M', board], size, images,
                                          tmp, args.reps)
            print('%s %s: memvm (tcg, unicorn): %s'
                  % (arch, board, describe(size, m_store, first)))
            if qemu is None:
                print('%s %s: QEMU: n/a (the guest uses memvm\'s boot '
                      'protocol)' % (arch, board))
            elif not shutil.which(qemu[0]):
                print('%s %s: QEMU: %s not installed' % (arch, board,
                                                         qemu[0]))
            else:
                q_store, _, _ = store_seconds(qemu, size, images, tmp,
                                              args.reps)
                print('%s %s: QEMU %s TCG: %s'
                      % (arch, board, qemu_version(qemu[0]),
                         describe(size, q_store, first)))
                if m_store and q_store:
                    print('%s %s: memvm/QEMU: %.3fx'
                          % (arch, board, q_store / m_store))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
