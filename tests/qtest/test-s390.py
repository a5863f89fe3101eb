#!/usr/bin/env python3
"""s390-ccw-virtio: RAM aliases, RAM blocks by machine version, -m rounding
and KVM memory slots, driven over QMP/HMP and qtest.  Prints TAP.

Compares with tests/compat/ref/s390x (QEMU 7.2's stored output) and, when
qemu-system-s390x is installed, with QEMU itself.
"""
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from memvm import missing_kvm, missing_qemu, missing_shm

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get('MEMVM_SOURCE_DIR', os.path.dirname(os.path.dirname(HERE)))
BUILD = os.environ.get('MEMVM_BUILD_DIR', os.path.join(SRC, 'build'))
BIN = os.path.join(BUILD, 'memvm-system-s390x')
BIN_X86 = os.path.join(BUILD, 'memvm-system-x86_64')
REF = os.path.join(SRC, 'tests', 'compat', 'ref')
QEMU = shutil.which('qemu-system-s390x')
QEMU_MISSING = missing_qemu('s390x')
TIMEOUT = 60

GiB = 1 << 30
TiB = 1 << 40
# QEMU 2.12..4.1 chunk: (2^31 - 1) pages of 4 KiB, cut to 1 MiB segments.
OLD_CHUNK = ((2 ** 31 - 1) * 4096) & ~((1 << 20) - 1)

RAMBLOCK_HEADER = ('              Block Name    PSize              Offset'
                   '               Used              Total')


class Skip(Exception):
    pass


class StartFailed(Exception):
    def __init__(self, rc, stdout, stderr):
        super().__init__('exit status %s: %s' % (rc, stderr.strip()))
        self.rc, self.stdout, self.stderr = rc, stdout, stderr


class Vm:
    """A memvm process with a QMP socket and, optionally, qtest on stdio."""

    def __init__(self, args, binary=BIN, accel='qtest', qtest=False):
        self.dir = tempfile.mkdtemp(prefix='memvm-s390-')
        self.sock_path = os.path.join(self.dir, 'qmp.sock')
        self.cmd = [binary, '-display', 'none', '-nodefaults', '-S',
                    '-accel', accel] + list(args) + \
                   ['-qmp', 'unix:%s,server=on,wait=off' % self.sock_path]
        if qtest:
            self.cmd += ['-qtest', 'stdio']
        self.qtest_on = qtest
        self.other_stdout = []
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.sock = None
        self.buf = b''
        try:
            self._connect()
        except Exception:
            self.kill()
            raise

    def _connect(self):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                out, err = self.proc.communicate()
                shutil.rmtree(self.dir, ignore_errors=True)
                raise StartFailed(self.proc.returncode, out.decode(),
                                  err.decode())
            if os.path.exists(self.sock_path):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(self.sock_path)
                except OSError:
                    s.close()
                else:
                    self.sock = s
                    self.sock.settimeout(TIMEOUT)
                    greeting = self._recv()
                    assert 'QMP' in greeting, greeting
                    self.qmp('qmp_capabilities')
                    return
            time.sleep(0.02)
        raise RuntimeError('no QMP socket after %ds' % TIMEOUT)

    def _recv(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def qmp(self, cmd, **args):
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            reply = self._recv()
            if 'return' in reply or 'error' in reply:
                return reply

    def hmp(self, cmdline):
        reply = self.qmp('human-monitor-command', **{'command-line': cmdline})
        if 'error' in reply:
            raise RuntimeError('%s: %s' % (cmdline, reply['error']))
        return reply['return'].replace('\r\n', '\n')

    def qtest(self, line):
        assert self.qtest_on
        self.proc.stdin.write(line.encode() + b'\n')
        self.proc.stdin.flush()
        while True:
            reply = self.proc.stdout.readline().decode()
            if not reply:
                raise RuntimeError('qtest: end of output')
            reply = reply.rstrip('\n')
            if reply.split(' ')[0] in ('OK', 'FAIL', 'ERR'):
                return reply
            self.other_stdout.append(reply + '\n')

    def stdout_before_qtest(self):
        """Non-qtest stdout lines seen so far (qtest sessions only)."""
        return ''.join(self.other_stdout)

    def quit(self):
        """Quit over QMP; returns the rest of stdout and stderr."""
        try:
            self.qmp('quit')
        except (RuntimeError, OSError):
            pass
        if self.sock:
            self.sock.close()
        try:
            out, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)
        return out.decode(), err.decode()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_fail(args, binary=BIN, accel='qtest'):
    """Run memvm that is expected to refuse to start: (rc, stdout, stderr)."""
    cmd = [binary, '-display', 'none', '-nodefaults', '-S', '-accel',
           accel] + list(args)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def with_vm(args, fn, **kw):
    vm = Vm(args, **kw)
    try:
        result = fn(vm)
    except BaseException:
        vm.kill()
        raise
    out, err = vm.quit()
    return result, out, err


