#!/usr/bin/env python3
"""Collect reference memory-layout output from a real QEMU (7.2) via QMP.

For every case (binary, args) QEMU is started paused with QMP on stdio:

    <binary> -display none -nodefaults -S -accel tcg <args...> -qmp stdio

then `qmp_capabilities` is sent and the HMP commands `info mtree`,
`info mtree -f`, `info ramblock`, `info memdev` (plus per-case extras) are
run through `human-monitor-command`.  Per-case raw QMP commands may be sent
too (their reply line is stored verbatim).  "plain" cases just run the
binary with the given arguments (for `-M help` etc.) and store stdout.

Each case is written to <out>/<arch>/<name>.txt with the command line,
whether QEMU started, its exit status and stderr, and every output verbatim
(only '\r' is stripped).  `info ramblock` would have its HVA column dropped
if one were present (QEMU 7.2 prints none; nothing is dropped there).

Usage: collect.py [--out DIR] [--only SUBSTRING ...] [--list]
       collect.py --canon FILE...   (print files with `info mtree` groups /
                                     FlatViews sorted; their order in QEMU
                                     follows a pointer-keyed hash table)
Python 3 standard library only.
"""
import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

BASE_ARGS = ['-display', 'none', '-nodefaults', '-S', '-accel', 'tcg']
HMP_DEFAULT = ['info mtree', 'info mtree -f', 'info ramblock', 'info memdev']
TIMEOUT = 30.0
# `info mtree` groups address spaces / FlatViews in a GHashTable keyed by
# pointers, so their order depends on heap addresses.  Running QEMU with
# ASLR disabled (setarch -R) makes that order vary less, but not never
# (threads allocate too); compare files through --canon.
NO_ASLR = (['setarch', os.uname().machine, '-R']
           if shutil.which('setarch') else [])

X86 = 'qemu-system-x86_64'
A64 = 'qemu-system-aarch64'
ARM = 'qemu-system-arm'
RV = 'qemu-system-riscv64'
S390 = 'qemu-system-s390x'


class Case:
    def __init__(self, arch, name, binary, args, mode='qmp', hmp_extra=(),
                 qmp=(), base=True):
        self.arch = arch
        self.name = name
        self.binary = binary
        self.args = list(args)
        self.mode = mode            # 'qmp' or 'plain'
        self.hmp = list(HMP_DEFAULT) + list(hmp_extra)
        self.qmp = list(qmp)        # list of dicts (QMP commands)
        self.base = base            # prepend BASE_ARGS

    def argv(self):
        if self.mode == 'plain':
            return [self.binary] + self.args
        pre = BASE_ARGS if self.base else []
        return [self.binary] + pre + self.args + ['-qmp', 'stdio']

    def run_argv(self):
        return NO_ASLR + self.argv()


def mb(o):
    return o.split()


