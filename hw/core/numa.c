/*
 * Guest NUMA: -numa node options and the RAM container built from the
 * nodes' memory backends.
 */
#include <errno.h>
#include <string.h>

#include "hw/boards.h"
#include "qemu/cutils.h"
#include "qemu/option.h"

static const char *const numa_node_keys[] = {
    "type", "nodeid", "mem", "memdev", "cpus", "initiator", NULL,
};
static const char *const numa_dist_keys[] = {
    "type", "src", "dst", "val", NULL,
};

/* QEMU's NUMA_DISTANCE_MIN: a node's distance to itself. */
#define NUMA_DISTANCE_LOCAL 10

/* One number of -numa dist, with QEMU's errors for its type. */
static bool numa_dist_number(QemuOpts *opts, const char *name, uint64_t max,
                             const char *type, uint64_t *out, Error **errp)
{
    const char *value = qemu_opt_get(opts, name);
    char *end;

    if (!value) {
        error_setg(errp, "Parameter '%s' is missing", name);
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(value, &end, 0);
    if (end == value || *end || errno == ERANGE || *out > max) {
        error_setg(errp, "Parameter '%s' expects %s", name, type);
        return false;
    }
    return true;
}

/* -numa dist,src=,dst=,val=: QEMU 7.2's checks, in its order. */
static bool numa_parse_dist(MachineState *ms, QemuOpts *opts, Error **errp)
{
    NumaState *numa = &ms->numa;
    uint64_t src, dst, val;

    if (!qemu_opts_check_names(opts, numa_dist_keys, errp) ||
        !numa_dist_number(opts, "src", UINT16_MAX, "uint16_t", &src, errp) ||
        !numa_dist_number(opts, "dst", UINT16_MAX, "uint16_t", &dst, errp) ||
        !numa_dist_number(opts, "val", UINT8_MAX, "uint8_t", &val, errp)) {
        return false;
    }
    if (src >= MAX_NODES || dst >= MAX_NODES) {
        error_setg(errp, "Parameter '%s' expects an integer between 0 and %d",
                   src >= MAX_NODES ? "src" : "dst", MAX_NODES - 1);
        return false;
    }
    if (!numa->nodes[src].present || !numa->nodes[dst].present) {
        error_setg(errp, "Source/Destination NUMA node is missing. Please "
                   "use '-numa node' option to declare it first.");
        return false;
    }
    if (val < NUMA_DISTANCE_LOCAL) {
        error_setg(errp, "NUMA distance (%" PRIu64 ") is invalid, it "
                   "shouldn't be less than %d.", val, NUMA_DISTANCE_LOCAL);
        return false;
    }
    if (src == dst && val != NUMA_DISTANCE_LOCAL) {
        error_setg(errp, "Local distance of node %" PRIu64 " should be %d.",
                   src, NUMA_DISTANCE_LOCAL);
        return false;
    }
    numa->distance[src][dst] = val;
    numa->have_distance = true;
    return true;
}

/*
 * As QEMU: every pair of nodes needs a distance in one direction at
 * least; the other direction defaults to it, a node's own to 10.
 */
static bool numa_complete_distance(NumaState *numa, Error **errp)
{
    unsigned n = numa->num_nodes;

    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = i + 1; j < n; j++) {
            if (!numa->distance[i][j] && !numa->distance[j][i]) {
                error_setg(errp, "The distance between node %u and %u is "
                           "missing, at least one distance value between "
                           "each nodes should be provided.", i, j);
                return false;
            }
        }
    }
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            if (i == j) {
                numa->distance[i][j] = NUMA_DISTANCE_LOCAL;
            } else if (!numa->distance[i][j]) {
                numa->distance[i][j] = numa->distance[j][i];
            }
        }
    }
    return true;
}

