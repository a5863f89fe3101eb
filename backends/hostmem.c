/*
 * The abstract memory backend: common properties, the completion sequence
 * and the in-use bookkeeping.  Concrete types implement alloc() only.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysemu/hostmem.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "qemu/host-mem.h"
#include "monitor/monitor.h"

const char *const HostMemPolicy_lookup[] = {
    [HOST_MEM_POLICY_DEFAULT] = "default",
    [HOST_MEM_POLICY_PREFERRED] = "preferred",
    [HOST_MEM_POLICY_BIND] = "bind",
    [HOST_MEM_POLICY_INTERLEAVE] = "interleave",
    NULL,
};

/*
 * Properties that shape the allocation are fixed once the memory exists;
 * this is the one place that decides it.
 */
bool host_memory_backend_check_unallocated(HostMemoryBackend *backend,
                                           const char *property,
                                           Error **errp)
{
    if (backend->allocated) {
        error_setg(errp, "cannot change property '%s' of %s '%s' after it "
                   "is created", property,
                   object_get_typename(OBJECT(backend)),
                   object_get_canonical_path_component(OBJECT(backend)) ?:
                   "");
        return false;
    }
    return true;
}

static const char *backend_id(HostMemoryBackend *backend)
{
    const char *id = object_get_canonical_path_component(OBJECT(backend));

    return id ? id : "";
}

bool host_memory_backend_check_noreserve(HostMemoryBackend *backend,
                                         uint64_t page_size, Error **errp)
{
    if (!backend->reserve && page_size != host_mem_host_page_size()) {
        error_setg(errp, "memory backend '%s': 'reserve=off' is refused for "
                   "huge pages: without a reservation the guest gets SIGBUS "
                   "when the pool runs out; drop 'reserve=off' (memvm "
                   "checks the pool at start)", backend_id(backend));
        return false;
    }
    return true;
}

static uint64_t backend_get_size(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->size;
}

static bool backend_set_size(Object *obj, uint64_t value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend, "size", errp)) {
        return false;
    }
    if (value == 0) {
        error_setg(errp, "property 'size' of %s doesn't take value '0'",
                   object_get_typename(obj));
        return false;
    }
    backend->size = value;
    return true;
}

static bool backend_get_merge(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->merge;
}

static bool backend_set_merge(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    /* A hint, not a shape: it may change while the memory is in use. */
    if (backend->allocated && value != backend->merge &&
        !host_mem_madvise_merge(backend->host, backend->size, value, errp)) {
        return false;
    }
    backend->merge = value;
    return true;
}

static bool backend_get_dump(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->dump;
}

static bool backend_set_dump(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->allocated && value != backend->dump &&
        !host_mem_madvise_dump(backend->host, backend->size, value, errp)) {
        return false;
    }
    backend->dump = value;
    return true;
}

/*
 * prealloc-threads as given (QEMU's meaning), or, when not given, as many
 * as there are CPUs memvm may run on (memvm's default).
 */
static unsigned backend_prealloc_threads(HostMemoryBackend *backend)
{
    return backend->prealloc_threads ? backend->prealloc_threads
                                     : host_mem_affinity_cpus();
}

static bool backend_do_prealloc(HostMemoryBackend *backend, Error **errp)
{
    if (!host_mem_prealloc(backend->fd, backend->host, backend->size,
                           backend_prealloc_threads(backend), errp)) {
        error_prepend(errp, "unable to preallocate memory for '%s': ",
                      backend_id(backend));
        return false;
    }
    return true;
}

/* After start-up (object-add, qom-set): one backend, with its events. */
static bool backend_prealloc_reported(HostMemoryBackend *backend,
                                      Error **errp)
{
    HostMemProgress events;
    bool ok;

    host_memory_progress_start(&events, &backend, 1);
    ok = backend_do_prealloc(backend, errp);
    host_memory_progress_end(&events, 0, ok, false);
    return ok;
}

static bool backend_get_prealloc(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->prealloc;
}

static bool backend_set_prealloc(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (value && !backend->reserve) {
        error_setg(errp, "'prealloc=on' and 'reserve=off' are incompatible");
        return false;
    }
    /* Turning it on later populates the memory now, as QEMU does. */
    if (backend->allocated && value && !backend->prealloc &&
        !backend_prealloc_reported(backend, errp)) {
        return false;
    }
    backend->prealloc = value;
    return true;
}

