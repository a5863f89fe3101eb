#!/usr/bin/env python3
"""Preallocation of guest RAM: memvm against QEMU 7.2 and a C baseline.

Three ways to bring SIZE of shared memory into existence, all measured in
this run (median of --reps rounds, each command once per round in turn,
after one warm-up round), each including process start and exit:

  baseline  bench/memset-bench.c: memfd + one memset over it
  memvm     -M none on a memory-backend-memfd of SIZE, prealloc=on (prealloc-threads
            as given), with qtest on stdin so it exits at end of input
  QEMU 7.2  the same command line with QMP "quit" (where installed)

Prints the times and the ratios memvm/baseline and memvm/QEMU.  This is a
benchmark: it asserts nothing.

Usage: bench/prealloc.py [--build DIR] [--size 1G] [--threads 1,2]
                         [--reps 5]
"""
import argparse
import os
import shutil
import subprocess
import tempfile

from bench_timing import medians

SRC = os.path.dirname(os.path.abspath(__file__))


def parse_size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].isalpha() \
        else int(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--size', default='1G')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--reps', type=int, default=5)
    args = ap.parse_args()
    size = parse_size(args.size)
    memvm = os.path.join(args.build, 'memvm-system-x86_64')

    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        base_bin = os.path.join(tmp, 'memset-bench')
        subprocess.run(['cc', '-O2', '-o', base_bin,
                        os.path.join(SRC, 'memset-bench.c')], check=True)
        qemu = shutil.which('qemu-system-x86_64')
        quit_ = (b'{"execute":"qmp_capabilities"}\n'
                 b'{"execute":"quit"}\n')
        threads = args.threads.split(',')
        cmds = {'base': ([base_bin, str(size)], b'')}
        for th in threads:
            common = ['-M', 'none', '-display', 'none', '-nodefaults',
                      '-object', 'memory-backend-memfd,id=m,size=%d,'
                      'prealloc=on,prealloc-threads=%s' % (size, th),
                      '-machine', 'memory-backend=m']
            cmds[('memvm', th)] = ([memvm, '-qtest', 'stdio'] + common, b'')
            if qemu:
                cmds[('qemu', th)] = ([qemu, '-accel', 'tcg', '-qmp',
                                       'stdio'] + common, quit_)
        t = medians(args.reps, cmds)
        t_base = t['base']
        print('median of %d rounds' % args.reps)
        print('baseline memfd + memset %s: %.3f s' % (args.size, t_base))
        for th in threads:
            t_memvm = t[('memvm', th)]
            line = ('prealloc-threads=%s: memvm %.3f s (%.2fx baseline)'
                    % (th, t_memvm, t_memvm / t_base))
            if qemu:
                t_qemu = t[('qemu', th)]
                line += (', QEMU 7.2 %.3f s (%.2fx baseline), memvm/QEMU '
                         '%.2fx' % (t_qemu, t_qemu / t_base,
                                    t_memvm / t_qemu))
            else:
                line += ', QEMU 7.2 not installed'
            print(line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