def build_cases():
    c = []
    # ---------------- x86_64 ----------------
    sizes = ['128M', '1G', '2G', '3G', '3584M', '4G', '8G']
    for m in ['none', 'pc', 'q35', 'microvm', 'isapc']:
        for s in sizes:
            c.append(Case('x86_64', '%s-%s' % (m, s), X86, ['-M', m, '-m', s]))
    for m in ['pc', 'q35']:
        c.append(Case('x86_64', '%s-memdev-4G' % m, X86,
                      mb('-object memory-backend-ram,id=m0,size=4G -M %s,memory-backend=m0' % m)))
        numa = ('-object memory-backend-ram,id=n0,size=1G '
                '-object memory-backend-ram,id=n1,size=3G '
                '-numa node,memdev=n0 -numa node,memdev=n1 -m 4G')
        c.append(Case('x86_64', '%s-numa2-memdev-4G' % m, X86,
                      ['-M', m] + mb(numa), hmp_extra=['info numa']))
        c.append(Case('x86_64', '%s-numa2-memdev-4G-smp2' % m, X86,
                      ['-M', m, '-smp', '2'] + mb(numa), hmp_extra=['info numa']))
    c.append(Case('x86_64', 'pc-numa2-legacy-mem-2G', X86,
                  mb('-M pc -numa node,mem=1G -numa node,mem=1G -m 2G'),
                  hmp_extra=['info numa']))
    c.append(Case('x86_64', 'pc-i440fx-5.0-numa2-legacy-mem-2G', X86,
                  mb('-M pc-i440fx-5.0 -numa node,mem=1G -numa node,mem=1G -m 2G'),
                  hmp_extra=['info numa']))
    # boundary sizes around the low/high RAM split points
    for m, s_ in [('pc', '3328M'), ('pc', '3583M'), ('pc', '2816M'),
                  ('q35', '2815M'), ('q35', '2816M'),
                  ('microvm', '3073M'), ('isapc', '3585M'),
                  ('pc', '1025k'), ('none', '1025k'), ('pc', '1M')]:
        c.append(Case('x86_64', '%s-%s' % (m, s_), X86, ['-M', m, '-m', s_]))
    c.append(Case('x86_64', 'none-256M', X86, mb('-M none -m 256M')))
    # ramblock naming of file backends on old machine types (compat property
    # x-use-canonical-path-for-ramblock-id)
    for m in ['pc-i440fx-3.1', 'pc-i440fx-4.0', 'pc']:
        c.append(Case('x86_64', '%s-memdev-file-256M' % m, X86,
                      mb('-object memory-backend-file,id=m0,size=256M,mem-path=/dev/shm '
                         '-M %s,memory-backend=m0 -m 256M' % m)))
    c.append(Case('x86_64', 'none-memdev-256M', X86,
                  mb('-object memory-backend-ram,id=m0,size=256M -M none,memory-backend=m0')))
    c.append(Case('x86_64', 'none-default', X86, mb('-M none')))
    c.append(Case('x86_64', 'pc-default', X86, mb('-M pc')))
    c.append(Case('x86_64', 'q35-default', X86, mb('-M q35')))

    # ---------------- x86_64 error cases (pc and none) ----------------
    errs = [
        ('memdev-size-mismatch', '-m 1G -object memory-backend-ram,id=m0,size=512M -M {M},memory-backend=m0'),
        ('memdev-mem-path', '-mem-path /dev/shm -object memory-backend-ram,id=m0,size=1G -M {M},memory-backend=m0'),
        ('memdev-mem-prealloc', '-mem-prealloc -object memory-backend-ram,id=m0,size=1G -M {M},memory-backend=m0'),
        ('memdev-nope', '-M {M},memory-backend=nope'),
        ('memdev-used-twice', '-object memory-backend-ram,id=m0,size=1G -M {M},memory-backend=m0 -numa node,memdev=m0 -m 1G'),
        ('m-5000T', '-M {M} -m 5000T'),
        ('m-0', '-M {M} -m 0'),
        ('memdev-no-m', '-object memory-backend-ram,id=m0,size=512M -M {M},memory-backend=m0'),
        ('m-abc', '-M {M} -m abc'),
        ('obj-size-0', '-M {M} -object memory-backend-ram,id=m,size=0'),
        ('obj-no-size', '-M {M} -object memory-backend-ram,id=m'),
        ('obj-bad-prop', '-M {M} -object memory-backend-ram,id=m,size=1M,foo=bar'),
        ('obj-dup-id', '-M {M} -object memory-backend-ram,id=m,size=1M -object memory-backend-ram,id=m,size=1M'),
        ('obj-nosuchtype', '-M {M} -object nosuchtype,id=x'),
        ('obj-policy-bind', '-M {M} -object memory-backend-ram,id=m,size=1M,policy=bind'),
        ('obj-host-nodes-7', '-M {M} -object memory-backend-ram,id=m,size=1M,host-nodes=7,policy=bind'),
        ('obj-file-nonexistent', '-M {M} -object memory-backend-file,id=m,size=1M,mem-path=/nonexistent/x'),
        ('obj-memfd-hugetlbsize-3M', '-M {M} -object memory-backend-memfd,id=m,size=4M,hugetlb=on,hugetlbsize=3M'),
    ]
    for m in ['pc', 'none']:
        for n, a in errs:
            c.append(Case('x86_64', 'err-%s-%s' % (m, n), X86, mb(a.format(M=m))))

    # ---------------- aarch64 / arm ----------------
    for s in ['128M', '1G', '2G', '3G', '4G', '8G']:
        c.append(Case('aarch64', 'virt-%s' % s, A64, ['-M', 'virt', '-m', s]))
        c.append(Case('aarch64', 'virt-a57-%s' % s, A64,
                      ['-M', 'virt', '-cpu', 'cortex-a57', '-m', s]))
    for s in ['4G', '8G']:
        c.append(Case('aarch64', 'virt-highmem-off-%s' % s, A64,
                      ['-M', 'virt,highmem=off', '-m', s]))
        c.append(Case('aarch64', 'virt-highmem-off-a57-%s' % s, A64,
                      ['-M', 'virt,highmem=off', '-cpu', 'cortex-a57', '-m', s]))
    numa = ('-object memory-backend-ram,id=n0,size=1G '
            '-object memory-backend-ram,id=n1,size=1G '
            '-numa node,memdev=n0 -numa node,memdev=n1 -m 2G')
    c.append(Case('aarch64', 'virt-numa2-memdev-2G', A64,
                  ['-M', 'virt'] + mb(numa), hmp_extra=['info numa']))
    c.append(Case('aarch64', 'virt-a57-numa2-memdev-2G', A64,
                  ['-M', 'virt', '-cpu', 'cortex-a57', '-smp', '2'] + mb(numa),
                  hmp_extra=['info numa']))
    c.append(Case('aarch64', 'virt-a57-memdev-2G', A64,
                  mb('-cpu cortex-a57 -object memory-backend-ram,id=m0,size=2G -M virt,memory-backend=m0')))
    c.append(Case('aarch64', 'virt-a57-memdev-2G-m2G', A64,
                  mb('-cpu cortex-a57 -m 2G -object memory-backend-ram,id=m0,size=2G -M virt,memory-backend=m0')))
    for s in ['1G', '3G', '4G']:
        c.append(Case('arm', 'virt-%s' % s, ARM, ['-M', 'virt', '-m', s]))
        c.append(Case('arm', 'virt-highmem-off-%s' % s, ARM,
                      ['-M', 'virt,highmem=off', '-m', s]))

    # ---------------- riscv64 ----------------
    for s in ['128M', '1G', '2G', '4G', '8G']:
        c.append(Case('riscv64', 'virt-%s' % s, RV, ['-M', 'virt', '-m', s]))
    c.append(Case('riscv64', 'virt-numa2-memdev-2G', RV,
                  ['-M', 'virt', '-smp', '2'] + mb(numa), hmp_extra=['info numa']))
    c.append(Case('riscv64', 'virt-numa2-memdev-2G-smp1', RV,
                  ['-M', 'virt'] + mb(numa), hmp_extra=['info numa']))

    # ---------------- s390x ----------------
    for s in ['128M', '1G', '4G', '5G', '8G', '1000M', '1023M', '16385M']:
        c.append(Case('s390x', 'ccw-%s' % s, S390, ['-M', 's390-ccw-virtio', '-m', s]))
    c.append(Case('s390x', 'ccw-4.2-5G', S390, mb('-M s390-ccw-virtio-4.2 -m 5G')))
    c.append(Case('s390x', 'ccw-2.9-9G', S390, mb('-M s390-ccw-virtio-2.9 -m 9G')))
    c.append(Case('s390x', 'ccw-2.9-1023M', S390, mb('-M s390-ccw-virtio-2.9 -m 1023M')))
    c.append(Case('s390x', 'ccw-4.2-16385M', S390, mb('-M s390-ccw-virtio-4.2 -m 16385M')))
    c.append(Case('s390x', 'ccw-memdev-9T-noreserve', S390,
                  mb('-object memory-backend-ram,id=m,size=9T,reserve=off -M s390-ccw-virtio,memory-backend=m')))
    c.append(Case('s390x', 'ccw-memdev-4G', S390,
                  mb('-object memory-backend-ram,id=m,size=4G -M s390-ccw-virtio,memory-backend=m')))
    c.append(Case('s390x', 'ccw-numa2-memdev-2G', S390,
                  ['-M', 's390-ccw-virtio'] + mb(numa), hmp_extra=['info numa']))
    c.append(Case('s390x', 'ccw-default', S390, mb('-M s390-ccw-virtio')))

    # ---------------- misc ----------------
    c.append(Case('misc', 'x86_64-machine-help', X86, ['-machine', 'help'], mode='plain'))
    c.append(Case('misc', 'x86_64-M-pc-help', X86, ['-M', 'pc,help'], mode='plain'))
    c.append(Case('misc', 'x86_64-object-help', X86, ['-object', 'help'], mode='plain'))
    for t in ['ram', 'file', 'memfd']:
        c.append(Case('misc', 'x86_64-object-memory-backend-%s-help' % t, X86,
                      ['-object', 'memory-backend-%s,help' % t], mode='plain'))
    for b, a in [(A64, 'aarch64'), (ARM, 'arm'), (RV, 'riscv64'), (S390, 's390x')]:
        c.append(Case('misc', '%s-machine-help' % a, b, ['-machine', 'help'], mode='plain'))
    c.append(Case('misc', 'x86_64-qmp-pc-1G-m0', X86,
                  mb('-M pc -m 1G -object memory-backend-ram,id=m0,size=64M'),
                  qmp=[{'execute': 'query-memdev'},
                       {'execute': 'query-memory-size-summary'},
                       {'execute': 'query-machines'},
                       {'execute': 'qom-list', 'arguments': {'path': '/objects'}},
                       {'execute': 'query-version'},
                       {'execute': 'query-status'}]))
    return c