static uint64_t backend_get_prealloc_threads(Object *obj, Error **errp)
{
    return backend_prealloc_threads(MEMORY_BACKEND(obj));
}

/*
 * What "prealloc-threads=auto" sets: above the property's maximum, so
 * that no number (0 stays refused, as in QEMU) can mean it.
 */
#define PREALLOC_THREADS_AUTO ((uint64_t)UINT32_MAX + 1)

static bool backend_set_prealloc_threads(Object *obj, uint64_t value,
                                         Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (value == PREALLOC_THREADS_AUTO) {
        backend->prealloc_threads = 0;
        return true;
    }
    if (value == 0) {
        error_setg(errp, "property 'prealloc-threads' of %s doesn't take "
                   "value '0'", object_get_typename(obj));
        return false;
    }
    backend->prealloc_threads = value;
    return true;
}

static bool backend_get_share(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->share;
}

static bool backend_set_share(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend, "share", errp)) {
        return false;
    }
    backend->share = value;
    return true;
}

static bool backend_get_reserve(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->reserve;
}

static bool backend_set_reserve(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend, "reserve", errp)) {
        return false;
    }
    if (!value && backend->prealloc) {
        error_setg(errp, "'prealloc=on' and 'reserve=off' are incompatible");
        return false;
    }
    backend->reserve = value;
    return true;
}

static int backend_get_policy(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->policy;
}

static bool backend_set_policy(Object *obj, int value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend, "policy", errp)) {
        return false;
    }
    backend->policy = value;
    return true;
}

static GArray *backend_get_host_nodes(Object *obj, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    GArray *copy = g_array_new(FALSE, FALSE, sizeof(guint64));

    g_array_append_vals(copy, backend->host_nodes->data,
                        backend->host_nodes->len);
    return copy;
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

    return x < y ? -1 : x > y;
}

static bool backend_set_host_nodes(Object *obj, GArray *value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend, "host-nodes", errp)) {
        return false;
    }
    for (guint i = 0; i < value->len; i++) {
        guint64 node = g_array_index(value, guint64, i);

        if (node >= MAX_HOST_NODES) {
            error_setg(errp, "Invalid host-nodes value: %" G_GUINT64_FORMAT,
                       node);
            return false;
        }
    }
    g_array_set_size(backend->host_nodes, 0);
    g_array_append_vals(backend->host_nodes, value->data, value->len);
    g_array_sort(backend->host_nodes, cmp_u64);
    /* Drop repeats so that "0,0" and "0" mean the same node set. */
    for (guint i = 1; i < backend->host_nodes->len;) {
        if (g_array_index(backend->host_nodes, guint64, i) ==
            g_array_index(backend->host_nodes, guint64, i - 1)) {
            g_array_remove_index(backend->host_nodes, i);
        } else {
            i++;
        }
    }
    return true;
}

static bool backend_get_canonical(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->use_canonical_path;
}

static bool backend_set_canonical(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_unallocated(backend,
                                   "x-use-canonical-path-for-ramblock-id",
                                   errp)) {
        return false;
    }
    backend->use_canonical_path = value;
    return true;
}

char *host_memory_backend_get_name(HostMemoryBackend *backend)
{
    if (backend->use_canonical_path) {
        return object_get_canonical_path(OBJECT(backend));
    }
    return g_strdup(backend_id(backend));
}

static bool backend_check_policy(HostMemoryBackend *backend, Error **errp)
{
    if (backend->policy == HOST_MEM_POLICY_DEFAULT &&
        backend->host_nodes->len) {
        error_setg(errp, "host-nodes must be empty for policy default, or "
                   "you should explicitly specify a policy other than "
                   "default");
        return false;
    }
    if (backend->policy != HOST_MEM_POLICY_DEFAULT &&
        !backend->host_nodes->len) {
        error_setg(errp, "host-nodes must be set for policy %s",
                   HostMemPolicy_lookup[backend->policy]);
        return false;
    }
    return true;
}

