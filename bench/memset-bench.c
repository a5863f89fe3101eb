/*
 * The host side of bench/guest-ram.py: how long memset() takes over SIZE
 * bytes of fresh shared memory (a memfd, like the guests' backend), on
 * first touch and again once the pages exist.
 *
 * Usage: memset-bench SIZE_IN_BYTES
 * Prints: "first-touch SECONDS" and "touched SECONDS".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t size;
    unsigned char *p;
    double t0, t1, t2;
    int fd;

    if (argc != 2 || !(size = strtoull(argv[1], NULL, 0))) {
        fprintf(stderr, "usage: %s SIZE_IN_BYTES\n", argv[0]);
        return 2;
    }
    /* The same kind of memory as memory-backend-memfd gives a guest. */
    fd = memfd_create("memset-bench", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, size) < 0) {
        perror("memfd");
        return 1;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    t0 = now();
    memset(p, 0x5a, size);
    t1 = now();
    memset(p, 0xa5, size);
    t2 = now();
    /* Read something back so that neither memset can be dropped. */
    if (p[size - 1] != 0xa5) {
        return 1;
    }
    printf("first-touch %.6f\ntouched %.6f\n", t1 - t0, t2 - t1);
    munmap(p, size);
    close(fd);
    return 0;
}