bool numa_parse_option(MachineState *ms, const char *optarg, Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_parse(optarg, "type", errp);
    NumaState *numa = &ms->numa;
    const char *type, *value;
    NumaNodeOptions *node;
    uint64_t nodeid;

    if (!opts) {
        return false;
    }
    if (!MACHINE_GET_CLASS(ms)->numa_supported) {
        error_setg(errp, "NUMA is not supported by this machine-type");
        return false;
    }
    type = qemu_opt_get(opts, "type");
    if (type && !strcmp(type, "dist")) {
        return numa_parse_dist(ms, opts, errp);
    }
    if (!type || strcmp(type, "node")) {
        error_setg(errp, "Invalid parameter 'type': only 'node' and 'dist' "
                   "are supported");
        return false;
    }
    if (!qemu_opts_check_names(opts, numa_node_keys, errp)) {
        return false;
    }
    nodeid = numa->num_nodes;
    value = qemu_opt_get(opts, "nodeid");
    if (value && !parse_option_number("nodeid", value, UINT16_MAX, &nodeid,
                                      errp)) {
        return false;
    }
    if (nodeid >= MAX_NODES) {
        error_setg(errp, "Max number of NUMA nodes reached: %" PRIu64,
                   nodeid);
        return false;
    }
    node = &numa->nodes[nodeid];
    if (node->present) {
        error_setg(errp, "Duplicate NUMA nodeid: %" PRIu64, nodeid);
        return false;
    }
    if (qemu_opt_get(opts, "mem") && qemu_opt_get(opts, "memdev")) {
        error_setg(errp, "cannot specify both mem= and memdev=");
        return false;
    }
    value = qemu_opt_get(opts, "mem");
    if (value) {
        MachineClass *mc = MACHINE_GET_CLASS(ms);

        if (!mc->numa_mem_supported) {
            error_setg(errp, "Parameter -numa node,mem is not supported by "
                       "this machine type");
            error_append_hint(errp, "Use -numa node,memdev instead\n");
            return false;
        }
        if (!parse_option_size("mem", value, MiB, &node->mem, errp)) {
            return false;
        }
        numa->have_mem = true;
    }
    value = qemu_opt_get(opts, "memdev");
    if (value) {
        node->memdev_id = g_strdup(value);
        numa->have_memdev = true;
    }
    if (numa->have_mem && numa->have_memdev) {
        error_setg(errp, "numa configuration should use either mem= or "
                   "memdev=,mixing both is not allowed");
        return false;
    }
    node->present = true;
    numa->num_nodes = MAX(numa->num_nodes, nodeid + 1);
    return true;
}

uint64_t numa_node_ram_start(MachineState *ms, unsigned n)
{
    uint64_t start = 0;

    for (unsigned i = 0; i < n && i < ms->numa.num_nodes; i++) {
        NumaNodeOptions *node = &ms->numa.nodes[i];

        start += node->memdev ? node->memdev->size : node->mem;
    }
    return start;
}

bool numa_complete_configuration(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    NumaState *numa = &ms->numa;
    uint64_t total = 0;

    for (unsigned i = 0; i < numa->num_nodes; i++) {
        NumaNodeOptions *node = &numa->nodes[i];
        Object *obj;

        if (!node->present) {
            error_setg(errp, "numa: Node ID missing: %u", i);
            return false;
        }
        if (!node->memdev_id) {
            total += node->mem;
            continue;
        }
        obj = object_resolve_path_type(node->memdev_id, TYPE_MEMORY_BACKEND,
                                       NULL);
        if (!obj) {
            error_setg(errp, "memdev=%s is ambiguous", node->memdev_id);
            return false;
        }
        node->memdev = MEMORY_BACKEND(obj);
        total += node->memdev->size;
    }
    if (numa->have_distance && !numa_complete_distance(numa, errp)) {
        return false;
    }
    if (!numa->have_memdev && !numa->have_mem) {
        /* Nodes without memory: QEMU gives all RAM to node 0. */
        numa->nodes[0].mem = ms->ram_size;
        return true;
    }
    if (total != ms->ram_size) {
        error_setg(errp, "total memory for NUMA nodes (0x%" PRIx64 ") "
                   "should equal RAM size (0x%" PRIx64 ")", total,
                   ms->ram_size);
        return false;
    }
    if (!numa->have_memdev) {
        return true;
    }
    /* The machine's RAM is the nodes' backends one after another. */
    memory_region_init(&ms->ram_container, OBJECT(ms), mc->default_ram_id,
                       ms->ram_size);
    for (unsigned i = 0; i < numa->num_nodes; i++) {
        NumaNodeOptions *node = &numa->nodes[i];
        MemoryRegion *seg;

        if (!node->memdev) {
            continue;
        }
        seg = machine_consume_memdev(ms, node->memdev, errp);
        if (!seg) {
            return false;
        }
        memory_region_add_subregion(&ms->ram_container,
                                    numa_node_ram_start(ms, i), seg);
    }
    ms->ram = &ms->ram_container;
    return true;
}
