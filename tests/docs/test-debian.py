#!/usr/bin/env python3
"""Light checks of debian/ that do not build the package (docs/packaging.md
says how to build it): the changelog parses and carries meson's version,
debian/control parses and build-depends on the libraries meson.build
requires, the build's tools from scripts/install-deps.sh are there."""
import os
import re
import subprocess
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', 'qtest'))
from memvm import Tap, missing_program  # noqa: E402

SRC = os.environ.get('MEMVM_SOURCE_DIR',
                     os.path.join(os.path.dirname(__file__), '..', '..'))
DEBIAN = os.path.join(SRC, 'debian')
# pkg-config names / libraries of meson.build and the Debian package that
# provides each (what install-deps.sh installs for them).
LIBRARIES = {
    'glib-2.0': 'libglib2.0-dev', 'json-glib-1.0': 'libjson-glib-dev',
    'libfdt': 'libfdt-dev', 'zlib': 'zlib1g-dev', 'numa': 'libnuma-dev',
    'unicorn': 'libunicorn-dev', 'libelf': 'libelf-dev',
}
# Libraries memvm dlopen()s (the meson.build constant of their soname) and
# the runtime package: dpkg-shlibdeps cannot see them, so debian/control
# must name them in Depends.
DLOPENED = {'MEMVM_UNICORN_SONAME': 'libunicorn2'}


def main():
    t = Tap()
    if not os.path.isdir(DEBIAN):
        t.skip('debian/ checks', 'no debian/ in the source tree')
        t.done()
    with open(os.path.join(SRC, 'meson.build'), encoding='utf-8') as f:
        meson = f.read()
    version = re.search(r"version:\s*'([^']+)'", meson).group(1)
    if not t.skip_if(missing_program('dpkg-parsechangelog'),
                     'debian/changelog parses without warnings',
                     'debian/changelog has meson.build\'s version'):
        p = subprocess.run(['dpkg-parsechangelog', '-l',
                            os.path.join(DEBIAN, 'changelog'),
                            '-S', 'Version'], capture_output=True, text=True)
        t.ok(p.returncode == 0 and p.stderr == '',
             'debian/changelog parses without warnings', p.stderr)
        t.eq(p.stdout.strip().split('-')[0], version,
             'debian/changelog has meson.build\'s version')
    with open(os.path.join(DEBIAN, 'control'), encoding='utf-8') as f:
        control = f.read()
    bd = re.search(r'^Build-Depends:(.*?)^\S', control, re.M | re.S).group(1)
    names = {re.match(r'\s*([a-z0-9.+-]+)', d).group(1)
             for d in bd.split(',') if d.strip()}
    used = {lib for lib in LIBRARIES
            if re.search(r"(dependency|find_library)\('%s'" % re.escape(lib),
                         meson)}
    t.ok(used, 'meson.build requires libraries', meson[:200])
    t.eq(sorted(LIBRARIES[lib] for lib in used
                if LIBRARIES[lib] not in names), [],
         'debian/control build-depends on every library meson.build uses')
    for tool in ('meson', 'ninja-build', 'python3-docutils',
                 'debhelper-compat'):
        t.ok(tool in names, 'debian/control build-depends on %s' % tool)
    t.ok(re.search(r'^Package: memvm$', control, re.M),
         'debian/control has the binary package memvm')
    dep = re.search(r'^Package: memvm$.*?^Depends:(.*?)(^\S|\Z)', control,
                    re.M | re.S)
    dep_names = {re.match(r'\s*([a-z0-9.+-]+|\$\{[^}]+\})', d).group(1)
                 for d in (dep.group(1) if dep else '').split(',')
                 if d.strip()}
    for const, pkg in DLOPENED.items():
        if const in meson:
            t.ok(pkg in dep_names, 'debian/control: memvm depends on %s '
                 '(dlopen()ed, invisible to dpkg-shlibdeps)' % pkg,
                 'Depends: %s' % sorted(dep_names))
    rules = os.path.join(DEBIAN, 'rules')
    t.ok(os.access(rules, os.X_OK), 'debian/rules is executable')
    with open(rules, encoding='utf-8') as f:
        t.ok('--suite unit' in f.read(),
             'the package build runs the unit suite')
    t.done()


main()
