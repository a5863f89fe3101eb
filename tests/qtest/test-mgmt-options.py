#!/usr/bin/env python3
"""The options libvirt always writes (softmmu/vl-mgmt.c, -device
isa-serial, -daemonize, -pidfile): accepted where they describe what memvm
does, refused with the option named otherwise."""
import os
import subprocess
import tempfile
import time

from memvm import Tap, VM, binary, run

t = Tap()
ERRS = [
    (['-uuid', 'nope'], '-uuid nope: failed to parse UUID string: wrong '
     'format'),
    (['-rtc', 'base=localtime'],
     "-rtc base=localtime: base=localtime: memvm's clocks run in UTC"),
    (['-audiodev', 'pa,id=a'],
     '-audiodev pa,id=a: driver=pa: memvm has no sound devices'),
    (['-audiodev', '{"id":"a","driver":"alsa"}'],
     '-audiodev {"id":"a","driver":"alsa"}: driver=alsa: memvm has no '
     'sound devices'),
    (['-overcommit', 'cpu-pm=on'], '-overcommit cpu-pm=on: cpu-pm=on: '
     'memvm does not pass CPU power management to guests'),
    (['-boot', 'order=c'], "-boot order=c: Invalid parameter 'order'"),
    (['-device', 'virtio-blk-pci'],
     "-device virtio-blk-pci: 'virtio-blk-pci' is not a valid device "
     "model name"),
    (['-device', 'isa-serial,chardev=c0,index=1'],
     "-device isa-serial,chardev=c0,index=1: memvm connects the board's "
     "serial ports in order and needs chardev=ID (port 0 is next)"),
    (['-name', 'guest=g,debug-threads=maybe'],
     "-name guest=g,debug-threads=maybe: Parameter 'debug-threads' expects "
     "'on' or 'off'"),
]
for args, msg in ERRS:
    status, _, err = run(['-M', 'none'] + args)
    t.eq((status, err), (1, 'memvm-system-x86_64: %s\n' % msg),
         'refused: %s' % ' '.join(args))

# What libvirt writes for every domain is accepted.
LIBVIRT = ['-name', 'guest=g,debug-threads=on', '-overcommit', 'mem-lock=off',
           '-uuid', '4be4a157-75ae-4ebe-a41f-c07ea211a254', '-rtc', 'base=utc',
           '-no-acpi', '-boot', 'strict=on', '-audiodev',
           '{"id":"audio1","driver":"none"}', '-no-user-config']
with VM(['-M', 'none', '-accel', 'qtest'] + LIBVIRT) as vm:
    t.eq(vm.qmp.command('query-status')['status'], 'running',
         'libvirt\'s fixed options are accepted')

status, _, err = run(['-M', 'none', '-msg', 'timestamp=on', '-bogus'])
t.ok(status == 1 and err.endswith('Z memvm-system-x86_64: -bogus: invalid '
                                  'option\n') and err[:2] == '20',
     '-msg timestamp=on puts the UTC time first', err)

# -daemonize -pidfile: the starting process exits 0 once QMP listens.
with tempfile.TemporaryDirectory(prefix='memvm-daemon-') as d:
    sock, pidf = os.path.join(d, 'q.sock'), os.path.join(d, 'q.pid')
    p = subprocess.run([binary(), '-S', '-nodefaults', '-nographic',
                        '-machine', 'none,accel=kvm:qtest',
                        '-qmp', 'unix:%s,server=on,wait=off' % sock,
                        '-pidfile', pidf, '-daemonize'],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    t.eq(p.returncode, 0, '-daemonize: the parent exits 0')
    pid = int(open(pidf).read())
    t.ok(os.path.exists(sock), 'the QMP socket listens when it has exited')
    t.ok(os.path.exists('/proc/%d' % pid) and pid != p.returncode,
         'the pid file names the running daemon')
    os.kill(pid, 15)
    # The daemon is not our child: wait for its /proc entry to go.
    for _ in range(600):
        try:
            with open('/proc/%d/stat' % pid) as f:
                if f.read().split()[2] == 'Z':
                    break
        except OSError:
            break
        time.sleep(0.05)
    t.ok(not os.path.exists(pidf), 'the pid file is removed at exit')
    p = subprocess.run([binary(), '-M', 'nosuch', '-daemonize'],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    t.eq((p.returncode, p.stderr.decode()),
         (1, 'memvm-system-x86_64: -machine nosuch: unsupported machine '
          'type\nUse -machine help to list supported machines\n'),
         '-daemonize: a failed start exits 1 with the error')
t.done()
