#!/usr/bin/env python3
"""Arm virt for operating systems: -cpu, -numa dist and the device tree.

- `-cpu` takes libunicorn's models under QEMU's names, and an unknown one
  gets QEMU's error; the cpu node's "compatible" follows the model.
- `-numa dist` with QEMU 7.2's errors, word for word, and its
  /distance-map.
- The tree of `-M virt,dumpdtb=` has the nodes and properties of QEMU
  7.2's for the same options (values too, the random seeds aside), with
  dtc from device-tree-compiler and QEMU installed; else those compare
  tests skip.
"""
import os
import re
import shutil
import subprocess
import tempfile

from memvm import Tap, binary

QEMU = shutil.which('qemu-system-aarch64')
DTC = shutil.which('dtc')
NUMA2 = ['-object', 'memory-backend-ram,id=n0,size=512M',
         '-object', 'memory-backend-ram,id=n1,size=512M',
         '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1']


def run(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


def memvm(args):
    return run([binary('aarch64'), '-display', 'none'] + args)


def dts_of(cmd, tmp, name):
    """The tree a command dumps, as {node path: set of property lines}."""
    path = os.path.join(tmp, name + '.dtb')
    status, err = run(cmd + ['-M', 'virt,dumpdtb=' + path])
    if not os.path.exists(path):
        return None, err
    text = subprocess.run([DTC, '-I', 'dtb', '-O', 'dts', path],
                          capture_output=True, text=True).stdout
    nodes, stack = {}, []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith('{'):
            stack.append(line[:-1].strip())
            nodes['/'.join(stack)] = set()
        elif line == '};':
            stack.pop()
        elif stack and line.endswith(';'):
            key = line.split('=')[0].strip().rstrip(';')
            nodes['/'.join(stack)].add(
                key if key in ('rng-seed', 'kaslr-seed') else line)
    return nodes, err


def diff(q, m):
    out = []
    for k in sorted(set(q) | set(m)):
        if k not in m:
            out.append('missing node ' + k)
        elif k not in q:
            out.append('extra node ' + k)
        elif q[k] != m[k]:
            out.append('%s: QEMU only %s, memvm only %s'
                       % (k, sorted(q[k] - m[k]), sorted(m[k] - q[k])))
    return '\n'.join(out)


def main():
    t = Tap()
    status, err = memvm(['-M', 'virt', '-cpu', 'cortex-a9'])
    t.ok(status == 1 and "unable to find CPU model 'cortex-a9'" in err,
         "-cpu cortex-a9: QEMU's error", 'status %d: %s' % (status, err))
    # A file of our own: dumpdtb replaces its target (write and rename,
    # as QEMU's does), which turned the host's /dev/null into a file.
    tmp = tempfile.mkdtemp(prefix='memvm-arm-virt-')
    for model in ('cortex-a53', 'cortex-a57', 'cortex-a72', 'max'):
        status, err = memvm(['-M', 'virt', '-cpu', model, '-M',
                             'virt,dumpdtb=' + os.path.join(tmp, 'virt.dtb')])
        t.ok(status == 0, '-cpu %s accepted' % model,
             'status %d: %s' % (status, err))
    shutil.rmtree(tmp, ignore_errors=True)

    m2 = ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '1G'] + NUMA2
    errs = [
        ('dist,src=0,dst=1,val=5',
         "NUMA distance (5) is invalid, it shouldn't be less than 10."),
        ('dist,src=0,dst=0,val=20', 'Local distance of node 0 should be 10.'),
        ('dist,src=0,dst=2,val=20',
         "Source/Destination NUMA node is missing. Please use '-numa node' "
         "option to declare it first."),
        ('dist,src=0,val=20', "Parameter 'dst' is missing"),
        ('dist,src=0,dst=1,val=300', "Parameter 'val' expects uint8_t"),
        ('dist,src=200,dst=1,val=20',
         "Parameter 'src' expects an integer between 0 and 127"),
    ]
    for opt, msg in errs:
        status, err = memvm(m2 + ['-numa', opt])
        t.ok(status == 1 and ('-numa %s: %s' % (opt, msg)) in err,
             '-numa %s: %s' % (opt, msg), 'status %d: %s' % (status, err))
    status, err = memvm(['-M', 'virt', '-m', '1G',
                         '-object', 'memory-backend-ram,id=n0,size=256M',
                         '-object', 'memory-backend-ram,id=n1,size=256M',
                         '-object', 'memory-backend-ram,id=n2,size=512M',
                         '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1',
                         '-numa', 'node,memdev=n2',
                         '-numa', 'dist,src=0,dst=1,val=20'])
    t.ok(status == 1 and 'The distance between node 0 and 2 is missing, at '
         'least one distance value between each nodes should be provided.'
         in err, 'three nodes, one distance: QEMU\'s error',
         'status %d: %s' % (status, err))

    cases = [
        ('-m 1G', ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '1G']),
        ('-cpu max', ['-M', 'virt', '-cpu', 'max', '-m', '2G']),
        ('two nodes, -numa dist', m2 + ['-numa', 'dist,src=0,dst=1,val=20']),
    ]
    tmp = tempfile.mkdtemp(prefix='memvm-virt-')
    try:
        for label, args in cases:
            desc = '%s: device tree as QEMU 7.2\'s' % label
            if t.skip_if(None if DTC else 'no dtc', desc):
                continue
            m, err = dts_of([binary('aarch64'), '-display', 'none'] + args,
                            tmp, 'memvm')
            if not t.ok(m is not None, '%s: memvm dumps its tree' % label,
                        err):
                continue
            if label.endswith('dist'):
                t.ok(any('distance-matrix = <0x00 0x00 0x0a 0x00 0x01 0x14 '
                         '0x01 0x00 0x14 0x01 0x01 0x0a>;' in v
                         for v in m.values()),
                     '%s: /distance-map as QEMU\'s' % label,
                     repr(m.get('//distance-map')))
            if t.skip_if(None if QEMU else 'no qemu-system-aarch64', desc):
                continue
            q, err = dts_of([QEMU, '-display', 'none'] + args, tmp, 'qemu')
            if q is None:
                t.skip(desc, 'QEMU did not dump a tree: ' + err.strip())
                continue
            t.ok(q == m, desc, diff(q, m))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
