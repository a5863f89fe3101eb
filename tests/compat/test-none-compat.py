#!/usr/bin/env python3
"""The spine next to QEMU 7.2: the same `-M none` command lines (and a few
on `pc`) through both programs.  Both must accept or refuse alike; when
both start, the RAM lines of `info mtree -f` (AS "memory") and the rows
of `info ramblock` must be equal; when both refuse, the error message
must be equal (after the program name).  Skips when QEMU is missing.
"""
import shutil
import tempfile

from compat import Case, Tap, run, run_cases

SHM = tempfile.mkdtemp(prefix='memvm-none-compat-', dir='/dev/shm')
R = 'memory-backend-ram,id=m0,size=%s'

CASES = [
    ['-M', 'none', '-m', '256M'],
    ['-M', 'none'],
    ['-M', 'none', '-m', '0'],
    ['-M', 'none', '-object', R % '256M', '-M', 'memory-backend=m0'],
    ['-M', 'none', '-m', '256M', '-object', R % '256M',
     '-M', 'memory-backend=m0'],
    ['-m', '256M', '-M', 'none', '-object', R % '256M',
     '-machine', 'memory-backend=m0'],
    ['-M', 'none', '-m', '64M', '-mem-path', SHM],
    ['-M', 'none', '-m', '64M', '-mem-prealloc'],
    ['-M', 'none', '-mem-prealloc', '-object', R % '64M',
     '-M', 'memory-backend=m0'],
    ['-M', 'none', '-object', R % '64M', '-object',
     'memory-backend-ram,id=m1,size=32M', '-M', 'memory-backend=m1'],
    ['-M', 'none', '-object',
     'memory-backend-memfd,id=m0,size=128M', '-M', 'memory-backend=m0'],
    ['-M', 'none', '-object',
     'memory-backend-file,id=m0,size=128M,mem-path=%s/f,share=on' % SHM,
     '-M', 'memory-backend=m0'],
    ['-M', 'pc', '-m', '1G', '-object', R % '1G', '-M', 'memory-backend=m0'],
    ['-M', 'pc', '-object', R % '512M', '-M', 'memory-backend=m0'],
    # Older machine versions: RAM block names and legacy NUMA as then.
    ['-M', 'pc-i440fx-3.1,memory-backend=m0', '-m', '256M', '-object',
     'memory-backend-memfd,id=m0,size=256M'],
    ['-M', 'pc-i440fx-3.1,memory-backend=m0', '-m', '256M', '-object',
     R % '256M'],
    ['-M', 'pc-i440fx-3.1', '-m', '256M', '-mem-path', SHM],
    ['-M', 'pc-i440fx-4.2', '-m', '2G', '-numa', 'node,mem=1G', '-numa',
     'node,mem=1G'],
    ['-M', 'pc-i440fx-7.1', '-m', '4G'],
    # Both refuse:
    ['-M', 'pc-i440fx-5.1', '-m', '2G', '-numa', 'node,mem=1G', '-numa',
     'node,mem=1G'],
    ['-M', 'none', '-m', '1G', '-object', R % '512M',
     '-M', 'memory-backend=m0'],
    ['-M', 'none', '-mem-path', SHM, '-object', R % '512M',
     '-M', 'memory-backend=m0'],
    ['-M', 'none,memory-backend=nope'],
    ['-M', 'pc,memory-backend=nope'],
    ['-M', 'none', '-m', 'abc'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=0'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=abc'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M,foo=bar'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M',
     '-object', 'memory-backend-ram,id=m,size=1M'],
    ['-M', 'none', '-object', 'nosuchtype,id=x'],
    ['-M', 'none', '-object', 'memory-backend-ram,id=m,size=1M,policy=bind'],
    ['-M', 'none', '-object',
     'memory-backend-file,id=m,size=1M,mem-path=/nonexistent/x'],
    ['-M', 'none', '-object',
     'memory-backend-memfd,id=m,size=4M,hugetlb=on,hugetlbsize=3M'],
    ['-M', 'none', '-object', R % '64M', '-numa', 'node,memdev=m0'],
    ['-M', 'pc', '-m', '1G', '-object', R % '1G', '-M', 'memory-backend=m0',
     '-numa', 'node,memdev=m0'],
    ['-M', 'pc', '-m', '2G', '-numa', 'node,mem=1G', '-numa', 'node,mem=1G'],
]


def same_or_located(qemu_said, memvm_said):
    # memvm names the -object option where QEMU gives no location.
    return memvm_said == qemu_said or memvm_said.endswith(': ' + qemu_said)


def deliberate_differences(tap):
    """Where memvm refuses what QEMU silently fixes up (docs/differences.md).
    """
    status, _, err = run(['-M', 'none', '-m', '1025k', '-display', 'none'])
    tap.ok(status == 1 and err.strip().endswith(
        '-m 1025k: RAM size 1049600 is not a multiple of 8 KiB'),
        'memvm refuses -m 1025k (QEMU rounds it up to 1032k)', err)


def main():
    tap = Tap()
    try:
        deliberate_differences(tap)
        run_cases(tap, [Case.live('same as QEMU 7.2: ' + ' '.join(args),
                                  'x86_64', args, accept=same_or_located)
                        for args in CASES])
    finally:
        shutil.rmtree(SHM, ignore_errors=True)
    tap.done()


if __name__ == '__main__':
    main()
