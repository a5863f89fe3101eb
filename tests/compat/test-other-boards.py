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
against QEMU's, pinned there too (`--pin` writes both).  How:
compat.Family.

A difference known to come from code outside the board files can be
listed in KNOWN: its cases then report TAP "# TODO" (an expected failure)
with the reason while they fail.

Usage: test-other-boards.py                  run the checks (TAP)
       test-other-boards.py --pin [BOARD...] rewrite ref/other-boards/
                                             from QEMU 7.2
Python 3 standard library only.
"""
import os
import sys

import compat

# (machine, target it is tested on, default RAM size in MiB, what QEMU
# without qtest needs to start it).  The QEMU binary of that target has the
# board; memvm's ppc64 binary serves the 32-bit ppc boards as well.
BOARDS = [
    ('clipper', 'alpha', 128),
    ('axis-dev88', 'cris', 128, ['-kernel', '{zeros}']),
    ('hppa', 'hppa', 512),
    ('an5206', 'm68k', 128, ['-kernel', '{zeros}']),
    ('mcf5208evb', 'm68k', 128, ['-kernel', '{zeros}']),
    ('next-cube', 'm68k', 64),
    ('q800', 'm68k', 128, ['-bios', '{zeros}']),
    ('malta', 'mips', 128),
    ('mipssim', 'mips', 128),
    ('magnum', 'mips64', 128),
    ('pica61', 'mips64', 128),
    ('boston', 'mips64el', 1024, ['-bios', '{zeros}']),
    ('fuloong2e', 'mips64el', 256),
    ('bamboo', 'ppc', 128),
    ('g3beige', 'ppc', 128),
    ('mac99', 'ppc', 128),
    ('mpc8544ds', 'ppc', 128, ['-bios', '{ppc_elf}']),
    ('ppce500', 'ppc', 128, ['-bios', '{ppc_elf}']),
    ('ref405ep', 'ppc', 128),
    ('sam460ex', 'ppc', 512),
    ('virtex-ml507', 'ppc', 128),
    ('powernv8', 'ppc64', 1024),
    ('powernv9', 'ppc64', 1024),
    ('powernv10', 'ppc64', 1024),
    ('pseries', 'ppc64', 512),
    ('leon3_generic', 'sparc', 128, ['-bios', '{zeros}']),
    ('SS-5', 'sparc', 128),
    ('SS-10', 'sparc', 128),
    ('SS-20', 'sparc', 128),
    ('niagara', 'sparc64', 128, ['-L', '{niagara_fw}']),
]

# Known differences caused outside the board files: machine -> reason.
# Their cases are reported as expected failures ("# TODO") while they
# fail.  None at present.
KNOWN = {}

TARGETS = sorted({b[1] for b in BOARDS})
# The aliases QEMU's ppc64 lists beside these boards.
HELP_ALSO = {'ppc64': {'pseries-7.2', 'powernv'}}


def qemu_words_or_limits(board, qemu_said, memvm_said):
    return (memvm_said == qemu_said or
            memvm_said.startswith('Invalid RAM size '))


REF_DIR = os.path.join(compat.REF, 'other-boards')
FAMILY = compat.Family(
    __file__, BOARDS, ref_dir=REF_DIR,
    help_ref=os.path.join(REF_DIR, '{arch}-machine-help.txt'),
    help_names={t: {b[0] for b in BOARDS if b[1] == t} |
                HELP_ALSO.get(t, set()) for t in TARGETS},
    help_desc='memvm-system-%s -machine help lists these boards as QEMU '
              'does',
    accept=qemu_words_or_limits, refused_suffix=' (both refuse)',
    # The 32-bit ppc boards in the ppc64 binary, as in QEMU.
    also=[('g3beige', 'ppc64')], known=KNOWN)

if __name__ == '__main__':
    FAMILY.main(sys.argv[1:])
