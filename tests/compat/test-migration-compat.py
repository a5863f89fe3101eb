#!/usr/bin/env python3
"""Migration streams between memvm and QEMU 7.2, both ways.

RAM lives in shared file backends on /dev/shm on both sides, so the
destination's RAM can be compared with the source's byte for byte.

1. -M none -m 256M: memvm -> qemu-system-x86_64 -incoming, and QEMU ->
   memvm -incoming; RAM equal.
2. The parts of a -M none -m 4M -S stream that do not depend on timing
   (header, configuration, RAM block list; timer, globalstate, EOF and the
   JSON description) are the same bytes from memvm as from QEMU.
3. -M pc: memvm's stream loads into QEMU (RAM equal; QEMU's vCPUs keep
   their reset state: memvm sends no x86 device state); QEMU's stream is
   refused by memvm at its first device section, with QEMU's message.
Skips with the reason when QEMU 7.2 is not installed.  Prints TAP.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.join(HERE, '..', 'qtest'))

from memvm import VM, Tap, binary, missing_qemu  # noqa: E402
from migration_util import (wait_migration, wait_status,  # noqa: E402
                            wait_stream_file)

t = Tap()
why = missing_qemu('x86_64')
if why:
    print('1..0 # SKIP %s' % why)
    sys.exit(0)

QEMU = shutil.which('qemu-system-x86_64')
MiB = 1 << 20
tmp = tempfile.mkdtemp(prefix='memvm-migc-', dir='/dev/shm')


def path(name):
    return os.path.join(tmp, name)


def fill(file, size, seed):
    """A backend file of @size with random runs among zero pages."""
    rnd = random.Random(seed)
    with open(file, 'wb') as f:
        f.truncate(size)
        for _ in range(64):
            f.seek(rnd.randrange(0, size // 4096) * 4096)
            f.write(rnd.randbytes(4096 * rnd.randrange(1, 8)))
        f.seek(size - 4096)
        f.write(rnd.randbytes(4096))


def backend(file, size):
    return ['-object', 'memory-backend-file,id=m0,size=%d,mem-path=%s,'
            'share=on' % (size, file), '-m', '%dM' % (size // MiB)]


def same_file(a, b):
    with open(a, 'rb') as x, open(b, 'rb') as y:
        return x.read() == y.read()


def migrate_out(program, args, stream):
    """Run @program with @args, migrate it to @stream; the query-migrate
    reply."""
    with VM(['-nodefaults'] + args, program=program) as vm:
        vm.qmp.command('migrate', uri='exec:cat > %s' % stream)
        info = wait_migration(vm.qmp)
        wait_stream_file(stream, info)
        return info


def migrate_in(program, args, stream):
    """Start @program with -incoming from @stream; (status, run state)."""
    vm = VM(['-nodefaults'] + args + ['-incoming', 'exec:cat %s' % stream],
            program=program, may_refuse=True)
    with vm:
        if vm.refused:
            return vm.refused, None
        try:
            state = wait_status(vm.qmp)
            mig = vm.qmp.command('query-migrate').get('status')
        except (OSError, EOFError):
            # A destination that refuses the stream exits.
            vm.wait()
            return (vm.status, vm.stderr), None
        return mig, state


def none_case(src_prog, dst_prog, name):
    src, dst, stream = path('src'), path('dst'), path('stream')
    for f in (dst, stream):
        if os.path.exists(f):
            os.unlink(f)
    size = 256 * MiB
    fill(src, size, name)
    args = ['-M', 'none,memory-backend=m0']
    info = migrate_out(src_prog, backend(src, size) + args, stream)
    t.eq(info['status'], 'completed', '%s: source completes' % name)
    got = migrate_in(dst_prog, backend(dst, size) + args, stream)
    t.eq(got, ('completed', 'running'), '%s: destination loads and runs'
         % name)
    t.ok(same_file(src, dst), '%s: RAM equal byte for byte' % name)


none_case(binary(), QEMU, 'memvm -> QEMU 7.2, -M none 256M')
none_case(QEMU, binary(), 'QEMU 7.2 -> memvm, -M none 256M')


# --- the timing-free parts of a small stream are QEMU's bytes -----------
def stream_of(program, name):
    stream = path(name)
    migrate_out(program, ['-M', 'none', '-m', '4M', '-S'], stream)
    with open(stream, 'rb') as f:
        return f.read()


ours, theirs = stream_of(binary(), 'ours'), stream_of(QEMU, 'theirs')
# Up to the START section's footer: header, configuration, block list.
head = theirs.index(b'\x7e\0\0\0\x02') + 5
t.eq(ours[:head].hex(), theirs[:head].hex(),
     'stream head (QEVM v3, configuration, MEM_SIZE list) as QEMU')
tail = theirs.index(b'\x04\0\0\0\0\x05timer')
t.eq(ours[ours.index(b'\x04\0\0\0\0\x05timer'):], theirs[tail:],
     'stream tail (timer, globalstate, EOF, JSON description) as QEMU')
t.eq(len(ours), len(theirs), 'same stream size for -M none -m 4M -S (%d)'
     % len(theirs))


# --- -M pc ---------------------------------------------------------------
src, dst, stream = path('src'), path('dst'), path('pcstream')
for f in (src, dst, stream):
    if os.path.exists(f):
        os.unlink(f)
fill(src, 128 * MiB, 'pc')
pc = ['-M', 'pc,memory-backend=m0']
info = migrate_out(binary(), backend(src, 128 * MiB) + pc + ['-S'], stream)
t.eq(info['status'], 'completed', 'pc: memvm source completes')
got = migrate_in(QEMU, backend(dst, 128 * MiB) + pc, stream)
t.eq(got, ('completed', 'prelaunch'), 'pc: QEMU 7.2 loads memvm\'s stream')
t.ok(same_file(src, dst), 'pc: memvm -> QEMU, RAM equal byte for byte')

os.unlink(stream)
migrate_out(QEMU, backend(src, 128 * MiB) + pc + ['-S'], stream)
got = migrate_in(binary(), backend(dst, 128 * MiB) + pc, stream)
t.eq(got, ((1, "memvm-system-x86_64: Unknown savevm section or instance "
            "'cpu_common' 0. Make sure that your current VM setup matches "
            "your saved VM setup, including any hotplugged devices\n"
            "memvm-system-x86_64: load of migration failed: Invalid "
            "argument\n"), None),
     'pc: QEMU -> memvm refused at the first device section memvm lacks')

shutil.rmtree(tmp, ignore_errors=True)
t.done()
