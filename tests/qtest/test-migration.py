#!/usr/bin/env python3
"""Migration to a file and back, on every board family, with QEMU's
stream format; and what a user sees when the stream or the destination
is wrong.

1. RAM round trip: patterns written over qtest into a shared file
   backend; `migrate "exec:cat > F"`; a destination with the same
   command line and `-incoming "exec:cat F"` ends with a backend file
   equal byte for byte, and qtest reads the patterns back.
2. Bad streams and mismatched destinations: the exact lines (QEMU
   7.2's wording) and exit status 1.
3. The source keeps running when the migration fails, with status
   "failed" and an error-desc.
4. QMP: capabilities, parameters, migrate-incoming with -incoming defer,
   events, info migrate.
Prints TAP.
"""
import os
import random
import subprocess
import tempfile

from memvm import VM, Tap, binary
from migration_util import wait_migration, wait_status, wait_stream_file

SHM = '/dev/shm'
MiB = 1 << 20

# (name, arch, board args, RAM base address, RAM size)
BOARDS = [
    ('pc', 'x86_64', ['-M', 'pc,memory-backend=m0'], 0, 128 * MiB),
    ('q35', 'x86_64', ['-M', 'q35,memory-backend=m0'], 0, 128 * MiB),
    ('microvm', 'x86_64', ['-M', 'microvm,memory-backend=m0'], 0,
     128 * MiB),
    ('aarch64 virt', 'aarch64', ['-M', 'virt,memory-backend=m0'],
     0x40000000, 128 * MiB),
    ('riscv virt', 'riscv64', ['-M', 'virt,memory-backend=m0'],
     0x80000000, 128 * MiB),
    ('s390-ccw-virtio', 's390x', ['-M', 's390-ccw-virtio,memory-backend=m0'],
     0, 128 * MiB),
]

t = Tap()
tmp = tempfile.mkdtemp(prefix='memvm-mig-', dir=SHM)


def path(name):
    return os.path.join(tmp, name)


def backend(file, size):
    return ['-object', 'memory-backend-file,id=m0,size=%d,mem-path=%s,'
            'share=on' % (size, file)]