# ------------------------------------------------------------------ QMP I/O

class Reader:
    def __init__(self, fd):
        self.fd = fd
        self.buf = b''
        self.eof = False

    def readline(self, timeout):
        end = time.monotonic() + timeout
        while b'\n' not in self.buf:
            if self.eof:
                return None
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError('QMP read timed out')
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            data = os.read(self.fd, 65536)
            if not data:
                self.eof = True
                if self.buf:
                    line, self.buf = self.buf, b''
                    return line.decode('utf-8', 'replace')
                return None
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode('utf-8', 'replace')


def qmp_read(rd, stray):
    """Next JSON object line from QMP (events skipped).  Lines that are not
    JSON (QEMU sometimes prints warnings to stdout) are appended to stray."""
    while True:
        line = rd.readline(TIMEOUT)
        if line is None:
            return None, None
        line = line.rstrip('\r')
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            stray.append(line)
            continue
        if not isinstance(obj, dict) or 'event' in obj:
            continue
        return line, obj


def qmp_send(proc, rd, cmd, stray):
    """Send a command dict, return (raw_reply_line, parsed) skipping events."""
    try:
        proc.stdin.write((json.dumps(cmd) + '\n').encode())
        proc.stdin.flush()
    except (BrokenPipeError, OSError):
        pass
    return qmp_read(rd, stray)


