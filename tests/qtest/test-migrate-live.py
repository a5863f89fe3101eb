#!/usr/bin/env python3
"""Live migration of a running guest over a unix socket (accel tcg).

The "live" guest (tests/guest/README.md) stores (address ^ pattern) +
round into every RAM page, round after round, printing every 16th round,
until it reads 'q' on its UART.  Before each store it checks that the
page holds the previous round's word: a page whose stores the source's
dirty tracking missed arrives with an older round's word, and the guest
counts it as stale.  At the end it prints the stale count and the sum,
and PASS only if nothing was stale and each page holds the last word.

For each architecture with a live guest: first, stop and cont many times
leave no replayed store (unicorn's own uc_emu_stop() could stop inside a
block and replay part of it; accel tcg stops at block starts).  Then the
source runs it and prints;
QMP migrate sends it to a destination started with -incoming while it
keeps running; the destination continues it (its rounds go on from where
the source's stopped) and, told 'q', ends with PASS and the checksum
computed here from the rounds, the RAM map and the image range it printed.

Also: a saved machine whose memvm-cpu section names another CPU or an
unknown register, or (Arm virt) whose GIC has another size or whose
generic timer section has an unknown version, is refused by the
destination with a message naming it.
"""
import os
import shutil
import tempfile

from liveguest import (GUEST_DIR, WAIT, Serial, expected_checksum,
                       read_file, result, rounds_in, wait_for)
from memvm import Tap, VM

STOP_CONT_TIMES = 50

# (arch, machine, RAM in MiB, guest, extra arguments)
CASES = [
    ('x86_64', 'pc', 64, 'x86_64-live.elf', ['-no-reboot']),
    ('aarch64', 'virt', 64, 'aarch64-live.elf', []),
    ('riscv64', 'virt', 64, 'riscv64-live.elf', []),
]


def run_case(t, arch, machine, mib, guest, extra):
    what = '%s %s' % (arch, machine)
    image = os.path.join(GUEST_DIR, guest)
    if not os.path.exists(image):
        t.skip(what + ': live migration', 'no %s (its binutils are '
               'missing)' % guest)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-live-')
    src_out = os.path.join(tmp, 'src-serial.txt')
    mig = os.path.join(tmp, 'mig.sock')
    dst_uart = os.path.join(tmp, 'dst-uart.sock')
    common = ['-M', machine, '-m', '%dM' % mib, '-kernel', image] + extra
    serial = Serial(dst_uart)
    with VM(common + ['-serial', 'file:' + src_out], arch=arch) as src, \
            VM(common + ['-chardev', 'socket,id=u0,path=%s,server=on,'
                         'wait=off' % dst_uart, '-serial', 'chardev:u0',
                         '-incoming', 'unix:' + mig], arch=arch) as dst:
        t.ok(serial.connect(), what + ': destination UART socket')
        started = wait_for(lambda: rounds_in(read_file(src_out)))
        t.ok(started, what + ': the source guest runs and prints',
             read_file(src_out) + src.read_stderr())
        src.qmp.command('migrate-set-parameters',
                        {'max-bandwidth': 1 << 40})
        src.qmp.command('migrate', {'uri': 'unix:' + mig})
        done = wait_for(lambda: src.qmp.command('query-migrate')
                        .get('status') in ('completed', 'failed'))
        info = src.qmp.command('query-migrate')
        t.eq(info.get('status'), 'completed', what + ': migration completes'
             if done else what + ': migration ends')
        if info.get('status') != 'completed':
            t.diag('%r\n--- source:\n%s--- destination:\n%s' %
                   (info, src.read_stderr(), dst.read_stderr()))
            serial.close()
            return
        t.ok(info['ram']['dirty-sync-count'] >= 2,
             what + ': the RAM bitmap was synced again while it ran',
             repr(info['ram']))
        src_text = read_file(src_out)
        src_rounds = rounds_in(src_text)
        t.eq(src.qmp.command('query-status')['status'], 'postmigrate',
             what + ': the source stops after switchover')
        wait_for(lambda: len(rounds_in(serial.text())) >= 2)
        dst_rounds = rounds_in(serial.text())
        t.ok(dst_rounds and src_rounds and
             dst_rounds[0] == src_rounds[-1] + 16,
             what + ': the destination prints on from the source\'s last '
             'round', 'source %s, destination %s' %
             (src_rounds[-3:], dst_rounds[:3]))
        serial.send(b'q')
        # Read while it ends: output is only guaranteed to a reader.
        wait_for(lambda: result(serial.text()))
        dst.wait(WAIT)
        text = serial.text()
        t.eq(dst.status, 0, what + ': the destination guest ends cleanly')
        res = result(text)
        t.ok(res and res[1] == 0,
             what + ': no page lost a store across the switchover',
             text[-400:] + dst.stderr)
        t.ok(res and res[3] == 'PASS',
             what + ': every page holds the last round (PASS)',
             text[-400:] + dst.stderr)
        if res:
            t.eq(res[2], expected_checksum(src_text, res[0]),
                 what + ': checksum matches the RAM map and %d rounds' %
                 res[0])
    serial.close()


