/*
 * Tests for the host memory layer (util/host-mem.c).
 *
 * Tests that need a private mount namespace (a tiny tmpfs, a fake
 * /proc/sys/vm/overcommit_memory) run in a forked child and are skipped,
 * with the step and errno that failed, when not root or when the namespace
 * cannot be set up (in a chroot whose root is not a mount point, making /
 * private fails with EINVAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "qemu/cutils.h"
#include "qemu/host-mem.h"

#define CHILD_SKIP 77

/* A child writes why it skips here (the parent reads it). */
static int child_skip_fd = -1;

/* In a child: tell the parent that @what failed (with errno), and leave. */
static void G_GNUC_NORETURN child_skip(const char *what)
{
    g_autofree char *msg = g_strdup_printf("%s: %s", what,
                                           g_strerror(errno));

    if (write(child_skip_fd, msg, strlen(msg)) < 0) {
        /* The parent then skips without the detail. */
    }
    _exit(CHILD_SKIP);
}

static uint64_t page_size(void)
{
    return (uint64_t)getpagesize();
}

/* The process's address space size (VmSize), in bytes. */
static uint64_t vm_size(void)
{
    g_autofree char *text = NULL;
    const char *line;

    g_assert_true(g_file_get_contents("/proc/self/status", &text, NULL,
                                      NULL));
    line = strstr(text, "\nVmSize:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + strlen("\nVmSize:"), NULL, 10) * KiB;
}

/* Every page of [ptr, ptr + size) is resident. */
static bool all_resident(void *ptr, uint64_t size)
{
    uint64_t npages = size / page_size();
    g_autofree unsigned char *vec = g_malloc(npages);
    uint64_t i;

    g_assert_cmpint(mincore(ptr, size, vec), ==, 0);
    for (i = 0; i < npages; i++) {
        if (!(vec[i] & 1)) {
            return false;
        }
    }
    return true;
}

static bool none_resident(void *ptr, uint64_t size)
{
    uint64_t npages = size / page_size();
    g_autofree unsigned char *vec = g_malloc(npages);
    uint64_t i;

    g_assert_cmpint(mincore(ptr, size, vec), ==, 0);
    for (i = 0; i < npages; i++) {
        if (vec[i] & 1) {
            return false;
        }
    }
    return true;
}

static void assert_error(Error **errp, const char *msg)
{
    g_assert_nonnull(*errp);
    g_assert_cmpstr(error_get_pretty(*errp), ==, msg);
    error_free(*errp);
    *errp = NULL;
}

/*
 * Run @fn in a child with a private mount namespace; @fn calls
 * child_skip() when it cannot set up what it needs.
 */
static void run_in_mount_ns(void (*fn)(void))
{
    char why[256] = "";
    int status, fds[2];
    ssize_t n;
    pid_t pid;

    if (geteuid() != 0) {
        g_test_skip("needs root to create a private mount namespace");
        return;
    }
    g_assert_cmpint(pipe(fds), ==, 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        close(fds[0]);
        child_skip_fd = fds[1];
        if (unshare(CLONE_NEWNS)) {
            child_skip("unshare(CLONE_NEWNS)");
        }
        if (mount("none", "/", "", MS_REC | MS_PRIVATE, NULL)) {
            child_skip("cannot make / a private mount");
        }
        fn();
        _exit(0);
    }
    close(fds[1]);
    n = read(fds[0], why, sizeof(why) - 1);
    close(fds[0]);
    why[n > 0 ? n : 0] = '\0';
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_SKIP) {
        g_autofree char *msg = g_strdup_printf(
            "no private mount namespace or tmpfs here: %s",
            *why ? why : "(no reason given)");

        g_test_skip(msg);
        return;
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

/* Mapping */

static void test_map_anon_aligned(void)
{
    const uint64_t size = 8 * MiB;
    uint8_t *ptr;

    ptr = host_mem_map(-1, size, 2 * MiB, 0, 0, &error_abort);
    g_assert_cmpuint((uintptr_t)ptr % (2 * MiB), ==, 0);
    g_assert_true(none_resident(ptr, size));
    ptr[0] = 1;
    ptr[size - 1] = 2;
    g_assert_cmpint(ptr[0] + ptr[size - 1], ==, 3);
    /* One guard page follows, still reserved. */
    g_assert_cmpint(mincore(ptr + size, page_size(),
                            (unsigned char[1]){ 0 }), ==, 0);
    host_mem_unmap(ptr, size);
    /* The whole reservation is gone, guard page included. */
    g_assert_cmpint(mincore(ptr, size + page_size(),
                            g_alloca(size / page_size() + 1)), ==, -1);
    g_assert_cmpint(errno, ==, ENOMEM);
}

static void test_map_anon_1g_align(void)
{
    uint64_t before = vm_size();
    uint8_t *ptr;
    int i;

    /*
     * Each map reserves 1 GiB more than it maps; if any of that outlived
     * host_mem_unmap(), 32 rounds would leave gigabytes behind.
     */
    for (i = 0; i < 32; i++) {
        ptr = host_mem_map(-1, 4 * MiB, GiB, 0, HOST_MEM_MAP_SHARED,
                           &error_abort);
        g_assert_cmpuint((uintptr_t)ptr % GiB, ==, 0);
        ptr[4 * MiB - 1] = 1;
        host_mem_unmap(ptr, 4 * MiB);
    }
    g_assert_cmpuint(vm_size(), <, before + 64 * MiB);
}

static void test_map_bad_args(void)
{
    Error *err = NULL;

    g_assert_null(host_mem_map(-1, 2 * MiB, 3 * MiB, 0, 0, &err));
    assert_error(&err, "alignment 0x300000 must be a power of two");
    g_assert_null(host_mem_map(-1, 2 * MiB, 1 * KiB, 0, 0, &err));
    assert_error(&err, "alignment 0x400 must be multiples of page size "
                 "0x1000");
    g_assert_null(host_mem_map(-1, 0, 0, 0, 0, &err));
    assert_error(&err, "memory size 0x0 must be equal to or larger than "
                 "page size 0x1000");
}

static void test_map_bad_fd(void)
{
    Error *err = NULL;
    int fd = open("/dev/null", O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    /* /dev/null cannot be mapped shared-writable. */
    g_assert_null(host_mem_map(fd, 2 * MiB, 0, 0, HOST_MEM_MAP_SHARED,
                               &err));
    assert_error(&err, "unable to map backing store for guest RAM: "
                 "Permission denied");
    close(fd);
}

static void test_memfd_shared_two_mappings(void)
{
    const uint64_t size = 4 * MiB;
    uint8_t *a, *b;
    int fd;

    fd = host_mem_memfd_create("test-host-mem", size, false, 0, true,
                               &error_abort);
    g_assert_cmpint(fcntl(fd, F_GET_SEALS), ==,
                    F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    /* Sealed: nobody may resize guest RAM under us. */
    g_assert_cmpint(ftruncate(fd, 2 * size), ==, -1);
    g_assert_cmpint(errno, ==, EPERM);

    a = host_mem_map(fd, size, 0, 0, HOST_MEM_MAP_SHARED, &error_abort);
    b = host_mem_map(fd, size, 2 * MiB, 0, HOST_MEM_MAP_SHARED,
                     &error_abort);
    g_assert_true(a != b);
    memset(a, 0x5a, size);
    a[12345] = 0x77;
    /* The same pages, not a copy. */
    g_assert_cmpint(b[0], ==, 0x5a);
    g_assert_cmpint(b[12345], ==, 0x77);
    g_assert_cmpint(b[size - 1], ==, 0x5a);
    b[1] = 0x11;
    g_assert_cmpint(a[1], ==, 0x11);
    host_mem_unmap(a, size);
    host_mem_unmap(b, size);
    close(fd);
}

static void test_memfd_unsealed(void)
{
    int fd = host_mem_memfd_create("test-host-mem", MiB, false, 0, false,
                                   &error_abort);

    /* Without MFD_ALLOW_SEALING the memfd is born sealed against seals. */
    g_assert_cmpint(fcntl(fd, F_GET_SEALS), ==, F_SEAL_SEAL);
    g_assert_cmpint(ftruncate(fd, 2 * MiB), ==, 0);
    close(fd);
}

static void test_map_private_file_offset(void)
{
    const uint64_t size = 2 * MiB;
    uint8_t *ptr;
    int fd;

    fd = host_mem_memfd_create("test-host-mem", 2 * size, false, 0, false,
                               &error_abort);
    g_assert_cmpint(pwrite(fd, "second", 6, size), ==, 6);
    ptr = host_mem_map(fd, size, 0, size, HOST_MEM_MAP_READONLY,
                       &error_abort);
    g_assert_cmpmem(ptr, 6, "second", 6);
    host_mem_unmap(ptr, size);

    /* Private: our writes stay ours. */
    ptr = host_mem_map(fd, size, 0, size, 0, &error_abort);
    ptr[0] = 'S';
    g_assert_cmpint(pread(fd, ptr + 100, 1, size), ==, 1);
    g_assert_cmpint(ptr[100], ==, 's');
    host_mem_unmap(ptr, size);
    close(fd);
}

static void test_map_sync_fallback(void)
{
    void *ptr;
    int fd;

    fd = host_mem_memfd_create("test-host-mem", 2 * MiB, false, 0, false,
                               &error_abort);
    /* shmem is not DAX: no MAP_SYNC, and the mapping goes on without. */
    g_assert_false(host_mem_fd_supports_map_sync(fd));
    ptr = host_mem_map(fd, 2 * MiB, 0, 0,
                       HOST_MEM_MAP_SHARED | HOST_MEM_MAP_SYNC,
                       &error_abort);
    memset(ptr, 1, 2 * MiB);
    host_mem_unmap(ptr, 2 * MiB);
    close(fd);
}

static void test_map_noreserve(void)
{
    const uint64_t size = 64 * MiB;
    void *ptr;
    int fd;

    ptr = host_mem_map(-1, size, 0, 0, HOST_MEM_MAP_NORESERVE,
                       &error_abort);
    host_mem_unmap(ptr, size);

    fd = host_mem_memfd_create("test-host-mem", size, false, 0, false,
                               &error_abort);
    ptr = host_mem_map(fd, size, 0, 0,
                       HOST_MEM_MAP_SHARED | HOST_MEM_MAP_NORESERVE,
                       &error_abort);
    host_mem_unmap(ptr, size);
    close(fd);
}

/* Bind-mount a file holding @text over overcommit_memory. */
static void fake_overcommit(const char *text)
{
    char path[] = "/tmp/test-host-mem-oc.XXXXXX";
    int fd = mkstemp(path);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        child_skip("cannot write a fake overcommit_memory");
    }
    if (mount(path, "/proc/sys/vm/overcommit_memory", "", MS_BIND, NULL)) {
        child_skip("cannot bind-mount over /proc/sys/vm/overcommit_memory");
    }
    close(fd);
    unlink(path);
}

static void child_noreserve_overcommit_never(void)
{
    Error *err = NULL;
    void *ptr;
    int fd;

    fake_overcommit("2\n");
    g_assert_null(host_mem_map(-1, 2 * MiB, 0, 0, HOST_MEM_MAP_NORESERVE,
                               &err));
    assert_error(&err, "Skipping reservation of swap space is not "
                 "supported: \"/proc/sys/vm/overcommit_memory\" is \"2\"");
    g_assert_null(host_mem_map(-1, 2 * MiB, 0, 0,
                               HOST_MEM_MAP_SHARED | HOST_MEM_MAP_NORESERVE,
                               &err));
    assert_error(&err, "Skipping reservation of swap space is not "
                 "supported: \"/proc/sys/vm/overcommit_memory\" is \"2\"");

    /* Shared file memory never reserves swap: still fine. */
    fd = host_mem_memfd_create("test-host-mem", 2 * MiB, false, 0, false,
                               &error_abort);
    ptr = host_mem_map(fd, 2 * MiB, 0, 0,
                       HOST_MEM_MAP_SHARED | HOST_MEM_MAP_NORESERVE,
                       &error_abort);
    host_mem_unmap(ptr, 2 * MiB);
    close(fd);
}

static void test_map_noreserve_overcommit_never(void)
{
    run_in_mount_ns(child_noreserve_overcommit_never);
}

static void child_noreserve_overcommit_unreadable(void)
{
    Error *err = NULL;

    fake_overcommit("never\n");
    g_assert_null(host_mem_map(-1, 2 * MiB, 0, 0, HOST_MEM_MAP_NORESERVE,
                               &err));
    assert_error(&err, "Skipping reservation of swap space is not "
                 "supported: Could not read: "
                 "\"/proc/sys/vm/overcommit_memory\"");
}

static void test_map_noreserve_overcommit_unreadable(void)
{
    run_in_mount_ns(child_noreserve_overcommit_unreadable);
}

/* madvise hints */

static void test_madvise(void)
{
    const uint64_t size = 4 * MiB;
    void *ptr = host_mem_map(-1, size, 0, 0, 0, &error_abort);
    Error *err = NULL;

    g_assert_true(host_mem_madvise_merge(ptr, size, true, &error_abort));
    g_assert_true(host_mem_madvise_merge(ptr, size, false, &error_abort));
    g_assert_true(host_mem_madvise_dump(ptr, size, false, &error_abort));
    g_assert_true(host_mem_madvise_dump(ptr, size, true, &error_abort));
    g_assert_true(host_mem_madvise_hugepage(ptr, size, true, &error_abort));
    g_assert_true(host_mem_madvise_hugepage(ptr, size, false,
                                            &error_abort));
    host_mem_unmap(ptr, size);

    /* An unmapped range is a real error, not a missing feature. */
    g_assert_false(host_mem_madvise_dump(ptr, size, false, &err));
    assert_error(&err, "madvise(MADV_DONTDUMP) failed: "
                 "Cannot allocate memory");
}

/* NUMA */

static bool numa_usable(void)
{
    if (numa_available() < 0) {
        g_test_skip("no NUMA support in this kernel");
        return false;
    }
    return true;
}

static void test_mbind_node0(void)
{
    const uint64_t size = 4 * MiB;
    const uint64_t node0[] = { 0 };
    unsigned long mask[16] = { 0 };
    void *pages[4];
    int status[4] = { -1, -1, -1, -1 };
    int mode = -1;
    uint8_t *ptr;
    int i;

    if (!numa_usable()) {
        return;
    }
    ptr = host_mem_map(-1, size, 0, 0, 0, &error_abort);
    g_assert_true(host_mem_mbind(ptr, size, MPOL_BIND, node0, 1,
                                 &error_abort));
    g_assert_cmpint(get_mempolicy(&mode, mask, 8 * sizeof(mask), ptr,
                                  MPOL_F_ADDR), ==, 0);
    g_assert_cmpint(mode, ==, MPOL_BIND);
    g_assert_cmphex(mask[0], ==, 1);

    g_assert_true(host_mem_prealloc(-1, ptr, size, 1, &error_abort));
    for (i = 0; i < 4; i++) {
        pages[i] = ptr + i * (size / 4);
    }
    g_assert_cmpint(move_pages(0, 4, pages, NULL, status, 0), ==, 0);
    for (i = 0; i < 4; i++) {
        g_assert_cmpint(status[i], ==, 0);
    }
    host_mem_unmap(ptr, size);
}

static void test_mbind_other_policies(void)
{
    const uint64_t size = 4 * MiB;
    const uint64_t nodes[] = { 0, 0 };
    uint8_t *ptr;

    if (!numa_usable()) {
        return;
    }
    ptr = host_mem_map(-1, size, 0, 0, 0, &error_abort);
    g_assert_true(host_mem_mbind(ptr, size, MPOL_PREFERRED, nodes, 1,
                                 &error_abort));
    g_assert_true(host_mem_mbind(ptr, size, MPOL_INTERLEAVE, nodes, 2,
                                 &error_abort));
    /* Default without nodes leaves the policy alone. */
    g_assert_true(host_mem_mbind(ptr, size, MPOL_DEFAULT, NULL, 0,
                                 &error_abort));
    host_mem_unmap(ptr, size);
}

static void test_mbind_errors(void)
{
    const uint64_t size = 4 * MiB;
    const uint64_t node0[] = { 0 };
    const uint64_t node128[] = { 0, 128 };
    uint64_t absent[1];
    g_autofree char *msg = NULL;
    g_autofree char *hint = NULL;
    Error *err = NULL;
    uint8_t *ptr;

    if (!numa_usable()) {
        return;
    }
    absent[0] = numa_max_node() + 1;
    ptr = host_mem_map(-1, size, 0, 0, 0, &error_abort);

    g_assert_false(host_mem_mbind(ptr, size, MPOL_BIND, node128, 2, &err));
    assert_error(&err, "Invalid host-nodes value: 128");
    g_assert_false(host_mem_mbind(ptr, size, MPOL_DEFAULT, node0, 1, &err));
    assert_error(&err, "host-nodes must be empty for policy default, or "
                 "you should explicitly specify a policy other than "
                 "default");
    g_assert_false(host_mem_mbind(ptr, size, MPOL_BIND, NULL, 0, &err));
    assert_error(&err, "host-nodes must be set for policy bind");
    g_assert_false(host_mem_mbind(ptr, size, MPOL_INTERLEAVE, NULL, 0,
                                  &err));
    assert_error(&err, "host-nodes must be set for policy interleave");

    /* A node this host lacks: the kernel refuses, for every policy. */
    g_assert_false(host_mem_mbind(ptr, size, MPOL_BIND, absent, 1, &err));
    g_assert_nonnull(err);
    hint = g_strdup_printf("Host NUMA node %" PRIu64 " does not exist or "
                           "has no memory; nodes with memory: ", absent[0]);
    g_assert_true(g_str_has_prefix(error_get_hint(err), hint));
    assert_error(&err, "cannot bind memory to host NUMA nodes: "
                 "Invalid argument");
    g_assert_false(host_mem_mbind(ptr, size, MPOL_PREFERRED, absent, 1,
                                  &err));
    assert_error(&err, "cannot bind memory to host NUMA nodes: "
                 "Invalid argument");

    g_assert_true(host_mem_check_host_nodes_present(node0, 1,
                                                    &error_abort));
    g_assert_false(host_mem_check_host_nodes_present(absent, 1, &err));
    g_assert_nonnull(err);
    msg = g_strdup_printf("host-nodes value %" PRIu64 " is not a NUMA node "
                          "with memory on this host (nodes with memory: ",
                          absent[0]);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), msg));
    g_assert_true(g_str_has_suffix(error_get_pretty(err), ")"));
    error_free(err);
    err = NULL;

    g_assert_true(host_mem_check_host_node(127, &error_abort));
    g_assert_false(host_mem_check_host_node(1000, &err));
    assert_error(&err, "Invalid host-nodes value: 1000");
    host_mem_unmap(ptr, size);
}

