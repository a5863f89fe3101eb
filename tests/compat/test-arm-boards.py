#!/usr/bin/env python3
"""memvm's Arm board families next to QEMU 7.2.

For every board four command lines are tried: the default RAM size, twice
it, half of it (-m), and an explicit backend of the default size
(-object memory-backend-ram,id=m0 -M BOARD,memory-backend=m0).  memvm
(-accel qtest) must accept or refuse each one as QEMU 7.2 (-accel tcg)
does; where both start, the RAM/ROM lines of `info mtree -f` for AS
"memory" and the rows of `info ramblock` must be equal.  A refusal must
exit with status 1 and name the board's valid sizes.

Without QEMU the live cases are skipped, but two fast checks always run:
memvm's default layout of each board against the lines pinned in
ref/arm-boards/ (written from QEMU 7.2 by `--pin`), and memvm's
`-machine help` lines for these boards against ref/misc/.

QEMU prints ROM devices (flash in read mode) as "romd"; memvm's memory
core prints them as "rom", so "romd" is read as "rom" here.

Usage: test-arm-boards.py          run the checks (TAP)
       test-arm-boards.py --pin    rewrite ref/arm-boards/ from QEMU 7.2
Python 3 standard library only.
"""
import concurrent.futures
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'qtest'))

from memvm import QMP, Tap, binary  # noqa: E402

REF_DIR = os.path.join(HERE, 'ref', 'arm-boards')
HELP_DIR = os.path.join(HERE, 'ref', 'misc')
TIMEOUT = 60
# Processes mostly wait on each other; more than the core count helps.
WORKERS = 6
BASE_ARGS = ['-S', '-display', 'none', '-nodefaults']

# (machine, binary it is tested with, default RAM size in MiB); the
# aarch64-only boards are the ones qemu-system-arm lacks.
BOARDS = [
    ('ast2500-evb', 'arm', 512),
    ('ast2600-evb', 'arm', 1024),
    ('palmetto-bmc', 'arm', 256),
    ('romulus-bmc', 'arm', 512),
    ('collie', 'arm', 512),
    ('cubieboard', 'arm', 1024),
    ('canon-a1100', 'arm', 64),
    ('highbank', 'arm', 128),
    ('midway', 'arm', 128),
    ('imx25-pdk', 'arm', 128),
    ('integratorcp', 'arm', 128),
    ('kzm', 'arm', 128),
    ('mcimx6ul-evk', 'arm', 128),
    ('mcimx7d-sabre', 'arm', 128),
    ('mps2-an385', 'arm', 16),
    ('mps2-an505', 'arm', 16),
    ('mps2-an511', 'arm', 16),
    ('mps2-an521', 'arm', 16),
    ('musicpal', 'arm', 32),
    ('n800', 'arm', 128),
    ('n810', 'arm', 128),
    ('sx1', 'arm', 32),
    ('sx1-v1', 'arm', 32),
    ('cheetah', 'arm', 32),
    ('sabrelite', 'arm', 128),
    ('raspi0', 'arm', 512),
    ('raspi1ap', 'arm', 512),
    ('raspi2b', 'arm', 1024),
    ('raspi3ap', 'aarch64', 512),
    ('raspi3b', 'aarch64', 1024),
    ('sbsa-ref', 'aarch64', 1024),
    ('versatilepb', 'arm', 128),
    ('versatileab', 'arm', 128),
    ('vexpress-a9', 'arm', 128),
    ('vexpress-a15', 'arm', 128),
    ('xilinx-zynq-a9', 'arm', 128),
    ('xlnx-versal-virt', 'aarch64', 128),
    ('xlnx-zcu102', 'aarch64', 128),
]

# QEMU without qtest insists on something to boot for these boards (memvm
# under qtest, like QEMU under qtest, does not); a file of zeros will do,
# it adds no RAM block.
QEMU_BOOT_ARG = {
    'canon-a1100': '-bios',
    'sx1': '-kernel',
    'sx1-v1': '-kernel',
    'cheetah': '-kernel',
}

RAM_LINE = re.compile(r'^  [0-9a-f]{16}-[0-9a-f]{16} '
                      r'\(prio -?\d+, (nv-)?(ram|rom|romd|ramd)\): ')


