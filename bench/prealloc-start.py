#!/usr/bin/env python3
"""Start -> ready with preallocated guest RAM, and start-up with no RAM:
memvm against QEMU 7.2 and the C populate baseline, in the same run.

Cases (each whole-process: start, preallocate, answer QMP, quit):
  4 GiB ram backend, prealloc-threads=1 and =2
  four 1 GiB ram backends, prealloc-threads=1 and =2 each, and memvm's
  default thread count
  -M pc -m 4G -mem-prealloc
  baseline: bench/populate-bench.c, MADV_POPULATE_WRITE with THP on the
            same size and thread count (what no emulator can beat)
  no RAM (-M none, -M pc): start to QMP ready and quit; peak RSS

The machine is shared, so every round runs each command once, in turn
(noise hits all of them alike), and the median of --reps rounds (after
one warm-up round) is reported.  Prints the times, every ratio (memvm/baseline, memvm/(baseline
+ memvm start-up), memvm/QEMU) and the issue-16 targets each is held to.
Asserts nothing.

Usage: bench/prealloc-start.py [--build DIR] [--reps 5] [--quick]
"""
import argparse
import os
import shutil
import subprocess
import tempfile

from bench_timing import medians

SRC = os.path.dirname(os.path.abspath(__file__))
QUIT = b'{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'
GIB = 1 << 30
# Issue 16's targets (checked here, in the benchmark, never in tests).
TARGET_PREALLOC = 1.1     # memvm / (baseline + memvm's own start-up)
TARGET_FOUR = 0.6         # four backends: memvm / QEMU, same threads
TARGET_START = 0.25       # no RAM, start to QMP ready: memvm / QEMU
TARGET_RSS_KIB = 8 * 1024


def peak_rss_kib(argv):
    """VmHWM of @argv once QMP answered, just before quit.  (wait4's
    ru_maxrss would also count the Python process that forked it.)"""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    p.stdout.readline()                     # the greeting
    p.stdin.write(b'{"execute":"qmp_capabilities"}\n')
    p.stdin.flush()
    p.stdout.readline()
    hwm = None
    with open('/proc/%d/status' % p.pid) as f:
        for line in f:
            if line.startswith('VmHWM:'):
                hwm = int(line.split()[1])
    p.stdin.write(b'{"execute":"quit"}\n')
    p.stdin.close()
    p.wait()
    return hwm


