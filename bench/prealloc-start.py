#!/usr/bin/env python3
"""Start -> ready with preallocated guest RAM, and start-up with no RAM:
memvm against QEMU 7.2 and the C populate baseline, in the same run.

Cases (each whole-process: start, preallocate, answer, exit; best of
--reps):
  4 GiB ram backend, prealloc-threads=1 and =2
  four 1 GiB ram backends (prealloc-threads=1 each, and memvm's default)
  -M pc -m 4G -mem-prealloc
  baseline: bench/populate-bench.c, MADV_POPULATE_WRITE with THP on the
            same size and thread count
  no RAM (-M none): start to QMP ready and quit, and memvm's peak RSS

Prints times and ratios (memvm/baseline, memvm/QEMU).  Asserts nothing.

Usage: bench/prealloc-start.py [--build DIR] [--reps 3]
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.abspath(__file__))
QUIT = b'{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'


def run_once(argv, stdin):
    start = time.monotonic()
    p = subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    took = time.monotonic() - start
    if p.returncode:
        sys.exit('failed (%d): %s\n%s' % (p.returncode, ' '.join(argv),
                                          p.stderr.decode()))
    return took


def best(reps, argv, stdin=b''):
    return min(run_once(argv, stdin) for _ in range(reps))


def peak_rss_kib(argv, stdin):
    """Peak RSS of one run of @argv, from wait4's rusage."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.stdin.write(stdin)
    p.stdin.close()
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--reps', type=int, default=3)
    args = ap.parse_args()
    memvm = os.path.join(args.build, 'memvm-system-x86_64')
    qemu = shutil.which('qemu-system-x86_64')
    gib = 1 << 30
    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        pop = os.path.join(tmp, 'populate-bench')
        subprocess.run(['cc', '-O2', '-pthread', '-o', pop,
                        os.path.join(SRC, 'populate-bench.c')], check=True)
        base = {n: best(args.reps, [pop, str(4 * gib), str(n)])
                for n in (1, 2)}
        for n in (1, 2):
            print('baseline populate 4 GiB, %d thread(s): %.3f s'
                  % (n, base[n]))
        # memvm's own start-up (no RAM), for the 1.1x target.
        m_none = ['-M', 'none', '-display', 'none', '-nodefaults']
        t_start = best(args.reps, [memvm, '-qmp', 'stdio'] + m_none, QUIT)

        def one(th):
            return ['-object', 'memory-backend-ram,id=m,size=4G,'
                    'prealloc=on,prealloc-threads=%d' % th]

        def four(th):
            out = []
            for i in range(4):
                out += ['-object', 'memory-backend-ram,id=m%d,size=1G,'
                        'prealloc=on%s' % (i, ',prealloc-threads=%d' % th
                                           if th else '')]
            return out

        cases = [('4 GiB, prealloc-threads=1', m_none + one(1), 1),
                 ('4 GiB, prealloc-threads=2', m_none + one(2), 2),
                 ('4 x 1 GiB, prealloc-threads=1', m_none + four(1), 1),
                 ('4 x 1 GiB, memvm default threads', m_none + four(0), 2),
                 ('-M pc -m 4G -mem-prealloc',
                  ['-M', 'pc', '-display', 'none', '-nodefaults', '-m', '4G',
                   '-mem-prealloc'], 1)]
        for name, argv, th in cases:
            t_m = best(args.reps, [memvm, '-qmp', 'stdio'] + argv, QUIT)
            line = ('%-34s memvm %.3f s, %.2fx baseline(%d thr), '
                    '%.2fx (baseline + memvm start-up)'
                    % (name, t_m, t_m / base[th], th,
                       t_m / (base[th] + t_start)))
            if qemu and 'default' not in name:
                t_q = best(args.reps, [qemu, '-accel', 'tcg', '-qmp',
                                       'stdio'] + argv, QUIT)
                line += ', QEMU 7.2 %.3f s, memvm/QEMU %.2fx' % (
                    t_q, t_m / t_q)
            print(line)
        # No RAM: start to QMP ready and quit.
        line = 'no RAM (-M none) to QMP ready: memvm %.3f s' % t_start
        if qemu:
            t_q = best(args.reps, [qemu, '-accel', 'tcg', '-qmp', 'stdio'] +
                       m_none, QUIT)
            line += ', QEMU 7.2 %.3f s, memvm/QEMU %.2fx' % (t_q,
                                                            t_start / t_q)
        print(line)
        for board in ('none', 'pc'):
            argv = ['-M', board, '-display', 'none', '-nodefaults']
            rss = peak_rss_kib([memvm, '-qmp', 'stdio'] + argv, QUIT)
            line = 'peak RSS -M %s: memvm %d KiB' % (board, rss)
            if qemu:
                q = peak_rss_kib([qemu, '-accel', 'tcg', '-qmp', 'stdio'] +
                                 argv, QUIT)
                line += ', QEMU 7.2 %d KiB' % q
            print(line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
