/*
 * Host memory for guest RAM: mmap with alignment and guard page, madvise
 * hints, mbind placement, preallocation, memfd and mem-path files.
 * The contract of each function is in include/qemu/host-mem.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <numaif.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "qemu/cutils.h"
#include "qemu/host-mem.h"

#define HUGETLBFS_MAGIC 0x958458f6

/* Older C libraries lack the newer mmap/madvise/memfd constants. */
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef MFD_HUGE_MASK
#define MFD_HUGE_MASK 0x3fU
#endif

#define OVERCOMMIT_MEMORY_PATH "/proc/sys/vm/overcommit_memory"
#define HUGEPAGES_SYSFS_DIR "/sys/kernel/mm/hugepages"

/* QEMU's limits for prealloc threads: never more than this many. */
#define PREALLOC_MAX_THREADS 16
/* ... and one thread per this many bytes, so small areas stay serial. */
#define PREALLOC_BYTES_PER_THREAD (64 * MiB)

/* A node mask with room for every nameable node plus mbind's extra bit. */
#define NODE_MASK_BITS (HOST_MEM_MAX_NODES + 1)
#define BITS_PER_ULONG (8 * sizeof(unsigned long))
#define NODE_MASK_LONGS ((NODE_MASK_BITS + BITS_PER_ULONG - 1) / BITS_PER_ULONG)

typedef struct NodeMask {
    unsigned long bits[NODE_MASK_LONGS];
} NodeMask;

/* HostMemPolicy values are the kernel's, so they can go to mbind as is. */
G_STATIC_ASSERT(MPOL_DEFAULT == 0);
G_STATIC_ASSERT(MPOL_PREFERRED == 1);
G_STATIC_ASSERT(MPOL_BIND == 2);
G_STATIC_ASSERT(MPOL_INTERLEAVE == 3);

static const char *const policy_names[] = {
    [MPOL_DEFAULT] = "default",
    [MPOL_PREFERRED] = "preferred",
    [MPOL_BIND] = "bind",
    [MPOL_INTERLEAVE] = "interleave",
};

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) / align * align;
}

static bool is_power_of_2(uint64_t value)
{
    return value && !(value & (value - 1));
}

uint64_t host_mem_host_page_size(void)
{
    return (uint64_t)getpagesize();
}

static bool fd_statfs(int fd, struct statfs *fs)
{
    int ret;

    do {
        ret = fstatfs(fd, fs);
    } while (ret != 0 && errno == EINTR);
    return ret == 0;
}

bool host_mem_fd_is_hugetlbfs(int fd)
{
    struct statfs fs;

    return fd >= 0 && fd_statfs(fd, &fs) && fs.f_type == HUGETLBFS_MAGIC;
}

uint64_t host_mem_fd_page_size(int fd)
{
    struct statfs fs;

    /* hugetlbfs reports its huge page size as the block size. */
    if (fd >= 0 && fd_statfs(fd, &fs) && fs.f_type == HUGETLBFS_MAGIC) {
        return fs.f_bsize;
    }
    return host_mem_host_page_size();
}

uint64_t host_mem_default_huge_page_size(void)
{
    g_autofree char *text = NULL;
    const char *p;

    /* The size MFD_HUGETLB and hugetlbfs mounts use unless told. */
    if (g_file_get_contents("/proc/meminfo", &text, NULL, NULL) &&
        (p = strstr(text, "Hugepagesize:"))) {
        uint64_t kib = g_ascii_strtoull(p + strlen("Hugepagesize:"), NULL,
                                        10);

        if (kib) {
            return kib * KiB;
        }
    }
    return 0;
}

uint64_t host_mem_thp_size(void)
{
    g_autofree char *text = NULL;
    uint64_t size;

    if (!g_file_get_contents("/sys/kernel/mm/transparent_hugepage/"
                             "hpage_pmd_size", &text, NULL, NULL)) {
        return 0;
    }
    size = g_ascii_strtoull(text, NULL, 10);
    /* Anything else is no size host_mem_map() could align to. */
    return size && !(size & (size - 1)) ? size : 0;
}

uint64_t host_mem_path_page_size(const char *path)
{
    struct statfs fs;
    int ret;

    do {
        ret = statfs(path, &fs);
    } while (ret != 0 && errno == EINTR);
    if (ret == 0 && fs.f_type == HUGETLBFS_MAGIC) {
        return fs.f_bsize;
    }
    return host_mem_host_page_size();
}

