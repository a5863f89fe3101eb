/*
 * Host memory backends: the only source of guest main RAM.
 *
 * memory-backend is abstract; each concrete type (ram, file, memfd)
 * implements one hook, alloc(), which maps host memory and initialises
 * backend->mr.  Generic code then applies merge/dump hints, the NUMA
 * policy and preallocation, in that order (placement must be decided
 * before the first touch populates pages).
 */
#ifndef SYSEMU_HOSTMEM_H
#define SYSEMU_HOSTMEM_H

#include "qom/object.h"
#include "exec/memory.h"
#include "qemu/host-mem-check.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"

OBJECT_DECLARE_TYPE(HostMemoryBackend, HostMemoryBackendClass,
                    MEMORY_BACKEND)

/* QEMU's HostMemPolicy enum, in its spelling. */
typedef enum HostMemPolicy {
    HOST_MEM_POLICY_DEFAULT,
    HOST_MEM_POLICY_PREFERRED,
    HOST_MEM_POLICY_BIND,
    HOST_MEM_POLICY_INTERLEAVE,
    HOST_MEM_POLICY__MAX,
} HostMemPolicy;

extern const char *const HostMemPolicy_lookup[];

/* Host NUMA nodes we can name in host-nodes. */
#define MAX_HOST_NODES 128

struct HostMemoryBackendClass {
    ObjectClass parent_class;
    /* Map the memory and initialise backend->mr; false + errp on error. */
    bool (*alloc)(HostMemoryBackend *backend, Error **errp);
    /*
     * For the start-up checks, before alloc(): the page size, whether the
     * pages come from a huge page pool, and the file system a shared file
     * fills (req->fs_path, owned by the backend).  Generic code has set
     * the rest of @req.  NULL: anonymous memory in host pages.
     */
    void (*describe)(HostMemoryBackend *backend, HostMemRequest *req);
};

struct HostMemoryBackend {
    Object parent_obj;
    uint64_t size;              /* in bytes */
    bool merge;
    bool dump;
    bool prealloc;
    bool share;
    bool reserve;
    uint32_t prealloc_threads;
    HostMemPolicy policy;
    GArray *host_nodes;         /* of guint64, sorted, unique */
    bool use_canonical_path;    /* RAM block id "/objects/ID" vs "ID" */
    bool is_mapped;             /* in use by the machine or a NUMA node */
    bool allocated;             /* alloc() succeeded */
    bool pending;               /* complete, alloc() waits for start-up */
    char *origin;               /* "-object ARG": prefix of start errors */
    MemoryRegion mr;
    /* What alloc() mapped, so free() and tests can see it. */
    void *host;
    int fd;                     /* -1 for anonymous memory */
    uint64_t fd_offset;
    uint64_t page_size;
};

/*
 * For alloc() hooks: record what was mapped and make backend->mr a RAM
 * region over it (with an unnamed RAM block).  Takes ownership of @fd;
 * generic code unmaps and closes it when the backend goes away.
 */
void host_memory_backend_init_ram(HostMemoryBackend *backend, void *host,
                                  int fd, uint64_t fd_offset,
                                  uint64_t page_size, uint32_t ram_flags);

/*
 * The one predicate for "this property shapes the allocation": false with
 * "cannot change property 'P' of TYPE 'ID' after it is created" once the
 * memory exists.
 */
bool host_memory_backend_check_unallocated(HostMemoryBackend *backend,
                                           const char *property,
                                           Error **errp);

/*
 * For alloc() hooks: memvm never maps huge pages with MAP_NORESERVE
 * (reserve=off), since an empty pool then means SIGBUS at run time.
 */
bool host_memory_backend_check_noreserve(HostMemoryBackend *backend,
                                         uint64_t page_size, Error **errp);

/* The RAM region, or NULL before the backend is complete. */
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend);
bool host_memory_backend_is_mapped(HostMemoryBackend *backend);
/*
 * Mark the backend in use.  Error "memory backend 'ID' is already in use"
 * ... (QEMU's wording) if it already is.
 */
bool host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped,
                                    Error **errp);
/* The name its RAM block and region carry: the id, or the canonical path. */
char *host_memory_backend_get_name(HostMemoryBackend *backend);
uint64_t host_memory_backend_pagesize(HostMemoryBackend *backend);

/*
 * Register the backend's RAM block for migration under its name (what
 * QEMU does with vmstate_register_ram when a machine or node uses it).
 */
bool host_memory_backend_register_ram(HostMemoryBackend *backend,
                                      Error **errp);

/*
 * Start-up: from host_memory_backend_defer() on, completing a backend
 * (-object, the machine's default backend) only validates it; nothing is
 * mapped until host_memory_backends_start() has checked all of them
 * together against the host (include/qemu/host-mem-check.h), then maps
 * them and preallocates those with prealloc=on.  After that, backends
 * (object-add) map when they complete, as in QEMU.
 */
void host_memory_backend_defer(void);
/* The option that created @backend, to prefix its errors at start-up. */
void host_memory_backend_set_origin(HostMemoryBackend *backend,
                                    const char *origin);
bool host_memory_backends_start(Error **errp);

/*
 * For backends/ only: the x-MEMDEV_PREALLOC_PROGRESS events of one
 * preallocation of @n backends (backends/hostmem-progress.c).  start()
 * sends "started", update() "running" at most twice a second, end() the
 * final "completed", "failed" or "interrupted"; sizes in bytes.
 */
typedef struct HostMemProgress {
    GPtrArray *ids;             /* of char *, the backends' ids */
    uint64_t total;
    gint64 last;                /* monotonic time of the last event, us */
} HostMemProgress;

void host_memory_progress_start(HostMemProgress *p,
                                HostMemoryBackend *const *backends,
                                unsigned n);
void host_memory_progress_update(HostMemProgress *p, uint64_t done);
void host_memory_progress_end(HostMemProgress *p, uint64_t done, bool ok,
                              bool interrupted);

/* For "info memdev" / query-memdev: every backend under /objects. */
GSList *host_memory_backend_list(void);

#endif
