#!/usr/bin/env python3
"""Write a newc cpio archive of directory ARGV[1] to stdout (for initramfs).

Owners are root, times zero, so that the archive depends only on the
files' contents and modes.
"""
import os
import stat
import sys


def header(ino, mode, size, nlink, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    root = sys.argv[1]
    out = sys.stdout.buffer
    ino = 1
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        entries = [] if rel == "." else [rel]
        entries += [os.path.normpath(os.path.join(rel, f))
                    for f in sorted(filenames)]
        for name in entries:
            path = os.path.join(root, name)
            st = os.lstat(path)
            data = b""
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            elif stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            bname = name.encode()
            hdr = header(ino, st.st_mode, len(data),
                         2 if stat.S_ISDIR(st.st_mode) else 1, bname)
            out.write(hdr + bname + b"\0" + pad(len(hdr) + len(bname) + 1))
            out.write(data + pad(len(data)))
            ino += 1
    trailer = b"TRAILER!!!"
    hdr = header(0, 0, 0, 1, trailer)
    out.write(hdr + trailer + b"\0" + pad(len(hdr) + len(trailer) + 1))


if __name__ == "__main__":
    main()