def size_str(mib):
    """Sizes as QEMU's size_to_str() prints them."""
    if mib >= 1024 and mib % 1024 == 0:
        return '%d GiB' % (mib // 1024)
    return '%d MiB' % mib


def cases(name, default_mib):
    return [
        ('default', ['-M', name]),
        ('twice', ['-M', name, '-m', '%dM' % (2 * default_mib)]),
        ('half', ['-M', name, '-m', '%dM' % (default_mib // 2)]),
        ('backend', ['-object',
                     'memory-backend-ram,id=m0,size=%dM' % default_mib,
                     '-M', name + ',memory-backend=m0']),
    ]


def memory_ram_lines(flatviews):
    """RAM/ROM lines of the FlatView that AS "memory" uses."""
    for view in flatviews.split('FlatView #')[1:]:
        head, _, _ = view.partition(' Root memory region:')
        if ' AS "memory", root:' in head:
            return [line for line in view.splitlines()
                    if RAM_LINE.match(line)]
    return []


def ramblock_rows(text):
    return [line for line in text.splitlines() if line.strip()]


def normalise(lines):
    return [line.replace(', romd)', ', rom)') for line in lines]


class Result:
    """What one program did with one command line."""

    def __init__(self, status=None, stderr='', flat=None, blocks=None):
        self.status = status        # exit status when it refused
        self.stderr = stderr
        self.flat = flat or []
        self.blocks = blocks or []

    @property
    def refused(self):
        return self.status is not None

    def message(self):
        """The first error line without the "program: " prefix."""
        for line in self.stderr.splitlines():
            if 'warning:' in line or not line.strip():
                continue
            return line.split(': ', 1)[1] if ': ' in line else line
        return ''


def observe(argv):
    """Start paused, read the two HMP outputs, quit; or see it refuse."""
    tmp = tempfile.mkdtemp(prefix='arm-boards-')
    path = os.path.join(tmp, 'qmp.sock')
    errpath = os.path.join(tmp, 'stderr')
    qmp = None
    try:
        with open(errpath, 'w+b') as err:
            proc = subprocess.Popen(
                argv + ['-qmp', 'unix:%s,server=on,wait=off' % path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err)
            deadline = time.monotonic() + TIMEOUT
            # The socket exists before the board is built, so a refusal
            # can come after it appears: retry until either happens.
            while qmp is None and proc.poll() is None:
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError('no QMP after %ds: %s'
                                       % (TIMEOUT, ' '.join(argv)))
                if os.path.exists(path):
                    try:
                        qmp = QMP(path, timeout=0.5)
                    except (OSError, EOFError, ValueError):
                        qmp = None
                if qmp is None:
                    time.sleep(0.02)
            if qmp is None:
                err.seek(0)
                return Result(proc.wait(), err.read().decode('utf-8',
                                                             'replace'))
            qmp.timeout = TIMEOUT
            qmp.sock.settimeout(TIMEOUT)
            flat = qmp.hmp('info mtree -f').replace('\r\n', '\n')
            blocks = qmp.hmp('info ramblock').replace('\r\n', '\n')
            try:
                qmp.cmd('quit')
            except (OSError, EOFError):
                pass
            try:
                proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return Result(flat=memory_ram_lines(flat),
                          blocks=ramblock_rows(blocks))
    finally:
        if qmp is not None:
            qmp.close()
        shutil.rmtree(tmp, ignore_errors=True)


def qemu_binary(arch):
    return shutil.which('qemu-system-' + arch)


def qemu_argv(arch, name, args, boot_file):
    argv = [qemu_binary(arch), '-accel', 'tcg'] + BASE_ARGS + args
    if name in QEMU_BOOT_ARG:
        argv += [QEMU_BOOT_ARG[name], boot_file]
    return argv


def memvm_argv(arch, args):
    return [binary(arch), '-accel', 'qtest'] + BASE_ARGS + args


def diff(what, want, got):
    lines = difflib.unified_diff(want, got, 'QEMU 7.2', 'memvm', lineterm='',
                                 n=1)
    return what + '\n' + '\n'.join(lines)


def compare(tap, desc, default_mib, want, got):
    if want.refused != got.refused:
        if got.refused:
            tap.ok(False, desc, 'memvm refused (status %d): %s'
                   % (got.status, got.message()))
        else:
            tap.ok(False, desc, 'QEMU refused (%s); memvm started'
                   % want.message())
        return
    if got.refused:
        valid = size_str(default_mib)
        tap.ok(got.status == 1 and valid in got.message(),
               desc + ' (refused)',
               'QEMU:  %s\nmemvm: %s (status %d); the message should name '
               '%s' % (want.message(), got.message(), got.status, valid))
    elif normalise(want.flat) != normalise(got.flat):
        tap.ok(False, desc, diff('info mtree -f, AS "memory", RAM/ROM:',
                                 normalise(want.flat), normalise(got.flat)))
    elif want.blocks != got.blocks:
        tap.ok(False, desc, diff('info ramblock:', want.blocks, got.blocks))
    else:
        tap.ok(True, desc)


# --- pinned references ----------------------------------------------------

FLAT_HEAD = '[info mtree -f: AS "memory", RAM/ROM lines]'
BLOCK_HEAD = '[info ramblock]'


def ref_path(name):
    return os.path.join(REF_DIR, name + '.txt')


def write_ref(name, argv, result):
    with open(ref_path(name), 'w') as f:
        f.write('# QEMU 7.2: %s\n' % ' '.join(os.path.basename(a)
                                               if a.startswith('/') else a
                                               for a in argv))
        f.write('# written by tests/compat/test-arm-boards.py --pin\n')
        f.write(FLAT_HEAD + '\n')
        f.writelines(line + '\n' for line in result.flat)
        f.write(BLOCK_HEAD + '\n')
        f.writelines(line + '\n' for line in result.blocks)


def read_ref(name):
    flat, blocks, into = [], [], None
    with open(ref_path(name)) as f:
        for line in f.read().splitlines():
            if line.startswith('#'):
                continue
            if line == FLAT_HEAD:
                into = flat
            elif line == BLOCK_HEAD:
                into = blocks
            elif into is not None:
                into.append(line)
    return Result(flat=flat, blocks=blocks)


def help_lines(text, names):
    want = set(names)
    return sorted(line.rstrip() for line in text.splitlines()
                  if line.split(' ', 1)[0] in want)


def check_help(tap, arch):
    """memvm's -machine help lines for these boards against QEMU's."""
    desc = 'memvm-system-%s -machine help lists the boards as QEMU does' \
        % arch
    names = [b[0] for b in BOARDS
             if b[1] == 'arm' or arch == 'aarch64']
    with open(os.path.join(HELP_DIR, arch + '-machine-help.txt')) as f:
        want = help_lines(f.read(), names)
    proc = subprocess.run([binary(arch), '-machine', 'help'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=TIMEOUT)
    got = help_lines(proc.stdout.decode('utf-8', 'replace'), names)
    tap.ok(want == got, desc, diff('-machine help:', want, got))


def pin(boot_file):
    os.makedirs(REF_DIR, exist_ok=True)
    for name, arch, _ in BOARDS:
        if not qemu_binary(arch):
            print('skipped %s: no qemu-system-%s' % (name, arch))
            continue
        argv = qemu_argv(arch, name, ['-M', name], boot_file)
        result = observe(argv)
        if result.refused:
            sys.exit('QEMU refused %s: %s' % (name, result.message()))
        write_ref(name, argv, result)
        print('wrote', ref_path(name))


def main():
    boot_dir = tempfile.mkdtemp(prefix='arm-boards-boot-')
    boot_file = os.path.join(boot_dir, 'zeros.bin')
    with open(boot_file, 'wb') as f:
        f.write(bytes(4096))
    try:
        if sys.argv[1:] == ['--pin']:
            pin(boot_file)
            return
        run_checks(boot_file)
    finally:
        shutil.rmtree(boot_dir, ignore_errors=True)


def run_checks(boot_file):
    tap = Tap()
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        for name, arch, default_mib in BOARDS:
            jobs[(name, 'pinned')] = pool.submit(
                observe, memvm_argv(arch, ['-M', name]))
            if not qemu_binary(arch):
                continue
            for label, args in cases(name, default_mib):
                jobs[(name, label, 'qemu')] = pool.submit(
                    observe, qemu_argv(arch, name, args, boot_file))
                jobs[(name, label, 'memvm')] = pool.submit(
                    observe, memvm_argv(arch, args))
        for arch in ('arm', 'aarch64'):
            check_help(tap, arch)
        for name, arch, default_mib in BOARDS:
            want = read_ref(name)
            got = jobs[(name, 'pinned')].result()
            desc = '%s: default layout equals the pinned QEMU 7.2 one' % name
            compare(tap, desc, default_mib, want, got)
        for name, arch, default_mib in BOARDS:
            for label, args in cases(name, default_mib):
                desc = '%s %s: %s' % (name, label, ' '.join(args))
                if not qemu_binary(arch):
                    tap.skip(desc, 'qemu-system-%s (QEMU 7.2) is not '
                             'installed' % arch)
                    continue
                compare(tap, desc, default_mib,
                        jobs[(name, label, 'qemu')].result(),
                        jobs[(name, label, 'memvm')].result())
    tap.done()


if __name__ == '__main__':
    main()
