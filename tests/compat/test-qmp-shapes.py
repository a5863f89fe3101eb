#!/usr/bin/env python3
"""Every query-* command memvm and QEMU 7.2 both have, sent to both with
the same machine: the whole replies must have the same shape, recursively
(member names, JSON types, which optional members are present).  Values
may differ (versions, the boards each has).

Arrays whose elements carry a "name" or "id" are compared element by
element with the same name: memvm's elements must all be in QEMU's reply
(QEMU may have more only where MORE_IN_QEMU says why), and each pair must
have the same shape.  Other arrays are compared position by position.  A
difference QEMU 7.2 has for a reason is listed in KNOWN, with the reason.
Skips (with the reason) when QEMU 7.2 is not installed."""
import os
import sys

from compat import Run, Tap, memvm_argv, not_installed, qemu_argv, \
    qemu_binary

# (arch, what the machine is, arguments for both programs)
MACHINES = [
    ('x86_64', 'none', ['-M', 'none', '-m', '256M']),
    ('x86_64', 'pc with backends',
     ['-M', 'pc', '-m', '512M',
      '-object', 'memory-backend-ram,id=r0,size=64M,prealloc=on',
      '-object', 'memory-backend-memfd,id=f0,size=32M,share=on',
      '-object', 'memory-backend-file,id=fl0,size=16M,mem-path=/dev/shm,'
      'share=on']),
    ('x86_64', 'q35', ['-M', 'q35', '-m', '1G']),
    ('x86_64', 'pc with two NUMA nodes',
     ['-M', 'pc', '-m', '512M',
      '-object', 'memory-backend-ram,id=n0,size=256M',
      '-object', 'memory-backend-memfd,id=n1,size=256M,hugetlb=off',
      '-numa', 'node,memdev=n0', '-numa', 'node,memdev=n1']),
    ('aarch64', 'virt', ['-M', 'virt', '-m', '512M']),
    ('riscv64', 'virt', ['-M', 'virt', '-m', '512M']),
    ('s390x', 's390-ccw-virtio', ['-M', 's390-ccw-virtio', '-m', '512M']),
]

# Commands whose arrays QEMU fills with more elements than memvm, and why.
MORE_IN_QEMU = {
    'query-commands': 'memvm implements a subset of QEMU\'s commands '
                      '(docs/qmp.md)',
    'query-machines': 'memvm has only the boards whose RAM it models '
                      '(docs/differences.md)',
}

# Replies that describe memvm itself, so their shape is memvm's by design;
# tests/qtest/test-qmp-schema.py checks their format instead.
NOT_COMPARED = {
    'query-qmp-schema': 'type names are numbered in each program\'s own '
                        'schema (docs/libvirt.md)',
    'query-command-line-options': 'one element per option group memvm '
                                  'parses (docs/libvirt.md)',
}

# (command, path in the reply) -> why QEMU 7.2's shape differs there.
KNOWN = {
    ('query-commands', 'query-commands[name=x-query-memdev-usage]'):
        'memvm\'s own experimental command (x-), docs/qmp.md',
}


def jtype(v):
    if isinstance(v, dict):
        return 'object'
    if isinstance(v, list):
        return 'array'
    if isinstance(v, bool):
        return 'boolean'
    if isinstance(v, int):
        return 'integer'
    if isinstance(v, float):
        return 'number'
    if v is None:
        return 'null'
    return 'string'


def key_of(elements):
    """The member that names the elements of an array, or None."""
    for key in ('name', 'id'):
        if elements and all(isinstance(e, dict) and key in e
                            for e in elements):
            return key
    return None


def compare(cmd, path, want, got, out):
    """Append to @out each place where @got (memvm) and @want (QEMU)
    differ in shape."""
    tw, tg = jtype(want), jtype(got)
    if tw != tg:
        out.append((path, 'QEMU has %s, memvm %s' % (tw, tg)))
        return
    if tw == 'object':
        for k in sorted(set(want) | set(got)):
            p = '%s.%s' % (path, k)
            if k not in got:
                out.append((p, 'only QEMU has it (%s)' % jtype(want[k])))
            elif k not in want:
                out.append((p, 'only memvm has it (%s)' % jtype(got[k])))
            else:
                compare(cmd, p, want[k], got[k], out)
    elif tw == 'array':
        key = key_of(want) if want else key_of(got)
        if key and key_of(got) == key and (key_of(want) == key or not want):
            mine = {e[key]: e for e in got}
            theirs = {e[key]: e for e in want}
            for name in sorted(set(mine) - set(theirs)):
                out.append(('%s[%s=%s]' % (path, key, name),
                            'only memvm has this element'))
            if set(theirs) - set(mine) and cmd not in MORE_IN_QEMU:
                out.append((path, 'only QEMU has elements %s' %
                            sorted(set(theirs) - set(mine))))
            for name in sorted(set(mine) & set(theirs)):
                compare(cmd, '%s[%s=%s]' % (path, key, name), theirs[name],
                        mine[name], out)
        elif len(want) != len(got):
            out.append((path, 'QEMU has %d elements, memvm %d'
                        % (len(want), len(got))))
        else:
            for i, (w, g) in enumerate(zip(want, got)):
                compare(cmd, '%s[%d]' % (path, i), w, g, out)


