#!/usr/bin/env python3
"""Memory backends over QMP and HMP, as a management tool uses them:
object-add a memfd backend, see it in query-memdev, delete it, and be
refused when deleting the backend the machine runs on."""
import os
import tempfile

from memvm import QMP, Tap, VM, run

t = Tap()


def error_of(reply):
    e = reply.get('error', {})
    return (e.get('class'), e.get('desc'))


with VM(['-M', 'none', '-m', '512M', '-accel', 'qtest']) as vm:
    q = vm.qmp
    t.eq(q.command('query-memory-size-summary'),
         {'base-memory': 512 << 20, 'plugged-memory': 0},
         'query-memory-size-summary gives -m')
    devs = q.command('query-memdev')
    t.eq(devs, [{'id': 'ram', 'size': 512 << 20, 'merge': True,
                 'dump': False, 'prealloc': False, 'share': False,
                 'reserve': True, 'host-nodes': [], 'policy': 'default'}],
         'the default backend is a real object named by default_ram_id')
    t.eq(q.cmd('object-add', {'qom-type': 'memory-backend-memfd',
                              'id': 'mfd', 'size': 64 << 20,
                              'prealloc': True}),
         {'return': {}}, 'object-add memory-backend-memfd')
    mfd = [d for d in q.command('query-memdev') if d['id'] == 'mfd']
    t.ok(len(mfd) == 1 and mfd[0]['share'] and mfd[0]['prealloc'] and
         mfd[0]['size'] == 64 << 20, 'query-memdev shows it (shared, '
         'preallocated, 64 MiB)', mfd)
    t.eq(q.command('qom-get', path='/objects/mfd', property='seal'), True,
         'qom-get seal (memfd default on)')
    t.eq(q.command('qom-get', path='/objects/mfd', property='type'),
         'memory-backend-memfd', 'qom-get type')
    t.eq(error_of(q.cmd('qom-set', path='/objects/mfd', property='size',
                        value=1 << 20)),
         ('GenericError', "cannot change property 'size' of "
          "memory-backend-memfd 'mfd' after it is created"),
         'size is fixed once the memory exists')
    t.eq(q.cmd('qom-set', path='/objects/mfd', property='merge',
               value=False), {'return': {}}, 'merge may change at run time')
    memdev = q.hmp('info memdev')
    t.ok('memory backend: mfd\r\n  size:  67108864\r\n  merge: false\r\n'
         in memdev, 'info memdev shows the new backend', memdev)
    blocks = q.hmp('info ramblock')
    t.ok(' ram    4 KiB  0x' in blocks, 'info ramblock names the machine '
         'RAM block "ram"', blocks)
    t.eq(q.cmd('object-del', id='mfd'), {'return': {}}, 'object-del')
    t.eq([d['id'] for d in q.command('query-memdev')], ['ram'],
         'gone from query-memdev')
    t.eq(error_of(q.cmd('object-del', id='ram')),
         ('GenericError', "object 'ram' is in use, can not be deleted"),
         "the machine's backend cannot be deleted")
    t.eq(error_of(q.cmd('object-add', {'qom-type': 'memory-backend-ram',
                                       'id': 'big', 'size': 1 << 20,
                                       'policy': 'bind'})),
         ('GenericError', 'host-nodes must be set for policy bind'),
         'backend errors reach QMP')
    t.eq([d['id'] for d in q.command('query-memdev')], ['ram'],
         'a failed object-add leaves nothing behind')
    mtree = q.hmp('info mtree')
    t.ok('    0000000000000000-000000001fffffff (prio 0, ram): ram\r\n'
         in mtree, 'info mtree maps RAM at 0', mtree)

# A NUMA machine: each node's backend in use, the container named pc.ram.
with VM(['-M', 'pc', '-accel', 'qtest', '-m', '2G',
         '-object', 'memory-backend-ram,id=n0,size=1G',
         '-object', 'memory-backend-memfd,id=n1,size=1G',
         '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1']) as vm:
    q = vm.qmp
    for n in ('n0', 'n1'):
        t.eq(error_of(q.cmd('object-del', id=n)),
             ('GenericError', "object '%s' is in use, can not be deleted" % n),
             'NUMA backend %s cannot be deleted' % n)
    numa = q.hmp('info numa')
    t.ok(numa.startswith('2 nodes\r\n') and 'node 1 size: 1024 MB' in numa,
         'info numa shows two 1 GiB nodes', numa)
