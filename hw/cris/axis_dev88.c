/*
 * The AXIS devboard 88 ("axis-dev88", ETRAX FS): QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_AXIS_DEV88_MACHINE MACHINE_TYPE_NAME("axis-dev88")
OBJECT_DECLARE_SIMPLE_TYPE(AxisDev88State, AXIS_DEV88_MACHINE)

#define AXIS_CHIPRAM_BASE 0x38000000ULL
#define AXIS_CHIPRAM_SIZE (128 * KiB)
#define AXIS_DRAM_BASE 0x40000000ULL

struct AxisDev88State {
    MachineState parent_obj;
    MemoryRegion chipram;   /* the SoC's internal RAM */
};

static bool axis_dev88_init(MachineState *ms, Error **errp)
{
    AxisDev88State *s = AXIS_DEV88_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, AXIS_DRAM_BASE, ms->ram);
    if (!memory_region_init_device_ram(&s->chipram, OBJECT(ms),
                                       "axisdev88.chipram",
                                       AXIS_CHIPRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, AXIS_CHIPRAM_BASE, &s->chipram);
    return true;
}

static void axis_dev88_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "axis-dev88";
    mc->default_cpu_model = "crisv32";
    mc->desc = "AXIS devboard 88";
    mc->arches = ARCH_CRIS;
    mc->is_default = true;
    mc->default_ram_id = "axisdev88.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = axis_dev88_init;
}

static const TypeInfo axis_dev88_info = {
    .name = TYPE_AXIS_DEV88_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(AxisDev88State),
    .class_init = axis_dev88_class_init,
};

static void axis_dev88_register_types(void)
{
    type_register_static(&axis_dev88_info);
}
type_init(axis_dev88_register_types)