def expect_eq(what, got, want):
    if got != want:
        raise AssertionError('%s differs\n--- want\n%s\n--- got\n%s'
                             % (what, want, got))


# --- parsing HMP output -------------------------------------------------

def mtree_groups(text):
    """Split "info mtree" into blocks keyed by their header lines."""
    groups = {}
    for block in text.strip('\n').split('\n\n'):
        lines = block.split('\n')
        heads = [l for l in lines if not l.startswith(' ')]
        body = [l for l in lines if l.startswith(' ')]
        groups[tuple(heads)] = '\n'.join(body) + '\n'
    return groups


def mtree_system(text):
    """The tree of the group whose address spaces include "memory"."""
    for heads, body in mtree_groups(text).items():
        if 'address-space: memory' in heads:
            return body
    raise AssertionError('no "address-space: memory" in:\n' + text)


def mtree_region(text, name):
    return mtree_groups(text).get(('memory-region: ' + name,))


def flatview_memory(text):
    """Root line and ranges of the flat view that serves AS "memory"."""
    for block in text.strip('\n').split('FlatView #')[1:]:
        lines = block.split('\n')[1:]
        if ' AS "memory", root: system' in lines:
            return '\n'.join(l for l in lines
                             if l.startswith(' Root') or
                             l.startswith('  ')) + '\n'
    raise AssertionError('no flat view for AS "memory" in:\n' + text)


def ramblock_rows(text):
    """(name, used, total) per row of "info ramblock", Offset left out."""
    rows = []
    for line in text.split('\n')[1:]:
        if line.strip():
            # "NAME 4 KiB OFFSET USED TOTAL"; NAME is blank when unnamed.
            f = line.split()
            rows.append((f[0] if len(f) == 6 else '', int(f[-2], 16),
                         int(f[-1], 16)))
    return rows


def hex_range(start, size):
    return '%016x-%016x' % (start, start + size - 1)


# --- reference data ----------------------------------------------------

def parse_ref(path):
    ref = {'sections': {}}
    cur = None
    with open(path) as f:
        for line in f:
            if line.startswith('# command: '):
                ref['command'] = line[len('# command: '):].split()
            elif line.startswith('# started: '):
                ref['started'] = line.split()[2] == 'yes'
            elif line.startswith('=== ') and line.rstrip().endswith(' ==='):
                cur = line.strip()[4:-4]
                ref['sections'][cur] = ''
            elif cur is not None:
                ref['sections'][cur] += line
    return ref


def memvm_args_from_ref(command):
    """QEMU's command line as memvm arguments (Vm adds the fixed ones)."""
    args = command[1:]
    out = []
    i = 0
    fixed = {'-display': 1, '-accel': 1, '-qmp': 1, '-nodefaults': 0,
             '-S': 0}
    while i < len(args):
        if args[i] in fixed:
            i += 1 + fixed[args[i]]
            continue
        out.append(args[i])
        i += 1
    return out


def flatview_ranges(text):
    return ''.join(l + '\n' for l in flatview_memory(text).split('\n')
                   if l.startswith('  '))


# RAM above one 4 TiB slot is mapped through aliases on purpose
# (docs/s390.md): the tree and the flat view's root region differ from QEMU
# 7.2's there, the ranges and RAM blocks do not.
ALIASED_REF_CASES = ('ccw-memdev-9T-noreserve',)


