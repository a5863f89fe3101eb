/*
 * The populate baseline for bench/prealloc-start.py: map SIZE bytes of
 * private anonymous memory on a 2 MiB boundary (as memvm and QEMU map
 * anonymous guest RAM), ask for THP, populate it with
 * MADV_POPULATE_WRITE on THREADS threads (contiguous chunks), exit.
 * What a preallocating emulator cannot beat on this host.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

struct chunk {
    char *p;
    size_t len;
};

static void *populate(void *opaque)
{
    struct chunk *c = opaque;

    if (madvise(c->p, c->len, MADV_POPULATE_WRITE)) {
        perror("MADV_POPULATE_WRITE");
        exit(1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    size_t size, per;
    unsigned threads;
    pthread_t tid[64];
    struct chunk c[64];
    char *p;

    if (argc != 3 || !(size = strtoull(argv[1], NULL, 0)) ||
        !(threads = strtoul(argv[2], NULL, 0)) || threads > 64) {
        fprintf(stderr, "usage: %s SIZE_IN_BYTES THREADS\n", argv[0]);
        return 2;
    }
    /* 2 MiB more than needed, so that an aligned start fits inside. */
    p = mmap(NULL, size + (2 << 20), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    p = (char *)(((uintptr_t)p + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
    madvise(p, size, MADV_HUGEPAGE);
    /* Chunks of whole 2 MiB pages, so that THP is never split. */
    per = (size / threads + (2 << 20) - 1) & ~(size_t)((2 << 20) - 1);
    for (unsigned i = 0; i < threads; i++) {
        size_t off = per * i;

        c[i].p = p + off;
        c[i].len = off >= size ? 0 : (size - off < per ? size - off : per);
        if (c[i].len) {
            pthread_create(&tid[i], NULL, populate, &c[i]);
        }
    }
    for (unsigned i = 0; i < threads; i++) {
        if (c[i].len) {
            pthread_join(tid[i], NULL);
        }
    }
    return 0;
}
