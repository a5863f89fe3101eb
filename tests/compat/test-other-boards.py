#!/usr/bin/env python3
"""memvm's non-Arm board families (alpha, cris, hppa, m68k, mips, ppc,
sparc, sparc64) next to QEMU 7.2.

Each board is started with four command lines: its default RAM size, -m
twice that, -m half that, and a user backend of the default size
(-object memory-backend-ram,id=m0,... -M BOARD,memory-backend=m0).  memvm
(-accel qtest) has to accept or refuse each one as QEMU 7.2 (-accel tcg)
does.  When both start, the RAM and ROM lines of `info mtree -f` (the
flat view of AS "memory") and the rows of `info ramblock` must be equal.
When both refuse, memvm must exit with status 1 and say why: QEMU's own
words, or memvm's generic "Invalid RAM size ..." that names the limits.

Without QEMU those cases are skipped; what always runs is memvm's default
layout of every board against the QEMU 7.2 lines pinned in
ref/other-boards/, and memvm's `-machine help` lines for these boards
against QEMU's, pinned there too (ref/other-boards/generate.py writes
them).

Normalised: QEMU prints a ROM device (flash in read mode) as "romd";
memvm's memory core prints it "rom".  QEMU without qtest wants firmware
or a kernel for some boards (memvm, like QEMU under qtest, does not), so
QEMU alone gets a stand-in file for those; no such file adds a RAM block.

A difference known to come from code outside the board files can be
listed in KNOWN: its cases then report TAP "# TODO" (an expected failure)
with the reason while they fail.

Python 3 standard library only; prints TAP.
"""
import concurrent.futures
import difflib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'qtest'))

from memvm import QMP, Tap, binary  # noqa: E402

REF_DIR = os.path.join(HERE, 'ref', 'other-boards')
TIMEOUT = 60
# Most of a run is waiting for processes to start; overlap more of them
# than there are cores.
WORKERS = 6
COMMON_ARGS = ['-S', '-display', 'none', '-nodefaults']

# (machine, target it is tested on, default RAM size in MiB, what QEMU
# needs to start without qtest).  The QEMU binary of that target has the
# board; memvm's ppc64 binary serves the 32-bit ppc boards as well.
BOARDS = [
    ('clipper', 'alpha', 128, []),
    ('axis-dev88', 'cris', 128, ['-kernel', '{zeros}']),
    ('hppa', 'hppa', 512, []),
    ('an5206', 'm68k', 128, ['-kernel', '{zeros}']),
    ('mcf5208evb', 'm68k', 128, ['-kernel', '{zeros}']),
    ('next-cube', 'm68k', 64, []),
    ('q800', 'm68k', 128, ['-bios', '{zeros}']),
    ('malta', 'mips', 128, []),
    ('mipssim', 'mips', 128, []),
    ('magnum', 'mips64', 128, []),
    ('pica61', 'mips64', 128, []),
    ('boston', 'mips64el', 1024, ['-bios', '{zeros}']),
    ('fuloong2e', 'mips64el', 256, []),
    ('bamboo', 'ppc', 128, []),
    ('g3beige', 'ppc', 128, []),
    ('mac99', 'ppc', 128, []),
    ('mpc8544ds', 'ppc', 128, ['-bios', '{ppc_elf}']),
    ('ppce500', 'ppc', 128, ['-bios', '{ppc_elf}']),
    ('ref405ep', 'ppc', 128, []),
    ('sam460ex', 'ppc', 512, []),
    ('virtex-ml507', 'ppc', 128, []),
    ('powernv8', 'ppc64', 1024, []),
    ('powernv9', 'ppc64', 1024, []),
    ('powernv10', 'ppc64', 1024, []),
    ('pseries', 'ppc64', 512, []),
    ('leon3_generic', 'sparc', 128, ['-bios', '{zeros}']),
    ('SS-5', 'sparc', 128, []),
    ('SS-10', 'sparc', 128, []),
    ('SS-20', 'sparc', 128, []),
    ('niagara', 'sparc64', 128, ['-L', '{niagara_fw}']),
]

# Known differences caused outside the board files: machine -> reason.
# Their cases are reported as expected failures ("# TODO") while they
# fail.  None at present.
KNOWN = {}

RAM_LINE = re.compile(r'^  [0-9a-f]{16}-[0-9a-f]{16} '
                      r'\(prio -?\d+, (nv-)?(ram|rom|romd|ramd)\): ')


