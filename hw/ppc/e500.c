/*
 * Freescale e500 boards: "ppce500" (the generic paravirtual platform) and
 * "mpc8544ds" (the MPC8544DS development system): QEMU 7.2's RAM layout.
 * Both keep RAM at 0 and, as in QEMU, share the RAM block name
 * "mpc8544ds.ram".
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

/* The memory controller maps RAM in units of this size. */
#define E500_RAM_ALIGN (64 * MiB)

static bool e500_init(MachineState *ms, Error **errp)
{
    if (ms->ram_size % E500_RAM_ALIGN) {
        error_setg(errp, "RAM size must be multiple of %" PRIu64,
                   (uint64_t)E500_RAM_ALIGN);
        return false;
    }
    memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    return true;
}

static void e500_common_class_init(MachineClass *mc)
{
    mc->arches = ARCH_PPC;
    mc->default_ram_id = "mpc8544ds.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = e500_init;
}

static void ppce500_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    e500_common_class_init(mc);
    mc->name = "ppce500";
    mc->default_cpu_model = "e500v2_v30";
    mc->desc = "generic paravirt e500 platform";
    mc->max_cpus = 32;
}

static void mpc8544ds_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    e500_common_class_init(mc);
    mc->name = "mpc8544ds";
    mc->default_cpu_model = "e500v2_v30";
    mc->desc = "mpc8544ds";
    /*
     * QEMU 7.2: "The MPC8544DS board only supports up to 3GB of RAM",
     * checked before the size's alignment, as here.
     */
    mc->max_ram_size = 3 * GiB;
    mc->max_cpus = 15;
}

DEFINE_MACHINE_TYPE("ppce500", ppce500_class_init)
DEFINE_MACHINE_TYPE("mpc8544ds", mpc8544ds_class_init)
