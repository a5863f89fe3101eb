"""A small library for black-box tests of memvm (Python 3 stdlib only).

  Tap        TAP output: ok(cond, desc), eq(got, want, desc), skip(), done()
  binary()   absolute path of the built memvm-system-<arch>
  run()      run memvm to completion: (status, stdout, stderr)
  run_fail() run memvm expecting failure: (status, stderr)
  QMP        a QMP client over a unix socket: cmd(), command(), hmp(),
             events
  QTest      a qtest client over stdio or a unix socket: command(line)
  VM         a memvm process with a QMP socket (and optionally qtest);
             also another program (QEMU) that may refuse its command line
  missing_*() what the host lacks for a test, or None: root, a program,
             a private mount namespace, a tmpfs mount, a resizable huge
             page pool, /dev/kvm, /dev/shm, QEMU 7.2 (see "Probes")

Typical use:

    from memvm import Tap, VM
    t = Tap()
    with VM(['-M', 'none', '-accel', 'qtest']) as vm:
        t.eq(vm.qmp.command('query-status')['status'], 'running', 'runs')
    t.done()
"""
import atexit
import contextlib
import fcntl
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BUILD_DIR = os.environ.get('MEMVM_BUILD_DIR', 'build')
DEFAULT_TIMEOUT = 30


def binary(arch='x86_64'):
    # Absolute, so that a test may run it from another directory.
    return os.path.abspath(os.path.join(BUILD_DIR, 'memvm-system-' + arch))