def check_ref_case(path):
    aliased = os.path.basename(path)[:-4] in ALIASED_REF_CASES
    ref = parse_ref(path)
    secs = ref['sections']
    args = memvm_args_from_ref(ref['command'])
    if not ref['started']:
        rc, out, err = run_fail(args)
        expect_eq('exit status', rc, 1)
        expect_eq('stderr', err, secs['stderr'].replace(
            'qemu-system-s390x:', 'memvm-system-s390x:'))
        return

    def inspect(vm):
        return (vm.hmp('info mtree'), vm.hmp('info mtree -f'),
                vm.hmp('info ramblock'))
    (mtree, flat, ramblock), out, err = with_vm(args, inspect)
    expect_eq('stdout', out, secs.get('stdout (non-QMP lines)', ''))
    expect_eq('stderr', err, secs['stderr'])
    expect_eq('info ramblock', ramblock, secs['hmp: info ramblock'])
    if aliased:
        expect_eq('info mtree -f ranges (AS memory)', flatview_ranges(flat),
                  flatview_ranges(secs['hmp: info mtree -f']))
        return
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              mtree_system(secs['hmp: info mtree']))
    expect_eq('info mtree -f (AS memory)', flatview_memory(flat),
              flatview_memory(secs['hmp: info mtree -f']))


# --- live QEMU ---------------------------------------------------------

def qemu_ramblock(machine, size):
    """(stdout notice, info ramblock or error) from qemu-system-s390x."""
    cmds = [{'execute': 'qmp_capabilities'},
            {'execute': 'human-monitor-command',
             'arguments': {'command-line': 'info ramblock'}},
            {'execute': 'quit'}]
    p = subprocess.run([QEMU, '-display', 'none', '-nodefaults', '-S',
                        '-accel', 'tcg', '-M', machine, '-m', size,
                        '-qmp', 'stdio'],
                       input=''.join(json.dumps(c) + '\n' for c in cmds),
                       capture_output=True, text=True, timeout=TIMEOUT)
    notice, ramblock = '', None
    for line in p.stdout.splitlines(True):
        if not line.startswith('{'):
            notice += line
            continue
        msg = json.loads(line)
        if isinstance(msg.get('return'), str):
            ramblock = msg['return'].replace('\r\n', '\n')
    if ramblock is None:
        return notice, p.stderr.replace('qemu-system-s390x:', '')
    return notice, ramblock


def memvm_ramblock(machine, size):
    try:
        ramblock, out, err = with_vm(['-M', machine, '-m', size],
                                     lambda vm: vm.hmp('info ramblock'))
    except StartFailed as e:
        return e.stdout, e.stderr.replace('memvm-system-s390x:', '')
    return out, ramblock


LIVE_SIZES = ['128M', '1000M', '1023M', '1032k', '2047M', '3001M', '16385M']


def check_live(machine):
    if QEMU_MISSING:
        raise Skip(QEMU_MISSING)
    for size in LIVE_SIZES:
        expect_eq('%s -m %s' % (machine, size), memvm_ramblock(machine, size),
                  qemu_ramblock(machine, size))


# --- the tests ---------------------------------------------------------

def test_machine_list():
    ref = parse_ref(os.path.join(REF, 'misc', 's390x-machine-help.txt'))
    p = subprocess.run([BIN, '-machine', 'help'], capture_output=True,
                       text=True, timeout=TIMEOUT)
    expect_eq('-machine help', p.stdout, ref['sections']['stdout'])


def five_aliases(vm):
    return (vm.hmp('info mtree'), vm.hmp('info mtree -f'),
            vm.hmp('info ramblock'))


def alias_lines(sizes, target, blocks=None):
    lines, start = [], 0
    for i, size in enumerate(sizes):
        name = 's390.ram' if i == 0 else 's390.ram.%d' % i
        lines.append('    %s (prio 0, ram): alias %s @%s %s\n'
                     % (hex_range(start, size), name, target,
                        hex_range(start, size)))
        start += size
    return ''.join(lines)


