#!/usr/bin/env python3
"""The spine, tried as a user would: -M none with backend RAM over qtest,
file backends seen from outside, -mem-path, -mem-prealloc, and the errors
of the machine/backend rules."""
import os
import tempfile

from memvm import Tap, QTestProcess as QTest, run

t = Tap()

# --- qtest on -M none ------------------------------------------------------
q = QTest(['-M', 'none', '-m', '256M'])
t.eq(q.cmd('writel 0x1000 0xdeadbeef'), 'OK', 'writel answers OK')
t.eq(q.cmd('readl 0x1000'), 'OK 0x00000000deadbeef', 'readl reads it back')
t.eq(q.cmd('readb 0x1000'), 'OK 0x00000000000000ef', 'little-endian bytes')
t.eq(q.cmd('writeq 0xffffff8 0x0102030405060708'), 'OK',
     'writeq at the last 8 bytes of RAM')
t.eq(q.cmd('read 0xffffff8 8'), 'OK 0x0807060504030201', 'read hex bytes')
t.eq(q.cmd('b64read 0x1000 4'), 'OK 776t3g==', 'b64read')
t.eq(q.cmd('write 0x2000 3 0xaabbcc'), 'OK', 'write hex bytes')
t.eq(q.cmd('readl 0x2000'), 'OK 0x0000000000ccbbaa', 'write landed')
t.eq(q.cmd('b64write 0x3000 2 AQI='), 'OK', 'b64write')
t.eq(q.cmd('readw 0x3000'), 'OK 0x0000000000000201', 'b64write landed')
t.eq(q.cmd('memset 0x4000 16 0x5a'), 'OK', 'memset')
t.eq(q.cmd('readq 0x4008'), 'OK 0x5a5a5a5a5a5a5a5a', 'memset landed')
t.eq(q.cmd('nonsense'), "FAIL Unknown command 'nonsense'", 'unknown command')
t.eq(q.cmd('writel 0x1000'), "FAIL invalid arguments to 'writel'",
     'missing argument fails, session goes on')
t.eq(q.cmd('readl zzz'), "FAIL invalid arguments to 'readl'",
     'bad number fails')
t.eq(q.cmd('readl 0x20000000'), 'OK 0x0000000000000000',
     'unassigned memory reads as zero')
t.eq(q.cmd('endianness'), 'OK little', 'endianness')
t.eq(q.cmd('readl 0x1000'), 'OK 0x00000000deadbeef', 'still serving')
t.eq(q.close(), 0, 'end of input ends memvm with status 0')

# --- one host memory: a shared file backend -------------------------------
with tempfile.NamedTemporaryFile(dir='/dev/shm', prefix='memvm-spine-') as f:
    q = QTest(['-M', 'none', '-object',
               'memory-backend-file,id=m,size=256M,mem-path=%s,share=on'
               % f.name, '-machine', 'memory-backend=m'])
    t.eq(q.cmd('writel 0x123450 0xcafef00d'), 'OK', 'write into file RAM')
    t.eq(q.cmd('writeb 0xfffffff 0x77'), 'OK', 'write the last byte')
    with open(f.name, 'rb') as g:
        g.seek(0x123450)
        t.eq(g.read(4), bytes.fromhex('0df0feca'),
             'bytes appear in the file at the same offset')
        g.seek(0xfffffff)
        t.eq(g.read(1), b'\x77', 'last byte appears in the file')
    t.eq(os.path.getsize(f.name), 256 << 20, 'file has the backend size')
    t.eq(q.close(), 0, 'clean exit')

# --- -mem-path maps a file there; -mem-prealloc populates ----------------
q = QTest(['-M', 'none', '-m', '64M', '-mem-path', '/dev/shm'])
t.eq(q.cmd('writel 0 1'), 'OK', 'RAM from -mem-path works')
with open('/proc/%d/maps' % q.proc.pid) as m:
    maps = m.read()
t.ok('/dev/shm/memvm_back_mem.' in maps,
     '-mem-path RAM is a file mapping under /dev/shm', maps[-2000:])
q.close()

q = QTest(['-M', 'none', '-m', '1G', '-mem-prealloc'])
t.eq(q.cmd('readb 0'), 'OK 0x0000000000000000', 'prealloc machine answers')
with open('/proc/%d/status' % q.proc.pid) as s:
    rss_kb = [int(l.split()[1]) for l in s if l.startswith('VmRSS:')][0]
t.ok(rss_kb >= 1024 * 1024, '-mem-prealloc -m 1G leaves RSS >= 1 GiB',
     'VmRSS %d kB' % rss_kb)
q.close()

