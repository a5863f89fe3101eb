#!/usr/bin/env python3
"""Start-up checks: memvm refuses, before it maps a page, guest RAM the
host cannot give, with one error that names the backend, the page size,
the need, what is free and the fix; exit status 1, no core file, nothing
left behind (pools and cgroups are put back as they were).

Provoked for real: an impossible maxmem, a huge page pool of a few pages
(root), a cgroup made small for the test (root; cgroup v2, or the v1
memory controller of a hybrid host).  What the host lacks is skipped
with the reason."""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile

from memvm import (NR_HUGEPAGES, Tap, binary, cgroup_parent,
                   hugepage_pool_held, missing_cgroup, missing_hugepage_pool)

t = Tap()
BASE = ['-display', 'none', '-nodefaults']
HP2M = '/sys/kernel/mm/hugepages/hugepages-2048kB'


def run(args, arch='x86_64', wrap=()):
    """Run memvm in an empty directory: (status, stderr, files left)."""
    cwd = tempfile.mkdtemp(prefix='memvm-checks-')
    try:
        p = subprocess.run(list(wrap) + [binary(arch)] + list(args),
                           cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        return p.returncode, p.stderr.decode('utf-8', 'replace'), \
            os.listdir(cwd)
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def refused(result, want, desc, regex=False):
    """Exit 1, exactly the lines @want (a regex if @regex), no core."""
    status, err, left = result
    lines = err.rstrip('\n').split('\n')
    if regex:
        same = len(lines) == len(want) and all(
            re.fullmatch(w, g) for w, g in zip(want, lines))
    else:
        same = lines == want
    t.ok(status == 1 and same and not left, desc,
         'status %r, files left %r, stderr:\n%s\nwant:\n%s'
         % (status, left, err, '\n'.join(want)))


# --- maxmem against the board's guest physical address space ------------
def test_maxmem():
    prog = 'memvm-system-x86_64: '
    refused(run(BASE + ['-M', 'pc', '-m', '4G,maxmem=1T,slots=1']),
            [prog + 'Address space limit 0xffffffffff < 0x1ffffffffff '
             'phys-bits too low (40)',
             "-m maxmem=1T does not fit the guest physical address space "
             "of machine 'pc-i440fx-7.2': use at most maxmem=1008G with "
             "slots=1 (each slot also takes 1 GiB)."],
            'pc: maxmem=1T is refused with the largest maxmem that fits')
    status, err, _ = run(BASE + ['-M', 'pc', '-m', '4G,maxmem=1008G,slots=1',
                                 '-qtest', 'stdio'])
    t.eq((status, err), (0, ''), '... and that maxmem=1008G starts')
    refused(run(BASE + ['-M', 'q35', '-m', '1G,maxmem=1T,slots=1']),
            [prog + 'Address space limit 0xffffffffff < 0x207ffffffff '
             'phys-bits too low (40)',
             "-m maxmem=1T does not fit the guest physical address space "
             "of machine 'pc-q35-7.2': use at most maxmem=976G with "
             "slots=1 (each slot also takes 1 GiB)."],
            'q35: the same with its own limit')
    refused(run(BASE + ['-M', 'pc', '-m', '2T']),
            [prog + 'Address space limit 0xffffffffff < 0x2ffbfffffff '
             'phys-bits too low (40)',
             "-m 2T does not fit the guest physical address space of "
             "machine 'pc-i440fx-7.2': use a smaller -m."],
            'pc: -m 2T itself is refused with the remedy')
    refused(run(BASE + ['-M', 'virt', '-m', '1G,maxmem=1T,slots=1'],
                arch='aarch64'),
            ['memvm-system-aarch64: Addressing limited to 40 bits, but '
             'memory exceeds it by 2147483648 bytes',
             "-m maxmem=1T does not fit the guest physical address space "
             "of machine 'virt-7.2': use at most maxmem=1022G with "
             "slots=1 (each slot also takes 1 GiB)."],
            'aarch64 virt: maxmem=1T is refused with the remedy')
    # Nothing was mapped: a 1 TiB prealloc would not have been quick.
    refused(run(BASE + ['-M', 'pc', '-m', '1T', '-mem-prealloc']),
            [prog + 'Address space limit 0xffffffffff < 0x1ffbfffffff '
             'phys-bits too low (40)',
             "-m 1T does not fit the guest physical address space of "
             "machine 'pc-i440fx-7.2': use a smaller -m."],
            '-m 1T -mem-prealloc is refused before any page is touched')


# --- the huge page pool ----------------------------------------------------
@contextlib.contextmanager
def hugepage_pool(n):
    """Hold the global pool at @n pages, then put it back; yields how many
    pages the kernel gave."""
    with hugepage_pool_held() as set_pool:
        yield set_pool(n)


def hugepage_skip():
    why = missing_hugepage_pool()
    if why:
        return why
    if not os.path.exists(HP2M):
        return 'the kernel has no 2 MiB huge pages'
    with open('/proc/meminfo') as f:
        if 'Hugepagesize:       2048 kB' not in f.read():
            return 'the default huge page size is not 2 MiB'
    return None


def test_hugetlb_pool():
    descs = ['a 1G hugetlb memfd with a pool of 4 pages is refused naming '
             'node, page size, free and needed pages',
             '... with policy=bind it names the bound node',
             '... and the pool is back as it was']
    if t.skip_if(hugepage_skip(), *descs):
        return
    with open(NR_HUGEPAGES) as f:
        before = f.read()
    with hugepage_pool(4) as got:
        if got != 4:
            for d in descs[:2]:
                t.skip(d, 'the kernel gave %d huge pages, not 4' % got)
        else:
            backend = 'memory-backend-memfd,id=m,size=1G,hugetlb=on'
            refused(run(BASE + ['-M', 'none', '-object', backend]),
                    ["memvm-system-x86_64: memory backend 'm' needs 512 "
                     "huge pages of 2 MiB (1 GiB), but the host has 4 free "
                     "(node 0: 4); reserve 508 more before starting: echo "
                     "512 > " + HP2M + "/nr_hugepages"], descs[0])
            refused(run(BASE + ['-M', 'none', '-object',
                                backend + ',policy=bind,host-nodes=0']),
                    ["memvm-system-x86_64: memory backend 'm' needs 512 "
                     "huge pages of 2 MiB (1 GiB) on host node 0 "
                     "(policy=bind), but it has 4 free; reserve 508 more "
                     "there before starting: echo 512 > /sys/devices/"
                     "system/node/node0/hugepages/hugepages-2048kB/"
                     "nr_hugepages"], descs[1])
    with open(NR_HUGEPAGES) as f:
        t.eq(f.read(), before, descs[2])


# --- cgroups made small for the test -------------------------------------
@contextlib.contextmanager
def child_cgroup(parent, limits, enable=None):
    """A new cgroup below @parent with @limits {file: value}; with
    @enable, the v2 controller is enabled in the parent first (and
    disabled again after if it was not).  Yields its directory."""
    enabled_here = False
    ctl = os.path.join(parent, 'cgroup.subtree_control')
    if enable:
        with open(ctl) as f:
            if enable not in f.read().split():
                with open(ctl, 'w') as w:
                    w.write('+' + enable)
                enabled_here = True
    path = tempfile.mkdtemp(prefix='memvm-check-', dir=parent)
    try:
        for name, value in limits.items():
            with open(os.path.join(path, name), 'w') as f:
                f.write(value)
        yield path
    finally:
        os.rmdir(path)
        if enabled_here:
            with open(ctl, 'w') as w:
                w.write('-' + enable)


def in_cgroup(path):
    """A wrapper that moves the process into @path, then becomes memvm."""
    return ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', path]


def test_cgroup_memory():
    desc = ('a 128M preallocated backend in a cgroup of 64M is refused '
            'naming the cgroup, the limit and the fix')
    if t.skip_if(missing_cgroup('memory'), desc):
        return
    parent, version = cgroup_parent('memory')
    limit = 'memory.max' if version == 'v2' else 'memory.limit_in_bytes'
    try:
        with child_cgroup(parent, {limit: str(64 << 20)},
                          enable='memory' if version == 'v2' else None) \
                as cg:
            size = r'[0-9.]+ (B|KiB|MiB)'
            refused(run(BASE + ['-M', 'none', '-object',
                                'memory-backend-ram,id=m,size=128M,'
                                'prealloc=on'], wrap=in_cgroup(cg)),
                    [r"memvm-system-x86_64: memory backend 'm' needs 128 "
                     r"MiB preallocated, but cgroup %s allows %s more "
                     r"\(%s is 64 MiB, %s in use\); raise the limit "
                     r"before starting: echo [0-9]+ > %s/%s"
                     % (re.escape(cg), size, limit, size, re.escape(cg),
                        limit)], desc + ' (%s)' % version, regex=True)
    except OSError as e:
        t.skip(desc, 'cannot make a small memory cgroup: %s' % e)


def test_cgroup_hugetlb():
    desc = ('a 16M hugetlb backend in a cgroup whose hugetlb.2MB.max is 4M '
            'is refused (no SIGBUS later)')
    why = hugepage_skip() or missing_cgroup('hugetlb')
    if t.skip_if(why, desc):
        return
    parent, version = cgroup_parent('hugetlb')
    if version != 'v2':
        t.skip(desc, 'only a v1 hugetlb hierarchy (the test uses v2 files)')
        return
    try:
        with hugepage_pool(8) as got, \
                child_cgroup(parent, {'hugetlb.2MB.max': str(4 << 20)},
                             enable='hugetlb') as cg:
            if got != 8:
                t.skip(desc, 'the kernel gave %d huge pages, not 8' % got)
                return
            refused(run(BASE + ['-M', 'none', '-object',
                                'memory-backend-memfd,id=m,size=16M,'
                                'hugetlb=on'], wrap=in_cgroup(cg)),
                    ["memvm-system-x86_64: memory backend 'm' needs 16 MiB "
                     "in huge pages of 2 MiB, but cgroup %s allows 4 MiB "
                     "more (hugetlb.2MB.max is 4 MiB, 0 B in use); raise "
                     "the limit before starting: echo 16777216 > "
                     "%s/hugetlb.2MB.max" % (cg, cg)], desc)
    except OSError as e:
        t.skip(desc, 'cannot make a small hugetlb cgroup: %s' % e)


test_maxmem()
test_hugetlb_pool()
test_cgroup_memory()
test_cgroup_hugetlb()
t.done()