def drop_hva(text):
    """Drop an 'HVA' column from `info ramblock` output if present (later
    QEMU versions add "HVA" and "RO" columns; 7.2 has neither).  Columns are
    right-aligned and block names contain no spaces, so a column is removed
    by cutting the same character span from every line."""
    lines = text.split('\n')
    head = lines[0] if lines else ''
    pos = head.find(' HVA')
    if pos < 0:
        return text
    end = pos + len(' HVA')
    start = end - 19          # ' ' + '%18s' (or ' 0x%016x')
    return '\n'.join(ln[:start] + ln[end:] for ln in lines)


def _blocks(text):
    """Split HMP mtree output into blank-line separated blocks."""
    return [b for b in text.split('\n\n') if b.strip()]


def canonical_mtree(text):
    """Put `info mtree` / `info mtree -f` output into a canonical order.

    QEMU prints address-space groups and FlatViews in GHashTable order
    (keyed by pointers), so their order - and the order of the trailing
    `memory-region:` blocks, which follows from it - varies from run to run.
    This sorts address-space groups by their header lines, memory-region
    blocks by name, FlatViews by their 'AS' lines (renumbering '#N').
    Everything inside a block is left untouched."""
    blocks = _blocks(text)
    if blocks and blocks[0].startswith('FlatView #'):
        body = sorted(b.split('\n', 1)[1] for b in blocks)
        return ''.join('FlatView #%d\n%s\n\n' % (i, b)
                       for i, b in enumerate(body)).rstrip('\n')
    asb = sorted(b for b in blocks if b.startswith('address-space: '))
    mrb = sorted(b for b in blocks if b.startswith('memory-region: '))
    other = [b for b in blocks if not b.startswith(('address-space: ',
                                                    'memory-region: '))]
    return '\n\n'.join(asb + mrb + other)


def canonical_file(text):
    """Apply canonical_mtree() to the mtree sections of a stored case file."""
    lines = text.split('\n')
    out, i = [], 0
    while i < len(lines):
        ln = lines[i]
        out.append(ln)
        i += 1
        if ln.startswith('=== hmp: info mtree') and ln.endswith(' ==='):
            j = i
            while j < len(lines) and not (lines[j].startswith('=== ') and
                                          lines[j].endswith(' ===')):
                j += 1
            body = '\n'.join(lines[i:j])
            stripped = body.rstrip('\n')
            out.append(canonical_mtree(stripped) + body[len(stripped):])
            i = j
    return '\n'.join(out)


