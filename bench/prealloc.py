#!/usr/bin/env python3
"""Preallocation of guest RAM: memvm against QEMU 7.2 and a C baseline.

Three ways to bring SIZE of shared memory into existence, all measured in
this run (best of --reps), each including process start and exit:

  baseline  bench/memset-bench.c: memfd + one memset over it
  memvm     -M none on a memory-backend-memfd of SIZE, prealloc=on (prealloc-threads
            as given), with qtest on stdin so it exits at end of input
  QEMU 7.2  the same command line with QMP "quit" (where installed)

Prints the times and the ratios memvm/baseline and memvm/QEMU.  This is a
benchmark: it asserts nothing.

Usage: bench/prealloc.py [--build DIR] [--size 1G] [--threads 1,2]
                         [--reps 3]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.abspath(__file__))


def parse_size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].isalpha() \
        else int(text)


def best(reps, argv, stdin=b''):
    times = []
    for _ in range(reps):
        start = time.monotonic()
        p = subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        times.append(time.monotonic() - start)
        if p.returncode:
            sys.exit('failed (%d): %s\n%s' % (p.returncode, ' '.join(argv),
                                              p.stderr.decode()))
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--size', default='1G')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--reps', type=int, default=3)
    args = ap.parse_args()
    size = parse_size(args.size)
    memvm = os.path.join(args.build, 'memvm-system-x86_64')

    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        base_bin = os.path.join(tmp, 'memset-bench')
        subprocess.run(['cc', '-O2', '-o', base_bin,
                        os.path.join(SRC, 'memset-bench.c')], check=True)
        t_base = best(args.reps, [base_bin, str(size)])
        print('baseline memfd + memset %s: %.3f s' % (args.size, t_base))
        qemu = shutil.which('qemu-system-x86_64')
        for threads in args.threads.split(','):
            common = ['-M', 'none', '-display', 'none', '-nodefaults',
                      '-object', 'memory-backend-memfd,id=m,size=%d,'
                      'prealloc=on,prealloc-threads=%s' % (size, threads),
                      '-machine', 'memory-backend=m']
            t_memvm = best(args.reps, [memvm, '-qtest', 'stdio'] + common)
            line = ('prealloc-threads=%s: memvm %.3f s (%.2fx baseline)'
                    % (threads, t_memvm, t_memvm / t_base))
            if qemu:
                quit_ = (b'{"execute":"qmp_capabilities"}\n'
                         b'{"execute":"quit"}\n')
                t_qemu = best(args.reps, [qemu, '-accel', 'tcg', '-qmp',
                                          'stdio'] + common, stdin=quit_)
                line += ', QEMU 7.2 %.3f s, memvm/QEMU %.2fx' % (
                    t_qemu, t_memvm / t_qemu)
            else:
                line += ', QEMU 7.2 not installed'
            print(line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
