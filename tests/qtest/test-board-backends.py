#!/usr/bin/env python3
"""Every board of every memvm binary gets its main RAM from a host memory
backend: started with its default RAM size, the machine's RAM block is
the block of /objects/<default-ram-id>, a memory-backend object whose
size is the machine's RAM size; and with an explicit backend, the block is
named by that backend's id."""
import re
from concurrent.futures import ThreadPoolExecutor

from memvm import Tap, VM, run

ARCHES = ['x86_64', 'aarch64', 'arm', 'riscv64', 's390x', 'alpha', 'cris',
          'hppa', 'm68k', 'mips', 'mipsel', 'mips64', 'mips64el', 'ppc',
          'ppc64', 'sparc', 'sparc64']
ROW = re.compile(r'^\s*(\S*)\s+\d+(?:\.\d+)? [KMGTPE]?i?B\s+0x[0-9a-f]+ '
                 r'(0x[0-9a-f]+) (0x[0-9a-f]+)$')


def machines(arch):
    status, out, _ = run(['-M', 'help'], arch=arch)
    names = []
    for line in out.splitlines()[1:]:
        if '(alias of' in line:
            continue
        names.append(line.split()[0])
    return names


def block_names(vm):
    return {m.group(1) for m in map(ROW.match, vm.hmp('info ramblock')
                                    .replace('\r', '').splitlines()[1:])
            if m}


def check(arch, name):
    """Returns (ok, detail) for one machine, or None when it has no RAM."""
    try:
        with VM(['-M', name, '-accel', 'qtest', '-S', '-nodefaults'],
                arch=arch) as vm:
            info = [m for m in vm.qmp.command('query-machines')
                    if m['name'] == name][0]
            ram_id = info.get('default-ram-id')
            size = vm.qmp.command('query-memory-size-summary')['base-memory']
            if not ram_id or not size:
                return None
            typ = vm.qmp.command('qom-get', path='/objects/' + ram_id,
                                 property='type')
            bsize = vm.qmp.command('qom-get', path='/objects/' + ram_id,
                                   property='size')
            ok = (typ.startswith('memory-backend-') and bsize == size and
                  ram_id in block_names(vm))
            return ok, '%s: %s size %d, machine RAM %d, blocks %s' % (
                ram_id, typ, bsize, size, sorted(block_names(vm)))
    except (RuntimeError, OSError, EOFError) as e:
        return False, str(e)


def check_explicit(arch, name):
    """The same board on an explicit 'mem0' backend of its default size."""
    with VM(['-M', name, '-accel', 'qtest', '-S', '-nodefaults'],
            arch=arch) as vm:
        size = vm.qmp.command('query-memory-size-summary')['base-memory']
    if not size:
        return None
    args = ['-M', name + ',memory-backend=mem0', '-m', str(size) + 'B',
            '-accel', 'qtest', '-S', '-nodefaults', '-object',
            'memory-backend-ram,id=mem0,size=%dB' % size]
    try:
        with VM(args, arch=arch) as vm:
            names = block_names(vm)
            busy = vm.qmp.cmd('object-del', id='mem0')
            return ('mem0' in names and 'error' in busy,
                    'blocks %s, object-del: %s' % (sorted(names), busy))
    except (RuntimeError, OSError, EOFError) as e:
        return False, str(e)


def main():
    tap = Tap()
    jobs = [(a, m) for a in ARCHES for m in machines(a) if m != 'none']
    with ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(lambda j: (check(*j), check_explicit(*j)),
                              jobs))
    for (arch, name), (default, explicit) in zip(jobs, results):
        for what, r in (('default', default), ('explicit', explicit)):
            desc = '%s %s: main RAM comes from a backend (%s)' % (
                arch, name, what)
            if r is None:
                tap.skip(desc, 'the board has no default RAM')
            else:
                tap.ok(r[0], desc, r[1])
    tap.done()


if __name__ == '__main__':
    main()
