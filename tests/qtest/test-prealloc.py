#!/usr/bin/env python3
"""Preallocation at start: one knob (prealloc-threads keeps QEMU's
meaning; not given or "auto", it is the number of CPUs memvm may run on),
every backend of the machine at once, a signal ends it cleanly with a
message, and a progress line appears on a terminal when it takes over a
second; QMP clients get x-MEMDEV_PREALLOC_PROGRESS events, at start-up
too."""
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from memvm import Tap, VM, binary, run

t = Tap()
BASE = ['-M', 'none', '-display', 'none', '-nodefaults']
PROG = 'memvm-system-x86_64'
CPUS = len(os.sched_getaffinity(0))
VERSION = re.search(r'version (\S+)', run(['-version'])[1]).group(1)


def rss_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_big(stderr, cwd):
    """memvm preallocating 4 GiB on one thread; returns the process once
    the preallocation has visibly begun."""
    p = subprocess.Popen([binary()] + BASE + [
        '-object', 'memory-backend-ram,id=big,size=4G,prealloc=on,'
        'prealloc-threads=1', '-qtest', 'stdio'],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr,
        cwd=cwd)
    while p.poll() is None and rss_kib(p.pid) < 32 * 1024:
        time.sleep(0.01)
    return p


def test_defaults():
    with VM(BASE + ['-accel', 'qtest',
                    '-object', 'memory-backend-ram,id=a,size=64M,'
                    'prealloc=on',
                    '-object', 'memory-backend-ram,id=b,size=64M,'
                    'prealloc=on,prealloc-threads=3',
                    '-object', 'memory-backend-ram,id=c,size=64M,'
                    'prealloc=on,prealloc-threads=auto']) as vm:
        get = lambda i: vm.qmp.command('qom-get', path='/objects/' + i,
                                       property='prealloc-threads')
        t.eq(get('a'), CPUS, 'prealloc-threads not given: the %d CPUs '
             'memvm may run on' % CPUS)
        t.eq(get('b'), 3, 'prealloc-threads=3 stays 3 (QEMU\'s meaning)')
        t.eq(get('c'), CPUS, 'prealloc-threads=auto: the same, spelt out')
        t.eq([m['prealloc'] for m in vm.qmp.command('query-memdev')],
             [True, True, True], 'the backends were preallocated at start')
        vm.qmp.command('qom-set', path='/objects/b',
                       property='prealloc-threads', value='auto')
        t.eq(get('b'), CPUS, 'qom-set prealloc-threads "auto" (a JSON '
             'string beside QEMU\'s integers)')
        vm.qmp.command('object-add', {'qom-type': 'memory-backend-ram',
                                      'id': 'd', 'size': 8 << 20,
                                      'prealloc-threads': 'auto'})
        t.eq(get('d'), CPUS, 'object-add with "prealloc-threads": "auto"')
        r = vm.qmp.cmd('qom-set', path='/objects/b',
                       property='prealloc-threads', value='2')
        t.eq(r.get('error', {}).get('desc'), "Invalid parameter type for "
             "'prealloc-threads', expected: integer",
             'a number in a JSON string is still refused, as in QEMU')
    status, _, err = (lambda p: (p.returncode, p.stdout, p.stderr))(
        subprocess.run([binary()] + BASE + [
            '-object', 'memory-backend-ram,id=a,size=64M,prealloc=on,'
            'prealloc-threads=0'], stdin=subprocess.DEVNULL,
            capture_output=True, text=True))
    t.eq((status, err.strip()),
         (1, "%s: -object memory-backend-ram,id=a,size=64M,prealloc=on,"
          "prealloc-threads=0: property 'prealloc-threads' of "
          "memory-backend-ram doesn't take value '0'" % PROG),
         'prealloc-threads=0 is refused as in QEMU')
    out = subprocess.run([binary(), '-object', 'memory-backend-ram,help'],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True).stdout
    line = [x for x in out.splitlines() if 'prealloc-threads' in x]
    t.ok(line and "'auto'" in line[0] and '(default: auto)' in line[0],
         '-object memory-backend-ram,help: prealloc-threads takes auto, '
         'its default', repr(line))