def test_five_aliases():
    (mtree, flat, ramblock), out, err = with_vm(
        ['-M', 's390-ccw-virtio,x-slot-size=1G', '-m', '5G'], five_aliases)
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              '  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n'
              + alias_lines([GiB] * 5, 's390.ram'))
    expect_eq('memory-region: s390.ram', mtree_region(mtree, 's390.ram'),
              '  0000000000000000-000000013fffffff (prio 0, ram): s390.ram\n')
    # The flat view merges the five windows into one range, as QEMU does.
    expect_eq('info mtree -f (AS memory)', flatview_memory(flat),
              ' Root memory region: system\n'
              '  0000000000000000-000000013fffffff (prio 0, ram): s390.ram\n')
    expect_eq('info ramblock', ramblock_rows(ramblock),
              [('s390.ram', 5 * GiB, 5 * GiB)])


def test_slot_size_uneven():
    """The last alias is the remainder."""
    (mtree, flat, ramblock), out, err = with_vm(
        ['-M', 's390-ccw-virtio,x-slot-size=2G', '-m', '5G'], five_aliases)
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              '  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n'
              + alias_lines([2 * GiB, 2 * GiB, GiB], 's390.ram'))


def test_slot_size_errors():
    rc, out, err = run_fail(['-M', 's390-ccw-virtio,x-slot-size=1000'])
    expect_eq('x-slot-size=1000', (rc, err),
              (1, 'memvm-system-s390x: -machine x-slot-size=1000: '
                  'x-slot-size 1000 is not a non-zero multiple of 1 MiB '
                  '(the s390 segment size)\n'))
    rc, out, err = run_fail(['-M', 's390-ccw-virtio,x-slot-size=1M',
                             '-m', '2G'])
    expect_eq('x-slot-size=1M -m 2G', (rc, err),
              (1, 'memvm-system-s390x: x-slot-size 1 MiB would map 2 GiB '
                  'of RAM as 2048 aliases; at most 1024 are supported\n'))


def test_ram_not_whole_mib():
    # QEMU 7.2 refuses the same (ram size check in s390_memory_init).
    rc, out, err = run_fail(['-M', 's390-ccw-virtio', '-m', '1032k'])
    expect_eq('-m 1032k', (rc, err),
              (1, 'memvm-system-s390x: ram size must be multiples of '
                  '1 MiB\n'))


def shared_file_writes(machine, blocks_want):
    """Write just below and at each 1 GiB boundary, read the file back."""
    path = '/dev/shm/memvm-test-s390-%d' % os.getpid()
    if missing_shm():
        raise Skip(missing_shm())
    size = 5 * GiB
    spots = [0, size - 8] + [k * GiB + d for k in range(1, 5)
                             for d in (-8, 0)]
    args = ['-object', 'memory-backend-file,id=m,size=5G,mem-path=%s,'
            'share=on' % path,
            '-M', '%s,memory-backend=m,x-slot-size=1G' % machine]

    def poke(vm):
        for addr in spots:
            data = '%016x' % (addr ^ 0x5a5a0000a5a5)
            expect_eq('write', vm.qtest('write 0x%x 8 0x%s' % (addr, data)),
                      'OK')
        got = {a: vm.qtest('read 0x%x 8' % a) for a in spots}
        return got, vm.hmp('info ramblock')

    try:
        (got, ramblock), out, err = with_vm(args, poke, qtest=True)
        with open(path, 'rb') as f:
            for addr in spots:
                want = '%016x' % (addr ^ 0x5a5a0000a5a5)
                expect_eq('qtest read 0x%x' % addr, got[addr], 'OK 0x' + want)
                f.seek(addr)
                expect_eq('file offset 0x%x' % addr, f.read(8).hex(), want)
    finally:
        if os.path.exists(path):
            os.unlink(path)
    expect_eq('info ramblock', ramblock_rows(ramblock), blocks_want)


def test_shared_file_new_layout():
    shared_file_writes('s390-ccw-virtio', [('m', 5 * GiB, 5 * GiB)])


def test_shared_file_old_layout():
    # QEMU 4.1 migrated 1 GiB chunks as five blocks; here one file has them.
    shared_file_writes('s390-ccw-virtio-4.1',
                       [('s390.ram', GiB, GiB)] +
                       [('s390.ram.%d' % i, GiB, GiB) for i in range(1, 5)])


