#!/usr/bin/env python3
"""`meson install` (what `make install` and the Debian package use) puts
memvm, every memvm-system-* name, both man pages and the docs in place."""
import os
import subprocess
import sys
import tempfile

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', 'qtest'))
from memvm import Tap, BUILD_DIR  # noqa: E402


def meson_prefix():
    out = subprocess.run(['meson', 'introspect', '--buildoptions', BUILD_DIR],
                         check=True, capture_output=True, text=True).stdout
    import json
    opts = {o['name']: o['value'] for o in json.loads(out)}
    return opts['prefix'], opts['bindir'], opts['mandir'], opts['datadir']


def main():
    t = Tap()
    prefix, bindir, mandir, datadir = meson_prefix()
    with tempfile.TemporaryDirectory(prefix='memvm-install-') as dest:
        p = subprocess.run(['meson', 'install', '-C', BUILD_DIR, '--no-rebuild',
                            '--quiet', '--destdir', dest],
                           capture_output=True, text=True)
        if not t.ok(p.returncode == 0, 'meson install succeeds', p.stderr):
            t.done()
        root = dest + prefix
        bins = sorted(os.listdir(os.path.join(root, bindir)))
        t.ok('memvm' in bins, 'memvm is installed', bins)
        built = sorted(f for f in os.listdir(BUILD_DIR)
                       if f.startswith('memvm-system-'))
        t.eq([b for b in bins if b.startswith('memvm-system-')], built,
             'every memvm-system-* name is installed')
        t.ok(all(os.readlink(os.path.join(root, bindir, b)) == 'memvm'
                 for b in built), 'memvm-system-* are links to memvm')
        for page in ('man1/memvm.1', 'man7/memvm-backends.7'):
            t.ok(os.path.isfile(os.path.join(root, mandir, page)),
                 '%s is installed' % page)
        t.ok(all(os.readlink(os.path.join(root, mandir, 'man1', b + '.1'))
                 == 'memvm.1' for b in built),
             'memvm-system-*.1 are links to memvm.1')
        docs = os.path.join(root, datadir, 'doc', 'memvm')
        have = set(os.listdir(docs)) if os.path.isdir(docs) else set()
        src = os.environ.get('MEMVM_SOURCE_DIR', '.')
        want = {f for f in os.listdir(os.path.join(src, 'docs'))
                if f.endswith('.md')} | {'README.md'}
        t.eq(sorted(want - have), [], 'README.md and every docs/*.md are '
             'installed')
    t.done()


main()