def verdict(value, target, unit='x'):
    return '%s <= %g%s: %s' % ('target', target, unit,
                               'met' if value <= target else 'NOT met')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--quick', action='store_true',
                    help='only the no-RAM start-up and RSS figures')
    args = ap.parse_args()
    memvm = os.path.join(args.build, 'memvm-system-x86_64')
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        print('QEMU 7.2 (qemu-system-x86_64) not installed: no memvm/QEMU '
              'ratios')
    m_none = ['-M', 'none', '-display', 'none', '-nodefaults']
    m_pc = ['-M', 'pc', '-display', 'none', '-nodefaults']

    def memvm_cmd(argv):
        return ([memvm, '-qmp', 'stdio'] + argv, QUIT)

    def qemu_cmd(argv):
        return ([qemu, '-accel', 'tcg', '-qmp', 'stdio'] + argv, QUIT)

    # No RAM: start to QMP ready and quit.  Short runs: more rounds.
    start_cmds = {('memvm', 'none'): memvm_cmd(m_none),
                  ('memvm', 'pc'): memvm_cmd(m_pc)}
    if qemu:
        start_cmds[('qemu', 'none')] = qemu_cmd(m_none)
        start_cmds[('qemu', 'pc')] = qemu_cmd(m_pc)
    st = medians(max(args.reps, 21), start_cmds)
    t_start = st[('memvm', 'none')]
    print('== start-up to QMP ready and quit, no RAM (median of %d) =='
          % max(args.reps, 21))
    for board in ('none', 'pc'):
        line = '-M %-4s memvm %6.1f ms' % (board, st[('memvm', board)] * 1e3)
        if qemu:
            r = st[('memvm', board)] / st[('qemu', board)]
            line += ', QEMU 7.2 %6.1f ms, memvm/QEMU %.2fx (%s)' % (
                st[('qemu', board)] * 1e3, r, verdict(r, TARGET_START))
        print(line)
    print('== peak RSS at QMP ready (VmHWM) ==')
    for board, argv in (('none', m_none), ('pc', m_pc)):
        rss = peak_rss_kib([memvm, '-qmp', 'stdio'] + argv)
        line = '-M %-4s memvm %6d KiB (%s)' % (
            board, rss, verdict(rss / 1024, TARGET_RSS_KIB / 1024, ' MiB'))
        if qemu:
            q = peak_rss_kib([qemu, '-accel', 'tcg', '-qmp', 'stdio'] + argv)
            line += ', QEMU 7.2 %6d KiB, memvm/QEMU %.2fx' % (q, rss / q)
        print(line)
    if args.quick:
        return

    def one(th):
        return ['-object', 'memory-backend-ram,id=m,size=4G,prealloc=on,'
                'prealloc-threads=%d' % th]

    def four(th):
        out = []
        for i in range(4):
            out += ['-object', 'memory-backend-ram,id=m%d,size=1G,'
                    'prealloc=on%s' % (i, ',prealloc-threads=%d' % th
                                       if th else '')]
        return out

    # (name, memvm argv, baseline threads, QEMU too, the 0.6x target)
    cases = [('4 GiB, prealloc-threads=1', m_none + one(1), 1, True, False),
             ('4 GiB, prealloc-threads=2', m_none + one(2), 2, True, False),
             ('4 x 1 GiB, prealloc-threads=1', m_none + four(1), 1, True,
              True),
             ('4 x 1 GiB, prealloc-threads=2', m_none + four(2), 2, True,
              True),
             ('4 x 1 GiB, memvm default threads', m_none + four(0), 2,
              False, False),
             ('-M pc -m 4G -mem-prealloc', m_pc + ['-m', '4G',
                                                   '-mem-prealloc'], 1,
              True, False)]
    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        pop = os.path.join(tmp, 'populate-bench')
        subprocess.run(['cc', '-O2', '-pthread', '-o', pop,
                        os.path.join(SRC, 'populate-bench.c')], check=True)
        cmds = {('base', n): ([pop, str(4 * GIB), str(n)], b'')
                for n in (1, 2)}
        cmds[('memvm', 'start')] = memvm_cmd(m_none)
        for name, argv, _, with_qemu, _ in cases:
            cmds[('memvm', name)] = memvm_cmd(argv)
            if qemu and with_qemu:
                cmds[('qemu', name)] = qemu_cmd(argv)
        t = medians(args.reps, cmds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t_start = t[('memvm', 'start')]
    print('== 4 GiB preallocated, start to QMP ready and quit (median of '
          '%d) ==' % args.reps)
    for n in (1, 2):
        print('baseline populate 4 GiB, %d thread(s): %.3f s'
              % (n, t[('base', n)]))
    print('memvm start-up, no RAM: %.1f ms' % (t_start * 1e3))
    for name, _, th, with_qemu, four_target in cases:
        t_m = t[('memvm', name)]
        base = t[('base', th)]
        r_own = t_m / (base + t_start)
        print('%-34s memvm %.3f s: %.2fx baseline(%d thr), %.2fx '
              '(baseline + memvm start-up; %s)'
              % (name, t_m, t_m / base, th, r_own,
                 verdict(r_own, TARGET_PREALLOC)))
        if qemu and with_qemu:
            t_q = t[('qemu', name)]
            line = ('%-34s QEMU 7.2 %.3f s: %.2fx baseline, memvm/QEMU '
                    '%.2fx' % ('', t_q, t_q / base, t_m / t_q))
            if four_target:
                line += ' (%s)' % verdict(t_m / t_q, TARGET_FOUR)
            print(line)


if __name__ == '__main__':
    main()