def run_plain(case):
    p = subprocess.run(case.argv(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT)
    text = '\n'.join(['# case: %s/%s' % (case.arch, case.name),
                      '# command: %s' % shlex.join(case.argv()),
                      '# exit status: %d' % p.returncode]) + '\n'
    for title, data in [('stderr', p.stderr), ('stdout', p.stdout)]:
        body = data.decode('utf-8', 'replace').replace('\r', '')
        text += '=== %s ===\n' % title + body
        if body and not body.endswith('\n'):
            text += '\n=== (previous section had no final newline) ===\n'
    return text


def run_qmp(case):
    argv = case.argv()
    errf = tempfile.TemporaryFile()
    proc = subprocess.Popen(case.run_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=errf)
    rd = Reader(proc.stdout.fileno())
    sections = []
    stray = []
    greeted = False
    started = False
    note = ''
    try:
        while True:
            raw, greet = qmp_read(rd, stray)
            if greet is None or 'QMP' in greet:
                break
        if greet is not None:
            greeted = True
            qmp_send(proc, rd, {'execute': 'qmp_capabilities'}, stray)
            for hc in case.hmp:
                raw, obj = qmp_send(proc, rd, {'execute': 'human-monitor-command',
                                                'arguments': {'command-line': hc}},
                                    stray)
                if obj is None:
                    break
                started = True
                if 'return' in obj:
                    txt = obj['return'].replace('\r', '')
                    if hc == 'info ramblock':
                        txt = drop_hva(txt)
                else:
                    txt = 'QMP error: ' + raw
                sections.append(('hmp: ' + hc, txt))
            for qc in case.qmp:
                raw, obj = qmp_send(proc, rd, qc, stray)
                sections.append(('qmp: ' + json.dumps(qc),
                                 (raw if raw is not None else '(no reply)')
                                 + '\n'))
            try:
                if started:
                    qmp_send(proc, rd, {'execute': 'quit'}, stray)
            except Exception:
                pass
        rc = proc.wait(timeout=TIMEOUT)
    except Exception as e:  # timeout or protocol trouble
        note = 'collector error: %r' % (e,)
        proc.kill()
        rc = proc.wait()
    errf.seek(0)
    err = errf.read().decode('utf-8', 'replace').replace('\r', '')
    out = ['# case: %s/%s' % (case.arch, case.name),
           '# command: %s' % shlex.join(argv),
           '# (run as: %s ...; ASLR off only to make hash-ordered output repeatable)'
           % shlex.join(NO_ASLR),
           '# started: %s' % ('yes' if started else
                              'no (QEMU refused to start)'),
           '# exit status: %d%s' % (rc, ' (after QMP quit)' if started else '')]
    if note:
        out.append('# note: ' + note)
    text = '\n'.join(out) + '\n'
    sections = [('stderr', err)] + (
        [('stdout (non-QMP lines)', ''.join(l + '\n' for l in stray))]
        if stray else []) + sections
    # Section bodies are stored byte-for-byte (minus '\r'): a body is
    # everything between its '=== ... ===' line and the next one, including
    # any trailing blank lines QEMU printed.
    for title, txt in sections:
        text += ('=== %s ===\n' % title) + txt
        if txt and not txt.endswith('\n'):
            text += '\n=== (previous section had no final newline) ===\n'
    return text


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    args = sys.argv[1:]
    outdir = here
    only = []
    listing = False
    while args:
        a = args.pop(0)
        if a == '--out':
            outdir = args.pop(0)
        elif a == '--only':
            only.append(args.pop(0))
        elif a == '--list':
            listing = True
        elif a == '--canon':
            # print stored case file(s) with mtree sections canonicalised
            for fn in args:
                with open(fn) as f:
                    sys.stdout.write(canonical_file(f.read()))
            return
        else:
            sys.exit(__doc__)
    cases = build_cases()
    if only:
        cases = [k for k in cases
                 if any(o in '%s/%s' % (k.arch, k.name) for o in only)]
    for k in cases:
        if listing:
            print('%s/%s: %s' % (k.arch, k.name, shlex.join(k.argv())))
            continue
        d = os.path.join(outdir, k.arch)
        os.makedirs(d, exist_ok=True)
        text = run_plain(k) if k.mode == 'plain' else run_qmp(k)
        with open(os.path.join(d, k.name + '.txt'), 'w') as f:
            f.write(text)
        first = [l for l in text.split('\n') if l.startswith('# started') or
                 l.startswith('# exit')]
        print('%s/%s: %s' % (k.arch, k.name, '; '.join(first)), flush=True)


if __name__ == '__main__':
    main()
