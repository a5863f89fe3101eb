#!/usr/bin/env python3
"""Real faults, not mocks: a tmpfs too small for a preallocated backend,
hugetlb memory without huge pages, QMP clients that misbehave, many
object-add/object-del cycles, and an address-space limit below -m.

Each failure must be a clear error naming what failed and exit status 1,
never a crash.  The mount and huge page tests need root (CI runs as root):
the tmpfs is mounted in a private mount namespace (unshare -m), and
/proc/sys/vm/nr_hugepages is put back as it was.  In a sanitized build
(MEMVM_SANITIZED=1, set by scripts/run-tests.py) LeakSanitizer checks
every memvm that exits here, so a leak fails the exit-status checks.
What the host cannot give (root, a private mount namespace, a tmpfs mount,
a resizable huge page pool) is probed first (memvm.missing_*): those
tests skip and say why."""
import os
import random
import resource
import shutil
import socket
import subprocess
import tempfile
import time

from memvm import (Tap, VM, binary, hugepage_pool_held,
                   missing_hugepage_pool, missing_tmpfs_mount)

t = Tap()
SANITIZED = os.environ.get('MEMVM_SANITIZED') == '1'
BASE = ['-M', 'none', '-display', 'none', '-nodefaults']
PROG = 'memvm-system-x86_64'


def run(args, timeout=120, preexec_fn=None, wrap=()):
    """Run memvm (optionally under @wrap); returns (status, stderr)."""
    p = subprocess.run(list(wrap) + [binary()] + list(args),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout,
                       preexec_fn=preexec_fn)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


def clean_error(status, err, want, desc):
    """Exit status 1 and one "prog: ...want..." line, no crash report."""
    lines = err.strip().splitlines()
    ok = (status == 1 and len(lines) == 1 and
          lines[0].startswith(PROG + ': ') and want in lines[0])
    return t.ok(ok, desc, 'status %r, stderr:\n%s' % (status, err[-3000:]))


# --- a file backend preallocated on a tmpfs that is too small -------------
def test_tmpfs_prealloc():
    desc = 'prealloc of 128M on a 64M tmpfs: clear error, exit 1, no core'
    descs = (desc, '... and no core file is left behind',
             '... and the tmpfs went with the namespace')
    if t.skip_if(missing_tmpfs_mount(), *descs):
        return
    mnt = tempfile.mkdtemp(prefix='memvm-faults-')
    backend = ('memory-backend-file,id=m0,size=128M,mem-path=%s/ram,'
               'prealloc=on' % mnt)
    # The shell mounts in the new namespace, then becomes memvm, so the
    # status is memvm's own; the mount vanishes with the namespace.
    script = ('mount -t tmpfs -o size=64M memvm-faults "$1" || exit 99; '
              'shift; cd "$0" && exec "$@"')
    cwd = tempfile.mkdtemp(prefix='memvm-faults-cwd-')
    try:
        status, err = run(BASE + ['-object', backend,
                                  '-machine', 'memory-backend=m0'],
                          wrap=['unshare', '-m', '--propagation', 'private',
                                'sh', '-c', script, cwd, mnt])
        if status == 99:
            t.skip_if('cannot mount a tmpfs here: ' + err.strip(), *descs)
            return
        # memvm checks the file system before mapping anything.
        clean_error(status, err,
                    "memory backend 'm0' preallocates 128 MiB in mem-path "
                    "%s/ram, but its file system has 64 MiB free; free "
                    "space there, point mem-path to a larger file system, "
                    "or make 'size' smaller" % mnt, desc)
        t.eq(os.listdir(cwd), [], descs[1])
        t.eq(os.listdir(mnt), [], descs[2])
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
        os.rmdir(mnt)


