#!/usr/bin/env python3
"""Live migration of a running guest over a unix socket (accel tcg).

The "live" guest (tests/guest/README.md) stores (address ^ pattern) +
round into every RAM page, round after round, printing every 16th round,
until it reads 'q' on its UART.  Before each store it checks that the
page holds the previous round's word: a page whose stores the source's
dirty tracking missed arrives with an older round's word, and the guest
counts it as stale.  At the end it prints the stale count and the sum,
and PASS only if nothing was stale and each page holds the last word.

For each architecture with a live guest: the source runs it and prints;
QMP migrate sends it to a destination started with -incoming while it
keeps running; the destination continues it (its rounds go on from where
the source's stopped) and, told 'q', ends with PASS and the checksum
computed here from the rounds, the RAM map and the image range it printed.
"""
import os
import re
import socket
import tempfile
import time

from memvm import Tap, VM

BUILD = os.environ.get('MEMVM_BUILD_DIR', 'build')
GUEST_DIR = os.path.join(BUILD, 'tests', 'guest')
PAGE = 4096
PATTERN = 0x5aa5c33c0ff0e11e
MASK64 = (1 << 64) - 1
# Only a hang fails (no timing asserts): generous for a loaded machine.
WAIT = 120.0

# (arch, machine, RAM in MiB, guest, extra arguments)
CASES = [
    ('x86_64', 'pc', 64, 'x86_64-live.elf', ['-no-reboot']),
    ('aarch64', 'virt', 64, 'aarch64-live.elf', []),
    ('riscv64', 'virt', 64, 'riscv64-live.elf', []),
]


def wait_for(pred, timeout=WAIT, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return None


class Serial:
    """The destination's UART: a chardev socket we read and write."""

    def __init__(self, path):
        self.sock = None
        self.path = path
        self.data = b''

    def connect(self):
        def attempt():
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.path)
                return s
            except OSError:
                return None
        self.sock = wait_for(attempt, timeout=30)
        if self.sock:
            self.sock.setblocking(False)
        return self.sock is not None

    def text(self):
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.data += chunk
        except BlockingIOError:
            pass
        except OSError:
            pass
        return self.data.decode('ascii', 'replace')

    def send(self, data):
        self.sock.setblocking(True)
        self.sock.sendall(data)
        self.sock.setblocking(False)

    def close(self):
        if self.sock:
            self.sock.close()


def read_file(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('ascii', 'replace')
    except OSError:
        return ''


def rounds_in(text):
    return [int(x, 16) for x in re.findall(r'^round (0x[0-9a-f]+)$', text,
                                           re.M)]


def expected_checksum(text, rounds):
    """Sum of (address ^ pattern) + rounds over the pages it stores to."""
    img = re.search(r'^image (0x[0-9a-f]+) (0x[0-9a-f]+)$', text, re.M)
    lo, hi = int(img.group(1), 16), int(img.group(2), 16)
    total = 0
    for base, size in re.findall(r'^ram (0x[0-9a-f]+) (0x[0-9a-f]+)', text,
                                 re.M):
        base, size = int(base, 16), int(size, 16)
        for a in range(base, base + size, PAGE):
            if a < lo or a >= hi:
                total += (a ^ PATTERN) + rounds
    return total & MASK64


def run_case(t, arch, machine, mib, guest, extra):
    what = '%s %s' % (arch, machine)
    image = os.path.join(GUEST_DIR, guest)
    if not os.path.exists(image):
        t.skip(what + ': live migration', 'no %s (its binutils are '
               'missing)' % guest)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-live-')
    src_out = os.path.join(tmp, 'src-serial.txt')
    mig = os.path.join(tmp, 'mig.sock')
    dst_uart = os.path.join(tmp, 'dst-uart.sock')
    common = ['-M', machine, '-m', '%dM' % mib, '-kernel', image] + extra
    serial = Serial(dst_uart)
    with VM(common + ['-serial', 'file:' + src_out], arch=arch) as src, \
            VM(common + ['-chardev', 'socket,id=u0,path=%s,server=on,'
                         'wait=off' % dst_uart, '-serial', 'chardev:u0',
                         '-incoming', 'unix:' + mig], arch=arch) as dst:
        t.ok(serial.connect(), what + ': destination UART socket')
        started = wait_for(lambda: rounds_in(read_file(src_out)))
        t.ok(started, what + ': the source guest runs and prints',
             read_file(src_out) + src.read_stderr())
        src.qmp.command('migrate-set-parameters',
                        {'max-bandwidth': 1 << 40})
        src.qmp.command('migrate', {'uri': 'unix:' + mig})
        done = wait_for(lambda: src.qmp.command('query-migrate')
                        .get('status') in ('completed', 'failed'))
        info = src.qmp.command('query-migrate')
        t.eq(info.get('status'), 'completed', what + ': migration completes'
             if done else what + ': migration ends')
        if info.get('status') != 'completed':
            t.diag('%r\n--- source:\n%s--- destination:\n%s' %
                   (info, src.read_stderr(), dst.read_stderr()))
            serial.close()
            return
        t.ok(info['ram']['dirty-sync-count'] >= 2,
             what + ': the RAM bitmap was synced again while it ran',
             repr(info['ram']))
        src_text = read_file(src_out)
        src_rounds = rounds_in(src_text)
        t.eq(src.qmp.command('query-status')['status'], 'postmigrate',
             what + ': the source stops after switchover')
        wait_for(lambda: len(rounds_in(serial.text())) >= 2)
        dst_rounds = rounds_in(serial.text())
        t.ok(dst_rounds and src_rounds and
             dst_rounds[0] == src_rounds[-1] + 16,
             what + ': the destination prints on from the source\'s last '
             'round', 'source %s, destination %s' %
             (src_rounds[-3:], dst_rounds[:3]))
        serial.send(b'q')
        dst.wait(WAIT)
        text = serial.text()
        t.eq(dst.status, 0, what + ': the destination guest ends cleanly')
        m = re.search(r'^rounds (0x[0-9a-f]+)\npages (0x[0-9a-f]+)\n'
                      r'stale (0x[0-9a-f]+)\n'
                      r'checksum (0x[0-9a-f]+)\n(PASS|FAIL)', text, re.M)
        t.ok(m and int(m.group(3), 16) == 0,
             what + ': no page lost a store across the switchover',
             text[-400:] + dst.stderr)
        t.ok(m and m.group(5) == 'PASS',
             what + ': every page holds the last round (PASS)',
             text[-400:] + dst.stderr)
        if m:
            rounds = int(m.group(1), 16)
            t.eq(int(m.group(4), 16), expected_checksum(src_text, rounds),
                 what + ': checksum matches the RAM map and %d rounds' %
                 rounds)
    serial.close()


def main():
    t = Tap()
    for case in CASES:
        run_case(t, *case)
    t.done()


main()
