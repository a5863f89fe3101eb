"""Small helpers for the spine tests: run memvm, talk qtest over pipes.

Kept separate from memvm.py (the QMP client library) so that these tests
need nothing but the qtest protocol and the process's exit status.
"""
import os
import subprocess
import sys

BUILD = os.environ.get('MEMVM_BUILD_DIR', 'build')


def binary(arch='x86_64'):
    return os.path.join(BUILD, 'memvm-system-' + arch)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, detail=None):
        self.n += 1
        if cond:
            print('ok %d - %s' % (self.n, desc), flush=True)
        else:
            self.failed += 1
            print('not ok %d - %s' % (self.n, desc), flush=True)
            if detail is not None:
                for line in str(detail).splitlines():
                    print('# ' + line, flush=True)
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, 'got:  %r\nwant: %r' % (got, want))

    def skip(self, desc, reason):
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, desc, reason), flush=True)

    def done(self):
        print('1..%d' % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def run(args, arch='x86_64', stdin=b'', timeout=60):
    """Run memvm to completion; returns (status, stdout, stderr) as text."""
    p = subprocess.run([binary(arch)] + args, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


class QTest:
    """memvm with -qtest stdio: send a line, read the reply line."""

    def __init__(self, args, arch='x86_64'):
        self.proc = subprocess.Popen(
            [binary(arch), '-qtest', 'stdio', '-display', 'none',
             '-nodefaults'] + args,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)

    def cmd(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()
        return self.proc.stdout.readline().decode().rstrip('\n')

    def close(self, timeout=30):
        """End of input ends memvm; returns its exit status."""
        self.proc.stdin.close()
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = None
        self.stderr = self.proc.stderr.read().decode('utf-8', 'replace')
        self.proc.stdout.close()
        self.proc.stderr.close()
        return status