def stop_cont_case(t, arch, machine, mib, guest, extra):
    """Stopping the vCPU (as every dirty-bitmap sync and the switchover
    do) must not replay stores when it goes on: the guest counts any."""
    what = '%s %s' % (arch, machine)
    image = os.path.join(GUEST_DIR, guest)
    if not os.path.exists(image):
        t.skip(what + ': stop/cont', 'no %s' % guest)
        return
    tmp = tempfile.mkdtemp(prefix='memvm-live-')
    uart = os.path.join(tmp, 'uart.sock')
    serial = Serial(uart)
    with VM(['-M', machine, '-m', '%dM' % mib, '-kernel', image] + extra +
            ['-chardev', 'socket,id=u0,path=%s,server=on,wait=off' % uart,
             '-serial', 'chardev:u0'], arch=arch) as vm:
        serial.connect()
        wait_for(lambda: rounds_in(serial.text()))
        for _ in range(STOP_CONT_TIMES):
            vm.qmp.command('stop')
            vm.qmp.command('cont')
            serial.text()
        serial.send(b'q')
        res = wait_for(lambda: result(serial.text()))
        t.ok(res and res[1] == 0 and res[3] == 'PASS',
             what + ': %d stop/cont replay no store' % STOP_CONT_TIMES,
             serial.text()[-300:] + vm.read_stderr())
    serial.close()


def bad_cpu_section(t):
    """A saved x86_64 machine whose memvm-cpu section was altered: the
    destination names the CPU or the register and exits 1."""
    image = os.path.join(GUEST_DIR, 'x86_64-live.elf')
    if not os.path.exists(image):
        t.skip('memvm-cpu: bad sections refused', 'no x86_64-live.elf')
        return
    tmp = tempfile.mkdtemp(prefix='memvm-live-')
    saved = os.path.join(tmp, 'saved')
    args = ['-M', 'pc', '-m', '16M', '-kernel', image, '-no-reboot',
            '-serial', 'null']
    with VM(args + ['-S']) as src:
        src.qmp.command('migrate', {'uri': 'exec:cat > ' + saved})
        wait_for(lambda: src.qmp.command('query-migrate').get('status')
                 in ('completed', 'failed'))
    with open(saved, 'rb') as f:
        stream = f.read()
    cases = [
        (b'\x06x86_64', b'\x06mips64',
         "memvm-cpu 0: the stream's CPU is mips64, this machine's is "
         "x86_64"),
        (b'\x07fs_base', b'\x07fs_bass',
         "memvm-cpu 0: unknown x86_64 register 'fs_bass'"),
    ]
    for old, new, message in cases:
        bad = os.path.join(tmp, 'bad')
        with open(bad, 'wb') as f:
            f.write(stream.replace(old, new, 1))
        with VM(args + ['-incoming', 'exec:cat ' + bad],
                may_refuse=True) as dst:
            status = dst.wait(60)
            t.ok(old in stream and status == 1 and message in dst.stderr,
                 'memvm-cpu: refused with "%s"' % message,
                 'status %s, stderr:\n%s' % (status, dst.stderr))


def bad_arm_sections(t):
    """A saved Arm virt machine whose GIC or generic timer section was
    altered: the destination names the section and exits 1."""
    image = os.path.join(GUEST_DIR, 'aarch64-live.elf')
    if not os.path.exists(image):
        t.skip('memvm-arm-gic/-gtimer: bad sections refused',
               'no aarch64-live.elf')
        return
    tmp = tempfile.mkdtemp(prefix='memvm-live-')
    try:
        bad_arm_streams(t, tmp, image)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bad_arm_streams(t, tmp, image):
    saved = os.path.join(tmp, 'saved')
    args = ['-M', 'virt', '-m', '64M', '-kernel', image, '-serial', 'null']
    with VM(args + ['-S'], arch='aarch64') as src:
        src.qmp.command('migrate', {'uri': 'exec:cat > ' + saved})
        wait_for(lambda: src.qmp.command('query-migrate').get('status')
                 in ('completed', 'failed'))
    with open(saved, 'rb') as f:
        stream = f.read()
    # Each section: counted idstr, be32 instance, be32 version, body; the
    # GIC's body starts with its number of interrupts (288).
    gic = b'\x0dmemvm-arm-gic\x00\x00\x00\x00\x00\x00\x00\x01'
    timer = b'\x10memvm-arm-gtimer\x00\x00\x00\x00'
    cases = [
        (gic + b'\x00\x00\x01\x20', gic + b'\x00\x00\x01\x40',
         "memvm-arm-gic: the stream's GIC has 320 interrupts and 1 CPUs, "
         "this machine's 288 and 1"),
        (timer + b'\x00\x00\x00\x01', timer + b'\x00\x00\x00\x07',
         "savevm: unsupported version 7 for 'memvm-arm-gtimer' v1"),
    ]
    for old, new, message in cases:
        bad = os.path.join(tmp, 'bad')
        with open(bad, 'wb') as f:
            f.write(stream.replace(old, new, 1))
        with VM(args + ['-incoming', 'exec:cat ' + bad], arch='aarch64',
                may_refuse=True) as dst:
            status = dst.wait(60)
            t.ok(old in stream and status == 1 and message in dst.stderr,
                 'arm virt: refused with "%s"' % message,
                 'status %s, stderr:\n%s' % (status, dst.stderr))


def main():
    t = Tap()
    bad_cpu_section(t)
    bad_arm_sections(t)
    for case in CASES:
        stop_cont_case(t, *case)
        run_case(t, *case)
    t.done()


main()