void host_memory_backend_init_ram(HostMemoryBackend *backend, void *host,
                                  int fd, uint64_t fd_offset,
                                  uint64_t page_size, uint32_t ram_flags)
{
    char *name = host_memory_backend_get_name(backend);
    RAMBlock *block;

    backend->host = host;
    backend->fd = fd;
    backend->fd_offset = fd_offset;
    backend->page_size = page_size;
    block = ram_block_add(&backend->mr, host, backend->size, page_size, fd,
                          fd_offset, ram_flags);
    memory_region_init_ram_from_block(&backend->mr, OBJECT(backend), name,
                                      backend->size, block);
    g_free(name);
}

static void backend_free(HostMemoryBackend *backend)
{
    if (backend->mr.ram_block) {
        ram_block_remove(backend->mr.ram_block);
        backend->mr.ram_block = NULL;
        memory_region_finalize(&backend->mr);
    }
    if (backend->host) {
        host_mem_unmap(backend->host, backend->size);
        backend->host = NULL;
    }
    if (backend->fd >= 0) {
        close(backend->fd);
        backend->fd = -1;
    }
}

/*
 * Map, then hint, then place.  Placement (mbind) must come before
 * preallocation, or the first touch would already have put the pages on
 * whatever node the thread ran on.
 */
static bool backend_map(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(backend);

    if (!bc->alloc(backend, errp)) {
        return false;
    }
    backend->allocated = true;
    /*
     * As QEMU does for every RAM block: ask for transparent huge pages.
     * One fault then fills 2 MiB instead of 4 KiB, which is what makes
     * an incoming migration (or a guest's first pass over its RAM) fast.
     * Only a hint: refused on hugetlbfs and without THP, ignored here.
     */
    host_mem_madvise_hugepage(backend->host, backend->size, true, NULL);
    if ((!backend->merge &&
         !host_mem_madvise_merge(backend->host, backend->size, false,
                                 errp)) ||
        (!backend->dump &&
         !host_mem_madvise_dump(backend->host, backend->size, false,
                                errp)) ||
        (backend->policy != HOST_MEM_POLICY_DEFAULT &&
         !host_mem_mbind(backend->host, backend->size, backend->policy,
                         (const guint64 *)backend->host_nodes->data,
                         backend->host_nodes->len, errp))) {
        backend_free(backend);
        backend->allocated = false;
        return false;
    }
    return true;
}

/* While the command line is processed, backends wait to be mapped. */
static bool backend_deferring;

void host_memory_backend_defer(void)
{
    backend_deferring = true;
}

/* UserCreatable::complete: validate, then map and populate (or wait). */
static bool backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!backend_check_policy(backend, errp)) {
        return false;
    }
    if (!backend->size) {
        /* QEMU's QAPI schema makes size mandatory for every backend. */
        error_setg(errp, "Parameter 'size' is missing");
        return false;
    }
    if (backend_deferring) {
        backend->pending = true;
        return true;
    }
    if (!backend_map(backend, errp)) {
        return false;
    }
    if (backend->prealloc && !backend_prealloc_reported(backend, errp)) {
        backend_free(backend);
        backend->allocated = false;
        return false;
    }
    return true;
}

static void backend_describe(HostMemoryBackend *backend,
                             HostMemRequest *req)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(backend);

    memset(req, 0, sizeof(*req));
    req->id = backend_id(backend);
    req->size = backend->size;
    req->page_size = host_mem_host_page_size();
    req->prealloc = backend->prealloc;
    req->bind = backend->policy == HOST_MEM_POLICY_BIND;
    req->nodes = (const uint64_t *)backend->host_nodes->data;
    req->n_nodes = backend->host_nodes->len;
    if (bc->describe) {
        bc->describe(backend, req);
    }
}

void host_memory_backend_set_origin(HostMemoryBackend *backend,
                                    const char *origin)
{
    g_free(backend->origin);
    backend->origin = g_strdup(origin);
}

/* Errors of one backend at start-up say which option made it. */
static bool backend_start_one(HostMemoryBackend *backend, bool prealloc,
                              Error **errp)
{
    bool ok = prealloc ? backend_do_prealloc(backend, errp)
                       : backend_map(backend, errp);

    if (!ok && backend->origin) {
        error_prepend(errp, "%s: ", backend->origin);
    }
    return ok;
}