# --- hugetlb memfd with and without reserved huge pages -------------------
def test_hugetlb():
    backend = 'memory-backend-memfd,id=m0,size=16M,hugetlb=on'
    args = BASE + ['-object', backend, '-machine', 'memory-backend=m0']
    d0 = 'hugetlb memfd without huge pages: clear error, exit 1'
    d8 = 'hugetlb memfd of 16M with 8 huge pages reserved works'
    d8_more = ('... its RAM block has 2 MiB pages',
               '... and memvm exits cleanly' +
               (' (no leaks)' if SANITIZED else ''))
    if t.skip_if(missing_hugepage_pool(), d0, d8, *d8_more):
        return
    with hugepage_pool_held() as set_hugepages:
        try:
            got = set_hugepages(0)
        except OSError as e:
            got = -1
            reason = str(e)
        if got != 0:
            t.skip(d0, 'cannot release the huge pages: %s'
                   % (reason if got < 0 else '%d remain' % got))
        else:
            status, err = run(args)
            # The pool is checked before the memfd is made.
            clean_error(status, err,
                        "memory backend 'm0' needs 8 huge pages of 2 MiB "
                        "(16 MiB), but the host has 0 free (node 0: 0); "
                        "reserve 8 more before starting: echo 8 > "
                        "/sys/kernel/mm/hugepages/hugepages-2048kB/"
                        "nr_hugepages", d0)
        try:
            got = set_hugepages(8)
        except OSError:
            got = -1
        if got < 8:
            t.skip_if('could not reserve 8 huge pages (got %d)' % got, d8,
                      *d8_more)
            return
        with VM(BASE + ['-object', backend, '-machine', 'memory-backend=m0'],
                qtest='stdio') as vm:
            q = vm.qtest
            t.ok(q.command('writeq 0xfffff8 0x1122334455667788') == 'OK' and
                 q.command('readq 0xfffff8') == 'OK 0x1122334455667788',
                 d8)
            t.eq(vm.hmp('info ramblock').splitlines()[1].split()[:2],
                 ['m0', '2'], d8_more[0])
            t.eq(vm.shutdown(), 0, d8_more[1])


# --- QMP clients that misbehave ---------------------------------------------
class RawClient:
    """A bare socket client that has read its greeting."""

    def __init__(self, path):
        # The server serves one client at a time and may not yet have seen
        # the previous one leave: until then a new one gets no greeting.
        deadline = time.monotonic() + 30
        while True:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.settimeout(30)
            self.buf = b''
            try:
                self.sock.connect(path)
                if self.readline():
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
            self.sock.close()
            time.sleep(0.05)

    def readline(self):
        """The next line with its CR LF, or b'' at end of stream."""
        while b'\n' not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                return b''
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line + b'\n'

    def reply_with_id(self, tag):
        """Lines up to and including the reply that carries id @tag."""
        lines = []
        while True:
            line = self.readline()
            lines.append(line)
            if not line or b'"id": "%s"' % tag.encode() in line:
                return lines

    def close(self):
        self.sock.close()


def served(vm, desc):
    """A new client negotiates and gets an answer."""
    try:
        q = vm.new_qmp()
        status = q.command('query-status')['status']
        q.close()
    except (OSError, EOFError, ValueError) as e:
        status = repr(e)
    return t.eq(status, 'running', desc)


def test_qmp_clients():
    with VM(['-M', 'none', '-accel', 'qtest']) as vm:
        # Each part uses clients of its own; vm.qmp comes back for quit.
        vm.qmp.close()
        try:
            qmp_clients(vm)
        finally:
            if vm.proc.poll() is None:
                vm.qmp = vm.new_qmp()
        t.eq(vm.shutdown(), 0, 'memvm quits cleanly after all that' +
             (' (no leaks)' if SANITIZED else ''))


def qmp_clients(vm):
    c = RawClient(vm.qmp_path)
    rnd = random.Random(6)
    c.sock.sendall(bytes(rnd.randrange(256) for _ in range(64 << 10)))
    c.close()
    served(vm, 'after 64 KiB of random bytes the next client is served')

    # The brackets left open would swallow the next command, but 0xFF
    # (never in UTF-8) makes the lexer start afresh, as QEMU's does.
    c = RawClient(vm.qmp_path)
    c.sock.sendall(b'{"execute": "qmp_capabilities"}\n'
                   b'\x00\x01 }}]] {{[[::,,"\\u\n\xff'
                   b'{"execute": "query-status", "id": "after"}\n')
    lines = c.reply_with_id('after')
    t.ok(lines[0] == b'{"return": {}}\r\n' and len(lines) > 2 and
         all(b'"error"' in line for line in lines[1:-1]) and
         b'"running"' in lines[-1],
         'garbage between commands: errors, then the command is served',
         lines)
    c.close()

    c = RawClient(vm.qmp_path)
    line = (b'{"execute": "qmp_capabilities", "id": "' +
            b'i' * (1 << 20) + b'"}\n')
    # In many small writes, as a slow client would send it.
    for i in range(0, len(line), 4096):
        c.sock.sendall(line[i:i + 4096])
    rsp = c.readline()
    t.ok(rsp.startswith(b'{"return": {}, "id": "iii') and
         len(rsp) > (1 << 20),
         'a 1 MiB command line is answered (its id echoed)',
         rsp[:100])
    c.close()
    served(vm, 'after a 1 MiB line the next client is served')

    c = RawClient(vm.qmp_path)
    c.sock.sendall(b'{"execute": "qmp_capabilities"}\n'
                   b'{"execute": "object-add", "arguments": '
                   b'{"qom-type": "memory-backend-ram", "id": "half"')
    c.close()
    served(vm, 'after a client left mid-command the next is served')
    q = vm.new_qmp()
    t.eq([m['id'] for m in q.command('query-memdev')], [],
         '... and the half-sent object-add did not run')
    q.close()

    # Leave with replies unread and an abortive close (RST), while
    # the server may still be writing.
    c = RawClient(vm.qmp_path)
    c.sock.sendall(b'{"execute": "qmp_capabilities"}\n' +
                   b'{"execute": "qom-list-types"}\n' * 200)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      b'\x01\x00\x00\x00\x00\x00\x00\x00')
    c.close()
    served(vm, 'after a reset connection with unread replies the next '
           'client is served')