static void test_mbind_single_node_host(void)
{
    const uint64_t node1[] = { 1 };
    Error *err = NULL;

    if (!numa_usable()) {
        return;
    }
    if (numa_max_node() != 0) {
        g_test_skip("host has more than one NUMA node");
        return;
    }
    g_assert_false(host_mem_check_host_nodes_present(node1, 1, &err));
    assert_error(&err, "host-nodes value 1 is not a NUMA node with memory "
                 "on this host (nodes with memory: 0)");
}

/* Preallocation */

static void check_prealloc_anon(uint64_t size, unsigned threads, bool touch)
{
    uint8_t *ptr = host_mem_map(-1, size, 0, 0, 0, &error_abort);

    g_assert_true(none_resident(ptr, size));
    if (touch) {
        g_assert_true(host_mem_prealloc_touch(-1, ptr, size, threads,
                                              &error_abort));
    } else {
        g_assert_true(host_mem_prealloc(-1, ptr, size, threads,
                                        &error_abort));
    }
    g_assert_true(all_resident(ptr, size));
    host_mem_unmap(ptr, size);
}

static void test_prealloc_populate(void)
{
    check_prealloc_anon(64 * MiB, 1, false);
    check_prealloc_anon(256 * MiB, 4, false);
    /* Not a multiple of the threads' share, nor of 64 MiB. */
    check_prealloc_anon(200 * MiB + 3 * page_size(), 4, false);
}

