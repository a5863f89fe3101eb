/*
 * Monitor commands about machines and memory: query-machines,
 * query-memdev, x-query-memdev-usage, query-memory-size-summary, and
 * HMP's info mtree, info ramblock, info memdev and info numa.
 */
#include <string.h>

#include "hw/boards.h"
#include "exec/ramblock.h"
#include "monitor/monitor.h"
#include "qemu/cutils.h"
#include "qemu/host-mem.h"
#include "qemu/host-mem-usage.h"

void machine_qmp_cmds_register(void);

static JsonNode *qmp_query_machines(JsonObject *args, Error **errp)
{
    GSList *list = machine_class_list(target_arch());
    JsonArray *arr = json_array_new();

    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;
        JsonObject *o = json_object_new();
        g_autofree char *cpu_type =
            machine_class_default_cpu_type(mc, target_arch());

        json_object_set_string_member(o, "name", mc->name);
        if (mc->alias) {
            json_object_set_string_member(o, "alias", mc->alias);
        }
        if (mc->is_default && (mc->arches & target_arch())) {
            json_object_set_boolean_member(o, "is-default", true);
        }
        json_object_set_int_member(o, "cpu-max", mc->max_cpus);
        json_object_set_boolean_member(o, "hotpluggable-cpus",
                                       mc->has_hotpluggable_cpus);
        json_object_set_boolean_member(o, "numa-mem-supported",
                                       mc->numa_mem_supported);
        json_object_set_boolean_member(o, "deprecated", mc->deprecated);
        if (cpu_type) {
            json_object_set_string_member(o, "default-cpu-type", cpu_type);
        }
        if (mc->default_ram_id) {
            json_object_set_string_member(o, "default-ram-id",
                                          mc->default_ram_id);
        }
        json_array_add_object_element(arr, o);
    }
    g_slist_free(list);
    return qmp_node_new_array(arr);
}

/* host-nodes as QEMU's string visitor prints them: "0-2,5". */
static char *host_nodes_str(GArray *nodes)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < nodes->len;) {
        guint64 first = g_array_index(nodes, guint64, i), last = first;

        while (++i < nodes->len && g_array_index(nodes, guint64, i) ==
               last + 1) {
            last++;
        }
        g_string_append_printf(s, "%s%" G_GUINT64_FORMAT, s->len ? "," : "",
                               first);
        if (last != first) {
            g_string_append_printf(s, "-%" G_GUINT64_FORMAT, last);
        }
    }
    return g_string_free(s, FALSE);
}

static JsonNode *qmp_query_memdev(JsonObject *args, Error **errp)
{
    GSList *list = host_memory_backend_list();
    JsonArray *arr = json_array_new();

    for (GSList *l = list; l; l = l->next) {
        HostMemoryBackend *b = l->data;
        JsonObject *o = json_object_new();
        JsonArray *nodes = json_array_new();

        json_object_set_string_member(o, "id",
            object_get_canonical_path_component(OBJECT(b)));
        json_object_set_int_member(o, "size", b->size);
        json_object_set_boolean_member(o, "merge", b->merge);
        json_object_set_boolean_member(o, "dump", b->dump);
        json_object_set_boolean_member(o, "prealloc", b->prealloc);
        json_object_set_boolean_member(o, "share", b->share);
        json_object_set_boolean_member(o, "reserve", b->reserve);
        for (guint i = 0; i < b->host_nodes->len; i++) {
            json_array_add_int_element(nodes, g_array_index(b->host_nodes,
                                                            guint64, i));
        }
        json_object_set_array_member(o, "host-nodes", nodes);
        json_object_set_string_member(o, "policy",
                                      HostMemPolicy_lookup[b->policy]);
        json_array_add_object_element(arr, o);
    }
    g_slist_free(list);
    return qmp_node_new_array(arr);
}

/*
 * What the kernel says backs @b (include/qemu/host-mem-usage.h); all zero
 * for a backend that has not mapped its memory yet.  Caller frees.
 */
static HostMemUsage *memdev_usage(HostMemoryBackend *b, Error **errp)
{
    HostMemUsage *u = g_new0(HostMemUsage, 1);

    if (!b->host) {
        u->size = b->size;
        u->node_stride = 1;
        u->page_size = host_mem_host_page_size();
        return u;
    }
    if (!host_mem_usage_read(b->host, b->size, u, errp)) {
        error_prepend(errp, "memory backend '%s': ",
                      object_get_canonical_path_component(OBJECT(b)));
        g_free(u);
        return NULL;
    }
    return u;
}

