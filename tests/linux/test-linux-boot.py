#!/usr/bin/env python3
"""Debian's arm64 Linux on memvm's virt board under accel tcg.

The kernel and busybox come from Debian packages (scripts/fetch-linux.sh,
run by scripts/install-deps.sh); without them every test skips with the
reason.  The initramfs's /init prints MemTotal, the NUMA node list and
each node's MemTotal, then powers off (PSCI SYSTEM_OFF).

- -m 1G: MemTotal equals QEMU 7.2's for the same command line (QEMU runs
  in the same test when installed; else the figure pinned from it).
- Two NUMA nodes from a memfd and a file backend, 30 apart (-numa dist):
  the node list, each node's MemTotal and distances equal QEMU's.
- Bad input: a truncated initrd makes the kernel panic, and with panic=-1
  and -no-reboot memvm then exits 0 as QEMU does; an initrd that does not
  fit in RAM and a kernel that is no kernel end memvm with a message.
No timing is asserted: each run has a generous timeout (a hang fails).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from linuxenv import APPEND, IMAGE, INITRD, LINUX_DIR  # noqa: E402
from memvm import Tap, binary  # noqa: E402

QEMU = shutil.which('qemu-system-aarch64')
# Sanitized builds run the same guest code (unicorn's), memvm slower.
TIMEOUT = 900 if os.environ.get('MEMVM_SANITIZED') else 400

# QEMU 7.2, -M virt -cpu cortex-a57, this kernel and initrd (for hosts
# without QEMU): -m 1G, and two 512 MiB nodes.
PINNED_1G = {'MemTotal': 1000964, 'nodes': ['node0'],
             'node_mem': {'node0': 1000964},
             'distance': {'node0': ['10']}}
PINNED_NUMA = {'MemTotal': 1002484, 'nodes': ['node0', 'node1'],
               'node_mem': {'node0': 488636, 'node1': 513848},
               'distance': {'node0': ['10', '30'], 'node1': ['30', '10']}}


def run(cmd, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b'').decode('utf-8', 'replace'), 'timeout'
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def boot_args(extra, initrd=INITRD, kernel=IMAGE, append=APPEND):
    return (['-M', 'virt', '-cpu', 'cortex-a57', '-nographic',
             '-no-reboot', '-kernel', kernel, '-initrd', initrd,
             '-append', append] + extra)


def parse(out):
    """What /init printed, or None if it never ran."""
    if 'memvm-init: done' not in out:
        return None
    total = re.search(r'^MemTotal:\s+(\d+) kB', out, re.M)
    nodes = re.search(r'^nodes: (.*)$', out, re.M)
    node_mem = {'node%s' % m.group(1): int(m.group(2)) for m in
                re.finditer(r'^Node (\d+) MemTotal:\s+(\d+) kB', out, re.M)}
    dist = {m.group(1): m.group(2).split() for m in
            re.finditer(r'^(node\d+) distance: (.*)$', out, re.M)}
    return {'MemTotal': int(total.group(1)) if total else None,
            'nodes': sorted(os.path.basename(n)
                            for n in nodes.group(1).split()) if nodes else [],
            'node_mem': node_mem, 'distance': dist}


def reference(t, label, extra, pinned):
    """QEMU's figures for the same arguments, or the pinned ones."""
    if not QEMU:
        t.diag('%s: no qemu-system-aarch64, comparing with QEMU 7.2\'s '
               'pinned figures' % label)
        return pinned
    status, out, err = run([QEMU] + boot_args(extra))
    got = parse(out)
    if status != 0 or not got:
        t.diag('%s: QEMU did not boot (status %s), pinned figures used\n%s'
               % (label, status, err[-2000:]))
        return pinned
    return got