class Tap:
    """Numbered TAP lines as tests run; done() prints the plan and exits."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, detail=None, todo=None):
        """A test; with @todo (the reason) a failure is an expected one
        ("# TODO"), which does not fail the run."""
        self.n += 1
        if cond:
            print('ok %d - %s' % (self.n, desc), flush=True)
        else:
            if todo:
                print('not ok %d - %s # TODO %s' % (self.n, desc, todo),
                      flush=True)
            else:
                self.failed += 1
                print('not ok %d - %s' % (self.n, desc), flush=True)
            if detail is not None:
                self.diag(detail)
        return bool(cond)

    def eq(self, got, want, desc):
        return self.ok(got == want, desc,
                       'got:  %r\nwant: %r' % (got, want))

    def skip(self, desc, reason):
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, desc, reason), flush=True)

    def skip_if(self, reason, *descs):
        """Skip the tests @descs when @reason (from a missing_*() probe)
        is set; returns whether it was."""
        for desc in descs if reason else ():
            self.skip(desc, reason)
        return bool(reason)

    def diag(self, msg):
        for line in str(msg).splitlines():
            print('# ' + line, flush=True)

    def done(self):
        print('1..%d' % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


# --- Probes ----------------------------------------------------------------
# Each missing_*() returns None when the host has what its name says, else
# the reason a test prints when it skips ("needs root ...").  They try the
# real thing where that is harmless (a namespace, a mount inside one), since
# a chroot or a container can refuse what a plain look at the host allows.
# The host does not change during a run: the answers are cached.

@functools.lru_cache(maxsize=None)
def missing_root():
    return None if os.geteuid() == 0 else 'needs root'


@functools.lru_cache(maxsize=None)
def missing_program(name):
    return None if shutil.which(name) else '%s is not installed' % name


def _first_line(data):
    lines = data.decode('utf-8', 'replace').strip().splitlines()
    return lines[0] if lines else ''


def in_private_mount_ns(argv):
    """Run @argv in a new mount namespace whose mounts are private (they
    neither reach the host's namespace nor outlive the command)."""
    return subprocess.run(['unshare', '-m', '--propagation', 'private'] +
                          argv, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=30)


@functools.lru_cache(maxsize=None)
def missing_mount_ns():
    """A private mount namespace (unshare -m): in a chroot whose root is
    not a mount point, making / private fails with EINVAL."""
    why = missing_root() or missing_program('unshare')
    if why:
        return why + ' for a private mount namespace'
    p = in_private_mount_ns(['true'])
    if p.returncode:
        return 'no private mount namespace here (%s)' % _first_line(p.stderr)
    return None


@functools.lru_cache(maxsize=None)
def missing_tmpfs_mount():
    """Mounting a tmpfs, inside a private mount namespace."""
    why = missing_mount_ns() or missing_program('mount')
    if why:
        return why
    d = tempfile.mkdtemp(prefix='memvm-probe-')
    try:
        p = in_private_mount_ns(['mount', '-t', 'tmpfs', '-o', 'size=1M',
                                  'memvm-probe', d])
    finally:
        os.rmdir(d)
    if p.returncode:
        return 'cannot mount a tmpfs (%s)' % _first_line(p.stderr)
    return None


NR_HUGEPAGES = '/proc/sys/vm/nr_hugepages'


def set_hugepages(n):
    """Ask for @n huge pages; returns how many the kernel gave."""
    with open(NR_HUGEPAGES, 'w') as f:
        f.write('%d\n' % n)
    with open(NR_HUGEPAGES) as f:
        return int(f.read())


@contextlib.contextmanager
def hugepage_pool_held():
    """The global huge page pool, held against every other test that
    resizes it (make check runs the sanitized build's tests at the same
    time) and put back as it was; yields set_hugepages."""
    lock = open(os.path.join(tempfile.gettempdir(),
                             'memvm-test-hugepages.lock'), 'w')
    fcntl.flock(lock, fcntl.LOCK_EX)
    with open(NR_HUGEPAGES) as f:
        saved = int(f.read())
    try:
        yield set_hugepages
    finally:
        try:
            set_hugepages(saved)
        except OSError:
            pass
        lock.close()


@functools.lru_cache(maxsize=None)
def missing_hugepage_pool():
    """A huge page pool this process may resize (how many pages the kernel
    then gives is for the test to see)."""
    if not os.path.isdir('/sys/kernel/mm/hugepages'):
        return 'the kernel has no hugetlbfs'
    if missing_root():
        return 'needs root to set %s' % NR_HUGEPAGES
    try:
        # Opening for writing changes nothing; only a write would.
        os.close(os.open(NR_HUGEPAGES, os.O_WRONLY))
    except OSError as e:
        return 'cannot write %s: %s' % (NR_HUGEPAGES, os.strerror(e.errno))
    return None


def _cgroup_mounts():
    """{'v2': mount point, CONTROLLER: mount point of its v1 hierarchy}."""
    found = {}
    with open('/proc/self/mountinfo') as f:
        for line in f:
            left, right = line.split(' - ', 1)
            fstype, _, opts = right.split()[:3]
            point = left.split()[4]
            if fstype == 'cgroup2':
                found.setdefault('v2', point)
            elif fstype == 'cgroup':
                for c in opts.split(','):
                    found.setdefault(c, point)
    return found


def _own_cgroup(controller):
    """This process's cgroup path for @controller's v1 hierarchy (None:
    the v2 one), or None."""
    with open('/proc/self/cgroup') as f:
        for line in f:
            num, names, path = line.rstrip('\n').split(':', 2)
            if controller is None and num == '0' and names == '':
                return path
            if controller and controller in names.split(','):
                return path
    return None


def cgroup_parent(controller):
    """Where a test can make a child cgroup limited by @controller
    ('memory', 'hugetlb'): (this process's cgroup directory, 'v2' or
    'v1'), the v2 hierarchy first; None if neither has it."""
    mounts = _cgroup_mounts()
    path = _own_cgroup(None)
    if 'v2' in mounts and path is not None:
        base = mounts['v2'] + (path if path != '/' else '')
        try:
            with open(os.path.join(base, 'cgroup.controllers')) as f:
                if controller in f.read().split():
                    return base, 'v2'
        except OSError:
            pass
    path = _own_cgroup(controller)
    if controller in mounts and path is not None:
        return mounts[controller] + (path if path != '/' else ''), 'v1'
    return None


@functools.lru_cache(maxsize=None)
def missing_cgroup(controller):
    """A cgroup controller (v2, or v1 on a hybrid host) below which root
    can make a child cgroup for a test."""
    if missing_root():
        return 'needs root to make a cgroup'
    if not cgroup_parent(controller):
        return 'no cgroup hierarchy with the %s controller' % controller
    return None


@functools.lru_cache(maxsize=None)
def missing_kvm():
    """A /dev/kvm that opens and speaks KVM API version 12."""
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return 'cannot open /dev/kvm: %s' % os.strerror(e.errno)
    try:
        version = fcntl.ioctl(fd, 0xAE00)   # KVM_GET_API_VERSION
    except OSError as e:
        return '/dev/kvm: KVM_GET_API_VERSION failed: %s' % \
            os.strerror(e.errno)
    finally:
        os.close(fd)
    if version != 12:
        return '/dev/kvm: KVM API version %d' % version
    return None


@functools.lru_cache(maxsize=None)
def missing_shm():
    """A writable /dev/shm, where tests put backend files."""
    if not os.path.isdir('/dev/shm'):
        return '/dev/shm is missing'
    if not os.access('/dev/shm', os.W_OK | os.X_OK):
        return '/dev/shm is not writable'
    return None


@functools.lru_cache(maxsize=None)
def missing_qemu(arch):
    """qemu-system-@arch, and it is QEMU 7.2 (the reference peer)."""
    name = 'qemu-system-' + arch
    if not shutil.which(name):
        return '%s (QEMU 7.2) is not installed' % name
    try:
        out = subprocess.run([name, '-version'], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return '%s -version failed: %s' % (name, e)
    if b'version 7.2.' not in out:
        return '%s is not QEMU 7.2: %s' % (name, _first_line(out))
    return None


def run(args, arch='x86_64', stdin=b'', timeout=60):
    """Run memvm to completion; returns (status, stdout, stderr) as text."""
    p = subprocess.run([binary(arch)] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def run_fail(args, arch='x86_64', stdin=b'', timeout=60):
    """Run memvm expecting it to fail; returns (status, stderr)."""
    status, _, err = run(args, arch=arch, stdin=stdin, timeout=timeout)
    return status, err


class QMPError(Exception):
    """An error reply: .cls is the QMP class, .desc the message."""

    def __init__(self, reply):
        self.reply = reply
        self.cls = reply['error']['class']
        self.desc = reply['error']['desc']
        super().__init__('%s: %s' % (self.cls, self.desc))


class QMP:
    """A QMP client.  Events that arrive are kept in .events, in order.

    @alive, if given, says whether the server process still runs: connecting
    stops retrying once it does not (a program that refuses its command line
    can create the socket before it exits)."""

    def __init__(self, path, negotiate=True, timeout=DEFAULT_TIMEOUT,
                 alive=None):
        self.path = path
        self.timeout = timeout
        self.alive = alive
        self.events = []
        self.buf = b''
        self.sock = None
        self.greeting = None
        self.greeting_raw = None    # the greeting line as sent
        self._connect()
        if negotiate:
            self.command('qmp_capabilities')

    def _connect(self):
        # A server serves one client at a time: until it has noticed that
        # the previous client left, a new connection may be turned away
        # before the greeting.  Try again then.
        deadline = time.monotonic() + self.timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            try:
                s.connect(self.path)
                self.sock = s
                self.buf = b''
                self.greeting_raw = self.recv_line()
                self.greeting = json.loads(self.greeting_raw.decode())
                return
            except (ConnectionError, EOFError, FileNotFoundError):
                s.close()
                self.sock = None
                if time.monotonic() > deadline or (self.alive and
                                                   not self.alive()):
                    raise
                time.sleep(0.05)

    def send_raw(self, data):
        """Send bytes as they are (for framing tests)."""
        self.sock.sendall(data)

    def recv(self):
        """The next message (event or reply) as a dict; EOFError at EOF."""
        return json.loads(self.recv_line().decode('utf-8'))

    def recv_line(self):
        """The next raw line, with its line end (for wire-format tests)."""
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError('QMP connection closed')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line + b'\n'

    def reply(self):
        """The next reply; events before it go to .events."""
        while True:
            msg = self.recv()
            if 'event' in msg:
                self.events.append(msg)
            else:
                return msg

    def cmd(self, name, args=None, req_id=None, **kwargs):
        """Run a command; returns the whole reply dict.

        Arguments come from @args (a dict) and from keywords, whose
        underscores become dashes: cmd('qom-get', path='/', property='x');
        req_id is the request's "id" (object-del's "id" is an argument).
        """
        req = {'execute': name}
        merged = dict(args or {})
        merged.update({k.replace('_', '-'): v for k, v in kwargs.items()})
        if merged:
            req['arguments'] = merged
        if req_id is not None:
            req['id'] = req_id
        self.sock.sendall(json.dumps(req).encode() + b'\n')
        return self.reply()

    def command(self, name, args=None, **kwargs):
        """Run a command; returns its "return" value or raises QMPError."""
        rsp = self.cmd(name, args, **kwargs)
        if 'error' in rsp:
            raise QMPError(rsp)
        return rsp['return']

    def hmp(self, line):
        """Run an HMP command through human-monitor-command."""
        return self.command('human-monitor-command',
                            {'command-line': line})

    def wait_event(self, name, timeout=None):
        """Return (and remove) the first event @name, waiting for it."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev['event'] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no %s event' % name)
            self.sock.settimeout(left)
            try:
                msg = self.recv()
            finally:
                self.sock.settimeout(self.timeout)
            if 'event' in msg:
                self.events.append(msg)

    def clear_events(self):
        events, self.events = self.events, []
        return events

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None


class QTest:
    """A qtest client: command(line) returns the reply line.

    Over 'stdio' it drives the process's stdin/stdout; over a unix socket
    it listens and memvm connects (as QEMU's libqtest does).  Asynchronous
    "IRQ ..." lines are kept in .irqs.
    """

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.irqs = []

    def command(self, line):
        self.writer(line.encode() + b'\n')
        while True:
            reply = self.reader()
            if reply is None:
                raise EOFError('qtest connection closed')
            if reply.startswith('IRQ '):
                self.irqs.append(reply)
                continue
            return reply


class _SocketLines:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''

    def read(self):
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode('utf-8', 'replace')


class VM:
    """A memvm process with a QMP unix socket (unix:PATH,server=on,...).

    args:    extra command line arguments
    qtest:   None, 'stdio' or 'socket' to add -qtest
    program: another program to run instead of memvm-system-@arch (QEMU)
    cwd:     the directory it runs in
    may_refuse: a program that exits before it serves QMP is no error:
             .qmp stays None and .refused is (exit status, stderr)
    The QMP client is .qmp (negotiated); more clients with new_qmp().
    """

    def __init__(self, args=(), arch='x86_64', qtest=None,
                 timeout=DEFAULT_TIMEOUT, program=None, cwd=None,
                 may_refuse=False):
        self.args = list(args)
        self.arch = arch
        self.program = program or binary(arch)
        self.cwd = cwd
        self.may_refuse = may_refuse
        self.qtest_mode = qtest
        self.timeout = timeout
        self.dir = tempfile.mkdtemp(prefix='memvm-test-')
        self.qmp_path = os.path.join(self.dir, 'qmp.sock')
        self.proc = None
        self.qmp = None
        self.qtest = None
        self.status = None
        self.stderr = ''
        self._errfile = None
        self._qtest_listener = None
        self._qtest_sock = None

    def launch(self):
        argv = [self.program,
                '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path,
                '-display', 'none']
        stdin = subprocess.DEVNULL
        stdout = subprocess.DEVNULL
        if self.qtest_mode == 'stdio':
            argv += ['-qtest', 'stdio']
            stdin = stdout = subprocess.PIPE
        elif self.qtest_mode == 'socket':
            path = os.path.join(self.dir, 'qtest.sock')
            self._qtest_listener = socket.socket(socket.AF_UNIX)
            self._qtest_listener.bind(path)
            self._qtest_listener.listen(1)
            argv += ['-qtest', 'unix:%s' % path]
        argv += self.args
        self._errfile = open(os.path.join(self.dir, 'stderr'), 'w+b')
        # Never leave a memvm behind, even when a test dies half-way.
        atexit.register(self.cleanup)
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout,
                                     stderr=self._errfile, cwd=self.cwd)
        if not self._wait_for_socket():
            return self
        if self.qtest_mode == 'stdio':
            self.qtest = QTest(self._stdio_readline, self._stdio_write)
        elif self.qtest_mode == 'socket':
            self._qtest_listener.settimeout(self.timeout)
            self._qtest_sock, _ = self._qtest_listener.accept()
            self._qtest_sock.settimeout(self.timeout)
            lines = _SocketLines(self._qtest_sock)
            self.qtest = QTest(lines.read, self._qtest_sock.sendall)
        try:
            self.qmp = QMP(self.qmp_path, timeout=self.timeout,
                           alive=lambda: self.proc.poll() is None)
        except (OSError, EOFError, ValueError):
            # The socket comes before the board is built: a refusal can
            # close it under the client.
            if not self.may_refuse:
                raise
            self.wait()
        return self

    def _wait_for_socket(self):
        """True once the QMP socket exists; False if the program exited
        first and may do so."""
        deadline = time.monotonic() + self.timeout
        while not os.path.exists(self.qmp_path):
            if self.proc.poll() is not None:
                if self.may_refuse:
                    self.wait()
                    return False
                raise RuntimeError('%s exited with %d before serving '
                                   'QMP:\n%s' % (os.path.basename(
                                       self.program), self.proc.returncode,
                                       self.read_stderr()))
            if time.monotonic() > deadline:
                raise TimeoutError('no QMP socket at %s' % self.qmp_path)
            time.sleep(0.02)
        return True

    @property
    def refused(self):
        """(exit status, stderr) when the program exited without serving
        QMP, else None."""
        if self.qmp is None and self.status is not None:
            return (self.status, self.stderr)
        return None

    def _stdio_readline(self):
        line = self.proc.stdout.readline()
        if not line:
            return None
        return line.decode('utf-8', 'replace').rstrip('\n')

    def _stdio_write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def new_qmp(self, negotiate=True):
        """Another client on the same socket (served after the first)."""
        return QMP(self.qmp_path, negotiate=negotiate, timeout=self.timeout)

    def hmp(self, line):
        return self.qmp.hmp(line)

    def read_stderr(self):
        if not self._errfile:
            return ''
        self._errfile.flush()
        self._errfile.seek(0)
        return self._errfile.read().decode('utf-8', 'replace')

    def wait(self, timeout=None):
        """Wait for memvm to exit; returns its status."""
        try:
            self.status = self.proc.wait(timeout or self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.status = self.proc.wait()
        self.stderr = self.read_stderr()
        return self.status

    def shutdown(self):
        """quit over QMP and wait; returns the exit status."""
        if self.proc.poll() is None and self.qmp:
            try:
                self.qmp.cmd('quit')
            except (OSError, EOFError):
                pass
        return self.wait()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.wait()

    def cleanup(self):
        atexit.unregister(self.cleanup)
        if self.proc:
            self.kill()
        for s in (self.qmp, ):
            if s:
                s.close()
        for s in (self._qtest_sock, self._qtest_listener):
            if s:
                s.close()
        if self.proc and self.proc.stdin:
            self.proc.stdin.close()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self._errfile:
            self._errfile.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.launch()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.shutdown()
        self.cleanup()
        return False


class QTestProcess:
    """memvm driven only by -qtest stdio (no QMP): for tests that need
    nothing but the qtest protocol and the exit status.  cmd(line) returns
    the reply line; close() ends the input, which ends memvm."""

    def __init__(self, args, arch='x86_64'):
        self.proc = subprocess.Popen(
            [binary(arch), '-qtest', 'stdio', '-display', 'none',
             '-nodefaults'] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.stderr = ''

    def cmd(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()
        return self.proc.stdout.readline().decode().rstrip('\n')

    def close(self, timeout=30):
        """Close stdin and wait; returns the exit status (None on hang)."""
        self.proc.stdin.close()
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            status = None
        self.stderr = self.proc.stderr.read().decode('utf-8', 'replace')
        self.proc.stdout.close()
        self.proc.stderr.close()
        return status
