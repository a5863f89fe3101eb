#!/usr/bin/env python3
"""s390-ccw-virtio RAM block layouts in migration streams.

Machine versions 2.12 to 4.1 stream RAM as chunk blocks s390.ram,
s390.ram.1, ... (one per KVM slot, 8 TiB - 1 MiB; lowered here with
x-slot-size so that a test guest spans several); 4.2 and later stream one
s390.ram whatever the slot size.  A stream loads into the same machine
version with the same layout; a different layout is refused with a
message naming both.  Prints TAP.
"""
import os
import random
import struct
import subprocess
import tempfile

from memvm import VM, Tap, binary
from migration_util import wait_migration, wait_status, wait_stream_file

MiB = 1 << 20
t = Tap()
tmp = tempfile.mkdtemp(prefix='memvm-mig390-')


def block_list(stream):
    """[(idstr, length)] of the RAM section's MEM_SIZE record."""
    start = stream.index(b'\x03ram\0\0\0\0\0\0\0\x04') + 12
    total, = struct.unpack('>Q', stream[start:start + 8])
    total &= ~0xfff
    pos, out = start + 8, []
    while total:
        n = stream[pos]
        name = stream[pos + 1:pos + 1 + n].decode()
        length, = struct.unpack('>Q', stream[pos + 1 + n:pos + 9 + n])
        out.append((name, length))
        total -= length
        pos += 9 + n
    return out


def qwrite(qt, addr, data):
    return qt.command('write 0x%x 0x%x 0x%s' % (addr, len(data), data.hex()))


def qread(qt, addr, n):
    return bytes.fromhex(qt.command('read 0x%x 0x%x' % (addr, n))
                         .split()[1][2:])


def save(machine, mem, name, pats):
    stream = os.path.join(tmp, name)
    with VM(['-M', machine, '-m', mem, '-nodefaults'], arch='s390x',
            qtest='socket') as vm:
        for addr, data in pats:
            qwrite(vm.qtest, addr, data)
        vm.qmp.command('migrate', uri='exec:cat > %s' % stream)
        info = wait_migration(vm.qmp)
        wait_stream_file(stream, info)
        t.eq(info['status'], 'completed', '%s: migration completes' % name)
    with open(stream, 'rb') as f:
        return stream, f.read()


rnd = random.Random(390)
# Across both chunk boundaries (64 MiB, 128 MiB) and at the very end.
PATS = [(a, rnd.randbytes(8192)) for a in
        (64 * MiB - 4096, 128 * MiB - 4096, 160 * MiB - 8192, 0x10000)]
OLD = 's390-ccw-virtio-4.1,x-slot-size=64M'
NEW = 's390-ccw-virtio-7.2,x-slot-size=64M'

old_file, old = save(OLD, '160M', '4.1', PATS)
t.eq(block_list(old), [('s390.ram', 64 * MiB), ('s390.ram.1', 64 * MiB),
                       ('s390.ram.2', 32 * MiB)],
     '4.1: chunk blocks s390.ram, s390.ram.1, s390.ram.2 in the stream')
new_file, new = save(NEW, '160M', '7.2', PATS)
t.eq(block_list(new), [('s390.ram', 160 * MiB)],
     '7.2: one s390.ram in the stream, whatever the slot size')

for name, machine, file in (('4.1', OLD, old_file), ('7.2', NEW, new_file)):
    with VM(['-M', machine, '-m', '160M', '-nodefaults', '-incoming',
             'exec:cat %s' % file], arch='s390x', qtest='socket') as vm:
        t.eq(wait_status(vm.qmp), 'running', '%s: loads into the same '
             'machine version' % name)
        t.ok(all(qread(vm.qtest, a, len(d)) == d for a, d in PATS),
             '%s: RAM across the chunk boundaries restored' % name)


def refused(machine, file):
    p = subprocess.run([binary('s390x'), '-M', machine, '-m', '160M',
                        '-nodefaults', '-display', 'none', '-incoming',
                        'exec:cat %s' % file], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr.decode()


P = 'memvm-system-s390x: '
t.eq(refused('s390-ccw-virtio-4.1', old_file),
     (1, P + 'Size mismatch: s390.ram: 0x4000000 != 0xa000000: Invalid '
      'argument\n' + P + 'RAM blocks in the stream: s390.ram (64 MiB), '
      's390.ram.1 (64 MiB), s390.ram.2 (32 MiB); on this machine: s390.ram '
      '(160 MiB)\n' + P + "error while loading state for instance 0x0 of "
      "device 'ram'\n" + P + 'load of migration failed: Invalid argument\n'),
     'chunked stream into one block: refused, both layouts named')
t.eq(refused('s390-ccw-virtio-4.1,x-slot-size=32M', old_file),
     (1, P + 'Size mismatch: s390.ram: 0x4000000 != 0x2000000: Invalid '
      'argument\n' + P + 'RAM blocks in the stream: s390.ram (64 MiB), '
      's390.ram.1 (64 MiB), s390.ram.2 (32 MiB); on this machine: s390.ram '
      '(32 MiB), s390.ram.1 (32 MiB), s390.ram.2 (32 MiB), s390.ram.3 '
      '(32 MiB), s390.ram.4 (32 MiB)\n' + P + "error while loading state for "
      "instance 0x0 of device 'ram'\n" + P + 'load of migration failed: '
      'Invalid argument\n'),
     'other chunk size: refused, both layouts named')
t.eq(refused('s390-ccw-virtio-7.2', old_file),
     (1, P + "Machine type received is 's390-ccw-virtio-4.1' and local is "
      "'s390-ccw-virtio-7.2'\n" + P + 'load of migration failed: Invalid '
      'argument\n'), 'other machine version: refused, both named')

import shutil
shutil.rmtree(tmp, ignore_errors=True)
t.done()