/* Set by SIGINT/SIGTERM/SIGHUP while backends are preallocated at start. */
static volatile sig_atomic_t prealloc_stop;

static void prealloc_stop_signal(int sig)
{
    prealloc_stop = sig;
}

typedef struct PreallocView {
    gint64 start;               /* monotonic, in microseconds */
    bool tty;
    bool shown;
    HostMemProgress events;     /* QMP events, of every backend */
    uint64_t touched;           /* bytes done before the parallel part */
    uint64_t done;              /* bytes done so far, in all */
} PreallocView;

/*
 * About every 100 ms while backends are preallocated at start: the QMP
 * events, the monitors served (memvm's main loop is not running yet), and
 * a progress line on a terminal once preallocation takes over a second.
 */
static void prealloc_progress(uint64_t done, uint64_t total, void *opaque)
{
    PreallocView *v = opaque;
    g_autofree char *d = NULL, *t = NULL;

    v->done = v->touched + done;
    host_memory_progress_update(&v->events, v->done);
    monitor_poll_startup();
    if (!v->tty || (!v->shown &&
                    g_get_monotonic_time() - v->start < G_USEC_PER_SEC)) {
        return;
    }
    d = size_to_str(done);
    t = size_to_str(total);
    fprintf(stderr, "\r%s: preallocating %s of guest RAM: %s (%u%%)\033[K",
            error_get_progname(), t, d,
            (unsigned)(total ? done * 100 / total : 100));
    v->shown = true;
    if (done == total) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

/*
 * All preallocated backends at once, each with its share of the CPUs
 * memvm may use (or its prealloc-threads), pinned to its host nodes'
 * CPUs.  A signal that would end memvm ends the preallocation instead,
 * with a message, so that vl.c exits cleanly.
 */
static bool backends_prealloc(GPtrArray *list, Error **errp)
{
    g_autofree HostMemPreallocArea *areas = g_new0(HostMemPreallocArea,
                                                   list->len + 1);
    g_autofree HostMemoryBackend **owners = g_new0(HostMemoryBackend *,
                                                   list->len + 1);
    g_autofree HostMemoryBackend **all = g_new0(HostMemoryBackend *,
                                                list->len + 1);
    const unsigned cpus = host_mem_affinity_cpus();
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction act, old[G_N_ELEMENTS(sigs)];
    PreallocView view = {
        .start = g_get_monotonic_time(),
        .tty = isatty(STDERR_FILENO),
    };
    uint64_t total = 0;
    unsigned n = 0, n_all = 0;
    bool ok;

    for (guint i = 0; i < list->len; i++) {
        HostMemoryBackend *b = g_ptr_array_index(list, i);

        if (b->prealloc) {
            all[n_all++] = b;
        }
        if (b->prealloc && host_mem_can_populate(b->fd, b->host, b->size)) {
            total += b->size;
        }
    }
    if (!n_all) {
        return true;
    }
    host_memory_progress_start(&view.events, all, n_all);
    for (guint i = 0; i < list->len; i++) {
        HostMemoryBackend *b = g_ptr_array_index(list, i);
        HostMemPreallocArea *a = &areas[n];
        unsigned want;

        if (!b->prealloc) {
            continue;
        }
        /* Kernels before 5.14 and odd mappings: QEMU's touch loop. */
        if (!host_mem_can_populate(b->fd, b->host, b->size)) {
            if (!backend_start_one(b, true, errp)) {
                host_memory_progress_end(&view.events, view.touched, false,
                                         false);
                return false;
            }
            view.touched += b->size;
            host_memory_progress_update(&view.events, view.touched);
            continue;
        }
        /* Not given: a share of the CPUs in proportion to the size. */
        want = b->prealloc_threads ? b->prealloc_threads
                                   : MAX(1, (unsigned)((double)cpus *
                                                       b->size / total));
        a->area = b->host;
        a->size = b->size;
        a->page_size = host_mem_fd_page_size(b->fd);
        a->threads = host_mem_prealloc_threads(b->size, a->page_size, want);
        a->nodes = (const uint64_t *)b->host_nodes->data;
        a->n_nodes = b->host_nodes->len;
        owners[n++] = b;
    }
    if (!n) {
        host_memory_progress_end(&view.events, view.touched, true, false);
        return true;
    }
    prealloc_stop = 0;
    memset(&act, 0, sizeof(act));
    act.sa_handler = prealloc_stop_signal;
    sigemptyset(&act.sa_mask);
    for (unsigned i = 0; i < G_N_ELEMENTS(sigs); i++) {
        sigaction(sigs[i], &act, &old[i]);
    }
    ok = host_mem_prealloc_areas(areas, n, &prealloc_stop,
                                 prealloc_progress, &view, errp);
    for (unsigned i = 0; i < G_N_ELEMENTS(sigs); i++) {
        sigaction(sigs[i], &old[i], NULL);
    }
    host_memory_progress_end(&view.events, view.done, ok, prealloc_stop);
    for (unsigned i = 0; !ok && i < n; i++) {
        if (areas[i].failed) {
            error_prepend(errp, "unable to preallocate memory for '%s': ",
                          backend_id(owners[i]));
            if (owners[i]->origin) {
                error_prepend(errp, "%s: ", owners[i]->origin);
            }
        }
    }
    return ok;
}

static GPtrArray *pending_backends(void)
{
    GPtrArray *list = g_ptr_array_new();
    GSList *all = host_memory_backend_list();

    for (GSList *l = all; l; l = l->next) {
        HostMemoryBackend *backend = l->data;

        if (backend->pending) {
            g_ptr_array_add(list, backend);
        }
    }
    g_slist_free(all);
    return list;
}

bool host_memory_backends_start(Error **errp)
{
    g_autoptr(GPtrArray) list = pending_backends();
    g_autofree HostMemRequest *reqs = g_new0(HostMemRequest, list->len + 1);
    guint i;
    bool ok = true;

    backend_deferring = false;
    for (i = 0; i < list->len; i++) {
        HostMemoryBackend *backend = g_ptr_array_index(list, i);

        backend->pending = false;
        backend_describe(backend, &reqs[i]);
        if (reqs[i].hugetlb &&
            !host_memory_backend_check_noreserve(backend,
                                                 reqs[i].page_size, errp)) {
            if (backend->origin) {
                error_prepend(errp, "%s: ", backend->origin);
            }
            return false;
        }
    }
    if (!host_mem_check_requests("", reqs, list->len, errp)) {
        return false;
    }
    for (i = 0; i < list->len && ok; i++) {
        ok = backend_start_one(g_ptr_array_index(list, i), false, errp);
    }
    if (ok) {
        ok = backends_prealloc(list, errp);
    }
    if (!ok) {
        /* Give back what was mapped: nothing of a failed start stays. */
        for (guint j = 0; j < i; j++) {
            HostMemoryBackend *backend = g_ptr_array_index(list, j);

            if (backend->allocated) {
                backend_free(backend);
                backend->allocated = false;
            }
        }
    }
    return ok;
}

static bool backend_can_be_deleted(Object *obj)
{
    return !MEMORY_BACKEND(obj)->is_mapped;
}

MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend)
{
    return backend->allocated ? &backend->mr : NULL;
}

