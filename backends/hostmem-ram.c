/*
 * memory-backend-ram: anonymous host memory.
 */
#include <string.h>

#include "sysemu/hostmem.h"
#include "exec/ramblock.h"
#include "qemu/host-mem.h"

static bool ram_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemMapFlags flags = 0;
    Error *local_err = NULL;
    void *host;

    if (backend->share) {
        flags |= HOST_MEM_MAP_SHARED;
    }
    if (!backend->reserve) {
        flags |= HOST_MEM_MAP_NORESERVE;
    }
    /*
     * Aligned to the THP size (as QEMU aligns anonymous RAM): a huge page
     * needs an aligned 2 MiB inside the mapping, so an unaligned start
     * would leave the first and last 2 MiB in base pages.
     */
    host = host_mem_map(-1, backend->size, host_mem_thp_size(), 0, flags,
                        &local_err);
    if (!host) {
        /* Name the memory as QEMU does: "... guest memory 'pc.ram': ...". */
        const char *msg = error_get_pretty(local_err);
        const char *tail = strstr(msg, ": ");

        error_setg(errp, "cannot set up guest memory '%s': %s",
                   object_get_canonical_path_component(OBJECT(backend)),
                   tail ? tail + 2 : msg);
        error_free(local_err);
        return false;
    }
    host_memory_backend_init_ram(backend, host, -1, 0,
                                 host_mem_fd_page_size(-1),
                                 (backend->share ? RAM_SHARED : 0) |
                                 (backend->reserve ? 0 : RAM_NORESERVE));
    return true;
}

static void ram_backend_class_init(ObjectClass *oc, void *data)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_CLASS(oc);

    bc->alloc = ram_backend_alloc;
}

static const TypeInfo ram_backend_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_backend_class_init,
};

static void register_types(void)
{
    type_register_static(&ram_backend_info);
}
type_init(register_types)
