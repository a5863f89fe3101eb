"""Shared pieces of the side-by-side tests against QEMU 7.2.

  Run            one program started paused with a QMP socket, or its refusal
  observe(argv)  {'flat': RAM/ROM lines of AS "memory", 'blocks': rows of
                 info ramblock} or {'refused': (status, stderr)}
  error_message  the first stderr line without the program name
  diff           a readable want/got block for TAP diagnostics

Python 3 standard library only.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

from memvm import QMP

TIMEOUT = 60


class Run:
    """One program, paused, with QMP on a unix socket; or its refusal."""

    def __init__(self, argv):
        self.dir = tempfile.mkdtemp(prefix='memvm-boards-')
        path = os.path.join(self.dir, 'qmp.sock')
        self.proc = subprocess.Popen(
            argv + ['-qmp', 'unix:%s,server=on,wait=off' % path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.qmp = None
        self.refused = None      # (status, stderr) when it did not start
        deadline = time.time() + TIMEOUT
        while not os.path.exists(path) and self.proc.poll() is None:
            if time.time() > deadline:
                self.close()
                raise RuntimeError('no QMP socket after %ds' % TIMEOUT)
            time.sleep(0.02)
        try:
            if self.proc.poll() is None:
                self.qmp = QMP(path, timeout=TIMEOUT)
        except (OSError, EOFError, ValueError):
            # QEMU serves QMP before the board runs: a board-time error
            # can close the socket under us.
            self.qmp = None
        if self.qmp is None:
            try:
                _, err = self.proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.close()
                raise RuntimeError('QMP failed but the program still runs')
            self.refused = (self.proc.returncode,
                            err.decode('utf-8', 'replace'))

    def hmp(self, line):
        return self.qmp.hmp(line).replace('\r\n', '\n')

    def close(self):
        if self.qmp is not None:
            try:
                self.qmp.cmd('quit')
            except (OSError, EOFError):
                pass
            self.qmp.close()
        try:
            self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)


RAM_LINE = re.compile(r'^  [0-9a-f]{16}-[0-9a-f]{16} '
                      r'\(prio -?\d+, (nv-)?(ram|rom|romd|ramd)\): ')


def memory_ram_lines(flatviews):
    """RAM/ROM lines of the FlatView that AS "memory" uses."""
    for view in flatviews.split('FlatView #')[1:]:
        if ' AS "memory", root:' not in view:
            continue
        return [line.replace(', romd)', ', rom)')
                for line in view.splitlines() if RAM_LINE.match(line)]
    return []


def ramblock_rows(text):
    return [line for line in text.splitlines() if line.strip()]


def error_message(stderr):
    """The first line without "program: " and without trailing blanks."""
    first = stderr.strip().splitlines()[0] if stderr.strip() else ''
    return first.split(': ', 1)[1].rstrip() if ': ' in first else first


def diff(what, want, got):
    return '%s\nQEMU 7.2:\n  %s\nmemvm:\n  %s' % (
        what, '\n  '.join(want), '\n  '.join(got))


def observe(argv):
    run = Run(argv)
    if run.refused:
        run.close()
        return {'refused': run.refused}
    try:
        return {'flat': memory_ram_lines(run.hmp('info mtree -f')),
                'blocks': ramblock_rows(run.hmp('info ramblock'))}
    finally:
        run.close()


