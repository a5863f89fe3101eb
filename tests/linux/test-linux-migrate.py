#!/usr/bin/env python3
"""A running Debian arm64 Linux migrated between two memvm processes.

The kernel and busybox are those of test-linux-boot.py (scripts/fetch-
linux.sh); without them every test skips with the reason.  This test
packs its own initramfs: /init mounts /proc and runs a busybox shell on
the PL011 console, which the test drives over a chardev socket.

Before the switch the shell sets a variable and starts a background awk
that adds i/3 (IEEE doubles, so its registers are FP/SIMD ones) until a
file appears.  Then the guest is migrated, (1) live over a unix socket
while it runs, (2) to a file with "exec:cat > f" and loaded by a
destination started later with -incoming "exec:cat f" (stopped first,
so the destination is told `cont`).  On the
destination the same shell answers: the variable is still set, the
uptime (the generic timer's counter) has not gone back, `sleep 1` wakes
up (timer interrupts through the GIC), the timer's interrupt count in
/proc/interrupts grows there, input reaches the shell (PL011 receive
interrupt) and the awk, told to stop, prints the sum that Python
computes for the same number of steps.

Bad device sections are refused in tests/qtest/test-migrate-live.py,
which needs no kernel.
No timing is asserted: each wait has a generous limit (a hang fails).
"""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

from linuxenv import APPEND, BUSYBOX, IMAGE, LINUX_DIR, SOURCE
from liveguest import Serial, wait_for  # noqa: E402
from memvm import Tap, VM  # noqa: E402

MKCPIO = os.path.join(SOURCE, 'scripts', 'mkcpio.py')
WAIT = 600 if os.environ.get('MEMVM_SANITIZED') else 120

INIT = r'''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
echo "memvm-mig: ready"
exec /bin/sh
'''

# Steps between the awk's checks for /tmp/stop.
FP_CHUNK = 4096
FP_AWK = ('awk \'BEGIN { x = 0; i = 0; while (1) { for (j = 0; j < %d; '
          'j++) { x += i / 3; i++ } if ((getline l < "/tmp/stop") >= 0) '
          'break; close("/tmp/stop") } printf "FP %%d %%.17g\\n", i, x }\' &'
          % FP_CHUNK)
FP_RE = re.compile(r'FP (\d+) ([0-9][0-9.e+]*)\r?$', re.M)

# One probe: a tag, the uptime, the virtual timer's interrupt count.
PROBE = ('echo %s $(cut -d" " -f1 /proc/uptime) $(awk \'/arch_timer/ '
         '{ print $2 }\' /proc/interrupts) "$MARK"')


def make_initrd(tmp):
    root = os.path.join(tmp, 'root')
    for d in ('bin', 'proc', 'sys', 'dev', 'tmp'):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, 'bin', 'busybox'))
    with open(os.path.join(root, 'init'), 'w') as f:
        f.write(INIT)
    os.chmod(os.path.join(root, 'init'), 0o755)
    cpio = subprocess.run([sys.executable, MKCPIO, root], check=True,
                          stdout=subprocess.PIPE).stdout
    path = os.path.join(tmp, 'initrd')
    with open(path, 'wb') as f:
        f.write(cpio)
    return path


def machine_args(initrd, uart):
    return ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '256M', '-no-reboot',
            '-kernel', IMAGE, '-initrd', initrd, '-append', APPEND,
            '-chardev', 'socket,id=u0,path=%s,server=on,wait=off' % uart,
            '-serial', 'chardev:u0']


class Console:
    """The guest shell on a Serial, one command at a time."""

    def __init__(self, serial):
        self.serial = serial
        self.seen = 0

    def run(self, cmd, want):
        """Send @cmd; the first match of regex @want in the new output."""
        start = len(self.serial.text())
        self.serial.send(cmd.encode() + b'\n')
        pat = re.compile(want, re.M)
        m = wait_for(lambda: pat.search(self.serial.text()[start:]),
                     timeout=WAIT)
        return m

    def probe(self, tag):
        m = self.run(PROBE % tag, r'^%s ([0-9.]+) (\d+) (\S*)\r?$' % tag)
        if not m:
            return None
        return float(m.group(1)), int(m.group(2)), m.group(3)


def fp_expected(steps):
    x = 0.0
    for i in range(steps):
        x += i / 3
    return x


def migrate(src, uri):
    # Linux translates addresses, so every pass resends all of RAM
    # (docs/migration-dirty-tracking.md): a slow (sanitized) build could
    # pass after pass never fit the default 300 ms.  A generous limit
    # still leaves a live pass or more before the switch.
    src.qmp.command('migrate-set-parameters', {'max-bandwidth': 1 << 40,
                                               'downtime-limit': 5000})
    src.qmp.command('migrate', {'uri': uri})
    wait_for(lambda: src.qmp.command('query-migrate').get('status')
             in ('completed', 'failed'), timeout=WAIT)
    return src.qmp.command('query-migrate')