static void test_prealloc_touch(void)
{
    check_prealloc_anon(64 * MiB, 1, true);
    check_prealloc_anon(256 * MiB, 4, true);
    check_prealloc_anon(200 * MiB + 3 * page_size(), 4, true);
}

static void test_prealloc_keeps_file_data(void)
{
    const uint64_t size = 128 * MiB;
    uint8_t *ptr;
    uint64_t off;
    int fd;

    fd = host_mem_memfd_create("test-host-mem", size, false, 0, false,
                               &error_abort);
    for (off = 0; off < size; off += 16 * MiB) {
        g_assert_cmpint(pwrite(fd, "data", 4, off + 100), ==, 4);
    }
    ptr = host_mem_map(fd, size, 0, 0, HOST_MEM_MAP_SHARED, &error_abort);
    g_assert_true(host_mem_prealloc_touch(fd, ptr, size, 2, &error_abort));
    g_assert_true(host_mem_prealloc(fd, ptr, size, 2, &error_abort));
    g_assert_true(all_resident(ptr, size));
    for (off = 0; off < size; off += 16 * MiB) {
        g_assert_cmpmem(ptr + off + 100, 4, "data", 4);
    }
    host_mem_unmap(ptr, size);
    close(fd);
}

static void test_prealloc_readonly(void)
{
    Error *err = NULL;
    void *ptr;
    int fd;

    fd = host_mem_memfd_create("test-host-mem", 2 * MiB, false, 0, false,
                               &error_abort);
    ptr = host_mem_map(fd, 2 * MiB, 0, 0,
                       HOST_MEM_MAP_SHARED | HOST_MEM_MAP_READONLY,
                       &error_abort);
    /* The kernel refuses to populate it writable; touching would fault. */
    g_assert_false(host_mem_prealloc(fd, ptr, 2 * MiB, 1, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    host_mem_unmap(ptr, 2 * MiB);
    close(fd);
}

static void test_prealloc_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned expect4 = MIN(4, cpus);

    g_assert_cmpuint(host_mem_prealloc_threads(GiB, 4 * KiB, 4), ==,
                     expect4);
    g_assert_cmpuint(host_mem_prealloc_threads(GiB, 4 * KiB, 0), ==, 1);
    /* One thread per 64 MiB at most. */
    g_assert_cmpuint(host_mem_prealloc_threads(16 * MiB, 4 * KiB, 4), ==,
                     1);
    g_assert_cmpuint(host_mem_prealloc_threads(128 * MiB, 4 * KiB, 4), ==,
                     MIN(2, cpus));
    /* No more threads than (gigantic) pages. */
    g_assert_cmpuint(host_mem_prealloc_threads(2 * GiB, GiB, 16), ==,
                     MIN(2, cpus));
    g_assert_cmpuint(host_mem_prealloc_threads(64 * GiB, 4 * KiB, 100), ==,
                     MIN(16, cpus));
}

static volatile sig_atomic_t stray_sigbus;

static void count_sigbus(int sig)
{
    stray_sigbus++;
}

/*
 * A 4 MiB tmpfs cannot back 16 MiB: populating faults with SIGBUS (or
 * EFAULT from MADV_POPULATE_WRITE), which must come back as an error.
 */
static void child_prealloc_tiny_tmpfs(void)
{
    char dir[] = "/tmp/test-host-mem.XXXXXX";
    g_autofree char *path = NULL;
    struct sigaction mine, now, segv_before;
    Error *err = NULL;
    uint64_t size;
    void *ptr;
    int fd;

    /* SIG_DFL normally; AddressSanitizer has a handler of its own. */
    g_assert_cmpint(sigaction(SIGSEGV, NULL, &segv_before), ==, 0);
    if (!mkdtemp(dir)) {
        child_skip("mkdtemp");
    }
    if (mount("none", dir, "tmpfs", 0, "size=4M")) {
        int e = errno;

        rmdir(dir);
        errno = e;
        child_skip("cannot mount a tmpfs");
    }
    /* A handler of our own, which must be back in place afterwards. */
    memset(&mine, 0, sizeof(mine));
    mine.sa_handler = count_sigbus;
    g_assert_cmpint(sigaction(SIGBUS, &mine, NULL), ==, 0);

    path = g_build_filename(dir, "ram", NULL);
    size = 16 * MiB;
    fd = host_mem_open_file(path, size, false, NULL, NULL, &error_abort);
    ptr = host_mem_map(fd, size, 0, 0, HOST_MEM_MAP_SHARED, &error_abort);
    g_assert_false(host_mem_prealloc(fd, ptr, size, 1, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    g_assert_false(host_mem_prealloc_touch(fd, ptr, size, 1, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    host_mem_unmap(ptr, size);
    close(fd);
    unlink(path);

    /* Several threads faulting at once, each jumping back on its own. */
    size = 512 * MiB;
    fd = host_mem_open_file(path, size, false, NULL, NULL, &error_abort);
    ptr = host_mem_map(fd, size, 0, 0, HOST_MEM_MAP_SHARED, &error_abort);
    g_assert_false(host_mem_prealloc_touch(fd, ptr, size, 4, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    g_assert_false(host_mem_prealloc(fd, ptr, size, 4, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    /* Private mappings of the file fault in its pages too. */
    host_mem_unmap(ptr, size);
    ptr = host_mem_map(fd, size, 0, 0, 0, &error_abort);
    g_assert_false(host_mem_prealloc_touch(fd, ptr, size, 2, &err));
    assert_error(&err, "qemu_prealloc_mem: preallocating memory failed: "
                 "Bad address");
    host_mem_unmap(ptr, size);
    close(fd);

    g_assert_cmpint(sigaction(SIGBUS, NULL, &now), ==, 0);
    g_assert_true(now.sa_handler == count_sigbus);
    g_assert_cmpint(stray_sigbus, ==, 0);
    g_assert_cmpint(sigaction(SIGSEGV, NULL, &now), ==, 0);
    g_assert_true(now.sa_handler == segv_before.sa_handler);

    unlink(path);
    umount(dir);
    rmdir(dir);
}

static void test_prealloc_tiny_tmpfs(void)
{
    run_in_mount_ns(child_prealloc_tiny_tmpfs);
}

/* memfd */

/* "2 MiB, 1 GiB" from sysfs, as the error message lists them. */
static char *host_huge_page_sizes(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t kib;

    /* x86-64 sizes; other hosts list others and skip the exact check. */
    for (kib = 2048; kib <= 1048576; kib *= 512) {
        g_autofree char *dir = g_strdup_printf("/sys/kernel/mm/hugepages/"
                                               "hugepages-%" PRIu64 "kB",
                                               kib);

        if (g_file_test(dir, G_FILE_TEST_IS_DIR)) {
            g_string_append_printf(out, "%s%s", out->len ? ", " : "",
                                   kib == 2048 ? "2 MiB" : "1 GiB");
        }
    }
    return g_strdup(out->str);
}

static void test_memfd_hugetlb_bad_size(void)
{
    g_autofree char *sizes = NULL;
    g_autofree char *msg = NULL;
    Error *err = NULL;

    g_assert_cmpint(host_mem_memfd_create("test-host-mem", 2 * MiB, true,
                                          3 * MiB, true, &err), ==, -1);
    assert_error(&err, "Hugepage size must be a power of 2");

    sizes = host_huge_page_sizes();
    if (!*sizes) {
        g_test_skip("no 2 MiB or 1 GiB huge pages on this host");
        return;
    }
    g_assert_cmpint(host_mem_memfd_create("test-host-mem", 4 * MiB, true,
                                          4 * MiB, true, &err), ==, -1);
    msg = g_strdup_printf("hugetlbsize 4 MiB is not supported by the host "
                          "(huge page sizes: %s)", sizes);
    assert_error(&err, msg);
}

static void test_memfd_hugetlb_page_size(void)
{
    int fd;

    if (!g_file_test("/sys/kernel/mm/hugepages/hugepages-2048kB",
                     G_FILE_TEST_IS_DIR)) {
        g_test_skip("no 2 MiB huge pages on this host");
        return;
    }
    /* Creating and sizing take no pages from the pool; mapping would. */
    fd = host_mem_memfd_create("test-host-mem", 4 * MiB, true, 2 * MiB,
                               true, &error_abort);
    g_assert_true(host_mem_fd_is_hugetlbfs(fd));
    g_assert_cmpuint(host_mem_fd_page_size(fd), ==, 2 * MiB);
    close(fd);
}

static void test_memfd_bad_size(void)
{
    Error *err = NULL;

    g_assert_cmpint(host_mem_memfd_create("test-host-mem", INT64_MAX + 1ULL,
                                          false, 0, true, &err), ==, -1);
    assert_error(&err, "failed to resize memfd to 9223372036854775808: "
                 "Invalid argument");
}

/* Page sizes */

static void test_page_size(void)
{
    int fd;

    g_assert_cmpuint(host_mem_host_page_size(), ==, page_size());
    g_assert_cmpuint(host_mem_fd_page_size(-1), ==, page_size());
    g_assert_false(host_mem_fd_is_hugetlbfs(-1));
    fd = host_mem_memfd_create("test-host-mem", MiB, false, 0, false,
                               &error_abort);
    g_assert_cmpuint(host_mem_fd_page_size(fd), ==, page_size());
    g_assert_false(host_mem_fd_is_hugetlbfs(fd));
    close(fd);
    g_assert_cmpuint(host_mem_path_page_size("/tmp"), ==, page_size());
    g_assert_cmpuint(host_mem_path_page_size("/nonexistent-memvm"), ==,
                     page_size());
}

/* mem-path files */

static char *make_dir(void)
{
    char *dir = g_strdup("/tmp/test-host-mem.XXXXXX");

    g_assert_nonnull(mkdtemp(dir));
    return dir;
}

static uint64_t fd_size(int fd)
{
    struct stat st;

    g_assert_cmpint(fstat(fd, &st), ==, 0);
    return st.st_size;
}

static void test_file_directory(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *prefix = g_build_filename(dir, "memvm_back_mem.",
                                               NULL);
    char *used = NULL;
    bool created = true;
    struct stat st;
    GDir *d;
    int fd;

    fd = host_mem_open_file(dir, 2 * MiB, false, &created, &used,
                            &error_abort);
    g_assert_false(created);
    g_assert_true(g_str_has_prefix(used, prefix));
    /* Unlinked already: nothing left behind in the directory. */
    g_assert_false(g_file_test(used, G_FILE_TEST_EXISTS));
    g_assert_cmpint(fstat(fd, &st), ==, 0);
    g_assert_cmpint(st.st_nlink, ==, 0);
    g_assert_cmpuint(st.st_size, ==, 2 * MiB);
    g_assert_cmpint(fcntl(fd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
    d = g_dir_open(dir, 0, NULL);
    g_assert_null(g_dir_read_name(d));
    g_dir_close(d);
    close(fd);
    g_free(used);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_file_directory_readonly(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *msg = NULL;
    Error *err = NULL;

    g_assert_cmpint(host_mem_open_file(dir, 2 * MiB, true, NULL, NULL,
                                       &err), ==, -1);
    msg = g_strdup_printf("can't open backing store %s for guest RAM: "
                          "Is a directory", dir);
    assert_error(&err, msg);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_file_missing_dir(void)
{
    Error *err = NULL;
    bool created = true;

    g_assert_cmpint(host_mem_open_file("/nonexistent-memvm/ram", 2 * MiB,
                                       false, &created, NULL, &err), ==, -1);
    g_assert_false(created);
    assert_error(&err, "can't open backing store /nonexistent-memvm/ram for "
                 "guest RAM: No such file or directory");
}

static void test_file_create(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "ram", NULL);
    g_autofree char *msg = NULL;
    char *used = NULL;
    Error *err = NULL;
    bool created = false;
    int fd;

    /* Read-only memory from a file that is not there: nothing to read. */
    g_assert_cmpint(host_mem_open_file(path, 2 * MiB, true, &created, NULL,
                                       &err), ==, -1);
    msg = g_strdup_printf("can't open backing store %s for guest RAM: "
                          "No such file or directory", path);
    assert_error(&err, msg);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    fd = host_mem_open_file(path, 2 * MiB, false, &created, &used,
                            &error_abort);
    g_assert_true(created);
    g_assert_cmpstr(used, ==, path);
    g_assert_cmpuint(fd_size(fd), ==, 2 * MiB);
    close(fd);
    g_free(used);

    /* Now it exists: opened, not created, and left as it is. */
    fd = host_mem_open_file(path, MiB, false, &created, NULL, &error_abort);
    g_assert_false(created);
    g_assert_cmpuint(fd_size(fd), ==, 2 * MiB);
    close(fd);
    fd = host_mem_open_file(path, 2 * MiB, true, &created, NULL,
                            &error_abort);
    g_assert_false(created);
    g_assert_cmpint(fcntl(fd, F_GETFL) & O_ACCMODE, ==, O_RDONLY);
    close(fd);

    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_file_sizes(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *small = g_build_filename(dir, "small", NULL);
    g_autofree char *big = g_build_filename(dir, "big", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty", NULL);
    Error *err = NULL;
    int fd;

    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    fd = open(small, O_CREAT | O_RDWR, 0644);
    g_assert_cmpint(ftruncate(fd, MiB), ==, 0);
    close(fd);
    fd = open(big, O_CREAT | O_RDWR, 0644);
    g_assert_cmpint(ftruncate(fd, 4 * MiB), ==, 0);
    close(fd);

    /* A smaller non-empty file is never grown: its data would move. */
    g_assert_cmpint(host_mem_open_file(small, 2 * MiB, false, NULL, NULL,
                                       &err), ==, -1);
    assert_error(&err, "backing store size 0x100000 does not match 'size' "
                 "option 0x200000");
    g_assert_cmpint(host_mem_open_file(small, 2 * MiB, true, NULL, NULL,
                                       &err), ==, -1);
    assert_error(&err, "backing store size 0x100000 does not match 'size' "
                 "option 0x200000");
    /* Compared after rounding up to the host page, as QEMU does. */
    g_assert_cmpint(host_mem_open_file(small, MiB + 1, false, NULL, NULL,
                                       &err), ==, -1);
    assert_error(&err, "backing store size 0x100000 does not match 'size' "
                 "option 0x101000");

    /* A larger one is fine, and keeps its size. */
    fd = host_mem_open_file(big, 2 * MiB, false, NULL, NULL, &error_abort);
    g_assert_cmpuint(fd_size(fd), ==, 4 * MiB);
    close(fd);
    fd = host_mem_open_file(big, 2 * MiB, true, NULL, NULL, &error_abort);
    close(fd);

    /* An empty file is sized, except read-only. */
    g_assert_cmpint(host_mem_open_file(empty, 2 * MiB, true, NULL, NULL,
                                       &err), ==, -1);
    assert_error(&err, "backing store size 0x0 does not match 'size' "
                 "option 0x200000");
    fd = host_mem_open_file(empty, 5000, false, NULL, NULL, &error_abort);
    g_assert_cmpuint(fd_size(fd), ==, 8192);
    close(fd);

    unlink(small);
    unlink(big);
    unlink(empty);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_file_map_offset(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "ram", NULL);
    const uint64_t size = 2 * MiB, offset = 2 * MiB;
    uint8_t *ptr;
    int fd;

    /* The caller asks for what it maps plus where it maps it from. */
    fd = host_mem_open_file(path, offset + size, false, NULL, NULL,
                            &error_abort);
    g_assert_cmpuint(fd_size(fd), ==, offset + size);
    ptr = host_mem_map(fd, size, 0, offset, HOST_MEM_MAP_SHARED,
                       &error_abort);
    memcpy(ptr, "at-offset", 9);
    host_mem_unmap(ptr, size);
    close(fd);

    fd = host_mem_open_file(path, offset + size, true, NULL, NULL,
                            &error_abort);
    ptr = host_mem_map(fd, size, 0, offset,
                       HOST_MEM_MAP_SHARED | HOST_MEM_MAP_READONLY,
                       &error_abort);
    g_assert_cmpmem(ptr, 9, "at-offset", 9);
    host_mem_unmap(ptr, size);
    close(fd);
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host-mem/map/anon-aligned", test_map_anon_aligned);
    g_test_add_func("/host-mem/map/anon-1g-align", test_map_anon_1g_align);
    g_test_add_func("/host-mem/map/bad-args", test_map_bad_args);
    g_test_add_func("/host-mem/map/bad-fd", test_map_bad_fd);
    g_test_add_func("/host-mem/map/memfd-shared",
                    test_memfd_shared_two_mappings);
    g_test_add_func("/host-mem/map/file-offset-private",
                    test_map_private_file_offset);
    g_test_add_func("/host-mem/map/sync-fallback", test_map_sync_fallback);
    g_test_add_func("/host-mem/map/noreserve", test_map_noreserve);
    g_test_add_func("/host-mem/map/noreserve-overcommit-never",
                    test_map_noreserve_overcommit_never);
    g_test_add_func("/host-mem/map/noreserve-overcommit-unreadable",
                    test_map_noreserve_overcommit_unreadable);
    g_test_add_func("/host-mem/madvise", test_madvise);
    g_test_add_func("/host-mem/mbind/node0", test_mbind_node0);
    g_test_add_func("/host-mem/mbind/other-policies",
                    test_mbind_other_policies);
    g_test_add_func("/host-mem/mbind/errors", test_mbind_errors);
    g_test_add_func("/host-mem/mbind/single-node-host",
                    test_mbind_single_node_host);
    g_test_add_func("/host-mem/prealloc/populate", test_prealloc_populate);
    g_test_add_func("/host-mem/prealloc/touch", test_prealloc_touch);
    g_test_add_func("/host-mem/prealloc/keeps-file-data",
                    test_prealloc_keeps_file_data);
    g_test_add_func("/host-mem/prealloc/readonly", test_prealloc_readonly);
    g_test_add_func("/host-mem/prealloc/threads", test_prealloc_threads);
    g_test_add_func("/host-mem/prealloc/tiny-tmpfs",
                    test_prealloc_tiny_tmpfs);
    g_test_add_func("/host-mem/memfd/unsealed", test_memfd_unsealed);
    g_test_add_func("/host-mem/memfd/hugetlb-bad-size",
                    test_memfd_hugetlb_bad_size);
    g_test_add_func("/host-mem/memfd/hugetlb-page-size",
                    test_memfd_hugetlb_page_size);
    g_test_add_func("/host-mem/memfd/bad-size", test_memfd_bad_size);
    g_test_add_func("/host-mem/page-size", test_page_size);
    g_test_add_func("/host-mem/file/directory", test_file_directory);
    g_test_add_func("/host-mem/file/directory-readonly",
                    test_file_directory_readonly);
    g_test_add_func("/host-mem/file/missing-dir", test_file_missing_dir);
    g_test_add_func("/host-mem/file/create", test_file_create);
    g_test_add_func("/host-mem/file/sizes", test_file_sizes);
    g_test_add_func("/host-mem/file/map-offset", test_file_map_offset);
    return g_test_run();
}
