"""Shared pieces of the side-by-side tests against QEMU 7.2.

  qemu_binary(arch)    qemu-system-ARCH on PATH if it is QEMU 7.2, or None
  not_installed(arch)  why it is None (memvm.missing_qemu)
  qemu_argv, memvm_argv  the two command lines of one case
  Run(argv)            a program started with QMP (memvm.VM), or its refusal
  observe(argv)        an Outcome: the RAM/ROM lines of AS "memory" and the
                       rows of `info ramblock`, or the refusal
  verdict(want, got)   (passed, detail) of memvm's Outcome against QEMU's
  Case, run_cases      a table of comparisons, observed in parallel, as TAP
  read_ref, write_ref  QEMU 7.2 layouts pinned in ref/
  check_help           `-machine help` lines against QEMU's, pinned
  firmware(dir)        stand-in files some QEMU boards insist on
  Family               a board family: pinned default layouts, -machine
                       help, four command lines a board; --pin rewrites the
                       references from QEMU 7.2

Python 3 standard library only.
"""
import collections
import concurrent.futures
import difflib
import functools
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, 'ref')
# meson puts tests/qtest on PYTHONPATH; this finds memvm.py when a script
# is run by hand.
sys.path.append(os.path.join(HERE, '..', 'qtest'))

from memvm import (VM, Tap, binary, missing_qemu,  # noqa: E402,F401
                   run)  # (re-exported)

TIMEOUT = 60
# The programs mostly wait for each other and for the kernel; more of them
# at once than there are cores still helps.
WORKERS = 6
# memvm.VM adds "-display none" and the QMP socket.
BASE_ARGS = ['-nodefaults', '-S']


def qemu_binary(arch):
    if missing_qemu(arch):
        return None
    return shutil.which('qemu-system-' + arch)


def not_installed(arch):
    return missing_qemu(arch)


def qemu_argv(arch, args, extra=()):
    """QEMU under TCG; @extra is what it alone needs (firmware)."""
    return ([qemu_binary(arch), '-accel', 'tcg'] + BASE_ARGS + list(args) +
            list(extra))


def memvm_argv(arch, args):
    return [binary(arch), '-accel', 'qtest'] + BASE_ARGS + list(args)


# --- running one program ------------------------------------------------

class Run(VM):
    """@argv started with QMP on a unix socket: .qmp; or its
    refusal: .refused = (exit status, stderr)."""

    def __init__(self, argv, cwd=None):
        super().__init__(argv[1:], program=argv[0], cwd=cwd,
                         timeout=TIMEOUT, may_refuse=True)
        try:
            self.launch()
        except BaseException:
            self.cleanup()
            raise

    def close(self):
        if self.qmp is not None:
            self.shutdown()
        self.cleanup()


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
                return line.split(': ', 1)[-1].rstrip()
        return ''


RAM_LINE = re.compile(r'^  [0-9a-f]{16}-[0-9a-f]{16} '
                      r'\(prio -?\d+, (nv-)?(ram|rom|romd|ramd)\): ')


def memory_ram_lines(flatviews):
    """RAM/ROM lines of the FlatView that AS "memory" uses."""
    for view in flatviews.split('FlatView #')[1:]:
        names = view.split(' Root memory region:', 1)[0]
        if ' AS "memory", root:' in names:
            return [line for line in view.splitlines()
                    if RAM_LINE.match(line)]
    return []


def ramblock_rows(text):
    return [line for line in text.splitlines() if line.strip()]


def observe(argv, cwd=None):
    """Start @argv paused, read its memory map and quit; or see it
    refuse."""
    prog = Run(argv, cwd)
    try:
        if prog.refused:
            return Outcome(*prog.refused)
        return Outcome(flat=memory_ram_lines(prog.hmp('info mtree -f')),
                       blocks=ramblock_rows(prog.hmp('info ramblock')))
    finally:
        prog.close()


# --- comparing two ------------------------------------------------------

def diff(what, want, got):
    """@what, then a unified diff from QEMU's lines to memvm's."""
    return what + '\n' + '\n'.join(difflib.unified_diff(
        want, got, 'QEMU 7.2', 'memvm', lineterm='', n=1))


def same_error(want, got):
    return want == got


def verdict(want, got, accept=same_error):
    """(passed, detail) for memvm's Outcome @got against QEMU's @want.

    Both must start or both refuse.  A refusal must exit with status 1 and
    @accept(QEMU's message, memvm's) must hold."""
    if want.refused != got.refused:
        if got.refused:
            return False, 'QEMU started; memvm refused (status %d): %s' % (
                got.status, got.error())
        return False, 'QEMU refused (%s); memvm started' % want.error()
    if got.refused:
        return (got.status == 1 and accept(want.error(), got.error()),
                'QEMU:  %s\nmemvm: %s (status %d)' % (
                    want.error(), got.error(), got.status))
    if want.flat != got.flat:
        return False, diff('info mtree -f, AS "memory", RAM/ROM lines:',
                           want.flat, got.flat)
    if want.blocks != got.blocks:
        return False, diff('info ramblock:', want.blocks, got.blocks)
    return True, ''