def command_lines(name, default_mib):
    """The four command lines, by label."""
    def mib(n):
        return '%dM' % n

    return [
        ('default', ['-M', name]),
        ('twice', ['-M', name, '-m', mib(2 * default_mib)]),
        ('half', ['-M', name, '-m', mib(default_mib // 2)]),
        ('backend', ['-object',
                     'memory-backend-ram,id=m0,size=' + mib(default_mib),
                     '-M', name + ',memory-backend=m0']),
    ]


# --- stand-in firmware for QEMU -------------------------------------------

def ppc_elf():
    """The smallest big-endian PowerPC ELF that QEMU's e500 loader takes:
    one 4-byte segment at address 0."""
    code = b'\x48\x00\x00\x00'                  # b . (branch to self)
    ehdr_size, phdr_size = 52, 32
    ident = b'\x7fELF' + bytes([1, 2, 1]) + bytes(9)   # 32-bit, MSB
    ehdr = ident + struct.pack('>HHIIIIIHHHHHH', 2, 20, 1, 0, ehdr_size, 0,
                               0, ehdr_size, phdr_size, 1, 40, 0, 0)
    phdr = struct.pack('>IIIIIIII', 1, ehdr_size + phdr_size, 0, 0,
                       len(code), len(code), 5, 4)
    return ehdr + phdr + code


def make_firmware(tmp):
    """Files that QEMU's boards insist on; their contents do not matter."""
    files = {'zeros': os.path.join(tmp, 'zeros.bin'),
             'ppc_elf': os.path.join(tmp, 'boot.elf'),
             'niagara_fw': os.path.join(tmp, 'niagara')}
    with open(files['zeros'], 'wb') as f:
        f.write(bytes(64 * 1024))
    with open(files['ppc_elf'], 'wb') as f:
        f.write(ppc_elf())
    os.mkdir(files['niagara_fw'])
    for blob in ('nvram1', '1up-md.bin', '1up-hv.bin', 'reset.bin', 'q.bin',
                 'openboot.bin'):
        with open(os.path.join(files['niagara_fw'], blob), 'wb') as f:
            f.write(bytes(4096))
    return files


# --- running one program ----------------------------------------------------

class Outcome:
    """What one program made of one command line."""

    def __init__(self, status=None, stderr='', flat=(), blocks=()):
        self.status = status        # exit status if it refused to start
        self.stderr = stderr
        self.flat = list(flat)      # RAM/ROM lines of AS "memory"
        self.blocks = list(blocks)  # `info ramblock`, header included

    @property
    def refused(self):
        return self.status is not None

    def error(self):
        """The first error line, without "program: " in front."""
        for line in self.stderr.splitlines():
            if line.strip() and 'warning:' not in line:
                return line.split(': ', 1)[-1]
        return ''


def flat_ram_lines(text):
    """RAM/ROM lines of the flat view that AS "memory" uses, romd as rom."""
    for view in text.split('FlatView #')[1:]:
        names = view.split(' Root memory region:', 1)[0]
        if ' AS "memory", root:' in names:
            return [line.replace(', romd)', ', rom)')
                    for line in view.splitlines() if RAM_LINE.match(line)]
    return []


def run(argv, cwd):
    """Start @argv paused with a QMP socket and read its memory map; or
    collect its refusal."""
    tmp = tempfile.mkdtemp(prefix='other-boards-')
    sock = os.path.join(tmp, 'qmp.sock')
    qmp = None
    try:
        with open(os.path.join(tmp, 'stderr'), 'w+b') as err:
            proc = subprocess.Popen(
                argv + ['-qmp', 'unix:%s,server=on,wait=off' % sock],
                cwd=cwd, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err)
            deadline = time.monotonic() + TIMEOUT
            # The socket is there before the board is built, so a refusal
            # may still follow a connection: keep trying until one of the
            # two has clearly happened.
            while qmp is None and proc.poll() is None:
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError('no QMP within %ds: %s'
                                       % (TIMEOUT, ' '.join(argv)))
                if os.path.exists(sock):
                    try:
                        qmp = QMP(sock, timeout=0.5)
                    except (OSError, EOFError, ValueError):
                        qmp = None
                if qmp is None:
                    time.sleep(0.02)
            if qmp is None:
                status = proc.wait()
                err.seek(0)
                return Outcome(status, err.read().decode('utf-8', 'replace'))
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
            return Outcome(flat=flat_ram_lines(flat),
                           blocks=[line for line in blocks.splitlines()
                                   if line.strip()])
    finally:
        if qmp is not None:
            qmp.close()
        shutil.rmtree(tmp, ignore_errors=True)


def qemu_path(target):
    return shutil.which('qemu-system-' + target)


def qemu_argv(target, args, needs, firmware):
    return ([qemu_path(target), '-accel', 'tcg'] + COMMON_ARGS + args +
            [a.format(**firmware) for a in needs])


def memvm_argv(target, args):
    return [binary(target), '-accel', 'qtest'] + COMMON_ARGS + args


# --- pinned references ------------------------------------------------------

FLAT_HEAD = '=== info mtree -f: AS "memory", RAM/ROM lines ==='
BLOCK_HEAD = '=== info ramblock ==='


def ref_file(name):
    return os.path.join(REF_DIR, name + '.txt')


def help_file(target):
    return os.path.join(REF_DIR, target + '-machine-help.txt')


def read_ref(name):
    flat, blocks, into = [], [], None
    with open(ref_file(name)) as f:
        for line in f.read().splitlines():
            if line == FLAT_HEAD:
                into = flat
            elif line == BLOCK_HEAD:
                into = blocks
            elif into is not None and not line.startswith('#'):
                into.append(line)
    return Outcome(flat=flat, blocks=blocks)


def help_lines(text, target):
    """The `-machine help` lines of the boards tested on @target."""
    names = {b[0] for b in BOARDS if b[1] == target}
    names |= {'pseries-7.2', 'powernv'} if target == 'ppc64' else set()
    return sorted(line.rstrip() for line in text.splitlines()
                  if line.split(' ', 1)[0] in names)


# --- checks -----------------------------------------------------------------

class OtherBoardsTap(Tap):
    def known(self, cond, desc, reason, detail):
        """ok, or an expected failure ("# TODO") with its reason."""
        if cond:
            return self.ok(True, desc)
        self.n += 1
        print('not ok %d - %s # TODO %s' % (self.n, desc, reason), flush=True)
        self.diag(detail)
        return False


def unified(what, want, got):
    return what + '\n' + '\n'.join(difflib.unified_diff(
        want, got, 'QEMU 7.2', 'memvm', lineterm='', n=1))


def verdict(want, got):
    """(passed, detail) for memvm's outcome @got against QEMU's @want."""
    if want.refused != got.refused:
        if got.refused:
            return False, 'memvm refused (status %d): %s' % (got.status,
                                                              got.error())
        return False, 'QEMU refused (%s), memvm started' % want.error()
    if got.refused:
        said = got.error()
        ok = got.status == 1 and (said == want.error() or
                                  said.startswith('Invalid RAM size '))
        return ok, 'QEMU:  %s\nmemvm: %s (status %d)' % (want.error(), said,
                                                          got.status)
    if want.flat != got.flat:
        return False, unified('info mtree -f, AS "memory", RAM/ROM lines:',
                              want.flat, got.flat)
    if want.blocks != got.blocks:
        return False, unified('info ramblock:', want.blocks, got.blocks)
    return True, ''


def check(tap, name, desc, want, got):
    passed, detail = verdict(want, got)
    if want.refused and got.refused and passed:
        desc += ' (both refuse)'
    if name in KNOWN:
        tap.known(passed, desc, KNOWN[name], detail)
    else:
        tap.ok(passed, desc, detail)


def check_help(tap, target):
    desc = 'memvm-system-%s -machine help lists these boards as QEMU does' \
        % target
    with open(help_file(target)) as f:
        want = help_lines(f.read(), target)
    proc = subprocess.run([binary(target), '-machine', 'help'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=TIMEOUT)
    got = help_lines(proc.stdout.decode('utf-8', 'replace'), target)
    tap.ok(want == got, desc, unified('-machine help:', want, got))


def main():
    tap = OtherBoardsTap()
    tmp = tempfile.mkdtemp(prefix='other-boards-fw-')
    firmware = make_firmware(tmp)
    targets = sorted({b[1] for b in BOARDS})
    try:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            jobs = {}
            for name, target, mib, needs in BOARDS:
                jobs[name, 'pinned'] = pool.submit(
                    run, memvm_argv(target, ['-M', name]), tmp)
                if not qemu_path(target):
                    continue
                for label, args in command_lines(name, mib):
                    jobs[name, label, 'qemu'] = pool.submit(
                        run, qemu_argv(target, args, needs, firmware), tmp)
                    jobs[name, label, 'memvm'] = pool.submit(
                        run, memvm_argv(target, args), tmp)
            # The 32-bit ppc boards in the ppc64 binary, as in QEMU.
            jobs['g3beige', 'ppc64'] = pool.submit(
                run, memvm_argv('ppc64', ['-M', 'g3beige']), tmp)

            for target in targets:
                check_help(tap, target)
            for name, target, mib, needs in BOARDS:
                check(tap, name, '%s: default layout equals the pinned QEMU '
                      '7.2 one' % name, read_ref(name),
                      jobs[name, 'pinned'].result())
            check(tap, 'g3beige', 'g3beige: memvm-system-ppc64 has it too, '
                  'with the pinned layout', read_ref('g3beige'),
                  jobs['g3beige', 'ppc64'].result())
            for name, target, mib, needs in BOARDS:
                for label, args in command_lines(name, mib):
                    desc = '%s %s: %s' % (name, label, ' '.join(args))
                    if not qemu_path(target):
                        tap.skip(desc, 'qemu-system-%s (QEMU 7.2) is not '
                                 'installed' % target)
                        continue
                    check(tap, name, desc,
                          jobs[name, label, 'qemu'].result(),
                          jobs[name, label, 'memvm'].result())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tap.done()


if __name__ == '__main__':
    main()
