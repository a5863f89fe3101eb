/*
 * x-MEMDEV_PREALLOC_PROGRESS: QMP events while memory backends are
 * preallocated (docs/qmp.md).  One when it starts and one when it ends
 * (completed, failed or interrupted), so that a client always sees both;
 * between them at most one per PROGRESS_INTERVAL, where the preallocation
 * reports progress (at start-up).
 */
#include "sysemu/hostmem.h"
#include "monitor/monitor.h"

#define PROGRESS_EVENT "x-MEMDEV_PREALLOC_PROGRESS"
/* Two a second: enough to show motion, few enough to cost nothing. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 2)

static void progress_emit(HostMemProgress *p, const char *status,
                          uint64_t done)
{
    JsonObject *data = json_object_new();
    JsonArray *ids = json_array_new();

    for (guint i = 0; i < p->ids->len; i++) {
        json_array_add_string_element(ids, g_ptr_array_index(p->ids, i));
    }
    json_object_set_array_member(data, "ids", ids);
    json_object_set_string_member(data, "status", status);
    json_object_set_int_member(data, "done", done);
    json_object_set_int_member(data, "total", p->total);
    json_object_set_int_member(data, "percent",
                               p->total ? done * 100 / p->total : 100);
    qmp_event_emit(PROGRESS_EVENT, data);
    json_object_unref(data);
    p->last = g_get_monotonic_time();
}

void host_memory_progress_start(HostMemProgress *p,
                                HostMemoryBackend *const *backends,
                                unsigned n)
{
    p->ids = g_ptr_array_new_with_free_func(g_free);
    p->total = 0;
    for (unsigned i = 0; i < n; i++) {
        const char *id =
            object_get_canonical_path_component(OBJECT(backends[i]));

        g_ptr_array_add(p->ids, g_strdup(id ? id : ""));
        p->total += backends[i]->size;
    }
    progress_emit(p, "started", 0);
}

void host_memory_progress_update(HostMemProgress *p, uint64_t done)
{
    if (done < p->total &&
        g_get_monotonic_time() - p->last >= PROGRESS_INTERVAL) {
        progress_emit(p, "running", done);
    }
}

void host_memory_progress_end(HostMemProgress *p, uint64_t done,
                              bool ok, bool interrupted)
{
    progress_emit(p, ok ? "completed" : interrupted ? "interrupted"
                                                    : "failed",
                  ok ? p->total : done);
    g_ptr_array_unref(p->ids);
    p->ids = NULL;
}
