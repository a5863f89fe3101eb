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
`-machine help` lines for these boards against ref/misc/ (written by
ref/collect.py).  How: compat.Family.

Usage: test-arm-boards.py                  run the checks (TAP)
       test-arm-boards.py --pin [BOARD...] rewrite ref/arm-boards/ from
                                           QEMU 7.2
Python 3 standard library only.
"""
import os
import sys

import compat

# (machine, binary it is tested with, default RAM size in MiB, what QEMU
# without qtest needs to start it); the aarch64-only boards are the ones
# qemu-system-arm lacks.
BOARDS = [
    ('ast2500-evb', 'arm', 512),
    ('ast2600-evb', 'arm', 1024),
    ('palmetto-bmc', 'arm', 256),
    ('romulus-bmc', 'arm', 512),
    ('collie', 'arm', 512),
    ('cubieboard', 'arm', 1024),
    ('canon-a1100', 'arm', 64, ['-bios', '{zeros}']),
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
    ('sx1', 'arm', 32, ['-kernel', '{zeros}']),
    ('sx1-v1', 'arm', 32, ['-kernel', '{zeros}']),
    ('cheetah', 'arm', 32, ['-kernel', '{zeros}']),
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


def size_str(mib):
    """Sizes as QEMU's size_to_str() prints them."""
    if mib >= 1024 and mib % 1024 == 0:
        return '%d GiB' % (mib // 1024)
    return '%d MiB' % mib


def names_valid_size(board, qemu_said, memvm_said):
    return size_str(board.mib) in memvm_said


FAMILY = compat.Family(
    __file__, BOARDS,
    ref_dir=os.path.join(compat.REF, 'arm-boards'),
    help_ref=os.path.join(compat.REF, 'misc', '{arch}-machine-help.txt'),
    # memvm-system-aarch64, like QEMU's, has the 32-bit boards too.
    help_names={'arm': {b[0] for b in BOARDS if b[1] == 'arm'},
                'aarch64': {b[0] for b in BOARDS}},
    help_desc='memvm-system-%s -machine help lists the boards as QEMU does',
    accept=names_valid_size, refused_suffix=' (refused)')

if __name__ == '__main__':
    FAMILY.main(sys.argv[1:])
