/* Tests for the host memory backends (backends/hostmem*.c). */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysemu/hostmem.h"
#include "qemu/host-mem.h"
#include "exec/ramblock.h"

static Object *add_backend(const char *type, const char *id, Error **errp,
                           ...)
{
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) vals = g_ptr_array_new();
    va_list ap;
    const char *k;

    va_start(ap, errp);
    while ((k = va_arg(ap, const char *))) {
        g_ptr_array_add(keys, (char *)k);
        g_ptr_array_add(vals, va_arg(ap, char *));
    }
    va_end(ap);
    return user_creatable_add(type, id, keys, vals, errp);
}

static void expect_error(const char *type, const char *msg, ...)
{
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) vals = g_ptr_array_new();
    Error *err = NULL;
    va_list ap;
    const char *k;

    va_start(ap, msg);
    while ((k = va_arg(ap, const char *))) {
        g_ptr_array_add(keys, (char *)k);
        g_ptr_array_add(vals, va_arg(ap, char *));
    }
    va_end(ap);
    g_assert_null(user_creatable_add(type, "bad", keys, vals, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    g_assert_null(object_resolve_path("/objects/bad", NULL));
}

static void test_ram_defaults(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r0", &error_abort,
                              "size", "2M", NULL);
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    MemoryRegion *mr = host_memory_backend_get_memory(b);

    g_assert_cmpuint(b->size, ==, 2 * 1024 * 1024);
    /* memvm: dump is off unless asked for (QEMU: on). */
    g_assert_true(b->merge && !b->dump && b->reserve);
    g_assert_false(b->share || b->prealloc);
    /* Not given: memvm uses the CPUs it may run on (QEMU: 1). */
    g_assert_cmpuint(b->prealloc_threads, ==, 0);
    g_assert_cmpuint(object_property_get_uint(obj, "prealloc-threads",
                                              &error_abort), ==,
                     host_mem_affinity_cpus());
    g_assert_nonnull(mr);
    g_assert_cmpuint(memory_region_size(mr), ==, 2 * 1024 * 1024);
    g_assert_cmpstr(memory_region_name(mr), ==, "r0");
    /* Unused backends have an unnamed RAM block, as in QEMU. */
    g_assert_cmpstr(mr->ram_block->idstr, ==, "");
    memset(memory_region_get_ram_ptr(mr), 0xaa, 2 * 1024 * 1024);
    g_assert_true(user_creatable_del("r0", &error_abort));
}

static void test_fixed_after_creation(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r1", &error_abort,
                              "size", "1M", NULL);
    Error *err = NULL;

    g_assert_false(object_property_parse(obj, "size", "2M", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot change property 'size' of memory-backend-ram "
                    "'r1' after it is created");
    error_free_or_abort(&err);
    g_assert_false(object_property_parse(obj, "share", "on", &err));
    error_free_or_abort(&err);
    g_assert_false(object_property_parse(obj, "policy", "bind", &err));
    error_free_or_abort(&err);
    /* Hints may change while the memory exists. */
    g_assert_true(object_property_parse(obj, "merge", "off", &error_abort));
    g_assert_true(object_property_parse(obj, "dump", "on", &error_abort));
    g_assert_true(object_property_parse(obj, "prealloc", "on",
                                        &error_abort));
    g_assert_true(MEMORY_BACKEND(obj)->prealloc);
    g_assert_true(user_creatable_del("r1", &error_abort));
}

