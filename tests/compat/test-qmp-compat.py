#!/usr/bin/env python3
"""One QMP script sent to QEMU 7.2 and to memvm: the keys and value types
of every reply must agree (values may differ: versions, sizes of
unrelated things).  Runs on `-M none -m 512M` and on `-M pc -m 1G`.
Skips when QEMU is missing."""
from memvm import Tap, binary, missing_qemu
from compat import Run

SCRIPT = [
    ('query-version', {}),
    ('query-status', {}),
    ('query-memdev', {}),
    ('query-memory-size-summary', {}),
    ('qom-get', {'path': '/objects/%(ram)s', 'property': 'size'}),
    ('qom-get', {'path': '/objects/%(ram)s', 'property': 'policy'}),
    ('qom-get', {'path': '/objects/%(ram)s', 'property': 'host-nodes'}),
    ('object-add', {'qom-type': 'memory-backend-memfd', 'id': 'mfd',
                    'size': 64 << 20}),
    ('query-memdev', {}),
    ('qom-get', {'path': '/objects/mfd', 'property': 'hugetlb'}),
    ('qom-set', {'path': '/objects/mfd', 'property': 'size',
                 'value': 1 << 20}),
    ('object-add', {'qom-type': 'memory-backend-ram', 'id': 'mfd',
                    'size': 1 << 20}),
    ('object-del', {'id': 'mfd'}),
    ('object-del', {'id': 'mfd'}),
    ('object-del', {'id': '%(ram)s'}),
    ('object-add', {'qom-type': 'nosuchtype', 'id': 'x'}),
    ('query-nonsense', {}),
    ('qom-get', {'path': '/objects/%(ram)s'}),
    ('qom-get', {'path': '/objects/%(ram)s', 'property': 7}),
    ('qom-list', {'path': '/nonexistent'}),
    ('stop', {}),
    ('query-status', {}),
    ('cont', {}),
    ('query-status', {}),
    ('human-monitor-command', {'command-line': 'info memdev'}),
]


def shape(v):
    """The JSON type structure of a value."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    if isinstance(v, bool):
        return 'bool'
    if isinstance(v, (int, float)):
        return 'number'
    return type(v).__name__


def substitute(args, ram):
    out = {}
    for k, v in args.items():
        out[k] = v % {'ram': ram} if isinstance(v, str) else v
    return out


def replies(argv, ram):
    run = Run(argv)
    if run.refused:
        raise RuntimeError('refused: %r' % (run.refused,))
    got = []
    try:
        for name, args in SCRIPT:
            r = run.qmp.cmd(name, substitute(args, ram))
            # The error text may differ in wording; its class and the
            # reply's structure must not.
            if 'error' in r:
                got.append({'error': {'class': r['error']['class'],
                                      'desc': 'str'}})
            else:
                got.append(shape(r))
    finally:
        run.close()
    return got


def main():
    tap = Tap()
    for machine, mem, ram in (('none', '512M', 'ram'), ('pc', '1G', 'pc.ram')):
        base = ['-M', machine, '-m', mem, '-display', 'none', '-nodefaults']
        if tap.skip_if(missing_qemu('x86_64'), *['%s: %s' % (machine, name)
                                                 for name, _ in SCRIPT]):
            continue
        want = replies(['qemu-system-x86_64', '-accel', 'tcg'] + base, ram)
        got = replies([binary(), '-accel', 'qtest'] + base, ram)
        for (name, args), w, g in zip(SCRIPT, want, got):
            tap.eq(g, w, '%s: %s %s: same reply shape as QEMU 7.2' % (
                machine, name, substitute(args, ram)))
    tap.done()


if __name__ == '__main__':
    main()
