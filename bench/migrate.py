#!/usr/bin/env python3
"""Migration of SIZE of random RAM: memvm against QEMU 7.2, and the
cpr-transfer hand-over of the same RAM.

One file on tmpfs (/dev/shm) is filled from /dev/urandom, and both runs
use it as guest RAM: a memory-backend-file with share=on on the source
of `-M none`.  The destination is a memory-backend-ram of the same size.

- precopy: QMP migrate over a unix socket with max-bandwidth raised to
  100 GiB/s, timed from the command to status "completed" on the source.
  memvm runs it with -accel qtest; QEMU 7.2 with -S (neither has a
  vCPU).  The script prints both times, both throughputs and the ratio.
- hand-over: memvm with migrate-set-parameters mode=cpr-transfer.  The
  source's backend is handed over as a descriptor, and the destination
  (a memory-backend-memfd of that size, re-mapped on arrival) is timed
  from the migrate command until it reports "running".

This is a benchmark: it prints numbers and asserts nothing.

Runs alternate (memvm, QEMU, memvm, ...) and the best of --reps is kept:
a destination's first touch of fresh host memory can cost more than the
migration itself on a virtual machine, and it hits whoever runs first.

Usage: bench/migrate.py [--build DIR] [--size 4G] [--reps 2] [--keep-file]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.abspath(__file__))
BANDWIDTH = 100 << 30       # bytes/s: "unlimited" for both
TIMEOUT = 600.0


def parse_size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].isalpha() \
        else int(text)


class QMP:
    def __init__(self, path):
        deadline = time.monotonic() + 60
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self.file = self.sock.makefile('rwb')
        self._read()                    # greeting
        self.command('qmp_capabilities')

    def _read(self):
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError('QMP closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def command(self, name, args=None):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.file.write(json.dumps(msg).encode() + b'\n')
        self.file.flush()
        reply = self._read()
        if 'error' in reply:
            raise RuntimeError('%s: %s' % (name, reply['error']['desc']))
        return reply['return']

    def close(self):
        self.sock.close()


def start(argv, qmp_path):
    p = subprocess.Popen(argv + ['-qmp', 'unix:%s,server=on,wait=off'
                                 % qmp_path, '-display', 'none'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    return p, QMP(qmp_path)


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def wait_status(qmp, want, step=0.001):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        s = qmp.command('query-migrate').get('status')
        if s in want:
            return s
        time.sleep(step)
    return None


def precopy(tmp, name, binary, ram_file, size, extra):
    """Seconds from migrate to completed, or None (with a note)."""
    mig = os.path.join(tmp, name + '.mig')
    size_opt = '%dM' % (size >> 20)
    common = ['-M', 'none,memory-backend=m0', '-m', size_opt] + extra
    src_argv = [binary, '-object', 'memory-backend-file,id=m0,size=%s,'
                'mem-path=%s,share=on' % (size_opt, ram_file)] + common
    dst_argv = [binary, '-object', 'memory-backend-ram,id=m0,size=%s'
                % size_opt] + common + ['-incoming', 'unix:' + mig]
    dst, dst_qmp = start(dst_argv, os.path.join(tmp, name + '-dst.qmp'))
    src, src_qmp = start(src_argv, os.path.join(tmp, name + '-src.qmp'))
    try:
        src_qmp.command('migrate-set-parameters',
                        {'max-bandwidth': BANDWIDTH})
        t0 = time.monotonic()
        src_qmp.command('migrate', {'uri': 'unix:' + mig})
        status = wait_status(src_qmp, ('completed', 'failed'), step=0.01)
        elapsed = time.monotonic() - t0
        info = src_qmp.command('query-migrate')
        if status != 'completed':
            print('  %s: migration %s: %s' % (name, status,
                                                info.get('error-desc')))
            return None
        print('  %-8s %7.2f s  %8.0f MB/s  (total-time %d ms, '
              'transferred %d MiB)' % (name, elapsed,
                                       size / elapsed / 1e6,
                                       info.get('total-time', 0),
                                       info['ram']['transferred'] >> 20))
        return elapsed
    finally:
        src_qmp.close()
        dst_qmp.close()
        stop([src, dst])


def handover(tmp, binary, ram_file, size):
    """Seconds from migrate to the destination running, or None."""
    mig = os.path.join(tmp, 'cpr.mig')
    size_opt = '%dM' % (size >> 20)
    common = ['-M', 'none,memory-backend=m0', '-m', size_opt,
              '-accel', 'qtest']
    src_argv = [binary, '-object', 'memory-backend-file,id=m0,size=%s,'
                'mem-path=%s,share=on' % (size_opt, ram_file)] + common
    dst_argv = [binary, '-object', 'memory-backend-memfd,id=m0,size=%s'
                % size_opt] + common + ['-incoming', 'unix:' + mig]
    dst, dst_qmp = start(dst_argv, os.path.join(tmp, 'cpr-dst.qmp'))
    src, src_qmp = start(src_argv, os.path.join(tmp, 'cpr-src.qmp'))
    try:
        src_qmp.command('migrate-set-parameters',
                        {'mode': 'cpr-transfer', 'max-bandwidth': BANDWIDTH})
        t0 = time.monotonic()
        src_qmp.command('migrate', {'uri': 'unix:' + mig})
        deadline = t0 + TIMEOUT
        while dst_qmp.command('query-status')['status'] != 'running':
            if time.monotonic() > deadline or dst.poll() is not None:
                print('  hand-over: the destination did not start: %s' %
                      dst.stderr.read().decode()[-300:] if dst.poll()
                      is not None else '  hand-over: timed out')
                return None
            time.sleep(0.0005)
        elapsed = time.monotonic() - t0
        wait_status(src_qmp, ('completed', 'failed'))
        info = src_qmp.command('query-migrate')
        print('  hand-over %.3f s to the destination running (source: %s, '
              '%d bytes in the stream)' % (elapsed, info.get('status'),
                                           info['ram']['transferred']))
        return elapsed
    finally:
        src_qmp.close()
        dst_qmp.close()
        stop([src, dst])


def fill_random(path, size):
    t0 = time.monotonic()
    with open('/dev/urandom', 'rb') as r, open(path, 'wb') as w:
        left = size
        while left:
            chunk = r.read(min(left, 16 << 20))
            w.write(chunk)
            left -= len(chunk)
    print('filled %d MiB from /dev/urandom in %.1f s' %
          (size >> 20, time.monotonic() - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default='build')
    ap.add_argument('--size', default='4G', type=parse_size)
    ap.add_argument('--reps', default=2, type=int,
                    help='runs of each, alternating; the best is kept')
    ap.add_argument('--keep-file', action='store_true',
                    help='leave the RAM file in /dev/shm for another run')
    args = ap.parse_args()
    memvm = os.path.abspath(os.path.join(args.build, 'memvm-system-x86_64'))
    qemu = shutil.which('qemu-system-x86_64')
    if not os.path.exists(memvm):
        sys.exit('no %s: build first' % memvm)
    if not os.path.isdir('/dev/shm'):
        sys.exit('no /dev/shm: the RAM file must be on tmpfs')
    ram_file = '/dev/shm/memvm-bench-migrate-%d.ram' % (args.size >> 20)
    tmp = tempfile.mkdtemp(prefix='memvm-bench-')
    try:
        if not (os.path.exists(ram_file) and
                os.path.getsize(ram_file) == args.size):
            fill_random(ram_file, args.size)
        print('precopy of %d MiB of random RAM, unix socket, '
              'max-bandwidth %d GiB/s:' % (args.size >> 20,
                                            BANDWIDTH >> 30))
        # Alternate the two, best of --reps each: a destination's first
        # touch of fresh host memory costs far more than of memory a
        # previous run gave back, so whoever runs first would lose.
        t_memvm = t_qemu = None
        if not qemu:
            print('  QEMU 7.2: qemu-system-x86_64 not installed')
        for _ in range(args.reps):
            t = precopy(tmp, 'memvm', memvm, ram_file, args.size,
                        ['-accel', 'qtest'])
            t_memvm = min(x for x in (t, t_memvm) if x) if t or t_memvm \
                else None
            if qemu:
                t = precopy(tmp, 'QEMU 7.2', qemu, ram_file, args.size,
                            ['-S', '-nodefaults'])
                t_qemu = min(x for x in (t, t_qemu) if x) if t or t_qemu \
                    else None
        if t_memvm and t_qemu:
            print('best of %d: memvm %.2f s, QEMU 7.2 %.2f s' %
                  (args.reps, t_memvm, t_qemu))
            print('ratio: memvm is %.1fx QEMU 7.2 (target 5x)' %
                  (t_qemu / t_memvm))
        handover(tmp, memvm, ram_file, args.size)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep_file and os.path.exists(ram_file):
            os.unlink(ram_file)


main()
