/*
 * Xilinx ZynqMP ZCU102 ("xlnx-zcu102", aarch64): QEMU 7.2's RAM layout.
 *
 * The ZynqMP decodes DDR in two windows: the first 2 GiB at 0 and the
 * rest at 32 GiB, 32 GiB at most.  QEMU maps main RAM through one alias
 * per window ("ddr-ram-low", "ddr-ram-high"), and so do we.  The four
 * 64 KiB banks of on-chip memory fill the top 256 KiB of 4 GiB.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_ZCU102_MACHINE MACHINE_TYPE_NAME("xlnx-zcu102")
OBJECT_DECLARE_SIMPLE_TYPE(Zcu102MachineState, ZCU102_MACHINE)

#define ZYNQMP_DDR_LOW_SIZE (2 * GiB)
#define ZYNQMP_DDR_HIGH_BASE 0x800000000ULL
#define ZYNQMP_DDR_HIGH_SIZE (32 * GiB)
#define ZYNQMP_OCM_BASE 0xfffc0000
#define ZYNQMP_OCM_BANK_SIZE (64 * KiB)
#define ZYNQMP_OCM_BANKS 4

struct Zcu102MachineState {
    MachineState parent_obj;
    MemoryRegion ddr_low;
    MemoryRegion ddr_high;
    MemoryRegion ocm[ZYNQMP_OCM_BANKS];
};

static bool zcu102_init(MachineState *ms, Error **errp)
{
    Zcu102MachineState *zms = ZCU102_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    uint64_t low = MIN(ms->ram_size, ZYNQMP_DDR_LOW_SIZE);

    memory_region_init_alias(&zms->ddr_low, OBJECT(ms), "ddr-ram-low",
                             ms->ram, 0, low);
    memory_region_add_subregion(sysmem, 0, &zms->ddr_low);
    if (ms->ram_size > low) {
        memory_region_init_alias(&zms->ddr_high, OBJECT(ms), "ddr-ram-high",
                                 ms->ram, low, ms->ram_size - low);
        memory_region_add_subregion(sysmem, ZYNQMP_DDR_HIGH_BASE,
                                    &zms->ddr_high);
    }
    for (int i = 0; i < ZYNQMP_OCM_BANKS; i++) {
        g_autofree char *name = g_strdup_printf("zynqmp.ocm_ram_bank_%d", i);

        if (!memory_region_init_device_ram(&zms->ocm[i], OBJECT(ms), name,
                                           ZYNQMP_OCM_BANK_SIZE, errp)) {
            return false;
        }
        memory_region_add_subregion(sysmem,
                                    ZYNQMP_OCM_BASE + i * ZYNQMP_OCM_BANK_SIZE,
                                    &zms->ocm[i]);
    }
    return true;
}

static void zcu102_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "xlnx-zcu102";
    mc->desc = "Xilinx ZynqMP ZCU102 board with 4xA53s and 2xR5Fs based on "
               "the value of smp";
    mc->arches = ARCH_AARCH64;
    mc->default_ram_id = "ddr-ram";
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_size = ZYNQMP_DDR_LOW_SIZE + ZYNQMP_DDR_HIGH_SIZE;
    mc->default_cpus = 6;
    mc->max_cpus = 6;
    mc->init = zcu102_init;
}

static const TypeInfo zcu102_info = {
    .name = TYPE_ZCU102_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(Zcu102MachineState),
    .class_init = zcu102_class_init,
};

static void zcu102_register_types(void)
{
    type_register_static(&zcu102_info);
}
type_init(zcu102_register_types)