def source_side(t, what, src, con):
    """Boot to the shell, leave state behind; the probe before, or None."""
    m = wait_for(lambda: re.search(r'memvm-mig: ready', con.serial.text()),
                 timeout=WAIT)
    if not t.ok(m is not None, what + ': Linux boots to the shell on the '
                'source', con.serial.text()[-2000:] + src.read_stderr()):
        return None
    con.run('MARK=kept-%s' % what.split()[0], r'#')
    con.run(FP_AWK, r'#')
    before = con.probe('BEFORE')
    t.ok(before is not None and before[2].startswith('kept-'),
         what + ': the source shell answers', con.serial.text()[-1000:])
    return before


def destination_side(t, what, dst, con, before):
    """The guest carries on: its shell, clock, timer, UART, FP state."""
    sleep = con.run('sleep 1; echo SLEPT', r'^SLEPT\r?$')
    t.ok(sleep is not None, what + ': `sleep 1` returns on the destination '
         '(timer interrupts arrive)', con.serial.text()[-1000:] +
         dst.read_stderr())
    after = con.probe('AFTER')
    t.ok(after is not None and after[2] == before[2],
         what + ': the same shell answers on the destination (its '
         'variable is still set)', '%r\n%s' % (after,
                                              con.serial.text()[-1000:]))
    con.run('sleep 1; echo SLEPT2', r'^SLEPT2\r?$')
    later = con.probe('LATER')
    ok = after is not None and later is not None
    t.ok(ok and before[0] <= after[0] < later[0],
         what + ': the guest\'s uptime goes on from the source\'s, forward',
         'before %r, after %r, later %r' % (before, after, later))
    t.ok(ok and later[1] > after[1],
         what + ': timer interrupts are counted on the destination',
         'after %r, later %r' % (after, later))
    fp = con.run('echo stop > /tmp/stop', FP_RE.pattern)
    if not t.ok(fp is not None, what + ': the awk started on the source '
                'ends on the destination', con.serial.text()[-1000:]):
        return
    steps, got = int(fp.group(1)), float(fp.group(2))
    t.eq(got, fp_expected(steps),
         what + ': its floating-point sum over %d steps is exact' % steps)


@contextlib.contextmanager
def guest(initrd, uart, extra=()):
    """A memvm of this guest and its console, connected at once (output
    before a client connects is dropped)."""
    serial = Serial(uart)
    try:
        with VM(machine_args(initrd, uart) + list(extra), arch='aarch64',
                timeout=WAIT) as vm:
            serial.connect()
            yield vm, Console(serial)
    finally:
        serial.close()


def dst_runs(t, what, dst):
    running = wait_for(lambda: dst.qmp.command('query-status')
                       ['status'] == 'running', timeout=WAIT)
    t.ok(running, what + ': the destination runs', dst.read_stderr())


def live_case(t, tmp, initrd):
    what = 'live unix'
    mig = os.path.join(tmp, 'mig.sock')
    with guest(initrd, os.path.join(tmp, 'src-uart.sock')) as (src, con):
        before = source_side(t, what, src, con)
        if before is None:
            return
        with guest(initrd, os.path.join(tmp, 'dst-uart.sock'),
                   ['-incoming', 'unix:' + mig]) as (dst, dst_con):
            info = migrate(src, 'unix:' + mig)
            if not t.eq(info.get('status'), 'completed',
                        what + ': migration completes'):
                t.diag('%r\n--- source:\n%s--- destination:\n%s' %
                       (info, src.read_stderr(), dst.read_stderr()))
                return
            t.eq(src.qmp.command('query-status')['status'], 'postmigrate',
                 what + ': the source stops after switchover')
            dst_runs(t, what, dst)
            destination_side(t, what, dst, dst_con, before)


def saved_case(t, tmp, initrd):
    what = 'exec file'
    saved = os.path.join(tmp, 'saved')
    with guest(initrd, os.path.join(tmp, 'src2-uart.sock')) as (src, con):
        before = source_side(t, what, src, con)
        if before is None:
            return
        # Saved as QEMU users save to a file: stopped, one pass.
        src.qmp.command('stop')
        info = migrate(src, 'exec:cat > ' + saved)
        if not t.eq(info.get('status'), 'completed',
                    what + ': the machine is saved'):
            t.diag('%r\n%s' % (info, src.read_stderr()))
            return
    with guest(initrd, os.path.join(tmp, 'dst2-uart.sock'),
               ['-incoming', 'exec:cat ' + saved]) as (dst, con):
        paused = wait_for(lambda: dst.qmp.command('query-status')
                          ['status'] == 'paused', timeout=WAIT)
        t.ok(paused, what + ': the destination loads it and stays paused, '
             'as the source was', dst.read_stderr())
        dst.qmp.command('cont')
        dst_runs(t, what, dst)
        destination_side(t, what, dst, con, before)


def main():
    t = Tap()
    descs = ['Linux migration on aarch64 virt']
    if not (os.path.exists(IMAGE) and os.path.exists(BUSYBOX)):
        t.skip_if('no Debian arm64 kernel and busybox in %s '
                  '(scripts/fetch-linux.sh could not fetch them)' %
                  LINUX_DIR, *descs)
        t.done()
    tmp = tempfile.mkdtemp(prefix='memvm-linux-mig-')
    try:
        initrd = make_initrd(tmp)
        live_case(t, tmp, initrd)
        saved_case(t, tmp, initrd)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