/* "4 KiB", "2 MiB", "1 GiB": exact, since page sizes are powers of two. */
static char *page_size_to_str(uint64_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    unsigned i = 0;

    while (i + 1 < G_N_ELEMENTS(units) && size >= 1024 && !(size % 1024)) {
        size /= 1024;
        i++;
    }
    return g_strdup_printf("%" PRIu64 " %s", size, units[i]);
}

/*
 * reserve=off is only worth asking for where the kernel honours
 * MAP_NORESERVE; QEMU refuses it elsewhere rather than silently committing
 * the whole size, and so do we.
 */
static bool noreserve_effective(int fd, HostMemMapFlags flags, Error **errp)
{
    g_autofree char *text = NULL;
    char *end = NULL;
    guint64 mode;

    /* Huge page pools honour MAP_NORESERVE whatever overcommit says. */
    if (host_mem_fd_page_size(fd) != host_mem_host_page_size()) {
        return true;
    }
    /*
     * Only private writable mappings (and shared anonymous ones, which
     * shmem accounts alike) reserve swap; the rest never reserve anything.
     */
    if ((flags & HOST_MEM_MAP_READONLY) ||
        ((flags & HOST_MEM_MAP_SHARED) && fd >= 0)) {
        return true;
    }
    if (g_file_get_contents(OVERCOMMIT_MEMORY_PATH, &text, NULL, NULL)) {
        errno = 0;
        mode = g_ascii_strtoull(text, &end, 10);
        if (!errno && end != text && (*end == '\0' || !strcmp(end, "\n"))) {
            /* Mode 2 ("never") ignores MAP_NORESERVE. */
            if (mode == 2) {
                error_setg(errp, "Skipping reservation of swap space is not "
                           "supported: \"" OVERCOMMIT_MEMORY_PATH
                           "\" is \"2\"");
                return false;
            }
            return true;
        }
    }
    error_setg(errp, "Skipping reservation of swap space is not supported:"
               " Could not read: \"" OVERCOMMIT_MEMORY_PATH "\"");
    return false;
}

static void map_error(int fd, int err, Error **errp)
{
    if (fd >= 0) {
        error_setg_errno(errp, err,
                         "unable to map backing store for guest RAM");
    } else {
        error_setg_errno(errp, err, "cannot set up guest memory");
    }
}

void *host_mem_map(int fd, uint64_t size, uint64_t align, uint64_t fd_offset,
                   HostMemMapFlags flags, Error **errp)
{
    const uint64_t host_page = host_mem_host_page_size();
    const uint64_t page = host_mem_fd_page_size(fd);
    const bool shared = flags & HOST_MEM_MAP_SHARED;
    int prot = PROT_READ | (flags & HOST_MEM_MAP_READONLY ? 0 : PROT_WRITE);
    int map_flags;
    uint64_t total, head;
    uint8_t *resv, *start, *tail;
    void *ptr = MAP_FAILED;

    if (!align) {
        align = page;
    }
    if (align % page) {
        error_setg(errp, "alignment 0x%" PRIx64 " must be multiples of page "
                   "size 0x%" PRIx64, align, page);
        return NULL;
    }
    if (!is_power_of_2(align)) {
        error_setg(errp, "alignment 0x%" PRIx64 " must be a power of two",
                   align);
        return NULL;
    }
    if (size < page) {
        error_setg(errp, "memory size 0x%" PRIx64 " must be equal to or "
                   "larger than page size 0x%" PRIx64, size, page);
        return NULL;
    }
    /* host_mem_unmap() only knows host pages; huge mappings must fit. */
    if (size % page && page != host_page) {
        error_setg(errp, "memory size 0x%" PRIx64 " must be a multiple of "
                   "page size 0x%" PRIx64, size, page);
        return NULL;
    }
    size = align_up(size, host_page);
    if ((flags & HOST_MEM_MAP_NORESERVE) &&
        !noreserve_effective(fd, flags, errp)) {
        return NULL;
    }

    total = size + align;
    if (total < size) {
        map_error(fd, ENOMEM, errp);
        return NULL;
    }
    /*
     * Reserve address space only (PROT_NONE is not accounted), so that an
     * aligned start with a guard page after it can be picked inside.
     */
    resv = mmap(NULL, total, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (resv == MAP_FAILED) {
        map_error(fd, errno, errp);
        return NULL;
    }
    head = align_up((uintptr_t)resv, align) - (uintptr_t)resv;
    start = resv + head;

    map_flags = MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE);
    if (fd < 0) {
        map_flags |= MAP_ANONYMOUS;
    }
    if (flags & HOST_MEM_MAP_NORESERVE) {
        map_flags |= MAP_NORESERVE;
    }
    if ((flags & HOST_MEM_MAP_SYNC) && shared && fd >= 0) {
        /*
         * MAP_SYNC is honoured only under MAP_SHARED_VALIDATE, which makes
         * a non-DAX file fail instead of ignoring it; then map it without,
         * as QEMU does (host_mem_fd_supports_map_sync() lets callers warn).
         */
        ptr = mmap(start, size, prot,
                   map_flags | MAP_SHARED_VALIDATE | MAP_SYNC, fd, fd_offset);
    }
    if (ptr == MAP_FAILED) {
        ptr = mmap(start, size, prot, map_flags, fd, fd_offset);
    }
    if (ptr == MAP_FAILED) {
        int err = errno;

        munmap(resv, total);
        map_error(fd, err, errp);
        return NULL;
    }

    /* Give back the unaligned head, and the tail beyond one guard page. */
    if (head) {
        munmap(resv, head);
    }
    tail = start + size + host_page;
    if (resv + total > tail) {
        munmap(tail, resv + total - tail);
    }
    return ptr;
}