static void test_in_use(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r2", &error_abort,
                              "size", "1M", NULL);
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    Error *err = NULL;

    g_assert_true(host_memory_backend_set_mapped(b, true, &error_abort));
    g_assert_false(host_memory_backend_set_mapped(b, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backend 'r2' can't be used multiple times");
    error_free_or_abort(&err);
    g_assert_false(user_creatable_del("r2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object 'r2' is in use, can not be deleted");
    error_free_or_abort(&err);
    host_memory_backend_set_mapped(b, false, &error_abort);
    g_assert_true(user_creatable_del("r2", &error_abort));
}

static void test_errors(void)
{
    expect_error(TYPE_MEMORY_BACKEND_RAM, "Parameter 'size' is missing",
                 NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "property 'size' of memory-backend-ram doesn't take value "
                 "'0'", "size", "0", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "Parameter 'size' expects a size value",
                 "size", "abc", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "host-nodes must be set for policy bind",
                 "size", "1M", "policy", "bind", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "host-nodes must be empty for policy default, or you should "
                 "explicitly specify a policy other than default",
                 "size", "1M", "host-nodes", "0", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "'prealloc=on' and 'reserve=off' are incompatible",
                 "size", "1M", "reserve", "off", "prealloc", "on", NULL);
    expect_error(TYPE_MEMORY_BACKEND_FILE, "mem-path property not set",
                 "size", "1M", NULL);
    expect_error(TYPE_MEMORY_BACKEND_FILE,
                 "can't open backing store /nonexistent/x for guest RAM: "
                 "No such file or directory",
                 "size", "1M", "mem-path", "/nonexistent/x", NULL);
    expect_error(TYPE_MEMORY_BACKEND_MEMFD,
                 "Hugepage size must be a power of 2",
                 "size", "4M", "hugetlb", "on", "hugetlbsize", "3M", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM, "Invalid parameter 'foo'",
                 "size", "1M", "foo", "bar", NULL);
}

static void test_bind_node0(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r3", &error_abort,
                              "size", "1M", "policy", "bind",
                              "host-nodes", "0", "prealloc", "on", NULL);

    g_assert_cmpint(MEMORY_BACKEND(obj)->policy, ==, HOST_MEM_POLICY_BIND);
    g_assert_true(user_creatable_del("r3", &error_abort));
}

static void test_file_shared(void)
{
    char path[] = "/dev/shm/memvm-test-XXXXXX";
    int fd = mkstemp(path);
    Object *obj;
    uint8_t *host, byte = 0;
    struct stat st;

    g_assert_cmpint(fd, >=, 0);
    obj = add_backend(TYPE_MEMORY_BACKEND_FILE, "f0", &error_abort,
                      "size", "4M", "mem-path", path, "share", "on", NULL);
    host = memory_region_get_ram_ptr(
        host_memory_backend_get_memory(MEMORY_BACKEND(obj)));
    /* One host memory: a store through the backend is in the file. */
    host[4 * 1024 * 1024 - 1] = 0x5a;
    g_assert_cmpint(pread(fd, &byte, 1, 4 * 1024 * 1024 - 1), ==, 1);
    g_assert_cmpuint(byte, ==, 0x5a);
    g_assert_cmpint(fstat(fd, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 4 * 1024 * 1024);
    g_assert_true(user_creatable_del("f0", &error_abort));
    close(fd);
    unlink(path);
}

static void test_file_directory(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_FILE, "f1", &error_abort,
                              "size", "1M", "mem-path", "/dev/shm", NULL);

    g_assert_cmpint(MEMORY_BACKEND(obj)->fd, >=, 0);
    g_assert_true(user_creatable_del("f1", &error_abort));
}

static void test_memfd(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_MEMFD, "m0", &error_abort,
                              "size", "2M", NULL);
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    uint8_t *host = memory_region_get_ram_ptr(&b->mr);
    uint8_t *view;

    /* memfd shares by default: a second mapping sees the same bytes. */
    g_assert_true(b->share);
    view = mmap(NULL, 2 * 1024 * 1024, PROT_READ, MAP_SHARED, b->fd, 0);
    g_assert_true(view != MAP_FAILED);
    host[12345] = 0x77;
    g_assert_cmpuint(view[12345], ==, 0x77);
    munmap(view, 2 * 1024 * 1024);
    g_assert_true(user_creatable_del("m0", &error_abort));
}

static void test_file_properties(void)
{
    char path[] = "/dev/shm/memvm-test-XXXXXX";
    int fd = mkstemp(path);
    Object *obj;
    HostMemoryBackend *b;
    uint8_t *host, byte = 0;
    Error *err = NULL;
    char *s;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 8 * 1024 * 1024), ==, 0);
    g_assert_cmpint(pwrite(fd, "\x42", 1, 4 * 1024 * 1024), ==, 1);
    /* offset: the backend starts 4 MiB into the file. */
    obj = add_backend(TYPE_MEMORY_BACKEND_FILE, "f2", &error_abort,
                      "size", "4M", "mem-path", path, "share", "on",
                      "offset", "4M", "align", "2M", "readonly", "on",
                      "discard-data", "off", "pmem", "off", NULL);
    b = MEMORY_BACKEND(obj);
    host = memory_region_get_ram_ptr(&b->mr);
    g_assert_cmpuint(host[0], ==, 0x42);
    /* align=2M: the mapping starts on a 2 MiB boundary. */
    g_assert_cmpuint((uintptr_t)host % (2 * 1024 * 1024), ==, 0);
    g_assert_true(b->mr.ram_block->flags & RAM_READONLY);
    s = object_property_print(obj, "offset", &error_abort);
    g_assert_cmpstr(s, ==, "4194304");
    g_free(s);
    g_assert_false(object_property_parse(obj, "readonly", "off", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot change property 'readonly' of "
                    "memory-backend-file 'f2' after it is created");
    error_free_or_abort(&err);
    g_assert_true(user_creatable_del("f2", &error_abort));

    /* discard-data: the file's pages go when the backend goes. */
    obj = add_backend(TYPE_MEMORY_BACKEND_FILE, "f3", &error_abort,
                      "size", "4M", "mem-path", path, "share", "on",
                      "discard-data", "on", NULL);
    host = memory_region_get_ram_ptr(
        host_memory_backend_get_memory(MEMORY_BACKEND(obj)));
    host[100] = 0x99;
    g_assert_true(user_creatable_del("f3", &error_abort));
    g_assert_cmpint(pread(fd, &byte, 1, 100), ==, 1);
    g_assert_cmpuint(byte, ==, 0);

    expect_error(TYPE_MEMORY_BACKEND_FILE,
                 "'align' 3 is not a power of two",
                 "size", "4M", "mem-path", path, "align", "3", NULL);
    close(fd);
    unlink(path);
}

