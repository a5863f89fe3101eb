/*
 * The pSeries logical partition ("pseries-7.2", alias "pseries"; PAPR):
 * QEMU 7.2's RAM layout and size rules.  Main RAM is at 0.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

/* SLOF runs in real mode and needs this much RMA below its RAM. */
#define SPAPR_MIN_RMA_SLOF (128 * MiB)
/* RAM is hot-plugged and described to the guest in blocks of this size. */
#define SPAPR_MEMORY_BLOCK_SIZE (256 * MiB)

static uint64_t pow2_floor(uint64_t v)
{
    return v ? 1ULL << (63 - __builtin_clzll(v)) : 0;
}

/* The real mode area is the power-of-two start of node 0's memory. */
static uint64_t spapr_rma_size(MachineState *ms)
{
    uint64_t rma = ms->ram_size;

    for (unsigned i = 0; i < ms->numa.num_nodes; i++) {
        NumaNodeOptions *node = &ms->numa.nodes[i];
        uint64_t size = node->memdev ? node->memdev->size : node->mem;

        if (size) {
            rma = MIN(rma, size);
            break;
        }
    }
    return pow2_floor(rma);
}

static bool spapr_check_ram(MachineState *ms, Error **errp)
{
    if (spapr_rma_size(ms) < SPAPR_MIN_RMA_SLOF) {
        /* Sic: QEMU 7.2 prints the limit in hex, followed by "ldMiB". */
        error_setg(errp, "pSeries SLOF firmware requires >= %" PRIx64
                   "ldMiB guest RMA (Real Mode Area memory)",
                   (uint64_t)(SPAPR_MIN_RMA_SLOF / MiB));
        return false;
    }
    if (ms->ram_size % SPAPR_MEMORY_BLOCK_SIZE) {
        error_setg(errp, "Memory size 0x%" PRIx64 " is not aligned to %"
                   PRIu64 " MiB", ms->ram_size,
                   (uint64_t)(SPAPR_MEMORY_BLOCK_SIZE / MiB));
        return false;
    }
    for (unsigned i = 0; i < ms->numa.num_nodes; i++) {
        NumaNodeOptions *node = &ms->numa.nodes[i];
        uint64_t size = node->memdev ? node->memdev->size : node->mem;

        if (size % SPAPR_MEMORY_BLOCK_SIZE) {
            error_setg(errp, "Node %u memory size 0x%" PRIx64 " is not "
                       "aligned to %" PRIu64 " MiB", i, size,
                       (uint64_t)(SPAPR_MEMORY_BLOCK_SIZE / MiB));
            return false;
        }
    }
    return true;
}

static bool spapr_init(MachineState *ms, Error **errp)
{
    if (!spapr_check_ram(ms, errp)) {
        return false;
    }
    memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    return true;
}

static void spapr_7_2_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "pseries-7.2";
    mc->default_cpu_model = "power9_v2.0";
    mc->alias = "pseries";
    mc->desc = "pSeries Logical Partition (PAPR compliant)";
    mc->arches = ARCH_PPC64;
    mc->is_default = true;
    mc->default_ram_id = "ppc_spapr.ram";
    mc->default_ram_size = 512 * MiB;
    mc->numa_supported = true;
    /* Legacy -numa node,mem= went away with the 5.1 machine types. */
    mc->numa_mem_supported = false;
    mc->max_cpus = 4096;
    mc->has_hotpluggable_cpus = true;
    mc->init = spapr_init;
}

DEFINE_MACHINE_TYPE("pseries-7.2", spapr_7_2_class_init)
