#!/usr/bin/env python3
"""The man pages built from docs/man/ against what memvm really accepts.

memvm(1) must document every option in softmmu/vl.c's option table and no
other; memvm-backends(7) every property of every user-creatable backend
type (as `-object TYPE,help` lists it) with the default help prints, and
no property that does not exist.  So the pages cannot drift from the code.
"""
import os
import re
import subprocess
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', 'qtest'))
from memvm import Tap, run, BUILD_DIR, missing_program  # noqa: E402

SRC = os.environ.get('MEMVM_SOURCE_DIR',
                     os.path.join(os.path.dirname(__file__), '..', '..'))
MAN1 = os.path.join(BUILD_DIR, 'docs', 'memvm.1')
MAN7 = os.path.join(BUILD_DIR, 'docs', 'memvm-backends.7')
# "Default: off (on for memory-backend-memfd)." gives "off".
DEFAULT_RE = re.compile(r'Default: (.*?)(?: \(.*?\))?\.(?:\s|$)')


def unescape(text):
    """Plain text of a line of the troff that rst2man writes."""
    text = re.sub(r'\\f[BIRP]', '', text)
    text = text.replace('\\-', '-').replace("\\(aq", "'")
    text = text.replace('\\&', '').replace('\\e', '\\')
    return text


def man_entries(path):
    """{section: [(term, body)]} of the definition lists of a man page;
    a section is a .SH heading, or .SH/.SS for subsections."""
    sections = {}
    sh = ss = None
    term = None
    body = []

    def flush():
        if term is not None:
            sections.setdefault(sh, []).append((term, ' '.join(body)))
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('.SH ') or line.startswith('.SS '):
            flush()
            term = None
            body = []
            title = unescape(line[4:].strip().strip('"'))
            if line.startswith('.SH '):
                sh, ss = title, None
            else:
                ss = title
        elif line == '.TP' and i + 1 < len(lines):
            flush()
            i += 1
            term = unescape(re.sub(r'^\.B\s+', '', lines[i]))
            body = []
        elif line in ('.UNINDENT', '.INDENT 0.0'):
            pass
        elif term is not None and not line.startswith('.'):
            body.append(unescape(line))
        i += 1
    flush()
    return sections


def vl_options():
    """The option names of softmmu/vl.c's table (the parser's truth)."""
    with open(os.path.join(SRC, 'softmmu', 'vl.c'), encoding='utf-8') as f:
        src = f.read()
    table = re.search(r'VLOption vl_options\[\] = \{(.*?)\n\};', src, re.S)
    return set(re.findall(r'\{\s*"([^"]+)",\s*ARG_', table.group(1)))


def documented_options(entries):
    """Option names the OPTIONS section's terms define ("-m SIZE, -x")."""
    names = set()
    for term, _ in entries.get('OPTIONS', []):
        for alt in term.split(', -'):
            word = alt.strip().lstrip('-').split(' ')[0]
            names.add(word)
    return names


def backend_help():
    """{type: {property: default or None}} from -object help output."""
    _, out, _ = run(['-object', 'help'])
    types = [l.strip() for l in out.splitlines()[1:] if l.strip()]
    result = {}
    for t in types:
        _, out, _ = run(['-object', t + ',help'])
        props = {}
        for line in out.splitlines()[1:]:
            m = re.match(r'\s+([a-z0-9-]+)=\S+(?:\s+- .*?)?'
                         r'(?:\(default: (.*)\))?$', line)
            if m:
                props[m.group(1)] = m.group(2)
        result[t] = props
    return result


def main():
    t = Tap()
    for page in (MAN1, MAN7):
        if not t.ok(os.path.exists(page), '%s was built'
                    % os.path.basename(page)):
            t.done()
    if not t.skip_if(missing_program('groff'),
                     'man pages format without groff warnings'):
        for page in (MAN1, MAN7):
            p = subprocess.run(['groff', '-man', '-ww', '-z', page],
                               capture_output=True, text=True)
            t.eq(p.stderr, '', '%s formats without groff warnings'
                 % os.path.basename(page))

    man1 = man_entries(MAN1)
    known = vl_options()
    documented = documented_options(man1)
    t.eq(sorted(known - documented), [],
         'memvm(1) documents every option of vl.c')
    t.eq(sorted(documented - known), [],
         'memvm(1) documents no option vl.c lacks')

    status, out, _ = run(['-h'])
    t.ok(status == 0 and 'man memvm' in out,
         '-h prints a short usage pointing to man memvm', out)
    status, out2, _ = run(['--help'])
    t.eq((status, out2), (0, out), '--help prints the same')

    man7 = man_entries(MAN7)
    common = dict(man7.get('COMMON PROPERTIES', []))
    helps = backend_help()
    t.ok(helps and all(helps.values()), '-object help lists backends',
         helps)
    all_props = set()
    for typ, props in sorted(helps.items()):
        own = dict(man7.get(typ.upper(), []))
        missing, wrong = [], []
        for prop, default in sorted(props.items()):
            all_props.add(prop)
            body = own.get(prop) or common.get(prop)
            if body is None:
                missing.append(prop)
                continue
            if default is None:
                continue
            m = DEFAULT_RE.search(own.get(prop) or '') or \
                DEFAULT_RE.search(body)
            if not m or m.group(1) != default:
                wrong.append('%s: help says %r, man page %r'
                             % (prop, default, m and m.group(1)))
        t.eq(missing, [], 'memvm-backends(7) lists every %s property' % typ)
        t.eq(wrong, [], 'memvm-backends(7) gives every %s default as '
             '-object help does' % typ)
    listed = set(common)
    for typ in helps:
        listed |= set(dict(man7.get(typ.upper(), [])))
    t.eq(sorted(listed - all_props), [],
         'memvm-backends(7) lists no property the backends lack')
    t.done()


main()
