#!/usr/bin/env python3
"""memvm's defaults where QEMU's are traps (docs/differences.md): guest
RAM is left out of core dumps unless dump=on, RAM asks for transparent
huge pages (as in QEMU), and huge pages are never mapped without a
reservation.  Read from the kernel: the VmFlags of /proc/PID/smaps."""
import subprocess

from memvm import Tap, VM, binary, missing_hugepage_pool

t = Tap()
BASE = ['-M', 'none', '-display', 'none', '-nodefaults', '-accel', 'qtest']
PROG = 'memvm-system-x86_64'


def vmflags(pid, size_kib):
    """The VmFlags of the mapping of exactly @size_kib KiB."""
    flags, size = None, None
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            if line.startswith('Size:'):
                size = int(line.split()[1])
            elif line.startswith('VmFlags:') and size == size_kib:
                flags = line.split()[1:]
    return flags


backends = ['-object', 'memory-backend-ram,id=plain,size=72M',
            '-object', 'memory-backend-ram,id=dumped,size=80M,dump=on',
            '-object', 'memory-backend-ram,id=shared,size=88M,share=on']
with VM(BASE + backends) as vm:
    plain = vmflags(vm.proc.pid, 72 << 10)
    dumped = vmflags(vm.proc.pid, 80 << 10)
    shared = vmflags(vm.proc.pid, 88 << 10)
    t.ok(plain and 'dd' in plain, 'guest RAM is not dumped by default '
         '(MADV_DONTDUMP)', plain)
    t.ok(dumped and 'dd' not in dumped, '... unless dump=on', dumped)
    t.ok(plain and 'hg' in plain, 'private anonymous RAM asks for THP '
         '(MADV_HUGEPAGE, as QEMU does for every RAM block)', plain)
    t.ok(shared and 'hg' in shared, '... and so does shared RAM', shared)
    t.eq({m['id']: m['dump'] for m in vm.qmp.command('query-memdev')},
         {'plain': False, 'dumped': True, 'shared': False},
         'query-memdev shows dump as it is')

p = subprocess.run([binary()] + BASE + [
    '-object', 'memory-backend-memfd,id=h,size=2M,hugetlb=on,reserve=off',
    '-qtest', 'stdio'], stdin=subprocess.DEVNULL, capture_output=True,
    text=True)
desc = 'a hugetlb backend with reserve=off is refused (no SIGBUS later)'
if not t.skip_if(missing_hugepage_pool(), desc):
    t.eq((p.returncode, p.stderr),
         (1, "%s: -object memory-backend-memfd,id=h,size=2M,hugetlb=on,"
          "reserve=off: memory backend 'h': 'reserve=off' is refused for "
          "huge pages: without a reservation the guest gets SIGBUS when "
          "the pool runs out; drop 'reserve=off' (memvm checks the pool "
          "at start)\n" % PROG), desc)
t.done()