def check_boot(t, label, extra, pinned):
    status, out, err = run([binary('aarch64')] + boot_args(extra))
    got = parse(out)
    if not t.ok(status == 0 and got is not None,
                '%s: boots to /init and powers off (status 0)' % label,
                'status %s\n--- serial (tail):\n%s\n--- stderr:\n%s'
                % (status, out[-3000:], err[-3000:])):
        t.skip('%s: MemTotal equals QEMU 7.2\'s' % label, 'no boot')
        t.skip('%s: NUMA nodes, their MemTotal and distances equal QEMU '
               '7.2\'s' % label, 'no boot')
        return
    want = reference(t, label, extra, pinned)
    t.eq(got['MemTotal'], want['MemTotal'],
         '%s: MemTotal equals QEMU 7.2\'s' % label)
    t.eq((got['nodes'], got['node_mem'], got['distance']),
         (want['nodes'], want['node_mem'], want['distance']),
         '%s: NUMA nodes, their MemTotal and distances equal QEMU 7.2\'s'
         % label)


def main():
    t = Tap()
    descs = ['-m 1G: boots to /init and powers off (status 0)',
             '-m 1G: MemTotal equals QEMU 7.2\'s',
             '-m 1G: NUMA nodes, their MemTotal and distances equal QEMU '
             '7.2\'s',
             'two memdev nodes: boots to /init and powers off (status 0)',
             'two memdev nodes: MemTotal equals QEMU 7.2\'s',
             'two memdev nodes: NUMA nodes, their MemTotal and distances '
             'equal QEMU 7.2\'s',
             'truncated initrd: the kernel panics, memvm exits 0 (-no-reboot)',
             'initrd larger than RAM: refused with a message, status 1',
             'a kernel that is not one: a guest error, status 2']
    if not (os.path.exists(IMAGE) and os.path.exists(INITRD)):
        t.skip_if('no Debian arm64 kernel in %s (scripts/fetch-linux.sh '
                  'could not fetch it)' % LINUX_DIR, *descs)
        t.done()
    tmp = tempfile.mkdtemp(prefix='memvm-linux-')
    try:
        check_boot(t, '-m 1G', ['-m', '1G'], PINNED_1G)
        numa = ['-m', '1G',
                '-object', 'memory-backend-memfd,id=n0,size=512M',
                '-object', 'memory-backend-file,id=n1,size=512M,mem-path=%s'
                % os.path.join(tmp, 'node1'),
                '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1',
                '-numa', 'dist,src=0,dst=1,val=30']
        check_boot(t, 'two memdev nodes', numa, PINNED_NUMA)

        with open(INITRD, 'rb') as f:
            data = f.read()
        short = os.path.join(tmp, 'truncated')
        with open(short, 'wb') as f:
            f.write(data[:len(data) // 3])
        status, out, err = run([binary('aarch64')] +
                               boot_args(['-m', '256M'], initrd=short))
        t.ok(status == 0 and 'Kernel panic' in out,
             descs[6], 'status %s\n--- serial (tail):\n%s\n--- stderr:\n%s'
             % (status, out[-2000:], err[-2000:]))

        big = os.path.join(tmp, 'big')
        with open(big, 'wb') as f:
            f.truncate(300 << 20)
        status, out, err = run([binary('aarch64')] +
                               boot_args(['-m', '256M'], initrd=big), 60)
        t.ok(status == 1 and ('-initrd %s is %d bytes; at most' %
                              (big, 300 << 20)) in err,
             descs[7], 'status %s, stderr: %s' % (status, err))

        junk = os.path.join(tmp, 'junk')
        with open(junk, 'wb') as f:
            # Zeros: neither an Image header nor ELF; as a raw image they
            # are undefined instructions, and nothing handles exceptions.
            f.write(bytes(4096))
        status, out, err = run([binary('aarch64'), '-M', 'virt', '-m', '256M',
                                '-nographic', '-kernel', junk], 60)
        t.ok(status == 2 and 'guest error on CPU 0 (aarch64)' in err,
             descs[8], 'status %s, stderr: %s' % (status, err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
