/*
 * Knowing a guest page is zero without reading it.
 *
 * Reading a page to check it for zeros costs a page fault when the page
 * was never touched (anonymous memory maps the zero page) and, worse, it
 * allocates shmem pages of memfd and share=on backends (QEMU 7.2 grows an
 * untouched 8 GiB memfd guest to its full size when it migrates).  The
 * kernel knows better:
 * - anonymous memory: /proc/self/pagemap says a page is neither present
 *   nor swapped, so it was never written: zero;
 * - shared files and memfds: lseek(SEEK_DATA) finds holes, which read as
 *   zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>

#include "migration/ram-zero.h"

/* Data of shared files is mapped ahead in windows of this size. */
#define POPULATE_WINDOW (4 * 1024 * 1024)

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)

static int pagemap_fd = -2;     /* -2: not opened yet, -1: unavailable */

void ram_zero_probe_init(RAMZeroProbe *p, RAMBlock *rb)
{
    memset(p, 0, sizeof(*p));
    p->rb = rb;
    if (pagemap_fd == -2) {
        pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    }
    /* Pagemap entries describe host pages; they must be target pages. */
    p->use_pagemap = rb->fd < 0 && pagemap_fd >= 0 &&
                     getpagesize() == (int)TARGET_PAGE_SIZE;
    /*
     * A private file mapping may hold written pages over the file's
     * holes: only shared mappings are what the file says.
     */
    p->use_holes = rb->fd >= 0 && (rb->flags & RAM_SHARED);
}

static bool pagemap_untouched(RAMZeroProbe *p, uint64_t page)
{
    if (page < p->pm_start || page >= p->pm_start + p->pm_count) {
        uint64_t pages = p->rb->used_length / TARGET_PAGE_SIZE;
        uintptr_t vpage = (uintptr_t)p->rb->host / TARGET_PAGE_SIZE + page;
        size_t want = MIN((uint64_t)RAM_ZERO_PM_BATCH, pages - page);
        ssize_t n = pread(pagemap_fd, p->pm, want * sizeof(uint64_t),
                          vpage * sizeof(uint64_t));

        if (n < (ssize_t)sizeof(uint64_t)) {
            p->use_pagemap = false;
            return false;
        }
        p->pm_start = page;
        p->pm_count = n / sizeof(uint64_t);
    }
    return !(p->pm[page - p->pm_start] & (PM_PRESENT | PM_SWAPPED));
}

static bool in_hole(RAMZeroProbe *p, uint64_t offset)
{
    RAMBlock *rb = p->rb;
    off_t data;

    if (offset < p->hole_end) {
        return true;
    }
    if (offset < p->data_until) {
        return false;
    }
    data = lseek(rb->fd, rb->fd_offset + offset, SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO) {
            /* No data from here to the end of the file. */
            p->hole_end = rb->used_length;
            return true;
        }
        p->data_until = rb->used_length;   /* no SEEK_DATA: read pages */
        return false;
    }
    data -= rb->fd_offset;
    if ((uint64_t)data > offset) {
        p->hole_end = (uint64_t)data & ~(TARGET_PAGE_SIZE - 1);
        return offset < p->hole_end;
    }
    /* Data from here to the next hole: read those pages. */
    data = lseek(rb->fd, rb->fd_offset + offset, SEEK_HOLE);
    p->data_until = data < 0 ? rb->used_length :
                    (uint64_t)(data - rb->fd_offset);
    return false;
}

/*
 * The pages about to be read are data in the page cache: map a window of
 * them in one call rather than taking a fault per page.  Holes are left
 * out (a read fault would allocate shmem there).
 */
static void populate_data(RAMZeroProbe *p, uint64_t offset)
{
    uint64_t end = MIN(offset + POPULATE_WINDOW, p->data_until);

    if (offset < p->populated_until || end <= offset) {
        return;
    }
    /* Best effort: before Linux 5.14 this fails and faults do the work. */
    madvise(p->rb->host + offset, end - offset, MADV_POPULATE_READ);
    p->populated_until = end;
}

bool ram_zero_probe_known_zero(RAMZeroProbe *p, uint64_t offset)
{
    if (p->use_pagemap) {
        return pagemap_untouched(p, offset / TARGET_PAGE_SIZE);
    }
    if (p->use_holes) {
        if (in_hole(p, offset)) {
            return true;
        }
        if (p->populate) {
            populate_data(p, offset);
        }
    }
    return false;
}

bool ram_page_is_zero(const uint8_t *page)
{
    const uint64_t *w = (const uint64_t *)page;

    /* Eight words at a time: the compiler turns this into vector ORs. */
    for (size_t i = 0; i < TARGET_PAGE_SIZE / 8; i += 8) {
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] |
            w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7]) {
            return false;
        }
    }
    return true;
}