static void test_prealloc_threads_and_names(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r4", &error_abort,
                              "size", "8M", "prealloc", "on",
                              "prealloc-threads", "2",
                              "x-use-canonical-path-for-ramblock-id", "on",
                              NULL);
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    char *name = host_memory_backend_get_name(b);

    g_assert_cmpuint(b->prealloc_threads, ==, 2);
    /* The pre-4.0 naming: RAM block and region by canonical path. */
    g_assert_cmpstr(name, ==, "/objects/r4");
    g_assert_cmpstr(memory_region_name(&b->mr), ==, "/objects/r4");
    g_free(name);
    g_assert_true(user_creatable_del("r4", &error_abort));
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "property 'prealloc-threads' of memory-backend-ram doesn't "
                 "take value '0'", "size", "1M", "prealloc-threads", "0",
                 NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "Parameter 'prealloc-threads' expects a uint64 value",
                 "size", "1M", "prealloc-threads", "automatic", NULL);
    expect_error(TYPE_MEMORY_BACKEND_RAM,
                 "Parameter 'host-nodes' expects a uint64 value or range",
                 "size", "1M", "host-nodes", "x", "policy", "bind", NULL);
}

/* "auto" beside QEMU's numbers: the command line, QMP, qom-set. */
static void test_prealloc_threads_auto(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_RAM, "r5", &error_abort,
                              "size", "2M", "prealloc-threads", "3", NULL);
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    JsonNode *node;

    g_assert_cmpuint(b->prealloc_threads, ==, 3);
    g_assert_true(object_property_parse(obj, "prealloc-threads", "auto",
                                        &error_abort));
    g_assert_cmpuint(b->prealloc_threads, ==, 0);
    g_assert_cmpuint(object_property_get_uint(obj, "prealloc-threads",
                                              &error_abort), ==,
                     host_mem_affinity_cpus());
    /* Over QMP an integer keeps its meaning, and "auto" is a string. */
    node = json_node_init_int(json_node_alloc(), 2);
    g_assert_true(object_property_set_json(obj, "prealloc-threads", node,
                                           &error_abort));
    json_node_unref(node);
    g_assert_cmpuint(b->prealloc_threads, ==, 2);
    node = json_node_init_string(json_node_alloc(), "auto");
    g_assert_true(object_property_set_json(obj, "prealloc-threads", node,
                                           &error_abort));
    json_node_unref(node);
    g_assert_cmpuint(b->prealloc_threads, ==, 0);
    {
        Error *err = NULL;

        node = json_node_init_string(json_node_alloc(), "4");
        g_assert_false(object_property_set_json(obj, "prealloc-threads",
                                                node, &err));
        json_node_unref(node);
        g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter type "
                        "for 'prealloc-threads', expected: integer");
        error_free(err);
    }
    g_assert_cmpstr(object_class_property_get_default_str(
                        obj->klass, "prealloc-threads"), ==,
                    "auto");
    g_assert_true(user_creatable_del("r5", &error_abort));
}

static void test_memfd_properties(void)
{
    Object *obj = add_backend(TYPE_MEMORY_BACKEND_MEMFD, "m1", &error_abort,
                              "size", "2M", "seal", "off", "share", "off",
                              NULL);

    g_assert_false(MEMORY_BACKEND(obj)->share);
    g_assert_false(object_property_get_bool(obj, "seal", &error_abort));
    g_assert_true(user_creatable_del("m1", &error_abort));
    {
        Error *err = NULL;

        /* The sizes listed after it are the host's. */
        g_assert_null(add_backend(TYPE_MEMORY_BACKEND_MEMFD, "m2", &err,
                                  "size", "4M", "hugetlb", "on",
                                  "hugetlbsize", "4M", NULL));
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                       "hugetlbsize 4 MiB is not supported "
                                       "by the host (huge page sizes: "));
        error_free(err);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostmem/ram-defaults", test_ram_defaults);
    g_test_add_func("/hostmem/fixed-after-creation",
                    test_fixed_after_creation);
    g_test_add_func("/hostmem/in-use", test_in_use);
    g_test_add_func("/hostmem/errors", test_errors);
    g_test_add_func("/hostmem/bind-node0", test_bind_node0);
    g_test_add_func("/hostmem/file-shared", test_file_shared);
    g_test_add_func("/hostmem/file-directory", test_file_directory);
    g_test_add_func("/hostmem/memfd", test_memfd);
    g_test_add_func("/hostmem/file-properties", test_file_properties);
    g_test_add_func("/hostmem/prealloc-threads-names",
                    test_prealloc_threads_and_names);
    g_test_add_func("/hostmem/prealloc-threads-auto",
                    test_prealloc_threads_auto);
    g_test_add_func("/hostmem/memfd-properties", test_memfd_properties);
    return g_test_run();
}
