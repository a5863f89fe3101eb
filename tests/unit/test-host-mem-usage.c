/*
 * Tests for util/host-mem-usage.c: the smaps sum on fixed text, and the
 * census of a real mapping (this host has at least node 0).
 */
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "qemu/cutils.h"
#include "qemu/host-mem.h"
#include "qemu/host-mem-usage.h"

static const char smaps_text[] =
    "7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
    "Size:               4096 kB\n"
    "KernelPageSize:        4 kB\n"
    "Rss:                4096 kB\n"
    "AnonHugePages:      2048 kB\n"
    "ShmemPmdMapped:        0 kB\n"
    "FilePmdMapped:         0 kB\n"
    "VmFlags: rd wr mr mw me ac hg dd\n"
    "7f0000400000-7f0000800000 rw-s 00000000 00:01 1234   /memfd:x (deleted)\n"
    "Size:               4096 kB\n"
    "KernelPageSize:        4 kB\n"
    "ShmemPmdMapped:     2048 kB\n"
    "7f0000800000-7f0000c00000 rw-s 00000000 00:0f 99   /anon_hugepage\n"
    "KernelPageSize:     2048 kB\n"
    "AnonHugePages:      4096 kB\n";

static void test_smaps_sum(void)
{
    HostMemSmaps sm;
    Error *err = NULL;

    /* The first two mappings: THP of both kinds, 4 KiB pages. */
    g_assert_true(host_mem_smaps_sum(smaps_text, 0x7f0000000000,
                                     0x7f0000800000, &sm, &error_abort));
    g_assert_cmpuint(sm.vmas, ==, 2);
    g_assert_cmpuint(sm.kernel_page_size, ==, 4 * KiB);
    g_assert_cmpuint(sm.thp_bytes, ==, 4 * MiB);
    /* Touching only the hugetlb one: its page size. */
    g_assert_true(host_mem_smaps_sum(smaps_text, 0x7f0000900000,
                                     0x7f0000901000, &sm, &error_abort));
    g_assert_cmpuint(sm.vmas, ==, 1);
    g_assert_cmpuint(sm.kernel_page_size, ==, 2 * MiB);
    /* An end is exclusive: nothing overlaps [end of last, ...). */
    g_assert_true(host_mem_smaps_sum(smaps_text, 0x7f0000c00000,
                                     0x7f0001000000, &sm, &error_abort));
    g_assert_cmpuint(sm.vmas, ==, 0);
    g_assert_cmpuint(sm.thp_bytes, ==, 0);

    g_assert_false(host_mem_smaps_sum("7f00 rw-p\n", 0, 1, &sm, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "smaps: cannot parse line 1");
    error_free(err);
}

/* 8 MiB in base pages (no THP), the first @touched pages written. */
static uint8_t *base_page_area(uint64_t size, uint64_t touched)
{
    uint64_t pg = host_mem_host_page_size();
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert_true(p != MAP_FAILED);
    /* Without THP the counts are exact; EINVAL: a kernel without THP. */
    madvise(p, size, MADV_NOHUGEPAGE);
    for (uint64_t i = 0; i < touched; i++) {
        p[i * pg] = 1;
    }
    return p;
}

static void test_usage_exact(void)
{
    uint64_t pg = host_mem_host_page_size();
    uint8_t *p = base_page_area(8 * MiB, 3);
    g_autofree HostMemUsage *u = g_new0(HostMemUsage, 1);
    uint64_t nodes = 0;

    g_assert_true(host_mem_usage_read(p, 8 * MiB, u, &error_abort));
    g_assert_cmpuint(u->size, ==, 8 * MiB);
    g_assert_cmpuint(u->populated, ==, 3 * pg);
    g_assert_cmpuint(u->base_bytes, ==, 3 * pg);
    g_assert_cmpuint(u->thp_bytes, ==, 0);
    g_assert_false(u->hugetlb);
    g_assert_cmpuint(u->page_size, ==, pg);
    g_assert_cmpuint(u->node_stride, ==, 1);
    g_assert_cmpuint(u->node_unknown, ==, 0);
    for (unsigned n = 0; n < HOST_MEM_USAGE_MAX_NODES; n++) {
        nodes += u->node_bytes[n];
    }
    g_assert_cmpuint(nodes, ==, 3 * pg);
    munmap(p, 8 * MiB);
}

/* Over the budget: a sample, which still adds up exactly. */
static void test_usage_sampled(void)
{
    uint64_t pg = host_mem_host_page_size();
    uint64_t pages = 8 * MiB / pg;
    uint8_t *p = base_page_area(8 * MiB, pages);
    g_autofree HostMemUsage *u = g_new0(HostMemUsage, 1);
    uint64_t nodes = 0;

    g_assert_true(host_mem_usage_read_budget(p, 8 * MiB, 100, u,
                                             &error_abort));
    g_assert_cmpuint(u->populated, ==, 8 * MiB);
    g_assert_cmpuint(u->node_stride, ==, (pages + 99) / 100);
    for (unsigned n = 0; n < HOST_MEM_USAGE_MAX_NODES; n++) {
        nodes += u->node_bytes[n];
    }
    g_assert_cmpuint(nodes + u->node_unknown, ==, 8 * MiB);
    g_assert_cmpuint(u->node_unknown, ==, 0);
    munmap(p, 8 * MiB);
}

static void test_usage_unmapped(void)
{
    uint64_t pg = host_mem_host_page_size();
    uint8_t *p = base_page_area(2 * pg, 0);
    g_autofree HostMemUsage *u = g_new0(HostMemUsage, 1);
    Error *err = NULL;

    munmap(p, 2 * pg);
    g_assert_false(host_mem_usage_read(p, 2 * pg, u, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "mincore: Cannot allocate memory");
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host-mem-usage/smaps-sum", test_smaps_sum);
    g_test_add_func("/host-mem-usage/exact", test_usage_exact);
    g_test_add_func("/host-mem-usage/sampled", test_usage_sampled);
    g_test_add_func("/host-mem-usage/unmapped", test_usage_unmapped);
    return g_test_run();
}