# --- machine/backend rules: errors a user meets ----------------------------
ERRS = [
    (['-M', 'none', '-m', '1G', '-object',
      'memory-backend-ram,id=m0,size=512M', '-M', 'memory-backend=m0'],
     'Machine memory size does not match the size of the memory backend'),
    (['-M', 'none', '-mem-path', '/dev/shm', '-object',
      'memory-backend-ram,id=m0,size=512M', '-M', 'memory-backend=m0'],
     "'-mem-path' can't be used together with'-machine memory-backend'"),
    (['-M', 'none,memory-backend=nope'], "Memory backend 'nope' not found"),
    (['-M', 'none', '-m', 'abc'],
     "-m abc: Parameter 'size' expects a non-negative number below 2^64"),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m'],
     "-object memory-backend-ram,id=m: Parameter 'size' is missing"),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m,size=0'],
     "property 'size' of memory-backend-ram doesn't take value '0'"),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M,foo=bar'],
     "Invalid parameter 'foo'"),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M',
      '-object', 'memory-backend-ram,id=m,size=1M'],
     "Duplicate ID 'm' for object"),
    (['-M', 'none', '-object', 'nosuchtype,id=x'],
     "Parameter 'qom-type' does not accept value 'nosuchtype'"),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M,policy=bind'],
     'host-nodes must be set for policy bind'),
    (['-M', 'none', '-object',
      'memory-backend-ram,id=m,size=1M,host-nodes=7,policy=bind'],
     'cannot bind memory to host NUMA nodes: Invalid argument'),
    (['-M', 'none', '-object',
      'memory-backend-file,id=m,size=1M,mem-path=/nonexistent/x'],
     "can't open backing store /nonexistent/x for guest RAM: "
     'No such file or directory'),
    (['-M', 'none', '-object',
      'memory-backend-memfd,id=m,size=4M,hugetlb=on,hugetlbsize=3M'],
     'Hugepage size must be a power of 2'),
    (['-M', 'none', '-object', 'memory-backend-ram,id=m0,size=64M',
      '-numa', 'node,memdev=m0'],
     '-numa node,memdev=m0: NUMA is not supported by this machine-type'),
    (['-M', 'nosuchboard'], 'unsupported machine type'),
    (['-M', 'none', '-bogus'], '-bogus: invalid option'),
    (['-M', 'none', '-m'], '-m: requires an argument'),
    (['-M', 'none', '-bios', 'x.bin'],
     '-bios x.bin: memvm loads no firmware; boot a guest with -kernel'),
    (['-M', 'none', '-cpu', 'max'],
     "-cpu max: memvm runs each board's default CPU model only"),
    (['-M', 'none', '-pidfile', '/nonexistent/dir/pid'],
     'cannot create PID file: Cannot open pid file: No such file or '
     'directory'),
    (['-M', 'none', '-incoming', 'nosuch:x'],
     '-incoming nosuch:x: unknown migration protocol: nosuch:x'),
    (['-M', 'none', '-display', 'gtk'],
     '-display gtk: memvm has no graphical display; use -display none'),
]
for args, msg in ERRS:
    status, out, err = run(args)
    t.ok(status == 1 and msg in err and 'memvm-system-x86_64: ' in err,
         'error: %s' % msg, 'status %r stderr %r' % (status, err))

# -m is applied after the objects, wherever it stands.
q = QTest(['-m', '64M', '-M', 'none', '-object',
           'memory-backend-ram,id=m0,size=64M', '-M', 'memory-backend=m0'])
t.eq(q.cmd('writeb 0x3ffffff 1'), 'OK', '-m before -object still matches')
q.close()

# -mem-prealloc with an explicit backend makes it preallocate (as QEMU).
q = QTest(['-M', 'none', '-mem-prealloc', '-object',
           'memory-backend-ram,id=m0,size=256M', '-M', 'memory-backend=m0'])
t.eq(q.cmd('readb 0'), 'OK 0x0000000000000000', 'prealloc sugar accepted')
with open('/proc/%d/status' % q.proc.pid) as s:
    rss_kb = [int(l.split()[1]) for l in s if l.startswith('VmRSS:')][0]
t.ok(rss_kb >= 256 * 1024, '-mem-prealloc applies to explicit backends',
     'VmRSS %d kB' % rss_kb)
q.close()

# A 1 GiB file backend, preallocated by two threads, is fully populated
# while memvm runs.
with tempfile.NamedTemporaryFile(dir='/dev/shm', prefix='memvm-1g-') as f:
    q = QTest(['-M', 'none', '-object',
               'memory-backend-file,id=m,size=1G,mem-path=%s,share=on,'
               'prealloc=on,prealloc-threads=2' % f.name,
               '-machine', 'memory-backend=m'])
    t.eq(q.cmd('readb 0x3fffffff'), 'OK 0x0000000000000000',
         'machine on a preallocated 1 GiB file backend runs')
    st = os.stat(f.name)
    t.eq((st.st_size, st.st_blocks * 512), (1 << 30, 1 << 30),
         'the file is 1 GiB long and every block of it is allocated')
    t.eq(q.close(), 0, 'clean exit')

# Help output.
status, out, err = run(['-object', 'memory-backend-ram,help'])
t.ok(status == 0 and 'size=<int>' in out and 'prealloc-threads=<int>' in out
     and 'policy=<HostMemPolicy>' in out and 'host-nodes=<int>' in out,
     '-object memory-backend-ram,help lists the properties', out)
status, out, err = run(['-object', 'memory-backend-memfd,help'])
t.ok(status == 0 and 'hugetlbsize=<int>' in out and 'seal=<bool>' in out,
     'memfd help lists hugetlb properties', out)
status, out, err = run(['-object', 'help'])
t.ok(status == 0 and '  memory-backend-file\n' in out, '-object help', out)

t.done()
