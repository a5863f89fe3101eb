#!/usr/bin/env python3
"""Bare-metal guests on the first-wave boards, under accel tcg (libunicorn).

For every board: the bundled guest (tests/guest/) finds the RAM map, writes
one word per page and the last byte of each RAM range, reads them back,
prints the sum and ends through the board's exit device.  The test checks
the exit status, that the guest said PASS, and that the sum it printed
equals one computed here from the memory backend's file: the guest's
stores went into the backend's pages.

Then: a guest that jumps to (or reads) unmapped memory, or runs an unknown
instruction, ends memvm (no hang; the time is reported, not asserted,
since test machines are shared) with a message naming the address
and a register dump; -S waits for QMP cont; stop, cont and quit work while
a guest runs; -accel qtest still loads -kernel without running it.
When libunicorn cannot be loaded (it is opened only for accel tcg), tcg
fails with an error naming it and qtest still works.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from memvm import Tap, VM, binary, in_private_mount_ns, missing_mount_ns

BUILD = os.environ.get('MEMVM_BUILD_DIR', 'build')
GUEST_DIR = os.path.join(BUILD, 'tests', 'guest')
SHM = '/dev/shm' if os.path.isdir('/dev/shm') else None
PAGE = 4096
PATTERN = 0x5aa5c33c0ff0e11e
MASK64 = (1 << 64) - 1
# Far beyond any real run: only a hang fails a test (no timing asserts).
HANG_GUARD = 30.0

# Exit status memvm uses for a guest error (accel/tcg/tcg-internal.h).
GUEST_ERROR_STATUS = 2
BAD_ADDR = 0xdeadbee000

# Success status per exit device: PSCI SYSTEM_OFF and the SiFive test
# finisher give 0; isa-debug-exit gives (value << 1) | 1, so 1 for 0.
PASS_STATUS = {'x86_64': 0, 'aarch64': 0, 'riscv64': 0}

# (arch, machine option, RAM in MiB, guest image, extra arguments, what)
CASES = [
    ('x86_64', 'pc', 256, 'x86_64-ram.elf', [], ''),
    ('x86_64', 'pc,max-ram-below-4g=128M', 256, 'x86_64-ram.elf', [],
     'RAM above 4 GiB'),
    ('x86_64', 'q35', 256, 'x86_64-ram.elf', [], ''),
    ('x86_64', 'microvm', 256, 'x86_64-ram.elf', [], ''),
    ('aarch64', 'virt', 256, 'aarch64-ram.elf', [], 'ELF'),
    ('aarch64', 'virt', 256, 'aarch64-ram.bin', [], 'raw image'),
    ('aarch64', 'virt', 256, 'aarch64-ram.elf', ['numa'], 'two NUMA nodes'),
    ('riscv64', 'virt', 256, 'riscv64-ram.elf', [], 'ELF'),
    ('riscv64', 'virt', 256, 'riscv64-ram.bin', [], 'raw image'),
]


def image(name):
    return os.path.join(GUEST_DIR, name)


_machines = {}


def has_machine(arch, name):
    """Is machine @name (or alias) built into memvm-system-@arch?"""
    if arch not in _machines:
        p = subprocess.run([binary(arch), '-M', 'help'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        if p.returncode != 0:
            # A broken binary must fail the run, not skip every board.
            raise RuntimeError('-M help failed (%d): %s' % (
                p.returncode, p.stderr.decode('utf-8', 'replace')))
        names = set()
        for line in p.stdout.decode().splitlines()[1:]:
            words = line.split()
            if words:
                names.add(words[0])
            m = re.search(r'\(alias of ([^)]+)\)', line)
            if m:
                names.add(m.group(1))
        _machines[arch] = names
    return name in _machines[arch]


def skip_reason(arch, machine, img):
    if not os.path.exists(binary(arch)):
        return 'no memvm-system-%s' % arch
    if not has_machine(arch, machine.split(',')[0]):
        return 'board %s not built yet' % machine.split(',')[0]
    if not os.path.exists(image(img)):
        return 'guest image %s not built (cross binutils missing?)' % img
    return None


def parse_output(text):
    """The guest's report: ranges [(base, size, offset or None)], image
    (lo, hi), checksum, passed."""
    ranges = []
    img = None
    checksum = None
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == 'ram' and len(words) >= 3:
            offset = None
            if len(words) >= 4 and words[3].startswith('@'):
                offset = int(words[3][1:], 16)
            ranges.append((int(words[1], 16), int(words[2], 16), offset))
        elif words[0] == 'image' and len(words) == 3:
            img = (int(words[1], 16), int(words[2], 16))
        elif words[0] == 'checksum' and len(words) == 2:
            checksum = int(words[1], 16)
    return ranges, img, checksum, 'PASS' in text.splitlines()


def host_checksum(files, ranges, img):
    """Recompute the guest's sum from the backend files.

    Ranges with an offset (x86 boot table) are at that offset of main RAM,
    which is the single backend; the others follow each other in address
    order, one range per backend file when there are several (NUMA).
    Returns (sum, problems)."""
    problems = []
    total = 0
    cursor = 0
    for i, (base, size, offset) in enumerate(sorted(ranges)):
        if len(files) > 1:
            path, off = files[i], 0
        else:
            path = files[0]
            off = offset if offset is not None else cursor
        cursor += size
        with open(path, 'rb') as f:
            def in_image(addr):
                return img[0] <= addr < img[1]
            first = True
            for page in range(base, base + size, PAGE):
                if in_image(page):
                    continue
                f.seek(off + page - base)
                word = struct.unpack('<Q', f.read(8))[0]
                if first and word != page ^ PATTERN:
                    problems.append('GPA 0x%x: backend holds 0x%x, the guest '
                                    'stored 0x%x' % (page, word,
                                                     page ^ PATTERN))
                first = False
                total = (total + word) & MASK64
            last = base + size - 1
            if not in_image(last):
                f.seek(off + size - 1)
                total = (total + f.read(1)[0]) & MASK64
    return total, problems


def run_guest_case(t, arch, machine, mib, img, extra, what):
    label = '%s %s -m %dM %s' % (arch, machine, mib, img)
    if what:
        label += ' (%s)' % what
    reason = skip_reason(arch, machine, img)
    if reason:
        for check in ('exits with its success status and says PASS',
                      'checksum equals the backend file\'s'):
            t.skip('%s: %s' % (label, check), reason)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-guest-', dir=SHM)
    try:
        out = os.path.join(tmp, 'serial.txt')
        # -no-reboot: the x86 guest ends with a reset (0xcf9).
        args = ['-M', machine, '-m', '%dM' % mib, '-display', 'none',
                '-no-reboot', '-serial', 'file:' + out, '-kernel', image(img)]
        files = []
        if 'numa' in extra:
            half = mib // 2
            for n in range(2):
                path = os.path.join(tmp, 'node%d' % n)
                files.append(path)
                args += ['-object', 'memory-backend-file,id=m%d,size=%dM,'
                         'mem-path=%s,share=on' % (n, half, path),
                         '-numa', 'node,memdev=m%d' % n]
        else:
            path = os.path.join(tmp, 'ram')
            files.append(path)
            args += ['-object', 'memory-backend-file,id=ram0,size=%dM,'
                     'mem-path=%s,share=on' % (mib, path),
                     '-machine', 'memory-backend=ram0']
        p = subprocess.run([binary(arch)] + args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        with open(out) as f:
            text = f.read()
        ranges, image_range, checksum, passed = parse_output(text)
        t.ok(p.returncode == PASS_STATUS[arch] and passed,
             '%s: exits with its success status and says PASS' % label,
             'status %d (want %d)\n--- serial:\n%s--- stderr:\n%s'
             % (p.returncode, PASS_STATUS[arch], text,
                p.stderr.decode('utf-8', 'replace')))
        if not ranges or image_range is None or checksum is None:
            t.ok(False, '%s: checksum equals the backend file\'s' % label,
                 'no RAM map, image or checksum in the output:\n' + text)
            return
        want, problems = host_checksum(files, ranges, image_range)
        t.ok(want == checksum and not problems,
             '%s: checksum equals the backend file\'s' % label,
             'guest 0x%x, backend 0x%x\n%s' % (checksum, want,
                                               '\n'.join(problems)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


BOARD_OF = {'x86_64': 'pc', 'aarch64': 'virt', 'riscv64': 'virt'}
BAD_CASES = [
    ('bad-jump', 'fetch from unmapped address 0x%x' % BAD_ADDR),
    ('bad-read', 'read of 8 bytes from unmapped address 0x%x' % BAD_ADDR),
    ('bad-udf', 'unknown instruction'),
]
REGS_LINE = {'x86_64': 'RIP=', 'aarch64': ' PC=', 'riscv64': ' pc '}


def run_bad_case(t, arch, variant, message):
    machine = BOARD_OF[arch]
    img = '%s-%s.elf' % (arch, variant)
    label = '%s %s: guest %s' % (arch, machine, variant)
    reason = skip_reason(arch, machine, img)
    if reason:
        t.skip(label + ': ends memvm, names it, dumps '
               'registers', reason)
        return
    start = time.monotonic()
    p = subprocess.run([binary(arch), '-M', machine, '-m', '128M',
                        '-display', 'none', '-serial', 'null', '-kernel',
                        image(img)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    elapsed = time.monotonic() - start
    err = p.stderr.decode('utf-8', 'replace')
    # A hang guard, not a timing check: the elapsed time is printed.
    t.diag('%s: ended after %.2f s' % (label, elapsed))
    t.ok(p.returncode == GUEST_ERROR_STATUS and elapsed < HANG_GUARD and
         ('guest error on CPU 0 (%s): %s' % (arch, message)) in err and
         REGS_LINE[arch] in err,
         label + ': ends memvm, names it, dumps registers',
         'status %d (want %d), %.2f s, stderr:\n%s'
         % (p.returncode, GUEST_ERROR_STATUS, elapsed, err))


def wait_for(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ''


def test_prelaunch_cont(t):
    img = 'aarch64-ram.elf'
    desc = 'aarch64 virt -S: guest waits for QMP cont, then passes'
    reason = skip_reason('aarch64', 'virt', img)
    if reason:
        t.skip(desc, reason)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-guest-')
    out = os.path.join(tmp, 'serial.txt')
    problems = []
    with VM(['-M', 'virt', '-m', '128M', '-S', '-serial', 'file:' + out,
             '-kernel', image(img)], arch='aarch64') as vm:
        status = vm.qmp.command('query-status')['status']
        if status != 'prelaunch':
            problems.append('status before cont: %s' % status)
        time.sleep(0.3)
        if read_text(out):
            problems.append('guest ran before cont: %r' % read_text(out))
        vm.qmp.command('cont')
        code = vm.wait(timeout=60)
        if code != 0 or 'PASS' not in read_text(out):
            problems.append('after cont: status %s, serial %r, stderr %s'
                            % (code, read_text(out), vm.stderr))
    shutil.rmtree(tmp, ignore_errors=True)
    t.ok(not problems, desc, '\n'.join(problems))


def test_stop_cont_quit(t):
    """The fill guest runs for seconds: stop, cont and quit meanwhile."""
    img = 'aarch64-fill.elf'
    reason = skip_reason('aarch64', 'virt', img)
    descs = ['aarch64 virt: QMP stop pauses a running guest',
             'aarch64 virt: QMP cont resumes it',
             'aarch64 virt: QMP quit ends memvm while the guest runs']
    if reason:
        for d in descs:
            t.skip(d, reason)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-guest-')
    out = os.path.join(tmp, 'serial.txt')
    with VM(['-M', 'virt', '-m', '1G', '-serial', 'file:' + out,
             '-kernel', image(img)], arch='aarch64') as vm:
        started = wait_for(lambda: 'image' in read_text(out), 30)
        vm.qmp.command('stop')
        status = vm.qmp.command('query-status')['status']
        t.ok(started and status == 'paused' and
             'filled' not in read_text(out), descs[0],
             'started %s, status %s, serial %r'
             % (started, status, read_text(out)))
        vm.qmp.command('cont')
        status = vm.qmp.command('query-status')['status']
        t.ok(status == 'running', descs[1], 'status %s' % status)
        start = time.monotonic()
        vm.qmp.cmd('quit')
        code = vm.wait(timeout=30)
        elapsed = time.monotonic() - start
        t.ok(code == 0 and elapsed < HANG_GUARD, descs[2],
             'status %s after %.2f s, stderr %s' % (code, elapsed,
                                                   vm.stderr))
    shutil.rmtree(tmp, ignore_errors=True)


def test_qtest_accel(t):
    """-accel qtest loads the image but runs nothing."""
    img = 'riscv64-ram.bin'
    desc = 'riscv64 virt -accel qtest: -kernel is loaded, nothing runs'
    reason = skip_reason('riscv64', 'virt', img)
    if reason:
        t.skip(desc, reason)
        return
    with open(image(img), 'rb') as f:
        first = struct.unpack('<I', f.read(4))[0]
    with VM(['-M', 'virt', '-m', '128M', '-accel', 'qtest', '-kernel',
             image(img)], arch='riscv64', qtest='socket') as vm:
        got = vm.qtest.command('readl 0x80000000')
        status = vm.qmp.command('query-status')['status']
    words = got.split()
    value = int(words[1], 16) if len(words) == 2 and words[0] == 'OK' else None
    t.ok(value == first and status == 'running', desc,
         'readl: %s (want 0x%08x), status %s' % (got, first, status))


# (arch, arguments, exact stderr) for -kernel and friends used wrongly.
LOAD_ERRORS = [
    ('aarch64', ['-M', 'virt', '-kernel', '/nonexistent'],
     'memvm-system-aarch64: -kernel /nonexistent: No such file or '
     'directory\n'),
    ('aarch64', ['-M', 'virt', '-kernel', image('x86_64-ram.elf')],
     'memvm-system-aarch64: -kernel %s: ELF file for x86_64 (machine 62), '
     'not aarch64\n' % image('x86_64-ram.elf')),
    ('riscv64', ['-M', 'virt', '-kernel', image('riscv64-ram.elf'),
                 '-initrd', '/nonexistent'],
     'memvm-system-riscv64: -initrd /nonexistent: No such file or '
     'directory\n'),
    ('aarch64', ['-M', 'virt', '-kernel', image('aarch64-ram.elf'),
                 '-dtb', '/dev/null'],
     'memvm-system-aarch64: -dtb /dev/null: not a device tree blob\n'),
    ('x86_64', ['-M', 'pc', '-kernel', image('x86_64-ram.elf'), '-dtb',
                '/dev/null'],
     "memvm-system-x86_64: -dtb: machine 'pc-i440fx-7.2' does not use a "
     "device tree\n"),
    ('aarch64', ['-M', 'virt', '-append', 'console=ttyAMA0'],
     'memvm-system-aarch64: -append only allowed with -kernel option\n'),
    ('x86_64', ['-M', 'pc', '-initrd', '/etc/hostname'],
     'memvm-system-x86_64: -initrd only allowed with -kernel option\n'),
]


def test_load_errors(t):
    for arch, args, want in LOAD_ERRORS:
        desc = '%s %s: error %r' % (arch, ' '.join(
            os.path.basename(a) for a in args), want.split(': ', 1)[1].strip())
        needed = [a for a in args if a.startswith(GUEST_DIR)]
        if not os.path.exists(binary(arch)) or \
                not all(os.path.exists(a) for a in needed):
            t.skip(desc, 'memvm-system-%s or a guest image not built' % arch)
            continue
        p = subprocess.run([binary(arch), '-display', 'none'] + args,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        err = p.stderr.decode('utf-8', 'replace')
        t.ok(p.returncode == 1 and err == want, desc,
             'status %d, stderr %r\nwant %r' % (p.returncode, err, want))


UNICORN_SONAME = 'libunicorn.so.2'


def unicorn_path():
    """Where the dynamic loader finds libunicorn, or None."""
    try:
        out = subprocess.run(['ldconfig', '-p'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode()
    except OSError:
        return None
    for line in out.splitlines():
        if line.strip().startswith(UNICORN_SONAME + ' ') and '=>' in line:
            return line.split('=>', 1)[1].strip()
    return None


def test_unicorn_unloadable(t):
    """libunicorn replaced by an empty file (a bind mount of /dev/null in
    a private mount namespace): memvm only needs it for accel tcg."""
    img = image('x86_64-ram.elf')
    descs = ('x86_64 pc: libunicorn unloadable: -accel tcg fails naming '
             'the library and its package, status 1',
             'x86_64 pc: libunicorn unloadable: -accel qtest still loads '
             '-kernel and runs')
    lib = unicorn_path()
    why = missing_mount_ns() or (None if lib else
                                 '%s not in ldconfig -p' % UNICORN_SONAME)
    if not why and not os.path.exists(img):
        why = 'guest image x86_64-ram.elf not built'
    if why:
        t.skip_if(why, *descs)
        return
    base = [binary('x86_64'), '-M', 'pc', '-m', '128M', '-display', 'none',
            '-nodefaults', '-kernel', img]

    def hidden(args):
        return in_private_mount_ns(['sh', '-c', 'mount --bind /dev/null '
                                    '"$0" && exec "$@"',
                                    os.path.realpath(lib)] + args)

    p = hidden(base + ['-accel', 'tcg'])
    err = p.stderr.decode('utf-8', 'replace')
    want = ('memvm-system-x86_64: accel tcg: cannot load %s (Debian package '
            'libunicorn2): ' % UNICORN_SONAME)
    t.ok(p.returncode == 1 and err.startswith(want) and
         err.count('\n') == 1, descs[0],
         'status %d, stderr %r\nwant %r...' % (p.returncode, err, want))
    p = hidden(base + ['-accel', 'qtest', '-qtest', 'stdio'])
    t.ok(p.returncode == 0 and not p.stderr, descs[1],
         'status %d, stderr %r' % (p.returncode, p.stderr))


def main():
    t = Tap()
    for case in CASES:
        run_guest_case(t, *case)
    for arch in ('x86_64', 'aarch64', 'riscv64'):
        for variant, message in BAD_CASES:
            run_bad_case(t, arch, variant, message)
    test_prelaunch_cont(t)
    test_stop_cont_quit(t)
    test_qtest_accel(t)
    test_load_errors(t)
    test_unicorn_unloadable(t)
    t.done()


if __name__ == '__main__':
    main()
