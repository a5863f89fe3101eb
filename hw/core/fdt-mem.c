/*
 * Device tree memory nodes for the virt boards (see include/hw/fdt-mem.h).
 */
#include <libfdt.h>

#include "hw/fdt-mem.h"

bool fdt_check(int ret, const char *what, Error **errp)
{
    if (ret < 0) {
        error_setg(errp, "device tree: cannot add %s: %s", what,
                   fdt_strerror(ret));
        return false;
    }
    return true;
}

void *fdt_mem_create(size_t size, const char *compatible,
                     const char *model, Error **errp)
{
    void *fdt = g_malloc0(size);

    if (!fdt_check(fdt_create_empty_tree(fdt, size), "the root", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, 0, "#address-cells", 2),
                   "#address-cells", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, 0, "#size-cells", 2),
                   "#size-cells", errp) ||
        !fdt_check(fdt_setprop_string(fdt, 0, "compatible", compatible),
                   "compatible", errp) ||
        !fdt_check(fdt_setprop_string(fdt, 0, "model", model), "model",
                   errp)) {
        g_free(fdt);
        return NULL;
    }
    return fdt;
}

/* One memory node; @node < 0 leaves out numa-node-id. */
static bool fdt_add_memory_node(void *fdt, hwaddr base, uint64_t size,
                                int node, Error **errp)
{
    g_autofree char *name = g_strdup_printf("memory@%" PRIx64, base);
    /* Two cells of address and two of size: big-endian 64-bit each. */
    fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
    int off = fdt_add_subnode(fdt, 0, name);

    if (!fdt_check(off, name, errp) ||
        !fdt_check(fdt_setprop_string(fdt, off, "device_type", "memory"),
                   name, errp) ||
        !fdt_check(fdt_setprop(fdt, off, "reg", reg, sizeof(reg)), name,
                   errp)) {
        return false;
    }
    if (node >= 0 &&
        !fdt_check(fdt_setprop_cell(fdt, off, "numa-node-id", node), name,
                   errp)) {
        return false;
    }
    return true;
}

/* QEMU's /distance-map: every (src, dst, distance) of the matrix. */
static bool fdt_add_distance_map(void *fdt, NumaState *numa, Error **errp)
{
    unsigned n = numa->num_nodes;
    g_autofree fdt32_t *m = g_new(fdt32_t, n * n * 3);
    int off = fdt_add_subnode(fdt, 0, "distance-map");

    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            fdt32_t *e = &m[(i * n + j) * 3];

            e[0] = cpu_to_fdt32(i);
            e[1] = cpu_to_fdt32(j);
            e[2] = cpu_to_fdt32(numa->distance[i][j]);
        }
    }
    return fdt_check(off, "/distance-map", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "numa-distance-map-v1"),
                     "/distance-map", errp) &&
           fdt_check(fdt_setprop(fdt, off, "distance-matrix", m,
                                 n * n * 3 * sizeof(m[0])),
                     "/distance-map", errp);
}

bool fdt_add_memory_nodes(void *fdt, MachineState *ms, hwaddr base,
                          Error **errp)
{
    NumaState *numa = &ms->numa;

    if (numa->have_distance && !fdt_add_distance_map(fdt, numa, errp)) {
        return false;
    }

    if (!numa->num_nodes) {
        return fdt_add_memory_node(fdt, base, ms->ram_size, -1, errp);
    }
    for (unsigned i = 0; i < numa->num_nodes; i++) {
        NumaNodeOptions *node = &numa->nodes[i];
        uint64_t size = node->memdev ? node->memdev->size : node->mem;

        /* A node without memory (CPUs only) gets no memory node. */
        if (!size) {
            continue;
        }
        if (!fdt_add_memory_node(fdt, base + numa_node_ram_start(ms, i),
                                 size, i, errp)) {
            return false;
        }
    }
    return true;
}

bool fdt_build_virt_tree(MachineState *ms, size_t max_size,
                         const char *compatible, const char *model,
                         hwaddr ram_base, Error **errp)
{
    void *fdt = fdt_mem_create(max_size, compatible, model, errp);
    int chosen;

    if (!fdt) {
        return false;
    }
    chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (!fdt_check(chosen, "/chosen", errp) ||
        (ms->kernel_cmdline &&
         !fdt_check(fdt_setprop_string(fdt, chosen, "bootargs",
                                       ms->kernel_cmdline),
                    "/chosen bootargs", errp)) ||
        !fdt_add_memory_nodes(fdt, ms, ram_base, errp)) {
        g_free(fdt);
        return false;
    }
    return fdt_mem_finish(ms, fdt, errp);
}

bool fdt_mem_finish(MachineState *ms, void *fdt, Error **errp)
{
    if (!fdt_check(fdt_pack(fdt), "the packed tree", errp)) {
        g_free(fdt);
        return false;
    }
    g_free(ms->fdt);
    ms->fdt = fdt;
    ms->fdt_size = fdt_totalsize(fdt);
    return true;
}
