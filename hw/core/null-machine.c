/*
 * The "none" machine: no CPU, no devices; RAM at 0 when -m is given.
 */
#include "hw/boards.h"

static bool machine_none_init(MachineState *ms, Error **errp)
{
    if (ms->ram) {
        memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    }
    return true;
}

static void machine_none_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "none";
    mc->desc = "empty machine";
    mc->arches = ARCH_ALL;
    mc->init = machine_none_init;
    mc->max_cpus = 1;
    mc->default_ram_size = 0;
    mc->default_ram_id = "ram";
    mc->numa_mem_supported = false;
}

DEFINE_MACHINE_TYPE("none", machine_none_class_init)
