/*
 * Host memory for guest RAM: mapping, placement, population, and the fds
 * (memfd, files on tmpfs/hugetlbfs/DAX) that memory backends map.
 *
 * This is the only layer that calls mmap/mbind/madvise on guest RAM; the
 * backends in backends/hostmem*.c decide what to ask for.  Every fallible
 * function takes `Error **errp` last and returns bool, a pointer (NULL on
 * failure) or an fd (-1 on failure).  Nothing here prints or exits.
 *
 * Sizes and offsets are in bytes.  Where QEMU 7.2 has a message for the
 * same failure, the text is QEMU's, so that users and scripts see the same
 * words; differences are listed at each function.
 */
#ifndef QEMU_HOST_MEM_H
#define QEMU_HOST_MEM_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include "qapi/error.h"

/* host_mem_map() flags; combine with |. */
typedef enum HostMemMapFlags {
    /* MAP_SHARED: writes reach the file / other mappers (share=on). */
    HOST_MEM_MAP_SHARED = 1 << 0,
    /* MAP_NORESERVE: no swap or huge page reservation (reserve=off). */
    HOST_MEM_MAP_NORESERVE = 1 << 1,
    /* PROT_READ only (readonly=on). */
    HOST_MEM_MAP_READONLY = 1 << 2,
    /* MAP_SYNC for DAX files (pmem=on); only with SHARED and an fd. */
    HOST_MEM_MAP_SYNC = 1 << 3,
} HostMemMapFlags;

/* Host NUMA nodes that host-nodes may name: 0 .. 127, as in QEMU. */
#define HOST_MEM_MAX_NODES 128

/*
 * Map @size bytes of @fd from @fd_offset (anonymous memory when @fd < 0)
 * at an address aligned to @align, followed by one inaccessible guard page.
 *
 * @align: a power of two and a multiple of the page size of @fd (huge page
 *   size on hugetlbfs); 0 means that page size.  The address range is
 *   reserved PROT_NONE first, so any alignment (2 MiB, 1 GiB) is met.
 * @size: rounded up to the host page size; on hugetlbfs it must be a
 *   multiple of the huge page size, so that host_mem_unmap() can free it
 *   from the size alone.
 * @flags: see HostMemMapFlags.  NORESERVE is refused, as QEMU refuses it,
 *   where the kernel would ignore it: private writable normal-page memory
 *   when /proc/sys/vm/overcommit_memory is 2 or cannot be read.  SYNC
 *   falls back to a plain shared mapping when the kernel or file system
 *   refuses MAP_SYNC (as QEMU does); host_mem_fd_supports_map_sync() tells
 *   the caller whether to warn.
 *
 * Errors (QEMU 7.2's text):
 *   "alignment 0x%lx must be multiples of page size 0x%lx"
 *   "alignment 0x%lx must be a power of two"
 *   "memory size 0x%lx must be equal to or larger than page size 0x%lx"
 *   "Skipping reservation of swap space is not supported:
 *    \"/proc/sys/vm/overcommit_memory\" is \"2\""
 *   "Skipping reservation of swap space is not supported: Could not read:
 *    \"/proc/sys/vm/overcommit_memory\""
 *   "unable to map backing store for guest RAM: <errno text>" (@fd >= 0)
 *   "cannot set up guest memory: <errno text>" (anonymous; QEMU puts the
 *    region name before the colon, we leave naming it to the caller)
 * memvm only: "memory size 0x%lx must be a multiple of page size 0x%lx".
 *
 * Returns the mapping, or NULL with @errp set.
 */
void *host_mem_map(int fd, uint64_t size, uint64_t align, uint64_t fd_offset,
                   HostMemMapFlags flags, Error **errp);

/*
 * Unmap what host_mem_map() returned, guard page included; @size as given
 * to host_mem_map().  NULL @ptr is a no-op.
 */
void host_mem_unmap(void *ptr, uint64_t size);

/*
 * Whether @fd can be mapped with MAP_SYNC (a DAX file).  When it cannot,
 * host_mem_map(HOST_MEM_MAP_SYNC) maps without it, and QEMU warns:
 * "Warning: requesting persistence across crashes for backend file %s
 * failed. Proceeding without persistence, data might become corrupted in
 * case of host crash."
 */
bool host_mem_fd_supports_map_sync(int fd);

/*
 * KSM hint (merge=on/off): MADV_MERGEABLE or MADV_UNMERGEABLE.  A kernel
 * built without KSM answers EINVAL; that is not an error (QEMU ignores it
 * too).  Other failures: "madvise(MADV_MERGEABLE) failed: <errno text>".
 */
bool host_mem_madvise_merge(void *ptr, uint64_t size, bool merge,
                            Error **errp);

