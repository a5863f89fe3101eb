/*
 * A machine for fuzz targets; see fuzz-machine.h.
 */
#include <inttypes.h>
#include <string.h>

#include "fuzz-machine.h"
#include "hw/boards.h"
#include "sysemu/hostmem.h"

/* The alloc() hooks of the backend types, before we wrapped them. */
static bool (*ram_alloc)(HostMemoryBackend *backend, Error **errp);
static bool (*memfd_alloc)(HostMemoryBackend *backend, Error **errp);
/* Names under /objects right after init, which inputs must not delete. */
static GHashTable *initial_objects;

static bool fuzz_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    const char *type = object_get_typename(OBJECT(backend));

    if (!strcmp(type, TYPE_MEMORY_BACKEND_FILE)) {
        error_setg(errp, "fuzzing: %s is disabled", type);
        return false;
    }
    if (backend->size > FUZZ_MAX_BACKEND_SIZE) {
        error_setg(errp, "fuzzing: size %" PRIu64 " is over the limit",
                   backend->size);
        return false;
    }
    if (!strcmp(type, TYPE_MEMORY_BACKEND_MEMFD)) {
        return memfd_alloc(backend, errp);
    }
    return ram_alloc(backend, errp);
}

static HostMemoryBackendClass *backend_class(const char *type)
{
    ObjectClass *oc = object_class_by_name(type);

    g_assert(oc);
    return MEMORY_BACKEND_CLASS(oc);
}

static int note_object(Object *child, void *opaque)
{
    GHashTable *names = opaque;

    g_hash_table_add(names,
                     g_strdup(object_get_canonical_path_component(child)));
    return 0;
}

void fuzz_machine_init(uint64_t ram_size)
{
    HostMemoryBackendClass *bc;
    MachineClass *mc;
    MachineState *ms;

    bc = backend_class(TYPE_MEMORY_BACKEND_RAM);
    ram_alloc = bc->alloc;
    bc->alloc = fuzz_backend_alloc;
    bc = backend_class(TYPE_MEMORY_BACKEND_MEMFD);
    memfd_alloc = bc->alloc;
    bc->alloc = fuzz_backend_alloc;
    bc = backend_class(TYPE_MEMORY_BACKEND_FILE);
    bc->alloc = fuzz_backend_alloc;

    target_arch_set(target_arch_from_name("x86_64"));
    mc = machine_find_class("none", target_arch());
    g_assert(mc);
    ms = machine_create(mc);
    ms->ram_size = ram_size;
    ms->maxram_size = ram_size;
    ms->have_custom_ram_size = true;
    machine_run_board_init(ms, NULL, false, &error_abort);

    initial_objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    object_child_foreach(object_get_objects_root(), note_object,
                         initial_objects);
}

void fuzz_objects_reset(void)
{
    GHashTable *now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    GHashTableIter iter;
    gpointer name;

    object_child_foreach(object_get_objects_root(), note_object, now);
    g_hash_table_iter_init(&iter, now);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        Error *err = NULL;

        if (!g_hash_table_contains(initial_objects, name) &&
            !user_creatable_del(name, &err)) {
            /* Only a backend in use refuses, and inputs cannot use one. */
            g_error("fuzzing: cannot delete '%s': %s", (char *)name,
                    error_get_pretty(err));
        }
    }
    g_hash_table_unref(now);
}