class Case:
    """memvm's @argv against QEMU's @want: a command line (None when QEMU
    is missing: the case is skipped) or a pinned reference file.

    refused_suffix: added to @desc when both refuse
    todo:    the reason of a known difference (a failure is "# TODO")
    """

    def __init__(self, desc, argv, want, accept=same_error,
                 refused_suffix='', todo=None, skip=None):
        self.desc = desc
        self.argv = argv
        self.want = want
        self.accept = accept
        self.refused_suffix = refused_suffix
        self.todo = todo
        self.skip = skip

    @classmethod
    def live(cls, desc, arch, args, qemu_extra=(), **kw):
        """memvm-system-@arch against qemu-system-@arch, same @args."""
        if not qemu_binary(arch):
            return cls(desc, None, None, skip=not_installed(arch))
        return cls(desc, memvm_argv(arch, args),
                   qemu_argv(arch, args, qemu_extra), **kw)

    def observe(self, cwd):
        if isinstance(self.want, str):
            want = read_ref(self.want)
        else:
            want = observe(self.want, cwd)
        return want, observe(self.argv, cwd)


def run_cases(tap, cases, cwd=None):
    """Observe the cases in parallel; report them in order."""
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        jobs = [None if c.skip else pool.submit(c.observe, cwd)
                for c in cases]
        for case, job in zip(cases, jobs):
            if case.skip:
                tap.skip(case.desc, case.skip)
                continue
            want, got = job.result()
            passed, detail = verdict(want, got, case.accept)
            both = want.refused and got.refused
            tap.ok(passed, case.desc + (case.refused_suffix if both else ''),
                   detail, todo=case.todo)


# --- pinned references --------------------------------------------------

FLAT_HEAD = '=== info mtree -f: AS "memory", RAM/ROM lines ==='
BLOCK_HEAD = '=== info ramblock ==='


def write_ref(path, command, outcome, by):
    """@outcome of QEMU 7.2's @command, as read_ref() reads it back."""
    with open(path, 'w') as f:
        f.write('# QEMU 7.2: %s\n# written by %s\n' % (command, by))
        f.write(FLAT_HEAD + '\n')
        f.writelines(line + '\n' for line in outcome.flat)
        f.write(BLOCK_HEAD + '\n')
        f.writelines(line + '\n' for line in outcome.blocks)


def read_ref(path):
    flat, blocks, into = [], [], None
    with open(path) as f:
        for line in f.read().splitlines():
            if line == FLAT_HEAD:
                into = flat
            elif line == BLOCK_HEAD:
                into = blocks
            elif into is not None and not line.startswith('#'):
                into.append(line)
    return Outcome(flat=flat, blocks=blocks)


def help_lines(text, names):
    """The `-machine help` lines of machines @names, sorted."""
    return sorted(line.rstrip() for line in text.splitlines()
                  if line.split(' ', 1)[0] in names)


def check_help(tap, arch, names, ref, desc):
    """memvm-system-@arch -machine help against QEMU's in file @ref."""
    with open(ref) as f:
        want = help_lines(f.read(), names)
    _, out, _ = run(['-machine', 'help'], arch=arch, timeout=TIMEOUT)
    got = help_lines(out, names)
    tap.ok(want == got, desc, diff('-machine help:', want, got))


# --- stand-in firmware for QEMU -----------------------------------------

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


def firmware(tmp):
    """Files in @tmp that QEMU without qtest insists on for some boards
    (memvm, like QEMU under qtest, does not); their contents do not matter
    and none adds a RAM block.  {placeholder: path}."""
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


# --- board families -----------------------------------------------------

# A board, the target it is tested on, its default RAM size in MiB and what
# QEMU alone needs to start it ("{zeros}" etc. name firmware() files).
Board = collections.namedtuple('Board', 'name arch mib needs',
                               defaults=((),))


