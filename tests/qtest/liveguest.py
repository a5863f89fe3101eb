"""Helpers for tests that run the "live" guest (tests/guest/README.md):
its UART over a chardev socket, its output, and the checksum it must
print.  Used by test-migrate-live.py and test-migrate-cpr.py.
"""
import os
import re
import socket
import time

BUILD = os.environ.get('MEMVM_BUILD_DIR', 'build')
GUEST_DIR = os.path.join(BUILD, 'tests', 'guest')
PAGE = 4096
PATTERN = 0x5aa5c33c0ff0e11e
MASK64 = (1 << 64) - 1
# Only a hang fails (no timing asserts): generous for a loaded machine.
WAIT = 120.0
# What the guest prints when told 'q'.
RESULT_RE = re.compile(r'^rounds (0x[0-9a-f]+)\npages (0x[0-9a-f]+)\n'
                       r'stale (0x[0-9a-f]+)\n'
                       r'checksum (0x[0-9a-f]+)\n(PASS|FAIL)', re.M)


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


def result(text):
    """(rounds, stale, checksum, verdict) from the guest's last lines, or
    None."""
    m = RESULT_RE.search(text)
    if not m:
        return None
    return (int(m.group(1), 16), int(m.group(3), 16), int(m.group(4), 16),
            m.group(5))
