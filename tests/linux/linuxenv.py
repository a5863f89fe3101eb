"""Where tests/linux finds Debian's arm64 kernel and busybox
(scripts/fetch-linux.sh), and the kernel command line they boot with."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'qtest'))

SOURCE = os.environ.get('MEMVM_SOURCE_DIR', os.path.join(HERE, '..', '..'))
LINUX_DIR = os.environ.get('MEMVM_LINUX_DIR',
                           os.path.join(SOURCE, 'build', 'linux'))
IMAGE = os.path.join(LINUX_DIR, 'Image')
INITRD = os.path.join(LINUX_DIR, 'initrd')
# The busybox fetch-linux.sh put in the initrd, for initrds of a test's own.
BUSYBOX = os.path.join(LINUX_DIR, 'root', 'bin', 'busybox')
# nokaslr: a randomly placed kernel now and then needs one more page
# table page (MemTotal 4 KiB lower); without it both runs are repeatable.
APPEND = 'console=ttyAMA0 panic=-1 nokaslr'