static void usage_add_page_size(JsonArray *arr, uint64_t page_size,
                                const char *type, uint64_t bytes)
{
    JsonObject *o = json_object_new();

    json_object_set_int_member(o, "page-size", page_size);
    json_object_set_string_member(o, "type", type);
    json_object_set_int_member(o, "populated", bytes);
    json_array_add_object_element(arr, o);
}

static JsonNode *qmp_x_query_memdev_usage(JsonObject *args, Error **errp)
{
    g_autoptr(GSList) list = host_memory_backend_list();
    JsonArray *arr = json_array_new();

    for (GSList *l = list; l; l = l->next) {
        HostMemoryBackend *b = l->data;
        g_autofree HostMemUsage *u = memdev_usage(b, errp);
        JsonObject *o;
        JsonArray *nodes, *sizes;

        if (!u) {
            json_array_unref(arr);
            return NULL;
        }
        o = json_object_new();
        nodes = json_array_new();
        sizes = json_array_new();
        json_object_set_string_member(o, "id",
            object_get_canonical_path_component(OBJECT(b)));
        json_object_set_int_member(o, "size", u->size);
        json_object_set_int_member(o, "populated", u->populated);
        for (unsigned n = 0; n < HOST_MEM_USAGE_MAX_NODES; n++) {
            if (u->node_bytes[n]) {
                JsonObject *e = json_object_new();

                json_object_set_int_member(e, "node", n);
                json_object_set_int_member(e, "populated", u->node_bytes[n]);
                json_array_add_object_element(nodes, e);
            }
        }
        json_object_set_array_member(o, "nodes", nodes);
        json_object_set_int_member(o, "node-unknown", u->node_unknown);
        json_object_set_int_member(o, "node-sample-stride", u->node_stride);
        /* Every kind the mapping can have, so the shape does not vary. */
        if (u->hugetlb) {
            usage_add_page_size(sizes, u->page_size, "hugetlb",
                                u->populated);
        } else {
            usage_add_page_size(sizes, u->page_size, "base", u->base_bytes);
            if (u->thp_size) {
                usage_add_page_size(sizes, u->thp_size, "thp", u->thp_bytes);
            }
        }
        json_object_set_array_member(o, "page-sizes", sizes);
        json_array_add_object_element(arr, o);
    }
    return qmp_node_new_array(arr);
}

static void hmp_usage_line(GString *out, const char *what, uint64_t bytes)
{
    g_autofree char *h = size_to_str(bytes);

    g_string_append_printf(out, "  %s: %" PRIu64 " (%s)\n", what, bytes, h);
}

/* "  populated in 2 MiB transparent huge pages: N (H)" */
static void hmp_usage_pages(GString *out, uint64_t page_size,
                            const char *kind, uint64_t bytes)
{
    g_autofree char *psize = size_to_str(page_size);
    g_autofree char *what = g_strdup_printf("populated in %s %s", psize,
                                            kind);

    hmp_usage_line(out, what, bytes);
}

/* The lines "info memdev" adds to QEMU's: what the kernel says. */
static void hmp_memdev_usage(GString *out, HostMemoryBackend *b)
{
    Error *err = NULL;
    g_autofree HostMemUsage *u = memdev_usage(b, &err);

    if (!u) {
        g_string_append_printf(out, "  populated: unknown (%s)\n",
                               error_get_pretty(err));
        error_free(err);
        return;
    }
    hmp_usage_line(out, "populated", u->populated);
    for (unsigned n = 0; n < HOST_MEM_USAGE_MAX_NODES; n++) {
        if (u->node_bytes[n]) {
            g_autofree char *what = g_strdup_printf("populated on host "
                                                    "node %u", n);

            hmp_usage_line(out, what, u->node_bytes[n]);
        }
    }
    if (u->node_unknown) {
        hmp_usage_line(out, "populated, host node unknown",
                       u->node_unknown);
    }
    if (u->node_stride > 1) {
        g_string_append_printf(out, "  host nodes sampled: one page in %"
                               PRIu64 "\n", u->node_stride);
    }
    if (u->hugetlb) {
        hmp_usage_pages(out, u->page_size, "hugetlb pages", u->populated);
        return;
    }
    hmp_usage_pages(out, u->page_size, "pages", u->base_bytes);
    if (u->thp_size) {
        hmp_usage_pages(out, u->thp_size, "transparent huge pages",
                        u->thp_bytes);
    }
}