/*
 * Core dump hint (dump=on/off): MADV_DODUMP or MADV_DONTDUMP.
 * Error: "madvise(MADV_DONTDUMP) failed: <errno text>" (or DODUMP).
 */
bool host_mem_madvise_dump(void *ptr, uint64_t size, bool dump,
                           Error **errp);

/*
 * Transparent huge page hint: MADV_HUGEPAGE or MADV_NOHUGEPAGE.  EINVAL
 * (kernel without THP, or a hugetlbfs mapping) is not an error.
 */
bool host_mem_madvise_hugepage(void *ptr, uint64_t size, bool on,
                               Error **errp);

/*
 * Check one host-nodes value as QEMU does when the property is set:
 * "Invalid host-nodes value: %u" when @node >= HOST_MEM_MAX_NODES.
 */
bool host_mem_check_host_node(uint64_t node, Error **errp);

/*
 * memvm only: check that every one of @nodes (@n_nodes node numbers) is a
 * NUMA node with memory on this host (/sys/devices/system/node/has_memory,
 * else "online").  QEMU only finds out in mbind(); this gives the reason:
 * "host-nodes value 5 is not a NUMA node with memory on this host
 * (nodes with memory: 0)".  Also applies host_mem_check_host_node().
 */
bool host_mem_check_host_nodes_present(const uint64_t *nodes,
                                       unsigned n_nodes, Error **errp);

/*
 * Apply a NUMA policy to [ptr, ptr + size) with mbind(2).
 *
 * @policy: the kernel's MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND or
 *   MPOL_INTERLEAVE (0..3), which are also the values of HostMemPolicy,
 *   as in QEMU.
 * @nodes: @n_nodes host node numbers (duplicates allowed, any order).
 *
 * Like QEMU 7.2: MPOL_MF_STRICT | MPOL_MF_MOVE, so pages already placed
 * elsewhere are moved or the call fails; MPOL_DEFAULT without nodes does
 * nothing; any refusal by the kernel is an error, for every policy.
 * Errors (QEMU's text):
 *   "Invalid host-nodes value: %u"
 *   "host-nodes must be empty for policy default, or you should explicitly
 *    specify a policy other than default"
 *   "host-nodes must be set for policy %s"
 *   "cannot bind memory to host NUMA nodes: <errno text>", with a hint
 *    naming the host's memory nodes when a node is not one of them.
 */
bool host_mem_mbind(void *ptr, uint64_t size, int policy,
                    const uint64_t *nodes, unsigned n_nodes, Error **errp);

/*
 * Populate every page of [area, area + size) writable, so that the guest
 * never faults memory in (prealloc=on).  @fd is the mapped fd (-1 for
 * anonymous memory) and gives the page size (huge pages on hugetlbfs).
 *
 * Uses MADV_POPULATE_WRITE (Linux 5.14+); where the kernel or the mapping
 * refuses it with EINVAL, touches one byte per page instead (writing back
 * the value read, so file data survives) under a SIGBUS handler that is
 * installed only for the duration and then restored.  A full tmpfs or an
 * empty huge page pool (SIGBUS, EFAULT) or an out-of-memory kernel
 * (ENOMEM) becomes an error, never a crash:
 *   "qemu_prealloc_mem: preallocating memory failed: Bad address"
 * (QEMU 7.2's text, kept because users grep for it).  The area must be
 * mapped writable.
 *
 * @threads: upper bound on worker threads; see host_mem_prealloc_threads().
 */
bool host_mem_prealloc(int fd, void *area, uint64_t size, unsigned threads,
                       Error **errp);

/*
 * host_mem_prealloc() without MADV_POPULATE_WRITE: always the touch path
 * and its SIGBUS handler.  For kernels before 5.14 and for tests.
 */
bool host_mem_prealloc_touch(int fd, void *area, uint64_t size,
                             unsigned threads, Error **errp);

/*
 * The number of threads host_mem_prealloc() uses for @size bytes of
 * @page_size pages when asked for at most @max_threads: QEMU's rule, at
 * most the online CPUs, 16, the number of pages, and one per 64 MiB.
 * Never 0.
 */
unsigned host_mem_prealloc_threads(uint64_t size, uint64_t page_size,
                                   unsigned max_threads);

/*
 * Whether MADV_POPULATE_WRITE works on this mapping (populating its first
 * page as a probe), i.e. host_mem_prealloc_areas() can take it.
 */
bool host_mem_can_populate(int fd, void *area, uint64_t size);

/* The number of CPUs memvm may run on (sched_getaffinity); at least 1. */
unsigned host_mem_affinity_cpus(void);

/* One area for host_mem_prealloc_areas(). */
typedef struct HostMemPreallocArea {
    void *area;
    uint64_t size;              /* in bytes, a multiple of @page_size */
    uint64_t page_size;         /* in bytes */
    unsigned threads;           /* threads for this area, >= 1 */
    const uint64_t *nodes;      /* host nodes whose CPUs run them, or NULL */
    unsigned n_nodes;
    /* Out: */
    bool failed;                /* the area the error is about */
    int failed_err;
} HostMemPreallocArea;

