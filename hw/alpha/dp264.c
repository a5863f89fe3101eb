/*
 * The Alpha DP264 ("clipper", Typhoon chipset): QEMU 7.2's RAM layout.
 *
 * PALcode and kernel are loaded into main RAM, so the board has no ROM
 * and RAM is simply at 0.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

static bool clipper_init(MachineState *ms, Error **errp)
{
    memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    return true;
}

static void clipper_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "clipper";
    mc->default_cpu_model = "ev67";
    mc->desc = "Alpha DP264/CLIPPER";
    mc->arches = ARCH_ALPHA;
    mc->is_default = true;
    mc->default_ram_id = "ram";
    mc->default_ram_size = 128 * MiB;
    mc->max_cpus = 4;
    mc->init = clipper_init;
}

DEFINE_MACHINE_TYPE("clipper", clipper_class_init)
