#!/usr/bin/env python3
"""memvm's boards next to QEMU 7.2, run side by side.

For each board and RAM size both programs start paused (QEMU under TCG,
memvm under qtest) with a QMP socket; over human-monitor-command they
print `info mtree -f` and `info ramblock`.  The RAM/ROM ranges of the flat
view that AS "memory" uses, and the RAM block rows, must be equal.  Where
QEMU refuses a configuration memvm must refuse it too, with the same
message.  Cases are skipped (TAP "# SKIP") when QEMU is not installed.

Python 3 standard library only; prints TAP.
"""
import os
import re
import shutil
import subprocess
import tempfile

from compat import TIMEOUT, Case, Tap, binary, qemu_binary, run_cases
from memvm import missing_program, missing_qemu

SIZES = {
    'x86_64': ['128M', '1G', '2G', '3G', '3584M', '4G', '8G'],
    'aarch64': ['128M', '1G', '2G', '3G', '4G', '8G'],
    'arm': ['1G', '3G', '4G'],
    'riscv64': ['128M', '1G', '2G', '4G', '8G'],
}


def numa2(size0, size1, total):
    return ['-object', 'memory-backend-ram,id=n0,size=' + size0,
            '-object', 'memory-backend-ram,id=n1,size=' + size1,
            '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1',
            '-m', total]


def huge(machine, size, mem_extra=''):
    """A RAM size the host need not back: a backend that reserves nothing."""
    return ['-object', 'memory-backend-ram,id=m,size=%s,reserve=off' % size,
            '-M', machine + ',memory-backend=m', '-m', size + mem_extra]


def cases():
    out = []
    for board in ('pc', 'q35', 'isapc', 'microvm'):
        for size in SIZES['x86_64']:
            out.append(('x86_64', ['-M', board, '-m', size]))
        out.append(('x86_64', ['-M', board]))
    for board in ('pc', 'q35'):
        out.append(('x86_64', ['-M', board] + numa2('1G', '3G', '4G')))
        out.append(('x86_64', ['-object', 'memory-backend-ram,id=m0,size=4G',
                               '-M', board + ',memory-backend=m0']))
    out.append(('x86_64', ['-M', 'pc,max-ram-below-4g=1500M', '-m', '4G']))
    out.append(('x86_64', ['-M', 'q35,max-ram-below-4g=1500M', '-m', '4G']))
    out.append(('x86_64', ['-M', 'pc', '-m', '1G,slots=2,maxmem=4G']))
    out.append(('x86_64', huge('pc', '1T')))
    out.append(('x86_64', huge('pc', '1010G')))
    out.append(('x86_64', huge('q35', '1T')))
    out.append(('x86_64', huge('pc', '1G', ',slots=2,maxmem=1010G')))
    for size in SIZES['aarch64']:
        out.append(('aarch64', ['-M', 'virt', '-m', size]))
    out.append(('aarch64', ['-M', 'virt'] + numa2('1G', '1G', '2G')))
    for size in ('3G', '4G', '8G'):
        out.append(('aarch64', ['-M', 'virt,highmem=off', '-m', size]))
    out.append(('aarch64', huge('virt', '1T')))
    out.append(('aarch64', ['-M', 'virt', '-m', '1G,slots=2,maxmem=4G']))
    for size in SIZES['arm']:
        out.append(('arm', ['-M', 'virt', '-m', size]))
        out.append(('arm', ['-M', 'virt,highmem=off', '-m', size]))
    for size in SIZES['riscv64']:
        out.append(('riscv64', ['-M', 'virt', '-m', size]))
    out.append(('riscv64', ['-M', 'virt', '-smp', '2'] +
                numa2('1G', '1G', '2G')))
    out.append(('riscv64', ['-M', 'virt'] + numa2('1G', '1G', '2G')))
    return out


NODE = re.compile(r'^\t(memory@[0-9a-f]+) \{\n(.*?)^\t\};', re.M | re.S)

DTB_CASES = [
    ('aarch64', ['-m', '8G']),
    ('aarch64', numa2('1G', '1G', '2G')),
    ('arm', ['-m', '3G']),
    ('riscv64', ['-m', '4G']),
    ('riscv64', ['-smp', '2'] + numa2('1G', '1G', '2G')),
]


def dtb_memory_nodes(program, args):
    """{(memory node text)} of `-M virt,dumpdtb=...`, or an error string."""
    tmp = tempfile.mkdtemp(prefix='memvm-boards-dtb-')
    dtb = os.path.join(tmp, 'virt.dtb')
    try:
        p = subprocess.run([program, '-display', 'none', '-nodefaults',
                            '-M', 'virt,dumpdtb=' + dtb] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        if not os.path.exists(dtb):
            return 'no tree (exit %d): %s' % (p.returncode,
                                              p.stderr.decode().strip())
        dts = subprocess.run(['dtc', '-I', 'dtb', '-O', 'dts', dtb],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=TIMEOUT).stdout.decode()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Property order differs between the two (and does not matter).
    return set('%s: %s' % (m.group(1), sorted(m.group(2).split('\n')))
               for m in NODE.finditer(dts))


def compare_dtbs(tap):
    for arch, args in DTB_CASES:
        desc = '%s -M virt %s: dumpdtb memory nodes' % (arch, ' '.join(args))
        qemu = qemu_binary(arch)
        if tap.skip_if(missing_qemu(arch) or missing_program('dtc'), desc):
            continue
        want = dtb_memory_nodes(qemu, args)
        got = dtb_memory_nodes(binary(arch), args)
        tap.ok(want == got and isinstance(want, set) and want, desc,
               'QEMU 7.2: %s\nmemvm:    %s' % (want, got))


def main():
    tap = Tap()
    compare_dtbs(tap)
    run_cases(tap, [Case.live('%s %s' % (arch, ' '.join(args)), arch, args,
                              refused_suffix=' (refused)')
                    for arch, args in cases()])
    tap.done()


if __name__ == '__main__':
    main()