/* Called about every 100 ms with the bytes populated so far. */
typedef void (*HostMemPreallocProgress)(uint64_t done, uint64_t total,
                                        void *opaque);

/*
 * Populate @n areas at the same time with MADV_POPULATE_WRITE, each with
 * its own threads (pinned to the CPUs of its @nodes that memvm may use),
 * in 64 MiB steps.  The caller checked that MADV_POPULATE_WRITE works on
 * every area.  When *@stop becomes non-zero (a signal handler sets it to
 * the signal number) the workers stop after their current step:
 *   "preallocation interrupted by signal 2 after 1.2 GiB of 4 GiB"
 * A kernel refusal marks the area (->failed) and gives QEMU's text:
 *   "qemu_prealloc_mem: preallocating memory failed: Bad address"
 * @progress (optional) sees the progress, and once more at the end.
 */
bool host_mem_prealloc_areas(HostMemPreallocArea *areas, unsigned n,
                             volatile sig_atomic_t *stop,
                             HostMemPreallocProgress progress,
                             void *opaque, Error **errp);

/*
 * Create a memfd of @size bytes named @name (shown in /proc/PID/maps),
 * close-on-exec.  With @hugetlb it lives on the kernel's internal
 * hugetlbfs, in pages of @hugetlbsize (0: the default huge page size).
 * With @seal it can neither grow nor shrink, and the seals are sealed.
 *
 * Errors (QEMU 7.2's text unless marked):
 *   "Hugepage size must be a power of 2"
 *   memvm only, before asking the kernel, when /sys/kernel/mm/hugepages
 *   does not list the size: "hugetlbsize 4 MiB is not supported by the
 *   host (huge page sizes: 2 MiB, 1 GiB)"
 *   "failed to create memfd with flags 0x%x: <errno text>"
 *   "failed to resize memfd to %lu: <errno text>"
 *   "failed to add seals 0x%x: <errno text>"
 *
 * Returns the fd, or -1 with @errp set.
 */
int host_mem_memfd_create(const char *name, uint64_t size, bool hugetlb,
                          uint64_t hugetlbsize, bool seal, Error **errp);

/*
 * Open the backing file of a memory-backend-file (mem-path), as QEMU's
 * file_ram_open() and the size checks after it do:
 * - @path names a directory: create a temporary file in it and unlink it
 *   at once, so it goes away with the fd;
 * - @path does not exist: create it (*@created = true, so that the caller
 *   can unlink it if it fails later); with @readonly that is an error
 *   (as in QEMU 8.1+; 7.2 created an empty file);
 * - an empty file (new or not) is extended to @size bytes, rounded up to
 *   the file's page size; never for @readonly, where it is an error;
 * - a non-empty file smaller than @size is an error; a larger one is fine.
 * @size is what will be mapped plus the offset it is mapped from.
 * @used_path (optional) gets the path opened, the temporary file's name
 * for a directory (already unlinked); free it with g_free().
 *
 * Errors (QEMU 7.2's text):
 *   "can't open backing store %s for guest RAM: <errno text>"
 *   "backing store size 0x%lx does not match 'size' option 0x%lx"
 * memvm only: "can't resize backing store %s to 0x%lx: <errno text>"
 * (QEMU prints a warning and goes on; the mapping then fails or faults).
 *
 * Returns the fd (close-on-exec), or -1 with @errp set.
 */
int host_mem_open_file(const char *path, uint64_t size, bool readonly,
                       bool *created, char **used_path, Error **errp);

/* The host's base page size in bytes. */
uint64_t host_mem_host_page_size(void);

/*
 * The page size of memory mapped from @fd: the huge page size when @fd is
 * on hugetlbfs, else (also for @fd < 0 or when fstatfs fails) the host
 * page size.
 */
uint64_t host_mem_fd_page_size(int fd);

/*
 * The host's default huge page size ("Hugepagesize" of /proc/meminfo),
 * which MFD_HUGETLB uses without a size; 0 when it cannot be read.
 */
uint64_t host_mem_default_huge_page_size(void);

/*
 * The size of a transparent huge page (the PMD size the kernel reports in
 * /sys/kernel/mm/transparent_hugepage/hpage_pmd_size); 0 when the kernel
 * has no THP.
 */
uint64_t host_mem_thp_size(void);

/* Same for the file system @path is on; the host page size on failure. */
uint64_t host_mem_path_page_size(const char *path);

/* Whether @fd is a file on hugetlbfs (including a MFD_HUGETLB memfd). */
bool host_mem_fd_is_hugetlbfs(int fd);

#endif