void host_mem_unmap(void *ptr, uint64_t size)
{
    const uint64_t host_page = host_mem_host_page_size();

    if (ptr) {
        munmap(ptr, align_up(size, host_page) + host_page);
    }
}

bool host_mem_fd_supports_map_sync(int fd)
{
    void *ptr;

    /* A one-page probe: MAP_SHARED_VALIDATE fails unless the fs is DAX. */
    ptr = mmap(NULL, host_mem_host_page_size(), PROT_READ,
               MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
    if (ptr == MAP_FAILED) {
        return false;
    }
    munmap(ptr, host_mem_host_page_size());
    return true;
}

bool host_mem_madvise_merge(void *ptr, uint64_t size, bool merge,
                            Error **errp)
{
    /* A kernel without KSM answers EINVAL; QEMU carries on silently. */
    if (madvise(ptr, size, merge ? MADV_MERGEABLE : MADV_UNMERGEABLE) &&
        errno != EINVAL) {
        error_setg_errno(errp, errno, "madvise(%s) failed",
                         merge ? "MADV_MERGEABLE" : "MADV_UNMERGEABLE");
        return false;
    }
    return true;
}

bool host_mem_madvise_dump(void *ptr, uint64_t size, bool dump,
                           Error **errp)
{
    /* Guest RAM can be huge and private: let users keep it out of cores. */
    if (madvise(ptr, size, dump ? MADV_DODUMP : MADV_DONTDUMP)) {
        error_setg_errno(errp, errno, "madvise(%s) failed",
                         dump ? "MADV_DODUMP" : "MADV_DONTDUMP");
        return false;
    }
    return true;
}

bool host_mem_madvise_hugepage(void *ptr, uint64_t size, bool on,
                               Error **errp)
{
    /* EINVAL: no THP in this kernel, or hugetlbfs memory; only a hint. */
    if (madvise(ptr, size, on ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) &&
        errno != EINVAL) {
        error_setg_errno(errp, errno, "madvise(%s) failed",
                         on ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");
        return false;
    }
    return true;
}

static void node_mask_set(NodeMask *mask, uint64_t node)
{
    mask->bits[node / BITS_PER_ULONG] |= 1UL << (node % BITS_PER_ULONG);
}

static bool node_mask_test(const NodeMask *mask, uint64_t node)
{
    return mask->bits[node / BITS_PER_ULONG] & (1UL << (node % BITS_PER_ULONG));
}

/* Parse a sysfs node list ("0-3,5\n"); nodes past our limit are dropped. */
static bool node_mask_parse(const char *text, NodeMask *mask)
{
    const char *p = text;

    memset(mask, 0, sizeof(*mask));
    while (*p && *p != '\n') {
        char *end;
        uint64_t first, last, n;

        first = last = g_ascii_strtoull(p, &end, 10);
        if (end == p) {
            return false;
        }
        p = end;
        if (*p == '-') {
            last = g_ascii_strtoull(++p, &end, 10);
            if (end == p || last < first) {
                return false;
            }
            p = end;
        }
        for (n = first; n <= last && n < HOST_MEM_MAX_NODES; n++) {
            node_mask_set(mask, n);
        }
        if (*p == ',') {
            p++;
        }
    }
    return true;
}

/* "0-3,5", the sysfs spelling. */
static char *node_mask_format(const NodeMask *mask)
{
    GString *out = g_string_new(NULL);
    uint64_t n = 0, first;

    while (n < HOST_MEM_MAX_NODES) {
        if (!node_mask_test(mask, n)) {
            n++;
            continue;
        }
        first = n;
        while (n + 1 < HOST_MEM_MAX_NODES && node_mask_test(mask, n + 1)) {
            n++;
        }
        g_string_append_printf(out, "%s%" PRIu64, out->len ? "," : "",
                               first);
        if (n > first) {
            g_string_append_printf(out, "-%" PRIu64, n);
        }
        n++;
    }
    return g_string_free(out, FALSE);
}

/*
 * The host's nodes with memory (what bind/preferred/interleave can use);
 * false when the kernel has no NUMA sysfs, i.e. when we cannot tell.
 */
static bool host_memory_nodes(NodeMask *mask)
{
    static const char *const files[] = {
        "/sys/devices/system/node/has_memory",
        "/sys/devices/system/node/online",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *text = NULL;

        if (g_file_get_contents(files[i], &text, NULL, NULL) &&
            node_mask_parse(text, mask)) {
            return true;
        }
    }
    return false;
}

bool host_mem_check_host_node(uint64_t node, Error **errp)
{
    if (node >= HOST_MEM_MAX_NODES) {
        error_setg(errp, "Invalid host-nodes value: %" PRIu64, node);
        return false;
    }
    return true;
}

/* The first of @nodes that the host lacks, or -1 (also if we cannot tell). */
static int64_t first_missing_node(const uint64_t *nodes, unsigned n_nodes,
                                  NodeMask *host)
{
    unsigned i;

    if (!host_memory_nodes(host)) {
        return -1;
    }
    for (i = 0; i < n_nodes; i++) {
        if (!node_mask_test(host, nodes[i])) {
            return nodes[i];
        }
    }
    return -1;
}

bool host_mem_check_host_nodes_present(const uint64_t *nodes,
                                       unsigned n_nodes, Error **errp)
{
    g_autofree char *list = NULL;
    NodeMask host;
    int64_t missing;
    unsigned i;

    for (i = 0; i < n_nodes; i++) {
        if (!host_mem_check_host_node(nodes[i], errp)) {
            return false;
        }
    }
    missing = first_missing_node(nodes, n_nodes, &host);
    if (missing >= 0) {
        list = node_mask_format(&host);
        error_setg(errp, "host-nodes value %" PRId64 " is not a NUMA node "
                   "with memory on this host (nodes with memory: %s)",
                   missing, list);
        return false;
    }
    return true;
}

bool host_mem_mbind(void *ptr, uint64_t size, int policy,
                    const uint64_t *nodes, unsigned n_nodes, Error **errp)
{
    NodeMask mask = { { 0 } };
    uint64_t last = 0;
    unsigned i;

    g_assert(policy >= MPOL_DEFAULT && policy <= MPOL_INTERLEAVE);
    for (i = 0; i < n_nodes; i++) {
        if (!host_mem_check_host_node(nodes[i], errp)) {
            return false;
        }
        node_mask_set(&mask, nodes[i]);
        last = MAX(last, nodes[i]);
    }
    if (policy == MPOL_DEFAULT && n_nodes) {
        error_setg(errp, "host-nodes must be empty for policy default, or "
                   "you should explicitly specify a policy other than "
                   "default");
        return false;
    }
    if (policy != MPOL_DEFAULT && !n_nodes) {
        error_setg(errp, "host-nodes must be set for policy %s",
                   policy_names[policy]);
        return false;
    }
    if (!n_nodes) {
        return true;
    }
    /*
     * The kernel reads one bit fewer than maxnode says, so pass the
     * highest node + 2.  STRICT|MOVE: pages already faulted in elsewhere
     * are moved, or the call fails instead of leaving them there.
     */
    if (mbind(ptr, size, policy, mask.bits, last + 2,
              MPOL_MF_STRICT | MPOL_MF_MOVE)) {
        int err = errno;
        NodeMask host;
        int64_t missing = first_missing_node(nodes, n_nodes, &host);

        error_setg_errno(errp, err, "cannot bind memory to host NUMA nodes");
        if (missing >= 0) {
            g_autofree char *list = node_mask_format(&host);

            error_append_hint(errp, "Host NUMA node %" PRId64 " does not "
                              "exist or has no memory; nodes with memory: "
                              "%s\n", missing, list);
        }
        return false;
    }
    return true;
}

/*
 * Preallocation.  Work is split into one contiguous chunk per thread; the
 * calling thread does the first chunk itself (and any chunk whose thread
 * could not be created), so preallocation never fails for lack of threads.
 */

typedef struct PreallocGate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool open;
} PreallocGate;

typedef struct PreallocChunk {
    uint8_t *addr;
    uint64_t npages;
    uint64_t page_size;
    bool touch;             /* touch pages, not MADV_POPULATE_WRITE */
    int err;                /* errno of the failure, 0 when populated */
    bool spawned;
    pthread_t thread;
    PreallocGate *gate;
} PreallocChunk;

/*
 * Where a faulting touch jumps back to; set only while touching.
 * volatile: the handler reads it, so the stores must not be optimised
 * away around the touch loop.
 */
static __thread sigjmp_buf *volatile prealloc_env;

/*
 * Held while our handler owns SIGBUS/SIGSEGV: the disposition is
 * per-process, so concurrent preallocations take turns.
 */
static pthread_mutex_t prealloc_signal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction prealloc_old_sigbus;
static struct sigaction prealloc_old_sigsegv;

static void prealloc_signal(int sig, siginfo_t *info, void *ctx)
{
    sigjmp_buf *env = prealloc_env;
    struct sigaction *old;
    struct sigaction dfl;

    if (env) {
        siglongjmp(*env, 1);
    }
    /* Not one of our touches: behave as if we had not been installed. */
    old = sig == SIGBUS ? &prealloc_old_sigbus : &prealloc_old_sigsegv;
    if (old->sa_flags & SA_SIGINFO) {
        old->sa_sigaction(sig, info, ctx);
        return;
    }
    if (old->sa_handler == SIG_IGN && info->si_code <= 0) {
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    /*
     * Default action: restore it; a fault repeats when we return and
     * kills as it would have, a sent signal has to be raised again.
     */
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    if (info->si_code <= 0) {
        raise(sig);
    }
}

static int prealloc_touch(uint8_t *addr, uint64_t npages, uint64_t page_size)
{
    sigjmp_buf env;
    sigset_t sigs, old_mask;
    uint64_t i;

    /* A blocked fault signal kills the process instead of reaching us. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGBUS);
    sigaddset(&sigs, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &sigs, &old_mask);

    if (sigsetjmp(env, 1)) {
        /* Out of tmpfs space or huge pages: the kernel's EFAULT. */
        prealloc_env = NULL;
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        return EFAULT;
    }
    prealloc_env = &env;
    for (i = 0; i < npages; i++) {
        volatile uint8_t *p = addr + i * page_size;

        /* Write back what is there: file contents must survive. */
        *p = *p;
    }
    prealloc_env = NULL;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return 0;
}

static int prealloc_chunk_run(PreallocChunk *chunk)
{
    if (!chunk->npages) {
        return 0;
    }
    if (chunk->touch) {
        return prealloc_touch(chunk->addr, chunk->npages, chunk->page_size);
    }
    /* The kernel turns would-be SIGBUS into EFAULT, OOM into ENOMEM. */
    if (madvise(chunk->addr, chunk->npages * chunk->page_size,
                MADV_POPULATE_WRITE)) {
        return errno;
    }
    return 0;
}

static void *prealloc_worker(void *opaque)
{
    PreallocChunk *chunk = opaque;
    PreallocGate *gate = chunk->gate;

    /*
     * Wait until every thread exists: creating thread stacks takes the
     * mm lock for writing, which our page faults would contend with.
     */
    pthread_mutex_lock(&gate->lock);
    while (!gate->open) {
        pthread_cond_wait(&gate->cond, &gate->lock);
    }
    pthread_mutex_unlock(&gate->lock);

    chunk->err = prealloc_chunk_run(chunk);
    return NULL;
}

static bool prealloc_signals_install(Error **errp)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = prealloc_signal;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);

    pthread_mutex_lock(&prealloc_signal_lock);
    if (sigaction(SIGBUS, &act, &prealloc_old_sigbus)) {
        goto fail;
    }
    if (sigaction(SIGSEGV, &act, &prealloc_old_sigsegv)) {
        sigaction(SIGBUS, &prealloc_old_sigbus, NULL);
        goto fail;
    }
    return true;

