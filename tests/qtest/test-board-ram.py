#!/usr/bin/env python3
"""Guest RAM of each board lands where QEMU 7.2 puts it.

1. qtest: with main RAM in shared file backends under /dev/shm, a byte
   written at the first and at the last address of every RAM range of
   QEMU's flat view (tests/compat/ref) must appear in the backend's file at
   that range's offset, and read back the same over qtest.
2. dumpdtb: `-M virt,dumpdtb=FILE` on aarch64, arm and riscv64 writes a
   device tree whose /memory nodes (decoded with dtc) cover exactly the RAM
   ranges of QEMU's flat view, one per NUMA node with its numa-node-id.

The expected layouts come from the reference files, not from memvm.
Python 3 standard library (and dtc for part 2); prints TAP.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from memvm import VM, Tap, binary, missing_program, missing_shm

SOURCE = os.environ.get('MEMVM_SOURCE_DIR', '.')
REF = os.path.join(SOURCE, 'tests', 'compat', 'ref')
SHM = '/dev/shm'
GiB = 1 << 30

# (arch, reference case, backends {id: bytes}, board args, names in the
# reference to read as backend ids).  The reference runs used the default
# backend where no memdev case exists; the layout does not depend on it.
RAM_CASES = [
    ('x86_64', 'pc-memdev-4G', {'m0': 4 * GiB},
     ['-M', 'pc,memory-backend=m0'], {}),
    ('x86_64', 'q35-memdev-4G', {'m0': 4 * GiB},
     ['-M', 'q35,memory-backend=m0'], {}),
    ('x86_64', 'isapc-4G', {'m0': 4 * GiB},
     ['-M', 'isapc,memory-backend=m0'], {'pc.ram': 'm0'}),
    ('x86_64', 'microvm-4G', {'m0': 4 * GiB},
     ['-M', 'microvm,memory-backend=m0'], {'microvm.ram': 'm0'}),
    ('x86_64', 'pc-numa2-memdev-4G', {'n0': 1 * GiB, 'n1': 3 * GiB},
     ['-M', 'pc', '-m', '4G', '-numa', 'node,memdev=n0',
      '-numa', 'node,memdev=n1'], {}),
    ('x86_64', 'q35-numa2-memdev-4G', {'n0': 1 * GiB, 'n1': 3 * GiB},
     ['-M', 'q35', '-m', '4G', '-numa', 'node,memdev=n0',
      '-numa', 'node,memdev=n1'], {}),
    ('aarch64', 'virt-a57-memdev-2G-m2G', {'m0': 2 * GiB},
     ['-M', 'virt,memory-backend=m0', '-m', '2G'], {}),
    ('aarch64', 'virt-numa2-memdev-2G', {'n0': GiB, 'n1': GiB},
     ['-M', 'virt', '-m', '2G', '-numa', 'node,memdev=n0',
      '-numa', 'node,memdev=n1'], {}),
    ('arm', 'virt-4G', {'m0': 4 * GiB},
     ['-M', 'virt,memory-backend=m0', '-m', '4G'], {'mach-virt.ram': 'm0'}),
    ('riscv64', 'virt-numa2-memdev-2G', {'n0': GiB, 'n1': GiB},
     ['-M', 'virt', '-smp', '2', '-m', '2G', '-numa', 'node,memdev=n0',
      '-numa', 'node,memdev=n1'], {}),
]

# (arch, reference case, memvm arguments besides -M virt,dumpdtb=FILE)
DTB_CASES = [
    ('aarch64', 'virt-128M', ['-m', '128M']),
    ('aarch64', 'virt-8G', ['-m', '8G']),
    ('aarch64', 'virt-numa2-memdev-2G',
     ['-object', 'memory-backend-ram,id=n0,size=1G',
      '-object', 'memory-backend-ram,id=n1,size=1G',
      '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1', '-m', '2G']),
    ('arm', 'virt-highmem-off-3G', ['-m', '3G'], ),
    ('riscv64', 'virt-4G', ['-m', '4G']),
    ('riscv64', 'virt-numa2-memdev-2G',
     ['-smp', '2', '-object', 'memory-backend-ram,id=n0,size=1G',
      '-object', 'memory-backend-ram,id=n1,size=1G',
      '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1', '-m', '2G']),
]


FLAT_LINE = re.compile(r'^  ([0-9a-f]{16})-([0-9a-f]{16}) '
                       r'\(prio -?\d+, (\w+)\): (\S+)(?: @([0-9a-f]{16}))?$')


def ref_ram_ranges(arch, case, rename=None):
    """[(start, end, region, offset)] of the "ram" ranges QEMU showed."""
    with open(os.path.join(REF, arch, case + '.txt')) as f:
        text = f.read()
    flat = text.split('=== hmp: info mtree -f ===\n')[1].split('\n=== ')[0]
    ranges = []
    for view in flat.split('FlatView #')[1:]:
        if ' AS "memory", root:' not in view:
            continue
        for line in view.splitlines():
            m = FLAT_LINE.match(line)
            if m and m.group(3) == 'ram':
                name = (rename or {}).get(m.group(4), m.group(4))
                ranges.append((int(m.group(1), 16), int(m.group(2), 16),
                               name, int(m.group(5) or '0', 16)))
    return ranges


def check_ram_case(arch, tmp, ranges, backends, args):
    """Write and read back over qtest; returns what went wrong."""
    argv = ['-nodefaults']
    files = {}
    for name, size in backends.items():
        files[name] = os.path.join(tmp, name)
        argv += ['-object', 'memory-backend-file,id=%s,size=%d,mem-path=%s,'
                 'share=on' % (name, size, files[name])]
    argv += args
    problems = []
    writes = []
    with VM(argv, arch=arch, qtest='stdio') as vm:
        for i, (start, end, name, offset) in enumerate(ranges):
            for j, addr in enumerate((start, end)):
                value = 0x11 + 2 * i + j
                reply = vm.qtest.command('writeb 0x%x 0x%x' % (addr, value))
                if reply != 'OK':
                    problems.append('writeb 0x%x: %s' % (addr, reply))
                reply = vm.qtest.command('readb 0x%x' % addr).split()
                if (len(reply) != 2 or reply[0] != 'OK' or
                        int(reply[1], 16) != value):
                    problems.append('readb 0x%x: %s (want 0x%02x)'
                                    % (addr, reply, value))
                writes.append((name, offset + (addr - start), value, addr))
    for name, off, value, addr in writes:
        if name not in files:
            problems.append('range at 0x%x is region %s, not a backend'
                            % (addr, name))
            continue
        with open(files[name], 'rb') as f:
            f.seek(off)
            got = f.read(1)
        if got != bytes([value]):
            problems.append('GPA 0x%x: %s offset 0x%x has %r, want 0x%02x'
                            % (addr, name, off, got, value))
    return problems


def test_ram_case(tap, arch, case, backends, args, rename):
    desc = '%s %s: first/last byte of each RAM range in its backend file' % (
        arch, case)
    # isapc and microvm map their firmware as RAM too; only main RAM counts.
    ranges = [r for r in ref_ram_ranges(arch, case, rename)
              if r[2] in backends]
    tmp = tempfile.mkdtemp(prefix='memvm-board-ram-', dir=SHM)
    try:
        problems = check_ram_case(arch, tmp, ranges, backends, args)
    except (OSError, RuntimeError, EOFError) as e:
        problems = ['memvm: %s' % e]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tap.ok(ranges and not problems, desc,
           '\n'.join(problems) or 'no RAM ranges in the reference')


NODE = re.compile(r'^\t(memory@[0-9a-f]+) \{\n(.*?)^\t\};', re.M | re.S)


def dtb_memory_nodes(dts):
    """{(base, size, numa-node-id or None)} of the /memory nodes."""
    nodes = set()
    for m in NODE.finditer(dts):
        body = m.group(2)
        if 'device_type = "memory"' not in body:
            continue
        reg = re.search(r'reg = <([^>]*)>', body).group(1).split()
        cells = [int(c, 16) for c in reg]
        node = re.search(r'numa-node-id = <([^>]*)>', body)
        nodes.add(((cells[0] << 32) | cells[1], (cells[2] << 32) | cells[3],
                   int(node.group(1), 16) if node else None))
    return nodes


def test_dtb_case(tap, arch, case, args):
    desc = '%s %s: dumpdtb memory nodes equal the RAM map' % (arch, case)
    if tap.skip_if(missing_program('dtc'), desc):
        return
    numa = '-numa' in args
    ranges = ref_ram_ranges(arch, case)
    want = set((start, end - start + 1, i if numa else None)
               for i, (start, end, _, _) in enumerate(ranges))
    tmp = tempfile.mkdtemp(prefix='memvm-dtb-')
    dtb = os.path.join(tmp, 'virt.dtb')
    p = subprocess.run([binary(arch), '-display', 'none', '-nodefaults',
                        '-M', 'virt,dumpdtb=' + dtb] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if p.returncode != 0 or not os.path.exists(dtb):
        tap.ok(False, desc, 'memvm exit %d: %s' % (p.returncode,
                                                  p.stderr.decode()))
        shutil.rmtree(tmp, ignore_errors=True)
        return
    dts = subprocess.run(['dtc', '-I', 'dtb', '-O', 'dts', dtb],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=60)
    shutil.rmtree(tmp, ignore_errors=True)
    got = dtb_memory_nodes(dts.stdout.decode())
    tap.ok(dts.returncode == 0 and got == want, desc,
           'dtc: %s\nwant: %s\ngot:  %s' % (dts.stderr.decode().strip(),
                                             sorted(want, key=str),
                                             sorted(got, key=str)))


def main():
    tap = Tap()
    for arch, case, backends, args, rename in RAM_CASES:
        if tap.skip_if(missing_shm(), '%s %s' % (arch, case)):
            continue
        test_ram_case(tap, arch, case, backends, args, rename)
    for arch, case, args in DTB_CASES:
        test_dtb_case(tap, arch, case, args)
    tap.done()


if __name__ == '__main__':
    main()
