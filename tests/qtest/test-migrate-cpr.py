#!/usr/bin/env python3
"""cpr-transfer: guest RAM handed over as descriptors, not copied.

With migrate-set-parameters mode=cpr-transfer, a running "live" guest
(tests/guest/README.md) on a memory-backend-memfd moves to a destination
over a unix socket.  The stream carries no page of that backend (the
transferred bytes stay far below its size), the destination maps the same
pages, and the guest finds every page as it left it (no stale page,
PASS, the checksum of its rounds).  Then the errors: a non-unix URI, an
unknown mode, a destination whose block has another size.
"""
import os
import tempfile

import liveguest as live
from memvm import Tap, VM

GUEST = os.path.join(live.GUEST_DIR, 'x86_64-live.elf')
MIB = 64


def backend(size_mib):
    return ['-object', 'memory-backend-memfd,id=m0,size=%dM' % size_mib,
            '-M', 'pc,memory-backend=m0', '-m', '%dM' % size_mib]


def test_handover(t):
    tmp = tempfile.mkdtemp(prefix='memvm-cpr-')
    src_out = os.path.join(tmp, 'src-serial.txt')
    mig = os.path.join(tmp, 'mig.sock')
    dst_uart = os.path.join(tmp, 'dst-uart.sock')
    common = backend(MIB) + ['-kernel', GUEST, '-no-reboot']
    serial = live.Serial(dst_uart)
    with VM(common + ['-serial', 'file:' + src_out]) as src, \
            VM(common + ['-chardev', 'socket,id=u0,path=%s,server=on,'
                         'wait=off' % dst_uart, '-serial', 'chardev:u0',
                         '-incoming', 'unix:' + mig]) as dst:
        serial.connect()
        t.ok(live.wait_for(lambda: live.rounds_in(live.read_file(src_out))),
             'cpr-transfer: the source guest runs')
        src.qmp.command('migrate-set-parameters',
                        {'mode': 'cpr-transfer', 'max-bandwidth': 1 << 40})
        t.eq(src.qmp.command('query-migrate-parameters')['mode'],
             'cpr-transfer', 'cpr-transfer: query-migrate-parameters mode')
        src.qmp.command('migrate', {'uri': 'unix:' + mig})
        live.wait_for(lambda: src.qmp.command('query-migrate')
                      .get('status') in ('completed', 'failed'))
        info = src.qmp.command('query-migrate')
        t.eq(info.get('status'), 'completed', 'cpr-transfer: completes')
        if info.get('status') != 'completed':
            t.diag('%r\n%s\n%s' % (info, src.read_stderr(),
                                   dst.read_stderr()))
            return
        sent = info['ram']['transferred']
        t.ok(sent < (MIB << 20) // 16,
             'cpr-transfer: no page of the %d MiB backend is sent (%d '
             'bytes in all, ROMs included)' % (MIB, sent))
        live.wait_for(lambda: len(live.rounds_in(serial.text())) >= 2)
        src_rounds = live.rounds_in(live.read_file(src_out))
        dst_rounds = live.rounds_in(serial.text())
        t.ok(dst_rounds and src_rounds and
             dst_rounds[0] == src_rounds[-1] + 16,
             'cpr-transfer: the guest prints on from the destination',
             'source %s, destination %s' % (src_rounds[-2:],
                                            dst_rounds[:2]))
        serial.send(b'q')
        live.wait_for(lambda: live.result(serial.text()))
        dst.wait(live.WAIT)
        text = serial.text()
        res = live.result(text)
        t.ok(res and res[1] == 0 and res[3] == 'PASS',
             'cpr-transfer: the guest keeps its RAM (no stale page, PASS)',
             text[-300:] + dst.stderr)
        if res:
            t.eq(res[2], live.expected_checksum(live.read_file(src_out),
                                                res[0]),
                 'cpr-transfer: checksum of the rounds')
    serial.close()


def test_errors(t):
    with VM(['-M', 'none', '-accel', 'qtest']) as vm:
        r = vm.qmp.cmd('migrate-set-parameters', {'mode': 'bogus'})
        t.eq(r.get('error', {}).get('desc'),
             "Parameter 'mode' does not accept value 'bogus'",
             'cpr-transfer: unknown mode refused')
        vm.qmp.command('migrate-set-parameters', {'mode': 'cpr-transfer'})
        r = vm.qmp.cmd('migrate', {'uri': 'exec:cat > /dev/null'})
        t.eq(r.get('error', {}).get('desc'),
             "migration mode cpr-transfer needs a unix: URI (descriptors "
             "pass over the socket), not 'exec:cat > /dev/null'",
             'cpr-transfer: a non-unix URI refused')
        t.eq(vm.qmp.command('query-migrate').get('status'), None,
             'cpr-transfer: nothing started')

    # The destination's block is half the size: it names both sizes.
    tmp = tempfile.mkdtemp(prefix='memvm-cpr-')
    mig = os.path.join(tmp, 'mig.sock')
    with VM(backend(32) + ['-accel', 'qtest']) as src, \
            VM(backend(16) + ['-accel', 'qtest', '-incoming',
                              'unix:' + mig]) as dst:
        src.qmp.command('migrate-set-parameters', {'mode': 'cpr-transfer'})
        src.qmp.command('migrate', {'uri': 'unix:' + mig})
        status = dst.wait(60)
        t.eq(status, 1, 'cpr-transfer: a smaller destination exits 1')
        t.ok("cpr-transfer: RAM block 'm0' is 0x1000000 bytes here, "
             "0x2000000 on the source" in dst.stderr,
             'cpr-transfer: the error names the block and both sizes',
             dst.stderr)


def main():
    t = Tap()
    if not os.path.exists(GUEST):
        t.skip('cpr-transfer hand-over', 'no x86_64-live.elf')
    else:
        test_handover(t)
    test_errors(t)
    t.done()


main()