def replies(argv, commands=None):
    """{command: reply} of @commands (all query-* it has if None), with
    the error class only for errors."""
    prog = Run(argv)
    if prog.refused:
        raise RuntimeError('%s refused: %r' % (os.path.basename(argv[0]),
                                               prog.refused))
    try:
        if commands is None:
            commands = sorted(c['name'] for c in
                              prog.qmp.command('query-commands')
                              if c['name'].startswith('query-'))
        out = {}
        for name in commands:
            r = prog.qmp.cmd(name)
            out[name] = ({'error': r['error']['class']} if 'error' in r
                         else r['return'])
        return out
    finally:
        prog.close()


def check_machine(tap, arch, what, args):
    label = '%s %s' % (arch, what)
    if not qemu_binary(arch):
        tap.skip('%s: query-* replies have QEMU 7.2\'s shape' % label,
                 not_installed(arch))
        return
    mine = replies(memvm_argv(arch, args))
    theirs = replies(qemu_argv(arch, args), None)
    only_mine = sorted(set(mine) - set(theirs))
    tap.ok(not only_mine, '%s: QEMU 7.2 has every query command memvm has'
           % label, 'only in memvm: %s' % only_mine)
    for cmd in sorted(set(mine) & set(theirs)):
        if cmd in NOT_COMPARED:
            tap.diag('%s: %s not compared: %s' % (label, cmd,
                                                  NOT_COMPARED[cmd]))
            continue
        diffs = []
        compare(cmd, cmd, theirs[cmd], mine[cmd], diffs)
        known = [(p, d, KNOWN[(cmd, p)]) for p, d in diffs
                 if (cmd, p) in KNOWN]
        unknown = [(p, d) for p, d in diffs if (cmd, p) not in KNOWN]
        for p, d, why in known:
            tap.diag('%s: %s: %s (known: %s)' % (label, p, d, why))
        tap.ok(not unknown, '%s: %s reply has QEMU 7.2\'s shape'
               % (label, cmd), '\n'.join('%s: %s' % u for u in unknown))


def check_compare(tap):
    """The comparison itself sees each kind of difference (else every
    case below could pass whatever the replies were)."""
    qemu = [{'name': 'a', 'cpu-max': 1, 'default-cpu-type': 'x'},
            {'name': 'b', 'cpu-max': 1}]
    cases = [
        ('a member only QEMU has', [{'name': 'a', 'cpu-max': 1}],
         [('m[name=a].default-cpu-type', 'only QEMU has it (string)')]),
        ('a member only memvm has',
         [{'name': 'a', 'cpu-max': 1, 'default-cpu-type': 'x', 'z': []}],
         [('m[name=a].z', 'only memvm has it (array)')]),
        ('another JSON type',
         [{'name': 'b', 'cpu-max': True}],
         [('m[name=b].cpu-max', 'QEMU has integer, memvm boolean')]),
        ('an element only memvm has', [{'name': 'c', 'cpu-max': 1}],
         [('m[name=c]', 'only memvm has this element')]),
    ]
    for what, mine, want in cases:
        got = []
        compare('query-machines', 'm', qemu, mine, got)
        tap.eq(got, want, 'the shape comparison finds %s' % what)
    got = []
    compare('query-memdev', 'm', qemu, qemu[:1], got)
    tap.eq(got, [('m', "only QEMU has elements ['b']")],
           'the shape comparison finds elements only QEMU has (where '
           'MORE_IN_QEMU does not explain them)')


def main():
    if sys.argv[1:]:
        sys.exit('usage: %s' % sys.argv[0])
    tap = Tap()
    check_compare(tap)
    for arch, what, args in MACHINES:
        check_machine(tap, arch, what, args)
    tap.done()


if __name__ == '__main__':
    main()
