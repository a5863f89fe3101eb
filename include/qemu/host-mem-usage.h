/*
 * What really backs guest RAM, as the kernel reports it: how much of a
 * mapping is populated, on which host NUMA nodes, and in which page sizes
 * (base pages, transparent huge pages, hugetlb pages).  For
 * x-query-memdev-usage and "info memdev".
 *
 * Method and cost (docs/qmp.md has the user's version):
 *  - populated: mincore(2) over the mapping, in chunks (one byte per base
 *    page of address space: 3 ms for 4 GiB).  It counts pages present in
 *    RAM: for shared memory (memfd, files) also pages in the page cache
 *    that memvm has not mapped; swapped-out pages do not count.
 *  - nodes: move_pages(2) without target nodes, which only reports the
 *    node of each page, in batches of HOST_MEM_USAGE_BATCH addresses: one
 *    address per populated base page, one per hugetlb page.  Beyond
 *    HOST_MEM_USAGE_NODE_BUDGET populated pages, one page in k is asked
 *    and counts for k (@node_stride), which keeps a 4 GiB backend of base
 *    pages at ~40 ms instead of ~180 ms for an exact census.  Pages memvm
 *    has not mapped itself (a shared memfd filled by another process)
 *    have no node to report: @node_unknown.
 *  - page sizes: /proc/self/smaps of the mappings that cover the area:
 *    KernelPageSize says hugetlb and its size; AnonHugePages,
 *    ShmemPmdMapped and FilePmdMapped the bytes in PMD-sized transparent
 *    huge pages.  The rest of what is populated is in base pages
 *    (including mTHP folios smaller than a PMD, which smaps does not tell
 *    apart).  Reading smaps walks every mapping of the process.
 */
#ifndef QEMU_HOST_MEM_USAGE_H
#define QEMU_HOST_MEM_USAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

/* The kernel's largest MAX_NUMNODES (CONFIG_NODES_SHIFT 10). */
#define HOST_MEM_USAGE_MAX_NODES 1024
/* Populated pages whose node is asked one by one; beyond, a sample. */
#define HOST_MEM_USAGE_NODE_BUDGET (1u << 18)
/* Addresses per move_pages(2) call. */
#define HOST_MEM_USAGE_BATCH 16384

/* All sizes in bytes. */
typedef struct HostMemUsage {
    uint64_t size;              /* the area */
    uint64_t populated;         /* present in RAM (mincore) */
    /* populated bytes per host node; sums with @node_unknown to it */
    uint64_t node_bytes[HOST_MEM_USAGE_MAX_NODES];
    uint64_t node_unknown;
    uint64_t node_stride;       /* 1: every page asked; k: one in k */
    uint64_t page_size;         /* of the mapping: base or hugetlb size */
    bool hugetlb;               /* @page_size pages from a hugetlb pool */
    uint64_t thp_size;          /* the PMD size of THP; 0: host has none */
    uint64_t thp_bytes;         /* populated in THP (never with @hugetlb) */
    uint64_t base_bytes;        /* populated in base pages */
} HostMemUsage;

/* What the smaps entries overlapping one area add up to. */
typedef struct HostMemSmaps {
    unsigned vmas;              /* mappings that overlap the area */
    uint64_t kernel_page_size;  /* largest KernelPageSize among them */
    uint64_t thp_bytes;         /* AnonHugePages + Shmem/FilePmdMapped */
} HostMemSmaps;

/*
 * Fill @u for the mapping [@area, @area + @size) (@area page aligned, the
 * whole range mapped).  Errors name what could not be read:
 *   "mincore: Cannot allocate memory" (the range is not mapped)
 *   "move_pages: Function not implemented" (a kernel without NUMA)
 *   "cannot read /proc/self/smaps: ..."
 */
bool host_mem_usage_read(void *area, uint64_t size, HostMemUsage *u,
                         Error **errp);

/* The same with another budget for the node census (for tests). */
bool host_mem_usage_read_budget(void *area, uint64_t size, uint64_t budget,
                                HostMemUsage *u, Error **errp);

/*
 * Sum the entries of @smaps (the text of /proc/PID/smaps) that overlap
 * [@start, @end) into @out.  Split out so that unit tests can feed it
 * text; false with "smaps: cannot parse line N" on a malformed header.
 */
bool host_mem_smaps_sum(const char *smaps, uintptr_t start, uintptr_t end,
                        HostMemSmaps *out, Error **errp);

#endif