bool host_memory_backend_is_mapped(HostMemoryBackend *backend)
{
    return backend->is_mapped;
}

bool host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped,
                                    Error **errp)
{
    if (mapped && backend->is_mapped) {
        error_setg(errp, "memory backend '%s' can't be used multiple times",
                   backend_id(backend));
        return false;
    }
    backend->is_mapped = mapped;
    return true;
}

uint64_t host_memory_backend_pagesize(HostMemoryBackend *backend)
{
    return backend->page_size;
}

bool host_memory_backend_register_ram(HostMemoryBackend *backend,
                                      Error **errp)
{
    char *name = host_memory_backend_get_name(backend);
    bool ok = ram_block_set_idstr(backend->mr.ram_block, name, errp);

    g_free(name);
    return ok;
}

static int collect_backend(Object *obj, void *opaque)
{
    GSList **list = opaque;

    if (object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        *list = g_slist_append(*list, obj);
    }
    return 0;
}

GSList *host_memory_backend_list(void)
{
    GSList *list = NULL;

    object_child_foreach(object_get_objects_root(), collect_backend, &list);
    return list;
}

static void backend_instance_init(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    backend->merge = true;
    /*
     * memvm: guest RAM stays out of core dumps unless dump=on (QEMU
     * dumps it by default, so one crash can write the whole guest).
     */
    backend->dump = false;
    backend->reserve = true;
    /* 0: auto, one per CPU memvm may use (QEMU's default is 1). */
    backend->prealloc_threads = 0;
    backend->fd = -1;
    backend->host_nodes = g_array_new(FALSE, FALSE, sizeof(guint64));
}