def test_old_layout_blocks():
    (mtree, flat, ramblock), out, err = with_vm(
        ['-M', 's390-ccw-virtio-4.1,x-slot-size=1G', '-m', '3G'],
        five_aliases)
    expect_eq('info ramblock', ramblock_rows(ramblock),
              [('s390.ram', GiB, GiB), ('s390.ram.1', GiB, GiB),
               ('s390.ram.2', GiB, GiB)])
    expect_eq('info ramblock header', ramblock.split('\n')[0],
              RAMBLOCK_HEADER)
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              '  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n'
              + alias_lines([GiB] * 3, 's390.ram'))
    expect_eq('info mtree -f (AS memory)', flatview_memory(flat),
              ' Root memory region: system\n'
              '  0000000000000000-00000000bfffffff (prio 0, ram): s390.ram\n')


def test_old_layout_versions():
    """Chunk blocks for 2.12..4.1 only: 2.11 and 4.2 kept one block."""
    for machine, chunked in (('2.11', False), ('2.12', True), ('3.0', True),
                             ('4.0', True), ('4.1', True), ('4.2', False),
                             ('5.0', False), ('7.2', False)):
        ramblock, out, err = with_vm(
            ['-M', 's390-ccw-virtio-%s,x-slot-size=1G' % machine,
             '-m', '2G'], lambda vm: vm.hmp('info ramblock'))
        want = ([('s390.ram', GiB, GiB), ('s390.ram.1', GiB, GiB)]
                if chunked else [('s390.ram', 2 * GiB, 2 * GiB)])
        expect_eq('%s info ramblock' % machine, ramblock_rows(ramblock), want)


def big_backend(vm):
    return (vm.hmp('info mtree'), vm.hmp('info mtree -f'),
            vm.hmp('info ramblock'))


BIG = ['-object', 'memory-backend-ram,id=m,size=9T,reserve=off',
       '-machine', 'memory-backend=m']


def test_9t_new_layout():
    (mtree, flat, ramblock), out, err = with_vm(
        ['-M', 's390-ccw-virtio'] + BIG, big_backend)
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              '  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n'
              + alias_lines([4 * TiB, 4 * TiB, TiB], 'm'))
    ref = parse_ref(os.path.join(REF, 's390x', 'ccw-memdev-9T-noreserve.txt'))
    # One merged range, as QEMU 7.2 shows; the root is "system", not "m".
    expect_eq('info mtree -f (AS memory)', flatview_memory(flat),
              ' Root memory region: system\n' +
              flatview_ranges(ref['sections']['hmp: info mtree -f']))
    expect_eq('info ramblock', ramblock, ref['sections']['hmp: info ramblock'])


def test_9t_old_layout():
    (mtree, flat, ramblock), out, err = with_vm(
        ['-M', 's390-ccw-virtio-4.1'] + BIG, big_backend)
    expect_eq('info ramblock', ramblock_rows(ramblock),
              [('s390.ram', OLD_CHUNK, OLD_CHUNK),
               ('s390.ram.1', 9 * TiB - OLD_CHUNK, 9 * TiB - OLD_CHUNK)])
    expect_eq('info mtree (AS memory)', mtree_system(mtree),
              '  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n'
              + alias_lines([OLD_CHUNK, 9 * TiB - OLD_CHUNK], 'm'))


def test_numa_refused():
    rc, out, err = run_fail(['-M', 's390-ccw-virtio-4.2', '-object',
                             'memory-backend-ram,id=n0,size=1G',
                             '-numa', 'node,memdev=n0', '-m', '1G'])
    expect_eq('-numa', (rc, err),
              (1, 'memvm-system-s390x: -numa node,memdev=n0: NUMA is not '
                  'supported by this machine-type\n'))