# -chardev/-mon, the libvirt spelling of -qmp and -serial.
tmp = tempfile.mkdtemp(prefix='memvm-chardev-')
sock = os.path.join(tmp, 'mon.sock')
serial = os.path.join(tmp, 'serial.txt')
with VM(['-M', 'none', '-accel', 'qtest',
         '-chardev', 'socket,id=mon0,path=%s,server=on,wait=off' % sock,
         '-mon', 'chardev=mon0,mode=control',
         '-chardev', 'file,id=ser0,path=%s' % serial,
         '-serial', 'chardev:ser0']) as vm:
    q2 = QMP(sock)
    t.eq(q2.command('query-status')['status'], 'running',
         '-chardev socket + -mon mode=control is a QMP monitor')
    q2.close()
t.ok(os.path.exists(serial), '-serial chardev:ID opens the chardev\'s file')
ERRS = [
    (['-mon', 'chardev=nope'], '-mon chardev=nope: chardev "nope" not found'),
    (['-chardev', 'socket,path=/tmp/x'],
     '-chardev socket,path=/tmp/x: chardev: no id specified'),
    (['-chardev', 'foo,id=a'],
     "-chardev foo,id=a: 'foo' is not a valid char driver name"),
    (['-serial', 'chardev:nope'], '-serial chardev:nope: could not connect '
     "serial device to character backend 'chardev:nope'"),
    (['-chardev', 'null,id=a', '-mon', 'chardev=a,mode=bad'],
     "-mon chardev=a,mode=bad: Parameter 'mode' does not accept value "
     "'bad'"),
]
# query-machines entries as QEMU 7.2 gives them: the CPU type depends on
# the target (qemu64 on x86_64, qemu32 on i386), plugged-memory on whether
# QEMU builds the target with memory devices.
MACHINE_ENTRIES = [
    ('x86_64', 'pc-i440fx-7.2',
     {'name': 'pc-i440fx-7.2', 'alias': 'pc', 'is-default': True,
      'cpu-max': 255, 'hotpluggable-cpus': True, 'numa-mem-supported': False,
      'deprecated': False, 'default-cpu-type': 'qemu64-x86_64-cpu',
      'default-ram-id': 'pc.ram'}),
    ('i386', 'isapc',
     {'name': 'isapc', 'cpu-max': 1, 'hotpluggable-cpus': True,
      'numa-mem-supported': False, 'deprecated': False,
      'default-cpu-type': '486-i386-cpu', 'default-ram-id': 'pc.ram'}),
    ('aarch64', 'virt-7.2',
     {'name': 'virt-7.2', 'alias': 'virt', 'cpu-max': 512,
      'hotpluggable-cpus': False, 'numa-mem-supported': False,
      'deprecated': False, 'default-cpu-type': 'cortex-a15-arm-cpu',
      'default-ram-id': 'mach-virt.ram'}),
    ('x86_64', 'none',
     {'name': 'none', 'cpu-max': 1, 'hotpluggable-cpus': False,
      'numa-mem-supported': False, 'deprecated': False,
      'default-ram-id': 'ram'}),
]
for arch, name, want in MACHINE_ENTRIES:
    with VM(['-M', 'none', '-accel', 'qtest'], arch=arch) as vm:
        got = [m for m in vm.qmp.command('query-machines')
               if m['name'] == name]
    t.eq(got, [want], 'query-machines on %s: %s as QEMU 7.2 has it'
         % (arch, name))
with VM(['-M', 'virt', '-accel', 'qtest'], arch='riscv64') as vm:
    t.eq(vm.qmp.command('query-memory-size-summary'),
         {'base-memory': 128 << 20},
         'query-memory-size-summary on riscv64: no plugged-memory (QEMU '
         '7.2 builds that target without memory devices)')
for args, msg in ERRS:
    status, _, err = run(['-M', 'none', '-display', 'none'] + args)
    t.ok(status == 1 and err.strip() == 'memvm-system-x86_64: ' + msg,
         'error as QEMU words it: ' + msg, 'status %d: %s' % (status, err))
t.done()