def command_lines(board):
    """The four command lines of a board, by label."""
    mib = board.mib
    return [
        ('default', ['-M', board.name]),
        ('twice', ['-M', board.name, '-m', '%dM' % (2 * mib)]),
        ('half', ['-M', board.name, '-m', '%dM' % (mib // 2)]),
        ('backend', ['-object', 'memory-backend-ram,id=m0,size=%dM' % mib,
                     '-M', board.name + ',memory-backend=m0']),
    ]


class Family:
    """Boards checked the same way, in this order:

    - memvm's `-machine help` lines for the boards of each target in
      @help_names ({arch: machine names}) against QEMU's in file
      @help_ref ('{arch}' in it is the target);
    - memvm's default layout of each board against the one pinned in
      @ref_dir, and of each (board, arch) of @also in another binary;
    - the four command_lines() of each board through QEMU 7.2 and memvm
      (skipped without QEMU).

    accept(board, QEMU's message, memvm's) judges a refusal by both, whose
    description then ends in @refused_suffix; @known maps a board to the
    reason of a known difference (its failures are "# TODO").
    """

    def __init__(self, script, boards, ref_dir, help_ref, help_names,
                 help_desc, accept, refused_suffix, also=(), known=None):
        self.script = 'tests/compat/' + os.path.basename(script)
        self.boards = [Board(*b) for b in boards]
        self.ref_dir = ref_dir
        self.help_ref = help_ref
        self.help_names = help_names
        self.help_desc = help_desc
        self.accept = accept
        self.refused_suffix = refused_suffix
        self.also = also
        self.known = known or {}

    def ref(self, name):
        return os.path.join(self.ref_dir, name + '.txt')

    def board(self, name):
        return next(b for b in self.boards if b.name == name)

    def judged(self, board):
        """How the cases of @board are judged and reported."""
        return dict(accept=functools.partial(self.accept, board),
                    refused_suffix=self.refused_suffix,
                    todo=self.known.get(board.name))

    def cases(self, files):
        out = [Case('%s: default layout equals the pinned QEMU 7.2 one'
                    % b.name, memvm_argv(b.arch, ['-M', b.name]),
                    self.ref(b.name), **self.judged(b)) for b in self.boards]
        for name, arch in self.also:
            out.append(Case('%s: memvm-system-%s has it too, with the pinned '
                            'layout' % (name, arch),
                            memvm_argv(arch, ['-M', name]), self.ref(name),
                            **self.judged(self.board(name))))
        for b in self.boards:
            needs = [a.format(**files) for a in b.needs]
            for label, args in command_lines(b):
                out.append(Case.live('%s %s: %s' % (b.name, label,
                                                    ' '.join(args)),
                                     b.arch, args, needs, **self.judged(b)))
        return out

    def check(self, files, cwd):
        tap = Tap()
        for arch, names in self.help_names.items():
            check_help(tap, arch, names, self.help_ref.format(arch=arch),
                       self.help_desc % arch)
        run_cases(tap, self.cases(files), cwd)
        tap.done()

    def pin(self, names, files, cwd):
        """Rewrite the references of boards @names (all if empty) from the
        installed QEMU, which must be 7.2; and the `-machine help` files
        if they are in @ref_dir (ref/collect.py writes the others)."""
        boards = [b for b in self.boards if not names or b.name in names]
        for arch in sorted({b.arch for b in boards}):
            qemu = qemu_binary(arch)
            if not qemu:
                sys.exit(not_installed(arch))
            out = subprocess.run([qemu, '-version'], stdout=subprocess.PIPE,
                                 check=True).stdout.decode()
            if 'version 7.2.' not in out:
                sys.exit('%s is not QEMU 7.2: %s' % (qemu, out.strip()))
            path = self.help_ref.format(arch=arch)
            if os.path.dirname(path) == self.ref_dir:
                out = subprocess.run([qemu, '-machine', 'help'],
                                     stdout=subprocess.PIPE,
                                     check=True).stdout.decode()
                with open(path, 'w') as f:
                    f.write(out)
                print('wrote', os.path.relpath(path))
        shown = {path: '<%s>' % key for key, path in files.items()}
        for b in boards:
            argv = qemu_argv(b.arch, ['-M', b.name],
                             [a.format(**files) for a in b.needs])
            got = observe(argv, cwd)
            if got.refused:
                sys.exit('QEMU refused %s: %s' % (b.name, got.error()))
            command = ' '.join([os.path.basename(argv[0])] +
                               [shown.get(a, a) for a in argv[1:]])
            write_ref(self.ref(b.name), command, got, self.script + ' --pin')
            print('wrote', os.path.relpath(self.ref(b.name)))

    def main(self, argv):
        """argv: [] runs the checks (TAP); --pin [MACHINE...] rewrites the
        references."""
        if argv[:1] not in ([], ['--pin']):
            sys.exit('usage: %s [--pin [MACHINE...]]' % self.script)
        tmp = tempfile.mkdtemp(prefix='memvm-compat-')
        try:
            files = firmware(tmp)
            if argv[:1] == ['--pin']:
                self.pin(argv[1:], files, tmp)
            else:
                self.check(files, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