fail:
    error_setg_errno(errp, errno,
                     "qemu_prealloc_mem: failed to install signal handler");
    pthread_mutex_unlock(&prealloc_signal_lock);
    return false;
}

static bool prealloc_signals_restore(Error **errp)
{
    int err = 0;

    if (sigaction(SIGSEGV, &prealloc_old_sigsegv, NULL)) {
        err = errno;
    }
    if (sigaction(SIGBUS, &prealloc_old_sigbus, NULL)) {
        err = errno;
    }
    pthread_mutex_unlock(&prealloc_signal_lock);
    if (err) {
        error_setg_errno(errp, err, "qemu_prealloc_mem: failed to "
                         "reinstall signal handler");
        return false;
    }
    return true;
}

unsigned host_mem_prealloc_threads(uint64_t size, uint64_t page_size,
                                   unsigned max_threads)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t npages = page_size ? (size + page_size - 1) / page_size : 0;
    uint64_t n = max_threads;

    /* If sysconf fails, QEMU falls back to one thread. */
    n = MIN(n, cpus > 0 ? (uint64_t)cpus : 1);
    n = MIN(n, PREALLOC_MAX_THREADS);
    /* No more threads than pages (gigantic pages), nor per 64 MiB. */
    n = MIN(n, npages);
    n = MIN(n, MAX(1, npages * page_size / PREALLOC_BYTES_PER_THREAD));
    return MAX(n, 1);
}

