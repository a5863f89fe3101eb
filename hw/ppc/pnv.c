/*
 * The IBM PowerNV (non-virtualized) machines, "powernv8", "powernv9"
 * (alias "powernv") and "powernv10": QEMU 7.2's RAM layout.  Main RAM is
 * at 0 on chip 0; skiboot expects at least 1 GiB.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define PNV_MIN_RAM_SIZE (1 * GiB)

static bool pnv_init(MachineState *ms, Error **errp)
{
    if (ms->ram_size < PNV_MIN_RAM_SIZE) {
        g_autofree char *min = size_to_str(PNV_MIN_RAM_SIZE);

        error_setg(errp, "Invalid RAM size, should be bigger than %s", min);
        return false;
    }
    memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    return true;
}

static void pnv_common_class_init(MachineClass *mc)
{
    mc->arches = ARCH_PPC64;
    mc->default_ram_id = "pnv.ram";
    mc->default_ram_size = PNV_MIN_RAM_SIZE;
    /* QEMU 7.2: the most chips times cores times threads it takes. */
    mc->max_cpus = 2048;
    mc->init = pnv_init;
}

static void pnv8_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    pnv_common_class_init(mc);
    mc->name = "powernv8";
    mc->default_cpu_model = "power8_v2.0";
    mc->desc = "IBM PowerNV (Non-Virtualized) POWER8";
}

static void pnv9_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    pnv_common_class_init(mc);
    mc->name = "powernv9";
    mc->default_cpu_model = "power9_v2.0";
    mc->alias = "powernv";
    mc->desc = "IBM PowerNV (Non-Virtualized) POWER9";
}

static void pnv10_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    pnv_common_class_init(mc);
    mc->name = "powernv10";
    mc->default_cpu_model = "power10_v2.0";
    mc->desc = "IBM PowerNV (Non-Virtualized) POWER10";
}

DEFINE_MACHINE_TYPE("powernv8", pnv8_class_init)
DEFINE_MACHINE_TYPE("powernv9", pnv9_class_init)
DEFINE_MACHINE_TYPE("powernv10", pnv10_class_init)