def test_sigint():
    desc = 'SIGINT during preallocation: a message, exit status 1, no core'
    cwd = tempfile.mkdtemp(prefix='memvm-prealloc-')
    try:
        p = start_big(subprocess.PIPE, cwd)
        if p.poll() is not None:
            t.ok(False, desc, 'memvm ended early: %r' % p.returncode)
            return
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        err = err.decode()
        if p.returncode == 0 or 'interrupted' not in err and \
                p.returncode == -signal.SIGINT:
            t.skip(desc, 'the preallocation ended before the signal came')
            return
        t.ok(p.returncode == 1 and re.fullmatch(
            r'%s: preallocation interrupted by signal 2 after [0-9.]+ '
            r'(MiB|GiB) of 4 GiB\n' % PROG, err) and not os.listdir(cwd),
            desc, 'status %r, stderr %r, left %r'
            % (p.returncode, err, os.listdir(cwd)))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def test_progress():
    desc = 'a progress line on a terminal when preallocation takes > 1 s'
    master, slave = pty.openpty()
    cwd = tempfile.mkdtemp(prefix='memvm-prealloc-')
    try:
        p = start_big(slave, cwd)
        os.close(slave)
        out = b''
        deadline = time.monotonic() + 60
        while p.poll() is None and time.monotonic() < deadline:
            try:
                out += os.read(master, 4096)
            except OSError:
                break
            if b'(' in out and b'%)' in out:
                break
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
        text = out.decode('utf-8', 'replace')
        if 'preallocating' not in text and p.returncode == 0:
            t.skip(desc, 'the preallocation took under a second')
            return
        t.ok(re.search(r'\r%s: preallocating 4 GiB of guest RAM: [0-9.]+ '
                       r'(B|KiB|MiB|GiB) \([0-9]+%%\)' % PROG, text), desc,
             repr(text[:300]))
    finally:
        os.close(master)
        shutil.rmtree(cwd, ignore_errors=True)
    status = subprocess.run([binary()] + BASE + [
        '-object', 'memory-backend-ram,id=a,size=64M,prealloc=on',
        '-qtest', 'stdio'],
        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    t.eq(status.stderr, '', '... and none when stderr is not a terminal')


EVENT = 'x-MEMDEV_PREALLOC_PROGRESS'
# Seconds rather than a fraction of one on a warm host: 4 KiB shmem pages
# on one thread, so that a client can connect and a signal come in time.
SLOW_PREALLOC = ('memory-backend-memfd,id=big,size=4G,prealloc=on,'
                 'prealloc-threads=1')


def progress_events(q):
    return [e['data'] for e in q.clear_events() if e['event'] == EVENT]


def test_events_object_add():
    """After start-up: always one event when it starts, one at the end."""
    with VM(BASE + ['-accel', 'qtest']) as vm:
        vm.qmp.command('object-add', {'qom-type': 'memory-backend-ram',
                                      'id': 'p', 'size': 64 << 20,
                                      'prealloc': True})
        got = progress_events(vm.qmp)
        t.eq([got[0], got[-1]],
             [{'ids': ['p'], 'status': 'started', 'done': 0,
               'total': 64 << 20, 'percent': 0},
              {'ids': ['p'], 'status': 'completed', 'done': 64 << 20,
               'total': 64 << 20, 'percent': 100}],
             'object-add prealloc=on: %s "started" and "completed"' % EVENT)
        vm.qmp.command('object-add', {'qom-type': 'memory-backend-ram',
                                      'id': 'q', 'size': 8 << 20})
        vm.qmp.command('qom-set', path='/objects/q', property='prealloc',
                       value=True)
        t.eq([(e['status'], e['percent']) for e in progress_events(vm.qmp)],
             [('started', 0), ('completed', 100)],
             'qom-set prealloc=on: the same two events')


def test_events_startup():
    """At start-up the monitor is served while RAM is preallocated."""
    descs = ['a client connected during start-up preallocation gets '
             '"running" events and the final "completed" at 100%',
             '... and query-status is answered meanwhile (prelaunch)',
             '... while stop waits for the end of start-up: RESUME (the '
             'start), then STOP, then its reply']
    with VM(BASE + ['-accel', 'qtest', '-object',
                    SLOW_PREALLOC], timeout=120) as vm:
        status = vm.qmp.command('query-status')['status']
        stop = vm.qmp.cmd('stop')
        events = vm.qmp.clear_events()
        if status != 'prelaunch':
            t.skip_if('the preallocation ended before the client had '
                      'negotiated', *descs)
            return
        progress = [e['data'] for e in events if e['event'] == EVENT]
        final = {'ids': ['big'], 'status': 'completed', 'done': 4 << 30,
                 'total': 4 << 30, 'percent': 100}
        t.ok(progress and progress[-1] == final and all(
            e['status'] == 'running' and 0 < e['percent'] < 100
            for e in progress[:-1]), descs[0], repr(progress))
        t.eq(status, 'prelaunch', descs[1])
        t.eq(([e['event'] for e in events if e['event'] != EVENT], stop),
             (['RESUME', 'STOP'], {'return': {}}), descs[2])
        t.eq(vm.qmp.command('query-status')['status'], 'paused',
             '... so the VM is paused')


def test_events_interrupted():
    """SIGINT at start-up: a connected client hears how far it got."""
    desc = ('SIGINT during start-up preallocation: the client gets '
            '"interrupted" with the bytes done, then memvm exits 1')
    vm = VM(BASE + ['-accel', 'qtest', '-object',
                    SLOW_PREALLOC], timeout=120, may_refuse=True)
    try:
        vm.launch()
        if not vm.qmp or vm.qmp.command('query-status')['status'] != \
                'prelaunch':
            t.skip(desc, 'the preallocation ended before the client had '
                   'negotiated')
            return
        vm.proc.send_signal(signal.SIGINT)
        last = None
        try:
            while True:
                last = vm.qmp.wait_event(EVENT, timeout=60)['data']
                if last['status'] != 'running':
                    break
        except (EOFError, OSError, TimeoutError):
            pass
        status = vm.wait()
        if status == 0 and last and last['status'] == 'completed':
            t.skip(desc, 'the preallocation ended before the signal came')
            return
        t.ok(status == 1 and last and last['status'] == 'interrupted' and
             0 < last['done'] < last['total'] == 4 << 30 and
             last['percent'] == last['done'] * 100 // last['total'], desc,
             'status %r, last event %r' % (status, last))
    finally:
        vm.cleanup()


def test_hmp_startup():
    """HMP input typed during start-up runs once memvm has started."""
    desc = ('HMP during start-up preallocation: the banner at once, '
            '"info status" answered after start-up (running)')
    d = tempfile.mkdtemp(prefix='memvm-prealloc-')
    path = os.path.join(d, 'hmp.sock')
    p = subprocess.Popen([binary()] + BASE + [
        '-accel', 'qtest', '-monitor', 'unix:%s,server=on,wait=off' % path,
        '-object', 'memory-backend-ram,id=big,size=4G,prealloc=on,'
        'prealloc-threads=1'], stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    s = socket.socket(socket.AF_UNIX)
    try:
        while not os.path.exists(path) and p.poll() is None:
            time.sleep(0.01)
        s.settimeout(120)
        s.connect(path)
        data = b''
        while not data.endswith(b'(memvm) '):
            data += s.recv(4096)
        s.sendall(b'info status\n')
        while not data.endswith(b'VM status: running\r\n(memvm) '):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        t.eq(data.decode(), "memvm %s monitor - type 'help' for more "
             "information\r\n(memvm) VM status: running\r\n(memvm) "
             % VERSION, desc)
        s.sendall(b'quit\n')
        p.wait(timeout=60)
    finally:
        s.close()
        if p.poll() is None:
            p.kill()
            p.wait()
        shutil.rmtree(d, ignore_errors=True)


test_defaults()
test_sigint()
test_progress()
test_events_object_add()
test_events_startup()
test_events_interrupted()
test_hmp_startup()
t.done()
