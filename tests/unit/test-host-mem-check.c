/*
 * Tests for the start-up checks (util/host-mem-check.c) against a fake
 * host: a directory that mimics sysfs, /proc/self and cgroupfs, so that
 * two NUMA nodes, cgroup limits and unreadable files can be shown on any
 * machine.
 */
#include <string.h>
#include <unistd.h>

#include "qemu/cutils.h"
#include "qemu/host-mem-check.h"

static char *fake_root;

static void put(const char *rel, const char *text)
{
    g_autofree char *path = g_build_filename(fake_root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

#define HP "hugepages/hugepages-2048kB/"

/* Two nodes with 3 and 2 free 2 MiB pages; cgroup v2 at /cg, memvm in /vm. */
static void make_host(void)
{
    g_autofree char *tmpl = g_build_filename(g_get_tmp_dir(),
                                             "memvm-check-XXXXXX", NULL);

    fake_root = g_mkdtemp(g_steal_pointer(&tmpl));
    put("sys/kernel/mm/" HP "free_hugepages", "5\n");
    put("sys/kernel/mm/" HP "resv_hugepages", "0\n");
    put("sys/kernel/mm/" HP "nr_hugepages", "5\n");
    put("sys/kernel/mm/" HP "nr_overcommit_hugepages", "0\n");
    put("sys/kernel/mm/" HP "surplus_hugepages", "0\n");
    put("sys/devices/system/node/node0/" HP "free_hugepages", "3\n");
    put("sys/devices/system/node/node0/" HP "nr_hugepages", "3\n");
    put("sys/devices/system/node/node1/" HP "free_hugepages", "2\n");
    put("sys/devices/system/node/node1/" HP "nr_hugepages", "2\n");
    put("proc/self/cgroup", "0::/vm\n");
    put("proc/self/mountinfo",
        "30 1 0:26 / /cg rw,nosuid - cgroup2 cgroup2 rw\n");
    put("cg/vm/memory.max", "max\n");
    put("cg/vm/memory.current", "1048576\n");
}

static void drop_host(void)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", fake_root);

    g_assert_cmpint(system(cmd), ==, 0);
    g_clear_pointer(&fake_root, g_free);
}

static const uint64_t both_nodes[] = { 0, 1 };

static void test_bound_nodes_together(void)
{
    HostMemRequest req = {
        .id = "m", .size = 16 * MiB, .page_size = 2 * MiB, .hugetlb = true,
        .bind = true, .nodes = both_nodes, .n_nodes = 2,
    };
    Error *err = NULL;

    make_host();
    /* 5 free on nodes 0-1 together: 10 MiB fits, 16 MiB does not. */
    req.size = 10 * MiB;
    g_assert_true(host_mem_check_requests(fake_root, &req, 1, &error_abort));
    req.size = 16 * MiB;
    g_assert_false(host_mem_check_requests(fake_root, &req, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backend 'm' needs 8 huge pages of 2 MiB (16 MiB)"
                    " on host nodes 0-1 (policy=bind), but they have 5 free "
                    "(node 0: 3, node 1: 2); reserve 3 more there before "
                    "starting: echo 6 > /sys/devices/system/node/node0/"
                    "hugepages/hugepages-2048kB/nr_hugepages");
    error_free(err);
    drop_host();
}

static void test_backends_share_the_pool(void)
{
    HostMemRequest reqs[2] = {
        { .id = "a", .size = 6 * MiB, .page_size = 2 * MiB,
          .hugetlb = true },
        { .id = "b", .size = 6 * MiB, .page_size = 2 * MiB,
          .hugetlb = true },
    };
    Error *err = NULL;

    make_host();
    g_assert_true(host_mem_check_requests(fake_root, reqs, 1, &error_abort));
    g_assert_false(host_mem_check_requests(fake_root, reqs, 2, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backends 'a', 'b' need 6 huge pages of 2 MiB "
                    "(12 MiB), but the host has 5 free (node 0: 3, node 1: "
                    "2); reserve 1 more before starting: echo 6 > "
                    "/sys/kernel/mm/hugepages/hugepages-2048kB/"
                    "nr_hugepages");
    error_free(err);
    drop_host();
}

static void test_cgroup_v2_memory_max(void)
{
    HostMemRequest reqs[2] = {
        { .id = "a", .size = 8 * MiB, .page_size = 4 * KiB,
          .prealloc = true },
        /* Not preallocated: it only takes what the guest touches. */
        { .id = "b", .size = 1 * GiB, .page_size = 4 * KiB },
    };
    Error *err = NULL;

    make_host();
    put("cg/memory.max", "max\n");
    put("cg/vm/memory.max", "10485760\n");
    g_assert_true(host_mem_check_requests(fake_root, reqs, 2, &error_abort));
    reqs[0].size = 16 * MiB;
    g_assert_false(host_mem_check_requests(fake_root, reqs, 2, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backend 'a' needs 16 MiB preallocated, but "
                    "cgroup /cg/vm allows 9 MiB more (memory.max is 10 MiB,"
                    " 1 MiB in use); raise the limit before starting: echo "
                    "17825792 > /cg/vm/memory.max");
    error_free(err);
    drop_host();
}

static void test_cgroup_parent_limits(void)
{
    HostMemRequest req = {
        .id = "h", .size = 8 * MiB, .page_size = 2 * MiB, .hugetlb = true,
    };
    Error *err = NULL;

    make_host();
    put("sys/kernel/mm/" HP "free_hugepages", "100\n");
    /* Only the parent limits hugetlb; memvm's own cgroup does not. */
    put("cg/hugetlb.2MB.max", "4194304\n");
    put("cg/hugetlb.2MB.current", "0\n");
    g_assert_false(host_mem_check_requests(fake_root, &req, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backend 'h' needs 8 MiB in huge pages of 2 MiB, "
                    "but cgroup /cg allows 4 MiB more (hugetlb.2MB.max is 4 "
                    "MiB, 0 B in use); raise the limit before starting: "
                    "echo 8388608 > /cg/hugetlb.2MB.max");
    error_free(err);
    drop_host();
}

/* A fact that cannot be read is a warning, and the start goes on. */
static void test_unreadable_is_a_warning(void)
{
    if (g_test_subprocess()) {
        HostMemRequest req = {
            .id = "m", .size = 1 * GiB, .page_size = 1 * GiB,
            .hugetlb = true,
        };

        make_host();
        g_assert_true(host_mem_check_requests(fake_root, &req, 1,
                                              &error_abort));
        drop_host();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*: warning: memory backend 'm': cannot check "
                              "free huge pages: */sys/kernel/mm/hugepages/"
                              "hugepages-1048576kB/free_hugepages: No such "
                              "file or directory; starting without this "
                              "check\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    error_set_progname(argv[0]);
    g_test_add_func("/host-mem-check/hugetlb/bound-nodes-together",
                    test_bound_nodes_together);
    g_test_add_func("/host-mem-check/hugetlb/backends-share-the-pool",
                    test_backends_share_the_pool);
    g_test_add_func("/host-mem-check/cgroup/v2-memory-max",
                    test_cgroup_v2_memory_max);
    g_test_add_func("/host-mem-check/cgroup/parent-limits",
                    test_cgroup_parent_limits);
    g_test_add_func("/host-mem-check/unreadable-is-a-warning",
                    test_unreadable_is_a_warning);
    return g_test_run();
}
