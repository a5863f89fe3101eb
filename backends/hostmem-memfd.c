/*
 * memory-backend-memfd: anonymous memory with a file descriptor, shareable
 * with other processes (vhost-user) and optionally on huge pages.
 */
#include <unistd.h>

#include "sysemu/hostmem.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "qemu/host-mem.h"

OBJECT_DECLARE_SIMPLE_TYPE(HostMemoryBackendMemfd, MEMORY_BACKEND_MEMFD)

struct HostMemoryBackendMemfd {
    HostMemoryBackend parent_obj;
    bool hugetlb;
    uint64_t hugetlbsize;   /* in bytes; 0 = the host's default */
    bool seal;
};

static bool memfd_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(backend);
    HostMemMapFlags flags = 0;
    uint64_t page_size;
    void *host;
    int fd;

    fd = host_mem_memfd_create(TYPE_MEMORY_BACKEND_MEMFD, backend->size,
                               m->hugetlb, m->hugetlbsize, m->seal, errp);
    if (fd < 0) {
        return false;
    }
    page_size = host_mem_fd_page_size(fd);
    if (backend->size % page_size) {
        error_setg(errp, "'size' %" PRIu64 " must be a multiple of the huge "
                   "page size %" PRIu64, backend->size, page_size);
        close(fd);
        return false;
    }
    if (!host_memory_backend_check_noreserve(backend, page_size, errp)) {
        close(fd);
        return false;
    }
    if (backend->share) {
        flags |= HOST_MEM_MAP_SHARED;
    }
    if (!backend->reserve) {
        flags |= HOST_MEM_MAP_NORESERVE;
    }
    host = host_mem_map(fd, backend->size, page_size, 0, flags, errp);
    if (!host) {
        close(fd);
        return false;
    }
    host_memory_backend_init_ram(backend, host, fd, 0, page_size,
                                 (backend->share ? RAM_SHARED : 0) |
                                 (backend->reserve ? 0 : RAM_NORESERVE));
    return true;
}

static void memfd_backend_describe(HostMemoryBackend *backend,
                                   HostMemRequest *req)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(backend);
    uint64_t page = m->hugetlbsize ? m->hugetlbsize
                                   : host_mem_default_huge_page_size();

    /* Without a known page size the pool check cannot count pages. */
    if (m->hugetlb && page) {
        req->hugetlb = true;
        req->page_size = page;
    }
}

static bool memfd_get_hugetlb(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(obj)->hugetlb;
}

static bool memfd_set_hugetlb(Object *obj, bool value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "hugetlb", errp)) {
        return false;
    }
    MEMORY_BACKEND_MEMFD(obj)->hugetlb = value;
    return true;
}

static uint64_t memfd_get_hugetlbsize(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(obj)->hugetlbsize;
}

static bool memfd_set_hugetlbsize(Object *obj, uint64_t value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "hugetlbsize", errp)) {
        return false;
    }
    if (!value) {
        error_setg(errp, "Invalid hugetlbsize value: %" PRIu64, value);
        return false;
    }
    MEMORY_BACKEND_MEMFD(obj)->hugetlbsize = value;
    return true;
}

static bool memfd_get_seal(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(obj)->seal;
}

static bool memfd_set_seal(Object *obj, bool value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "seal", errp)) {
        return false;
    }
    MEMORY_BACKEND_MEMFD(obj)->seal = value;
    return true;
}

static void memfd_backend_instance_init(Object *obj)
{
    /* Other processes are the point of a memfd: share by default. */
    MEMORY_BACKEND(obj)->share = true;
    MEMORY_BACKEND_MEMFD(obj)->seal = true;
}

static void memfd_backend_class_init(ObjectClass *oc, void *data)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_CLASS(oc);

    bc->alloc = memfd_backend_alloc;
    bc->describe = memfd_backend_describe;
    object_class_property_add_bool(oc, "hugetlb", memfd_get_hugetlb,
                                   memfd_set_hugetlb);
    object_class_property_set_description(oc, "hugetlb", "Use huge pages");
    object_class_property_set_default_str(oc, "hugetlb", "off");
    object_class_property_add_size(oc, "hugetlbsize", memfd_get_hugetlbsize,
                                   memfd_set_hugetlbsize);
    object_class_property_set_description(oc, "hugetlbsize",
        "Huge pages size (ex: 2M, 1G)");
    object_class_property_add_bool(oc, "seal", memfd_get_seal,
                                   memfd_set_seal);
    object_class_property_set_description(oc, "seal",
        "Seal growing & shrinking");
    object_class_property_set_default_str(oc, "seal", "on");
    object_class_property_set_default_str(oc, "share", "on");
}

static const TypeInfo memfd_backend_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = memfd_backend_class_init,
    .instance_size = sizeof(HostMemoryBackendMemfd),
    .instance_init = memfd_backend_instance_init,
};

static void register_types(void)
{
    type_register_static(&memfd_backend_info);
}
type_init(register_types)
