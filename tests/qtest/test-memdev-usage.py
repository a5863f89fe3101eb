#!/usr/bin/env python3
"""x-query-memdev-usage and "info memdev" say what the kernel really put
behind each memory backend: populated bytes, per host node, per page size
(4 KiB, THP, hugetlb).  This host has one NUMA node: everything populated
is on node 0."""
import os

from memvm import Tap, VM, hugepage_pool_held, missing_hugepage_pool

MiB = 1 << 20
KiB4 = 4096
THP = 2 * MiB
RAM = 0x40000000            # start of RAM on aarch64 virt
HP2M = '/sys/kernel/mm/hugepages/hugepages-2048kB'

t = Tap()


def sysfs_choice(path):
    """The [selected] word of a sysfs choice file, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    for word in text.split():
        if word.startswith('['):
            return word.strip('[]')
    return None


THP_MODE = sysfs_choice('/sys/kernel/mm/transparent_hugepage/enabled')
SHMEM_THP = sysfs_choice('/sys/kernel/mm/transparent_hugepage/shmem_enabled')


def usage(vm, backend_id):
    for u in vm.qmp.command('x-query-memdev-usage'):
        if u['id'] == backend_id:
            return u
    raise KeyError(backend_id)


def sizes(u):
    """{(type, page size): populated bytes}"""
    return {(p['type'], p['page-size']): p['populated']
            for p in u['page-sizes']}


def guest(backend, size):
    """aarch64 virt with @backend as its RAM at 0x40000000."""
    return VM(['-M', 'virt', '-accel', 'qtest', '-m', '%dM' % (size // MiB),
               '-object', backend, '-machine', 'memory-backend=m0'],
              arch='aarch64', qtest='stdio')


# --- a ram backend, its first half written through qtest ------------------
with guest('memory-backend-ram,id=m0,size=64M', 64 * MiB) as vm:
    t.eq(usage(vm, 'm0')['populated'], 0, 'nothing populated before the '
         'guest writes')
    t.eq(vm.qtest.command('memset 0x%x 0x%x 0x5a' % (RAM, 32 * MiB)), 'OK',
         'qtest fills the first 32 MiB')
    u = usage(vm, 'm0')
    t.eq((u['size'], u['populated']), (64 * MiB, 32 * MiB),
         'half of the 64 MiB ram backend is populated')
    t.eq(u['nodes'], [{'node': 0, 'populated': 32 * MiB}],
         'all of it on host node 0')
    t.eq((u['node-unknown'], u['node-sample-stride']), (0, 1),
         'every page asked for its node, none unknown')
    s = sizes(u)
    t.eq(sorted(s), [('base', KiB4), ('thp', THP)],
         'page sizes of private RAM: 4 KiB and 2 MiB THP')
    t.eq(s[('base', KiB4)] + s[('thp', THP)], 32 * MiB,
         '4 KiB and THP bytes add up to what is populated')
    t.eq(s[('thp', THP)] % THP, 0, 'THP bytes are whole huge pages')
    if THP_MODE in ('always', 'madvise'):
        t.diag('THP (%s): %d MiB of 32 MiB' % (THP_MODE,
                                               s[('thp', THP)] // MiB))
    out = vm.hmp('info memdev')
    want = ['memory backend: m0', '  size:  67108864', '  merge: true',
            '  dump: false', '  prealloc: false', '  share: false',
            '  reserve: true', '  policy: default', '  host nodes: ',
            '  populated: 33554432 (32 MiB)',
            '  populated on host node 0: 33554432 (32 MiB)',
            '  populated in 4 KiB pages: %d' % s[('base', KiB4)],
            '  populated in 2 MiB transparent huge pages: %d'
            % s[('thp', THP)]]
    got = [line for line in out.split('\r\n') if line]
    t.eq([g if not g.startswith('  populated in') else
          g[:g.rindex(' (')] for g in got], want,
         'info memdev: QEMU\'s lines, then populated, per node, per page '
         'size')

# --- a shared memfd: tmpfs pages, 4 KiB unless shmem THP is on ------------
with guest('memory-backend-memfd,id=m0,size=16M', 16 * MiB) as vm:
    vm.qtest.command('memset 0x%x 0x%x 0x11' % (RAM, 12 * MiB))
    u = usage(vm, 'm0')
    t.eq((u['populated'], u['nodes']),
         (12 * MiB, [{'node': 0, 'populated': 12 * MiB}]),
         'memfd: 12 of 16 MiB populated, on node 0')
    desc = 'memfd: all 12 MiB in 4 KiB pages (shmem THP is %s)' % SHMEM_THP
    if SHMEM_THP in ('never', 'deny'):
        t.eq(sizes(u), {('base', KiB4): 12 * MiB, ('thp', THP): 0}, desc)
    else:
        t.skip(desc, 'shmem THP is %s here' % SHMEM_THP)

# --- object-add: a backend nothing has touched ----------------------------
with VM(['-M', 'none', '-accel', 'qtest']) as vm:
    vm.qmp.command('object-add', {'qom-type': 'memory-backend-ram',
                                  'id': 'late', 'size': 8 * MiB})
    u = usage(vm, 'late')
    t.eq((u['populated'], u['nodes'], [p['populated'] for p in
                                       u['page-sizes']]),
         (0, [], [0] * len(u['page-sizes'])),
         'a backend added later and never touched: nothing populated')

# --- prealloc=on with transparent huge pages -------------------------------
descs = ['prealloc: every byte of 64 MiB populated, on node 0',
         'prealloc with THP: the kernel gave huge pages, whole ones, and '
         '4 KiB pages for the rest']
if THP_MODE not in ('always', 'madvise'):
    t.skip_if('THP is %s in /sys/kernel/mm/transparent_hugepage/enabled'
              % THP_MODE, *descs)
else:
    with VM(['-M', 'none', '-accel', 'qtest', '-object',
             'memory-backend-ram,id=p,size=64M,prealloc=on']) as vm:
        u = usage(vm, 'p')
        t.eq((u['populated'], u['nodes'], u['node-unknown']),
             (64 * MiB, [{'node': 0, 'populated': 64 * MiB}], 0), descs[0])
        s = sizes(u)
        if not s[('thp', THP)]:
            t.skip(descs[1], 'the kernel gave no huge pages (memory too '
                   'fragmented?)')
        else:
            t.ok(s[('thp', THP)] % THP == 0 and
                 s[('thp', THP)] + s[('base', KiB4)] == 64 * MiB, descs[1],
                 repr(s))
            t.diag('THP: %d of 64 MiB' % (s[('thp', THP)] // MiB))

# --- hugetlb memfd, when root can reserve pages ----------------------------
descs = ['hugetlb: one byte written populates one whole 2 MiB page',
         'hugetlb: page size 2 MiB, type hugetlb, on node 0',
         'hugetlb prealloc: all four pages',
         'the huge page pool is back as it was']
why = missing_hugepage_pool()
if not why and not os.path.isdir(HP2M):
    why = 'the kernel has no 2 MiB huge pages'
if not t.skip_if(why, *descs):
    with open('/proc/sys/vm/nr_hugepages') as f:
        before = f.read()
    with hugepage_pool_held() as set_pool:
        got = set_pool(int(before) + 8)
        if got < int(before) + 8:
            for d in descs[:3]:
                t.skip(d, 'the kernel gave %d huge pages, not %d'
                       % (got, int(before) + 8))
        else:
            backend = ('memory-backend-memfd,id=m0,size=8M,hugetlb=on,'
                       'hugetlbsize=2M')
            with guest(backend, 8 * MiB) as vm:
                vm.qtest.command('writeb 0x%x 0x42' % (RAM + 5 * MiB))
                u = usage(vm, 'm0')
                t.eq(u['populated'], 2 * MiB, descs[0])
                t.eq((u['page-sizes'], u['nodes']),
                     ([{'page-size': THP, 'type': 'hugetlb',
                        'populated': 2 * MiB}],
                      [{'node': 0, 'populated': 2 * MiB}]), descs[1])
            with guest(backend + ',prealloc=on', 8 * MiB) as vm:
                u = usage(vm, 'm0')
                t.eq((u['populated'], u['nodes'], u['page-sizes']),
                     (8 * MiB, [{'node': 0, 'populated': 8 * MiB}],
                      [{'page-size': THP, 'type': 'hugetlb',
                        'populated': 8 * MiB}]), descs[2])
    with open('/proc/sys/vm/nr_hugepages') as f:
        t.eq(f.read(), before, descs[3])
t.done()