static JsonNode *qmp_query_memory_size_summary(JsonObject *args,
                                               Error **errp)
{
    JsonObject *o = json_object_new();

    json_object_set_int_member(o, "base-memory",
                               current_machine ? current_machine->ram_size
                                               : 0);
    /*
     * QEMU 7.2 reports plugged-memory only on targets built with memory
     * devices (pc-dimm, nvdimm): memvm has none, so it is 0 there.
     */
    if (target_arch() & (ARCH_X86_64 | ARCH_I386 | ARCH_AARCH64 | ARCH_ARM |
                         ARCH_PPC | ARCH_PPC64)) {
        json_object_set_int_member(o, "plugged-memory", 0);
    }
    return qmp_node_new_object(o);
}

static void hmp_info_mtree(GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit(args ? args : "", " ", 0);
    bool flat = false;

    for (char **w = words; *w; w++) {
        if (!strcmp(*w, "-f")) {
            flat = true;
        }
    }
    mtree_info(out, flat);
}

static void hmp_info_ramblock(GString *out, const char *args)
{
    ram_block_format(out);
}

static void hmp_info_memdev(GString *out, const char *args)
{
    GSList *list = host_memory_backend_list();

    for (GSList *l = list; l; l = l->next) {
        HostMemoryBackend *b = l->data;
        g_autofree char *nodes = host_nodes_str(b->host_nodes);

        g_string_append_printf(out, "memory backend: %s\n",
            object_get_canonical_path_component(OBJECT(b)));
        g_string_append_printf(out, "  size:  %" PRIu64 "\n", b->size);
        g_string_append_printf(out, "  merge: %s\n",
                               b->merge ? "true" : "false");
        g_string_append_printf(out, "  dump: %s\n",
                               b->dump ? "true" : "false");
        g_string_append_printf(out, "  prealloc: %s\n",
                               b->prealloc ? "true" : "false");
        g_string_append_printf(out, "  share: %s\n",
                               b->share ? "true" : "false");
        g_string_append_printf(out, "  reserve: %s\n",
                               b->reserve ? "true" : "false");
        g_string_append_printf(out, "  policy: %s\n",
                               HostMemPolicy_lookup[b->policy]);
        g_string_append_printf(out, "  host nodes: %s\n", nodes);
        hmp_memdev_usage(out, b);
    }
    g_string_append_c(out, '\n');
    g_slist_free(list);
}

static void hmp_info_numa(GString *out, const char *args)
{
    MachineState *ms = current_machine;
    unsigned n = ms ? ms->numa.num_nodes : 0;

    g_string_append_printf(out, "%u nodes\n", n);
    for (unsigned i = 0; i < n; i++) {
        NumaNodeOptions *node = &ms->numa.nodes[i];
        uint64_t size = node->memdev ? node->memdev->size : node->mem;

        g_string_append_printf(out, "node %u cpus:%s\n", i,
                               i == 0 ? " 0" : "");
        g_string_append_printf(out, "node %u size: %" PRIu64 " MB\n", i,
                               (uint64_t)(size / MiB));
        g_string_append_printf(out, "node %u plugged: 0 MB\n", i);
    }
}

void machine_qmp_cmds_register(void)
{
    qmp_register_command_args("query-machines", "", qmp_query_machines, 0);
    /* Safe while backends are preallocated at start: they only read. */
    qmp_register_command_args("query-memdev", "", qmp_query_memdev,
                              QMP_CMD_ALLOW_STARTUP);
    qmp_register_command_args("x-query-memdev-usage", "",
                              qmp_x_query_memdev_usage,
                              QMP_CMD_ALLOW_STARTUP);
    qmp_register_command_args("query-memory-size-summary", "",
                              qmp_query_memory_size_summary, 0);
    hmp_register_info("mtree", "[-f]", "show memory tree (-f: dump flat "
                      "view for address spaces)", hmp_info_mtree);
    hmp_register_info("ramblock", "", "Display system ramblock information",
                      hmp_info_ramblock);
    hmp_register_info("memdev", "", "show memory backends",
                      hmp_info_memdev);
    hmp_register_info("numa", "", "show NUMA information", hmp_info_numa);
}