static void backend_instance_finalize(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->allocated) {
        backend_free(backend);
        backend->allocated = false;
    }
    g_array_unref(backend->host_nodes);
    g_free(backend->origin);
}

static void backend_class_init(ObjectClass *oc, void *data)
{
    oc->complete = backend_complete;
    oc->can_be_deleted = backend_can_be_deleted;

    object_class_property_add_size(oc, "size", backend_get_size,
                                   backend_set_size);
    object_class_property_set_description(oc, "size",
        "Size of the memory region (ex: 500M)");
    object_class_property_add_bool(oc, "merge", backend_get_merge,
                                   backend_set_merge);
    object_class_property_set_description(oc, "merge",
        "Mark memory as mergeable");
    object_class_property_set_default_str(oc, "merge", "on");
    object_class_property_add_bool(oc, "dump", backend_get_dump,
                                   backend_set_dump);
    object_class_property_set_description(oc, "dump",
        "Set to 'off' to exclude from core dump");
    object_class_property_set_default_str(oc, "dump", "off");
    object_class_property_add_bool(oc, "prealloc", backend_get_prealloc,
                                   backend_set_prealloc);
    object_class_property_set_description(oc, "prealloc",
        "Preallocate memory");
    object_class_property_set_default_str(oc, "prealloc", "off");
    object_class_property_add_uint(oc, "prealloc-threads", "int", UINT32_MAX,
                                   backend_get_prealloc_threads,
                                   backend_set_prealloc_threads);
    object_class_property_set_description(oc, "prealloc-threads",
        "Number of CPU threads to use for prealloc, or 'auto': one per "
        "CPU memvm may run on, shared among the backends preallocated "
        "at start");
    /*
     * QEMU's property is an integer (default 1); "auto" is a word beside
     * the numbers, memvm's default.  qom-get says the count it stands for.
     */
    object_class_property_set_uint_word(oc, "prealloc-threads", "auto",
                                        PREALLOC_THREADS_AUTO);
    object_class_property_set_default_str(oc, "prealloc-threads", "auto");
    object_class_property_add_bool(oc, "share", backend_get_share,
                                   backend_set_share);
    object_class_property_set_description(oc, "share",
        "Mark the memory as private to QEMU or shared");
    object_class_property_set_default_str(oc, "share", "off");
    object_class_property_add_bool(oc, "reserve", backend_get_reserve,
                                   backend_set_reserve);
    object_class_property_set_description(oc, "reserve",
        "Reserve swap space (or huge pages) if applicable");
    object_class_property_set_default_str(oc, "reserve", "on");
    object_class_property_add_enum(oc, "policy", "HostMemPolicy",
                                   HostMemPolicy_lookup, backend_get_policy,
                                   backend_set_policy);
    object_class_property_set_description(oc, "policy",
        "Set the NUMA policy");
    object_class_property_set_default_str(oc, "policy", "default");
    object_class_property_add_uint_list(oc, "host-nodes", "int",
                                        MAX_HOST_NODES - 1,
                                        backend_get_host_nodes,
                                        backend_set_host_nodes);
    object_class_property_set_description(oc, "host-nodes",
        "Binds memory to the list of NUMA host nodes");
    object_class_property_add_bool(oc,
                                   "x-use-canonical-path-for-ramblock-id",
                                   backend_get_canonical,
                                   backend_set_canonical);
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .user_creatable = true,
    .class_size = sizeof(HostMemoryBackendClass),
    .class_init = backend_class_init,
    .instance_size = sizeof(HostMemoryBackend),
    .instance_init = backend_instance_init,
    .instance_finalize = backend_instance_finalize,
};

static void register_types(void)
{
    type_register_static(&host_memory_backend_info);
}
type_init(register_types)