def test_rounding_table():
    """Storage-increment rounding on <= 4.2, none from 5.0 (sizes in MiB)."""
    cases = [('4.2', 1023, 1022), ('4.2', 2047, 2044), ('4.2', 3001, 3000),
             ('4.2', 16385, 16384), ('4.2', 5120, 5120), ('2.4', 1021, 1020),
             ('4.1', 4095, 4088), ('5.0', 1023, 1023), ('7.2', 16385, 16385)]
    for machine, mib, fixed in cases:
        ramblock, out, err = with_vm(
            ['-M', 's390-ccw-virtio-%s' % machine, '-m', '%dM' % mib],
            lambda vm: vm.hmp('info ramblock'))
        notice = ('' if mib == fixed else
                  'Ram size %dMB was fixed up to %dMB to match machine '
                  'restrictions. Consider updating the guest definition.\n'
                  % (mib, fixed))
        expect_eq('%s -m %dM stdout' % (machine, mib), out, notice)
        expect_eq('%s -m %dM' % (machine, mib), ramblock_rows(ramblock),
                  [('s390.ram', fixed << 20, fixed << 20)])


def test_backend_not_rounded():
    ramblock, out, err = with_vm(
        ['-M', 's390-ccw-virtio-4.2', '-object',
         'memory-backend-ram,id=m,size=1023M', '-M', 'memory-backend=m'],
        lambda vm: vm.hmp('info ramblock'))
    expect_eq('stdout', out, '')
    expect_eq('info ramblock', ramblock_rows(ramblock),
              [('m', 1023 << 20, 1023 << 20)])


def test_kvm_refusal():
    """-accel kvm on s390x: the error names /dev/kvm or the architecture."""
    if platform.machine() == 's390x' and missing_kvm() is None:
        raise Skip('this host can run s390x guests under KVM')
    rc, out, err = run_fail(['-M', 's390-ccw-virtio'], accel='kvm')
    why = missing_kvm()
    if why is None:
        why = 'KVM on %s hosts cannot run s390x guests' % platform.machine()
    expect_eq('-accel kvm', (rc, err),
              (1, 'memvm-system-s390x: -accel kvm: accelerator kvm is not '
                  'available: %s\n' % why))


def test_info_kvm_memslots_without_kvm():
    text, out, err = with_vm(['-M', 's390-ccw-virtio'],
                             lambda vm: vm.hmp('info kvm-memslots'))
    expect_eq('info kvm-memslots', text, 'KVM is not in use\n')


def test_kvm_memslots_real():
    why = missing_kvm()
    if why:
        raise Skip(why)
    if platform.machine() != 'x86_64':
        raise Skip('the KVM guest here is x86_64')
    text, out, err = with_vm(['-M', 'none', '-m', '1G'], lambda vm:
                             vm.hmp('info kvm-memslots'), binary=BIN_X86,
                             accel='kvm,x-max-slot-size=256M')
    lines = text.split('\n')
    if not lines[0].startswith('KVM memory slots: 4 of ') or \
            not lines[0].endswith(' used, largest slot size: 256 MiB'):
        raise AssertionError('summary line: %r' % lines[0])
    for i in range(4):
        want = re.compile(r'  slot %d: 0x%s \(256 MiB\) host 0x[0-9a-f]{16} '
                          r'rw$' % (i, '-0x'.join(
                              hex_range(i << 28, 1 << 28).split('-'))))
        if not want.match(lines[1 + i]):
            raise AssertionError('slot line %d: %r' % (i, lines[1 + i]))
    expect_eq('line count', len([l for l in lines if l]), 5)


def test_kvm_uneven_real():
    """A 9 GiB range in 4 GiB slots: 4 + 4 + 1.  (Not 9 TiB in 4 TiB slots:
    KVM's per-slot metadata for that can exhaust the host's memory.)"""
    why = missing_kvm()
    if why:
        raise Skip(why)
    if platform.machine() != 'x86_64':
        raise Skip('the KVM guest here is x86_64')
    text, out, err = with_vm(
        ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=9G,'
         'reserve=off', '-machine', 'memory-backend=m'],
        lambda vm: vm.hmp('info kvm-memslots'), binary=BIN_X86,
        accel='kvm,x-max-slot-size=4G')
    lines = [l for l in text.split('\n') if l]
    if not re.match(r'KVM memory slots: 3 of \d+ used, largest slot size: '
                    r'4 GiB$', lines[0]):
        raise AssertionError('summary line: %r' % lines[0])
    pieces = [(0, 4 * GiB, '4 GiB'), (4 * GiB, 4 * GiB, '4 GiB'),
              (8 * GiB, GiB, '1 GiB')]
    for i, (start, size, human) in enumerate(pieces):
        want = r'  slot %d: 0x%s-0x%s \(%s\) host 0x[0-9a-f]{16} rw$' % (
            (i,) + tuple(hex_range(start, size).split('-')) + (human,))
        if not re.match(want, lines[1 + i]):
            raise AssertionError('slot line %d: %r' % (i, lines[1 + i]))
    expect_eq('line count', len(lines), 4)