static bool prealloc_run(int fd, void *area, uint64_t size, unsigned threads,
                         bool touch, Error **errp)
{
    const uint64_t page = host_mem_fd_page_size(fd);
    const uint64_t npages = (size + page - 1) / page;
    unsigned n, i;
    uint64_t per, extra;
    uint8_t *addr = area;
    PreallocChunk *chunks;
    PreallocGate gate = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER,
    };
    int err = 0;
    bool ok = true;

    if (!npages) {
        return true;
    }
    n = host_mem_prealloc_threads(size, page, threads);
    if (!touch && n == 1) {
        /* One madvise call; no thread to start. */
        if (madvise(area, npages * page, MADV_POPULATE_WRITE)) {
            error_setg_errno(errp, errno,
                             "qemu_prealloc_mem: preallocating memory "
                             "failed");
            return false;
        }
        return true;
    }
    if (touch && !prealloc_signals_install(errp)) {
        return false;
    }

    chunks = g_new0(PreallocChunk, n);
    per = npages / n;
    extra = npages % n;
    for (i = 0; i < n; i++) {
        chunks[i].addr = addr;
        chunks[i].npages = per + (i < extra);
        chunks[i].page_size = page;
        chunks[i].touch = touch;
        chunks[i].gate = &gate;
        addr += chunks[i].npages * page;
    }
    for (i = 1; i < n; i++) {
        chunks[i].spawned = !pthread_create(&chunks[i].thread, NULL,
                                            prealloc_worker, &chunks[i]);
    }
    pthread_mutex_lock(&gate.lock);
    gate.open = true;
    pthread_cond_broadcast(&gate.cond);
    pthread_mutex_unlock(&gate.lock);

    for (i = 0; i < n; i++) {
        if (i == 0 || !chunks[i].spawned) {
            chunks[i].err = prealloc_chunk_run(&chunks[i]);
        }
    }
    for (i = 1; i < n; i++) {
        if (chunks[i].spawned) {
            pthread_join(chunks[i].thread, NULL);
        }
    }
    for (i = 0; i < n && !err; i++) {
        err = chunks[i].err;
    }
    g_free(chunks);
    pthread_cond_destroy(&gate.cond);
    pthread_mutex_destroy(&gate.lock);

    if (err) {
        error_setg_errno(errp, err,
                         "qemu_prealloc_mem: preallocating memory failed");
        ok = false;
    }
    if (touch && !prealloc_signals_restore(ok ? errp : NULL)) {
        ok = false;
    }
    return ok;
}

