#!/usr/bin/env python3
"""Write the QEMU 7.2 references that tests/compat/test-other-boards.py
checks memvm against even where QEMU is not installed:

  <machine>.txt               the board's default layout: the RAM/ROM
                              lines of `info mtree -f` (AS "memory",
                              "romd" read as "rom") and `info ramblock`
  <target>-machine-help.txt   `qemu-system-<target> -machine help`

It runs the installed qemu-system-* binaries, which must be QEMU 7.2, with
the same command lines and stand-in firmware the test uses.

Usage: generate.py [MACHINE...]     (default: every board of the test)
Python 3 standard library only.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, '..', '..', 'test-other-boards.py')


def load_test():
    spec = importlib.util.spec_from_file_location('other_boards', TEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shown(argv, firmware):
    """The command line as stored: no directories, stand-ins by name."""
    names = {path: '<%s>' % key for key, path in firmware.items()}
    return ' '.join(names.get(a, os.path.basename(a) if a.startswith('/')
                              else a) for a in argv)


def check_version(target):
    out = subprocess.run(['qemu-system-' + target, '-version'],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    if 'version 7.2.' not in out:
        sys.exit('qemu-system-%s is not QEMU 7.2: %s' % (target,
                                                         out.strip()))


def main():
    t = load_test()
    wanted = set(sys.argv[1:])
    tmp = tempfile.mkdtemp(prefix='other-boards-gen-')
    firmware = t.make_firmware(tmp)
    try:
        targets = sorted({b[1] for b in t.BOARDS
                          if not wanted or b[0] in wanted})
        for target in targets:
            if not t.qemu_path(target):
                sys.exit('qemu-system-%s is not installed' % target)
            check_version(target)
            out = subprocess.run(['qemu-system-' + target, '-machine',
                                  'help'], stdout=subprocess.PIPE,
                                 check=True).stdout.decode()
            with open(os.path.join(HERE, target + '-machine-help.txt'),
                      'w') as f:
                f.write(out)
        for name, target, _, needs in t.BOARDS:
            if wanted and name not in wanted:
                continue
            argv = t.qemu_argv(target, ['-M', name], needs, firmware)
            got = t.run(argv, tmp)
            if got.refused:
                sys.exit('QEMU refused %s: %s' % (name, got.error()))
            with open(t.ref_file(name), 'w') as f:
                f.write('# QEMU 7.2: %s\n' % shown(argv, firmware))
                f.write('# written by tests/compat/ref/other-boards/'
                        'generate.py\n')
                f.write(t.FLAT_HEAD + '\n')
                f.writelines(line + '\n' for line in got.flat)
                f.write(t.BLOCK_HEAD + '\n')
                f.writelines(line + '\n' for line in got.blocks)
            print('wrote', os.path.relpath(t.ref_file(name)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