# --- object-add/object-del cycles ------------------------------------------
def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def test_object_cycles():
    cycles = 1000
    # Larger than the RSS margin below, so one backend left behind shows;
    # small enough that 1,000 preallocations fit the time limit on a
    # loaded machine (64 MiB did not, under make check in parallel).
    size = 16 << 20
    with VM(['-M', 'none', '-accel', 'qtest']) as vm:
        q = vm.qmp

        def cycle(i):
            # prealloc=on touches every page, so a backend that is not
            # unmapped on delete would show at once.
            q.command('object-add', {'qom-type': 'memory-backend-ram',
                                     'id': 'cyc%d' % (i % 7), 'size': size,
                                     'prealloc': True})
            q.command('object-del', id='cyc%d' % (i % 7))

        for i in range(10):
            cycle(i)
        start = rss_kib(vm.proc.pid)
        peak = start
        failure = None
        try:
            for i in range(cycles):
                cycle(i)
                if i % 100 == 0:
                    peak = max(peak, rss_kib(vm.proc.pid))
        except Exception as e:
            failure = '%s after %d cycles' % (e, i)
        end = rss_kib(vm.proc.pid)
        t.diag('VmRSS: %d KiB after 10 cycles, %d KiB after %d more '
               '(largest seen %d KiB); one backend is %d KiB'
               % (start, end, cycles, peak, size >> 10))
        t.ok(failure is None, '%d object-add/object-del cycles of a '
             'preallocated 16 MiB memory-backend-ram' % cycles, failure)
        # Sanitizers keep freed heap in quarantine for a while.
        margin = (32 << 10) if SANITIZED else (8 << 10)
        t.ok(end - start < margin, 'RSS back near its start (grew %d KiB, '
             'less than %d KiB)' % (end - start, margin))
        t.eq(q.command('query-memdev'), [], 'no backend is left')
        t.eq(vm.shutdown(), 0, 'memvm quits cleanly' +
             (' (no leaks)' if SANITIZED else ''))


# --- an address-space limit below -m --------------------------------------
def test_rlimit_as():
    desc = '-m 1G under RLIMIT_AS=512M: clear error, exit 1'
    if SANITIZED:
        # ASan reserves terabytes of shadow memory before main().
        t.skip(desc, 'AddressSanitizer cannot start under a small '
               'RLIMIT_AS')
        return
    limit = 512 << 20

    def limit_as():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    status, err = run(BASE + ['-m', '1G'], preexec_fn=limit_as)
    clean_error(status, err, "cannot set up guest memory 'ram': Cannot "
                "allocate memory", desc)
    status, err = run(BASE + ['-object', 'memory-backend-ram,id=m0,size=1G',
                              '-machine', 'memory-backend=m0'],
                      preexec_fn=limit_as)
    clean_error(status, err, "-object memory-backend-ram,id=m0,size=1G: "
                "cannot set up guest memory 'm0': Cannot allocate memory",
                'a 1G backend under RLIMIT_AS=512M: clear error, exit 1')


test_tmpfs_prealloc()
test_hugetlb()
test_qmp_clients()
test_object_cycles()
test_rlimit_as()
t.done()