bool host_mem_prealloc(int fd, void *area, uint64_t size, unsigned threads,
                       Error **errp)
{
    const uint64_t page = host_mem_fd_page_size(fd);
    bool touch;

    if (!size) {
        return true;
    }
    /*
     * Probe on every call: besides kernels before 5.14, some mappings
     * (/dev/mem, read-only ones) refuse MADV_POPULATE_WRITE with EINVAL.
     */
    touch = madvise(area, MIN(size, page), MADV_POPULATE_WRITE) &&
            errno == EINVAL;
    return prealloc_run(fd, area, size, threads, touch, errp);
}

bool host_mem_can_populate(int fd, void *area, uint64_t size)
{
    const uint64_t page = host_mem_fd_page_size(fd);

    return !size || !madvise(area, MIN(size, page), MADV_POPULATE_WRITE) ||
           errno != EINVAL;
}

bool host_mem_prealloc_touch(int fd, void *area, uint64_t size,
                             unsigned threads, Error **errp)
{
    return prealloc_run(fd, area, size, threads, true, errp);
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * memvm only: name an unsupported huge page size before the kernel says
 * just "No such device".  Hosts without the sysfs directory are left to
 * the kernel.
 */
static bool hugetlbsize_supported(uint64_t hugetlbsize, Error **errp)
{
    g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    g_autofree char *wanted = NULL;
    GString *list;
    const char *name;
    GDir *dir;
    guint i;

    dir = g_dir_open(HUGEPAGES_SYSFS_DIR, 0, NULL);
    if (!dir) {
        return true;
    }
    while ((name = g_dir_read_name(dir))) {
        uint64_t kib;
        char tail;

        if (sscanf(name, "hugepages-%" SCNu64 "k%c", &kib, &tail) == 2 &&
            tail == 'B') {
            uint64_t bytes = kib * KiB;

            if (bytes == hugetlbsize) {
                g_dir_close(dir);
                return true;
            }
            g_array_append_val(sizes, bytes);
        }
    }
    g_dir_close(dir);
    if (!sizes->len) {
        return true;
    }

    g_array_sort(sizes, cmp_u64);
    list = g_string_new(NULL);
    for (i = 0; i < sizes->len; i++) {
        g_autofree char *s = page_size_to_str(g_array_index(sizes, uint64_t,
                                                            i));

        g_string_append_printf(list, "%s%s", i ? ", " : "", s);
    }
    wanted = page_size_to_str(hugetlbsize);
    error_setg(errp, "hugetlbsize %s is not supported by the host (huge "
               "page sizes: %s)", wanted, list->str);
    g_string_free(list, TRUE);
    return false;
}

int host_mem_memfd_create(const char *name, uint64_t size, bool hugetlb,
                          uint64_t hugetlbsize, bool seal, Error **errp)
{
    const unsigned int seals = F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;
    /* Close-on-exec: guest RAM must not leak into programs we start. */
    unsigned int flags = MFD_CLOEXEC;
    int fd;

    if (seal) {
        flags |= MFD_ALLOW_SEALING;
    }
    if (hugetlb) {
        if (hugetlbsize) {
            if (!is_power_of_2(hugetlbsize)) {
                error_setg(errp, "Hugepage size must be a power of 2");
                return -1;
            }
            if (!hugetlbsize_supported(hugetlbsize, errp)) {
                return -1;
            }
            /* The kernel takes log2(page size) in bits 26..31. */
            flags |= ((unsigned int)__builtin_ctzll(hugetlbsize) &
                      MFD_HUGE_MASK) << MFD_HUGE_SHIFT;
        }
        flags |= MFD_HUGETLB;
    }

    fd = memfd_create(name, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd with flags "
                         "0x%x", flags);
        return -1;
    }
    /* It starts empty; hugetlb refuses sizes that are not whole pages. */
    if (ftruncate(fd, size)) {
        error_setg_errno(errp, errno, "failed to resize memfd to %" PRIu64,
                         size);
        close(fd);
        return -1;
    }
    /* Sealed after sizing: nobody holding the fd may resize guest RAM. */
    if (seal && fcntl(fd, F_ADD_SEALS, seals)) {
        error_setg_errno(errp, errno, "failed to add seals 0x%x", seals);
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * The size of what @fd holds, as QEMU measures it: regular files and
 * block devices by seeking to the end, device DAX through sysfs.  -1 when
 * it cannot be known (other character devices), so that no size check
 * or resize applies.
 */
static int64_t backing_store_size(int fd)
{
    struct stat st;
    off_t end;

    if (fstat(fd, &st)) {
        return -1;
    }
    if (S_ISCHR(st.st_mode)) {
        g_autofree char *link = NULL;
        g_autofree char *subsystem = NULL;
        g_autofree char *size_path = NULL;
        g_autofree char *text = NULL;

        link = g_strdup_printf("/sys/dev/char/%u:%u/subsystem",
                               major(st.st_rdev), minor(st.st_rdev));
        subsystem = g_file_read_link(link, NULL);
        if (!subsystem || !g_str_has_suffix(subsystem, "/dax")) {
            return -1;
        }
        size_path = g_strdup_printf("/sys/dev/char/%u:%u/size",
                                    major(st.st_rdev), minor(st.st_rdev));
        if (!g_file_get_contents(size_path, &text, NULL, NULL)) {
            return -1;
        }
        return g_ascii_strtoll(text, NULL, 0);
    }
    if (!S_ISBLK(st.st_mode)) {
        return st.st_size;
    }
    /* st_size is 0 for block devices, but seeking works. */
    end = lseek(fd, 0, SEEK_END);
    return end < 0 ? -1 : end;
}

int host_mem_open_file(const char *path, uint64_t size, bool readonly,
                       bool *created, char **used_path, Error **errp)
{
    g_autofree char *opened = NULL;
    bool made = false;
    struct stat st;
    int64_t file_size;
    uint64_t want;
    int fd;

    if (created) {
        *created = false;
    }
    for (;;) {
        /* An existing file, or (read-only) a directory caught below. */
        fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (fd >= 0) {
            break;
        }
        if (errno == ENOENT && !readonly) {
            /* O_EXCL: if another process creates it first, use theirs. */
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                made = true;
                break;
            }
        } else if (errno == EISDIR) {
            g_autofree char *tmpl = g_build_filename(path,
                                                     "memvm_back_mem.XXXXXX",
                                                     NULL);

            /* Unlinked at once: it lives exactly as long as the fd. */
            fd = mkostemp(tmpl, O_CLOEXEC);
            if (fd >= 0) {
                unlink(tmpl);
                opened = g_steal_pointer(&tmpl);
                break;
            }
        }
        /* EEXIST: lost a creation race; EINTR: just retry. */
        if (errno != EEXIST && errno != EINTR) {
            error_setg_errno(errp, errno, "can't open backing store %s for "
                             "guest RAM", path);
            return -1;
        }
    }
    if (!opened) {
        opened = g_strdup(path);
    }

    /* O_RDONLY opens a directory; a read-only temporary file is useless. */
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        error_setg_errno(errp, EISDIR, "can't open backing store %s for "
                         "guest RAM", path);
        goto fail;
    }

    want = align_up(size, host_mem_host_page_size());
    file_size = backing_store_size(fd);
    if (file_size == 0 && !readonly) {
        /*
         * Only an empty file is sized: existing data (an NVDIMM keeps its
         * labels at the end) must never be cut off or moved.
         */
        want = align_up(size, host_mem_fd_page_size(fd));
        if (ftruncate(fd, want)) {
            error_setg_errno(errp, errno, "can't resize backing store %s to "
                             "0x%" PRIx64, opened, want);
            goto fail;
        }
    } else if (file_size >= 0 && (uint64_t)file_size < want) {
        error_setg(errp, "backing store size 0x%" PRIx64 " does not match "
                   "'size' option 0x%" PRIx64, (uint64_t)file_size, want);
        goto fail;
    }

    if (created) {
        *created = made;
    }
    if (used_path) {
        *used_path = g_steal_pointer(&opened);
    }
    return fd;

fail:
    close(fd);
    if (made) {
        unlink(path);
    }
    return -1;
}