def test_kvm_max_slot_size_error():
    why = missing_kvm()
    if why:
        raise Skip(why)
    if platform.machine() != 'x86_64':
        raise Skip('the KVM guest here is x86_64')
    rc, out, err = run_fail(['-M', 'none', '-m', '1G'], binary=BIN_X86,
                            accel='kvm,x-max-slot-size=1000')
    expect_eq('x-max-slot-size=1000', (rc, err),
              (1, 'memvm-system-x86_64: -accel kvm,x-max-slot-size=1000: '
                  'x-max-slot-size 1000 is not a multiple of the host page '
                  'size 4096\n'))


def ref_cases():
    d = os.path.join(REF, 's390x')
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith('.txt'))


def main():
    tests = [
        ('-machine help matches QEMU 7.2', test_machine_list),
        ('x-slot-size=1G -m 5G: five aliases, one flat range, one block',
         test_five_aliases),
        ('x-slot-size=2G -m 5G: 2G + 2G + 1G aliases', test_slot_size_uneven),
        ('x-slot-size errors', test_slot_size_errors),
        ('RAM not a multiple of 1 MiB is refused', test_ram_not_whole_mib),
        ('shared file backend: writes at alias boundaries land at the same '
         'file offset (7.2)', test_shared_file_new_layout),
        ('shared file backend: same on 4.1 with five chunk blocks',
         test_shared_file_old_layout),
        ('4.1 with x-slot-size=1G -m 3G: old block ids and sizes',
         test_old_layout_blocks),
        ('chunk blocks on 2.12..4.1 only', test_old_layout_versions),
        ('9T backend on 7.2: 4T aliases, QEMU 7.2 flat view and blocks',
         test_9t_new_layout),
        ('9T backend on 4.1: 8T-1M chunk blocks', test_9t_old_layout),
        ('-numa refused on 4.2 too', test_numa_refused),
        ('-m rounding by version', test_rounding_table),
        ('memory-backend size is not rounded', test_backend_not_rounded),
        ('-accel kvm on s390x is refused with a clear reason',
         test_kvm_refusal),
        ('info kvm-memslots without KVM', test_info_kvm_memslots_without_kvm),
        ('KVM memslots split at x-max-slot-size (real /dev/kvm)',
         test_kvm_memslots_real),
        ('9G backend in KVM: 4G + 4G + 1G slots (real /dev/kvm)',
         test_kvm_uneven_real),
        ('x-max-slot-size error', test_kvm_max_slot_size_error),
    ]
    for path in ref_cases():
        name = os.path.basename(path)[:-4]
        tests.append(('compat ref s390x/%s' % name,
                      lambda p=path: check_ref_case(p)))
    for machine in ('s390-ccw-virtio', 's390-ccw-virtio-4.2',
                    's390-ccw-virtio-4.1', 's390-ccw-virtio-2.4'):
        tests.append(('live QEMU: %s -m %s' % (machine, ','.join(LIVE_SIZES)),
                      lambda m=machine: check_live(m)))

    print('1..%d' % len(tests))
    failed = 0
    for n, (desc, fn) in enumerate(tests, 1):
        try:
            fn()
        except Skip as e:
            print('ok %d - %s # SKIP %s' % (n, desc, e))
        except Exception as e:
            failed += 1
            print('not ok %d - %s' % (n, desc))
            for line in str(e).split('\n'):
                print('# ' + line)
        else:
            print('ok %d - %s' % (n, desc))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