def patterns(base, size, seed):
    """(address, bytes) pairs: random runs at the start, the middle, the
    end of RAM and scattered pages (normal pages among zero pages)."""
    rnd = random.Random(seed)
    out = []
    for off in (0x100000, size // 2 + 123, size - 4096 * 3):
        out.append((base + off, bytes(rnd.getrandbits(8)
                                      for _ in range(3 * 4096))))
    for _ in range(16):
        off = rnd.randrange(0x100000, size - 64) & ~7
        out.append((base + off, bytes(rnd.getrandbits(8)
                                      for _ in range(64))))
    return out


def qtest_write(qt, addr, data):
    return qt.command('write 0x%x 0x%x 0x%s' % (addr, len(data), data.hex()))


def qtest_read(qt, addr, n):
    reply = qt.command('read 0x%x 0x%x' % (addr, n))
    return bytes.fromhex(reply.split()[1][2:]) if reply.startswith('OK') \
        else None


def round_trip(name, arch, args, base, size):
    src_file, dst_file = path('src.ram'), path('dst.ram')
    stream = path('stream')
    for f in (src_file, dst_file, stream):
        if os.path.exists(f):
            os.unlink(f)
    pats = patterns(base, size, name)
    with VM(backend(src_file, size) + args + ['-m', '%dM' % (size // MiB)], arch=arch,
            qtest='socket') as src:
        for addr, data in pats:
            qtest_write(src.qtest, addr, data)
        src.qmp.command('migrate', uri='exec:cat > %s' % stream)
        info = wait_migration(src.qmp)
        if not t.eq(info['status'], 'completed', '%s: migration completes'
                    % name):
            t.diag(src.read_stderr())
            return
        t.eq(src.qmp.command('query-status')['status'], 'postmigrate',
             '%s: source is postmigrate' % name)
        ram = info['ram']
        wait_stream_file(stream, info)
        t.ok(ram['total'] >= size and ram['normal'] >= 9 and
             ram['duplicate'] > 0 and ram['transferred'] ==
             os.path.getsize(stream),
             '%s: query-migrate counts pages and the stream size' % name,
             ram)
    with open(stream, 'rb') as f:
        head = f.read(8)
    t.eq(head, b'QEVM\0\0\0\3', '%s: stream starts with QEVM v3' % name)
    with VM(backend(dst_file, size) + args + ['-m', '%dM' % (size // MiB),
            '-incoming', 'exec:cat %s' % stream], arch=arch,
            qtest='socket') as dst:
        status = wait_status(dst.qmp)
        t.eq(status, 'running', '%s: destination runs after the load' % name)
        t.eq(dst.qmp.command('query-migrate'), {'status': 'completed'},
             '%s: destination query-migrate' % name)
        good = all(qtest_read(dst.qtest, a, len(d)) == d for a, d in pats)
        t.ok(good, '%s: patterns read back over qtest' % name)
    with open(src_file, 'rb') as a, open(dst_file, 'rb') as b:
        t.ok(a.read() == b.read(), '%s: RAM equal byte for byte' % name)


for board in BOARDS:
    round_trip(*board)


# --- bad streams: QEMU's lines, exit status 1 --------------------------

def make_stream(args, size_arg='4M', arch='x86_64'):
    stream = path('good-%s-%s' % (arch, size_arg))
    if os.path.exists(stream):
        return open(stream, 'rb').read()
    with VM(['-M', 'none', '-m', size_arg, '-S'] + args, arch=arch) as vm:
        vm.qmp.command('migrate', uri='exec:cat > %s' % stream)
        wait_stream_file(stream, wait_migration(vm.qmp))
    return open(stream, 'rb').read()


def incoming_fails(data, args, want_lines, desc, arch='x86_64'):
    bad = path('bad')
    with open(bad, 'wb') as f:
        f.write(data)
    proc = subprocess.run([binary(arch), '-display', 'none', '-nodefaults']
                          + args + ['-incoming', 'exec:cat %s' % bad],
                          capture_output=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    prog = 'memvm-system-%s: ' % arch
    want = ''.join(prog + line + '\n' for line in want_lines)
    t.eq((proc.returncode, proc.stderr.decode()), (1, want), desc)


good = make_stream([])
none4 = ['-M', 'none', '-m', '4M']
ram_at = good.find(b'\x03ram\0\0\0\0\0\0\0\x04')
part_at = good.find(b'\x02\0\0\0\x02')
footer_at = good.find(b'\x7e\0\0\0\x02')
timer_at = good.find(b'\x05timer')

CASES = [
    ('wrong magic', b'XEVM' + good[4:], none4,
     ['Not a migration stream',
      'load of migration failed: Invalid argument']),
    ('version 2', good[:4] + b'\0\0\0\2' + good[8:], none4,
     ["SaveVM v2 format is obsolete and don't work anymore",
      'load of migration failed: Operation not supported']),
    ('version 9', good[:4] + b'\0\0\0\x09' + good[8:], none4,
     ['Unsupported migration stream version',
      'load of migration failed: Operation not supported']),
    ('empty stream', b'', none4,
     ['migration stream: unexpected end of stream after 0 bytes',
      'load of migration failed: Input/output error']),
    ('no configuration', good[:8], none4,
     ['migration stream: unexpected end of stream after 8 bytes',
      'load of migration failed: Input/output error']),
    ('truncated in RAM', good[:5000], none4,
     ['migration stream: unexpected end of stream after 5000 bytes',
      'error while loading state section id 2(ram)',
      'load of migration failed: Input/output error']),
    ('other machine type', good, ['-M', 'pc', '-m', '4M'],
     ["Machine type received is 'none' and local is 'pc-i440fx-7.2'",
      'load of migration failed: Invalid argument']),
    ('other -m', good, ['-M', 'none', '-m', '8M'],
     ['Size mismatch: ram: 0x400000 != 0x800000: Invalid argument',
      'RAM blocks in the stream: ram (4 MiB); on this machine: ram (8 MiB)',
      "error while loading state for instance 0x0 of device 'ram'",
      'load of migration failed: Invalid argument']),
    ('RAM block missing', good, ['-M', 'none,memory-backend=m0',
                                 '-object', 'memory-backend-ram,id=m0,'
                                 'size=4M'],
     ['Unknown ramblock "ram", cannot accept migration',
      'RAM blocks in the stream: ram (4 MiB); on this machine: m0 (4 MiB)',
      "error while loading state for instance 0x0 of device 'ram'",
      'load of migration failed: Invalid argument']),
    ('RAM section version 5', good[:ram_at + 11] + b'\5' +
     good[ram_at + 12:], none4,
     ["savevm: unsupported version 5 for 'ram' v4",
      'load of migration failed: Invalid argument']),
    ('unknown section', good[:timer_at] + b'\x05tumer' + good[timer_at + 6:],
     none4,
     ["Unknown savevm section or instance 'tumer' 0. Make sure that your "
      "current VM setup matches your saved VM setup, including any "
      "hotplugged devices",
      'load of migration failed: Invalid argument']),
    ('timer section version 3', good[:timer_at + 13] + b'\3' +
     good[timer_at + 14:], none4,
     ["savevm: unsupported version 3 for 'timer' v2",
      'load of migration failed: Invalid argument']),
    ('corrupt page record flags', good[:part_at + 5] +
     b'\0\0\0\0\0\0\0\x42' + good[part_at + 13:], none4,
     ['Unknown combination of migration flags: 0x42',
      'error while loading state section id 2(ram)',
      'load of migration failed: Invalid argument']),
    ('page record of an unknown block', good[:part_at + 14] + b'rom' +
     good[part_at + 17:], none4,
     ["Can't find block rom",
      'error while loading state section id 2(ram)',
      'load of migration failed: Invalid argument']),
    ('page offset beyond the block', good[:part_at + 5] +
     b'\0\0\0\0\x40\0\0\x02' + good[part_at + 13:], none4,
     ['Illegal RAM offset 40000000',
      'error while loading state section id 2(ram)',
      'load of migration failed: Invalid argument']),
    ('missing footer', good[:footer_at] + b'\x7f' + good[footer_at + 1:],
     none4,
     ['Missing section footer for ram',
      'load of migration failed: Invalid argument']),
    ('unknown section type', good[:footer_at + 5] + b'\x09' +
     good[footer_at + 6:], none4,
     ['Unknown savevm section type 9',
      'load of migration failed: Invalid argument']),
]
for desc, data, args, lines in CASES:
    incoming_fails(data, args, lines, 'incoming, %s' % desc)

# --- -incoming syntax --------------------------------------------------
proc = subprocess.run([binary(), '-display', 'none', '-M', 'none',
                       '-incoming', 'bogus:x'], capture_output=True,
                      timeout=30, stdin=subprocess.DEVNULL)
t.eq((proc.returncode, proc.stderr.decode()),
     (1, 'memvm-system-x86_64: -incoming bogus:x: unknown migration '
         'protocol: bogus:x\n'), '-incoming with an unknown protocol')


# --- the source survives a failed migration ----------------------------
# 512M: the stream (1.2 MB of zero-page records) outgrows a pipe buffer, so
# a reader that stops early makes a write fail.
with VM(['-M', 'none', '-m', '512M'], qtest='socket') as vm:
    qtest_write(vm.qtest, 0x1000, b'intact')
    vm.qmp.command('migrate-set-capabilities', capabilities=[
        {'capability': 'events', 'state': True}])
    vm.qmp.command('migrate', uri='unix:%s' % path('nobody.sock'))
    info = wait_migration(vm.qmp)
    t.eq(info, {'status': 'failed', 'error-desc':
                "Failed to connect to '%s': No such file or directory"
                % path('nobody.sock')}, 'connect failure: failed, error-desc')
    ev = [vm.qmp.wait_event('MIGRATION')['data']['status']
          for _ in range(2)]
    t.eq(ev, ['setup', 'failed'], 'MIGRATION events setup, failed')
    # A reader that goes away half-way: the write fails.
    vm.qmp.command('migrate', uri='exec:head -c 1000 > /dev/null')
    info = wait_migration(vm.qmp)
    t.eq(info['status'], 'failed', 'reader gone: failed')
    t.ok('Broken pipe' in info.get('error-desc', ''),
         'reader gone: error-desc names the broken pipe', info)
    t.eq(vm.qmp.command('query-status')['status'], 'running',
         'source still running after failures')
    t.eq(qtest_read(vm.qtest, 0x1000, 6), b'intact', 'source RAM intact')
    out = vm.hmp('info migrate')
    t.ok('Migration status: failed (' in out, 'info migrate shows failed',
         out)
    e = vm.qmp.cmd('migrate', {'uri': 'bogus:x'})
    t.eq(e.get('error', {}).get('desc'),
         "Parameter 'uri' expects a valid migration protocol",
         'migrate bogus: QEMU\'s error')
    e = vm.qmp.cmd('migrate-incoming', {'uri': 'exec:true'})
    t.eq(e.get('error', {}).get('desc'),
         "'-incoming' was not specified on the command line",
         'migrate-incoming without -incoming')
    # Completes: the source ends postmigrate and refuses another one.
    vm.qmp.clear_events()
    vm.qmp.command('migrate', uri='exec:cat > /dev/null')
    t.eq(wait_migration(vm.qmp)['status'], 'completed', 'then completes')
    ev = [vm.qmp.wait_event('MIGRATION')['data']['status']
          for _ in range(3)]
    t.eq(ev, ['setup', 'active', 'completed'],
         'MIGRATION events setup, active, completed')
    t.ok(vm.qmp.wait_event('STOP'), 'STOP event when the guest stops')
    t.eq(vm.qmp.command('query-status')['status'], 'postmigrate',
         'running source ends postmigrate')
    e = vm.qmp.cmd('migrate', {'uri': 'exec:cat > /dev/null'})
    t.eq(e.get('error', {}).get('desc'), "Can't migrate the vm that was "
         "paused due to previous migration", 'no second migration')


# --- capabilities and parameters ---------------------------------------
with VM(['-M', 'none', '-m', '16M']) as vm:
    q = vm.qmp
    caps = q.command('query-migrate-capabilities')
    t.eq([c['capability'] for c in caps][:3],
         ['xbzrle', 'rdma-pin-all', 'auto-converge'],
         'capabilities in QEMU order')
    t.eq(len(caps), 21, 'QEMU 7.2 has 21 capabilities')
    e = q.cmd('migrate-set-capabilities', {'capabilities': [
        {'capability': 'bogus', 'state': True}]})
    t.eq(e['error']['desc'], "Parameter 'capability' does not accept "
         "value 'bogus'", 'unknown capability')
    e = q.cmd('migrate-set-capabilities', {'capabilities': [
        {'capability': 'xbzrle', 'state': True}]})
    t.eq(e['error']['desc'], "memvm does not implement migration "
         "capability 'xbzrle'", 'unimplemented capability refused')
    q.command('migrate-set-capabilities', capabilities=[
        {'capability': 'x-ignore-shared', 'state': True}])
    t.ok({'state': True, 'capability': 'x-ignore-shared'} in
         q.command('query-migrate-capabilities'), 'x-ignore-shared on')
    p = q.command('query-migrate-parameters')
    t.eq((p['max-bandwidth'], p['downtime-limit'], p['multifd-channels']),
         (134217728, 300, 2), 'parameter defaults as QEMU 7.2')
    q.command('migrate-set-parameters', **{'max-bandwidth': 0,
                                           'downtime-limit': 50})
    p = q.command('query-migrate-parameters')
    t.eq((p['max-bandwidth'], p['downtime-limit']), (0, 50),
         'parameters set')
    e = q.cmd('migrate-set-parameters', {'downtime-limit': 2000001})
    t.eq(e['error']['desc'], "Parameter 'downtime_limit' expects an integer "
         "in the range of 0 to 2000 seconds", 'downtime-limit range')
    t.eq(q.command('query-migrate'), {}, 'query-migrate before any: {}')
    out = vm.hmp('info migrate_parameters')
    t.ok('downtime-limit: 50 ms' in out, 'info migrate_parameters', out)


# --- -incoming defer + migrate-incoming, over a unix socket ------------
stream_src = ['-M', 'none', '-m', '32M']
sock = path('mig.sock')
with VM(stream_src + ['-incoming', 'defer'], qtest='socket') as dst, \
        VM(stream_src, qtest='socket') as src:
    t.eq(dst.qmp.command('query-status')['status'], 'inmigrate',
         'defer: inmigrate')
    qtest_write(src.qtest, 0x10000, b'over a socket')
    dst.qmp.command('migrate-incoming', uri='unix:%s' % sock)
    e = dst.qmp.cmd('migrate-incoming', {'uri': 'unix:%s' % sock})
    t.eq(e['error']['desc'], 'The incoming migration has already been '
         'started', 'second migrate-incoming refused')
    src.hmp('migrate unix:%s' % sock)
    t.eq(wait_migration(src.qmp)['status'], 'completed', 'unix: completes')
    t.eq(wait_status(dst.qmp), 'running', 'unix: destination runs')
    t.eq(qtest_read(dst.qtest, 0x10000, 13), b'over a socket',
         'unix: RAM arrived')

# tcp loopback, port chosen by the test
import socket as _s
probe = _s.socket()
probe.bind(('127.0.0.1', 0))
port = probe.getsockname()[1]
probe.close()
with VM(stream_src + ['-incoming', 'tcp:127.0.0.1:%d' % port],
        qtest='socket') as dst, VM(stream_src, qtest='socket') as src:
    qtest_write(src.qtest, 0x20000, b'over tcp')
    src.qmp.command('migrate', uri='tcp:127.0.0.1:%d' % port)
    t.eq(wait_migration(src.qmp)['status'], 'completed', 'tcp: completes')
    t.eq(wait_status(dst.qmp), 'running', 'tcp: destination runs')
    t.eq(qtest_read(dst.qtest, 0x20000, 8), b'over tcp', 'tcp: RAM arrived')

# -S on the source: the destination takes its run state (prelaunch)
stream = path('prelaunch')
with VM(stream_src + ['-S']) as src:
    src.qmp.command('migrate', uri='exec:cat > %s' % stream)
    wait_stream_file(stream, wait_migration(src.qmp))
with VM(stream_src + ['-incoming', 'exec:cat %s' % stream]) as dst:
    t.eq(wait_status(dst.qmp), 'prelaunch',
         'source stopped with -S: destination prelaunch (globalstate)')



# Zero pages of a memfd are known from its holes: neither side allocates
# them (QEMU 7.2 reads, so allocates, every page).
def rss_shmem_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('RssShmem:'):
                return int(line.split()[1])
    return None


memfd = ['-object', 'memory-backend-memfd,id=m0,size=512M,share=on', '-M',
         'none,memory-backend=m0', '-m', '512M']
stream = path('memfd')
with VM(memfd, qtest='socket') as src:
    qtest_write(src.qtest, 0x123000, b'one page')
    src.qmp.command('migrate', uri='exec:cat > %s' % stream)
    info = wait_migration(src.qmp)
    wait_stream_file(stream, info)
    t.eq((info['status'], info['ram']['normal'], info['ram']['duplicate']),
         ('completed', 1, 131071), 'memfd: one normal page, the rest zero')
    t.ok(rss_shmem_kib(src.proc.pid) < 1024,
         'memfd source: zero pages were not allocated',
         rss_shmem_kib(src.proc.pid))
with VM(memfd + ['-incoming', 'exec:cat %s' % stream],
        qtest='socket') as dst:
    t.eq(wait_status(dst.qmp), 'running', 'memfd: destination runs')
    t.eq(qtest_read(dst.qtest, 0x123000, 8), b'one page', 'memfd: page in')
    t.ok(rss_shmem_kib(dst.proc.pid) < 1024,
         'memfd destination: zero pages were not allocated',
         rss_shmem_kib(dst.proc.pid))

import shutil
shutil.rmtree(tmp, ignore_errors=True)
t.done()
