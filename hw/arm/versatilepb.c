/*
 * ARM Versatile/PB and Versatile/AB ("versatilepb", "versatileab",
 * ARM926EJ-S): QEMU 7.2's RAM layout.  RAM is at 0, any size up to the
 * 256 MiB the board decodes; the 64 MiB NOR flash holds zeros and is
 * read-only (memvm has no CFI flash device).
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_VERSATILE_MACHINE MACHINE_TYPE_NAME("versatile")
OBJECT_DECLARE_SIMPLE_TYPE(VersatileMachineState, VERSATILE_MACHINE)

#define VERSATILE_FLASH_BASE 0x34000000
#define VERSATILE_FLASH_SIZE (64 * MiB)

struct VersatileMachineState {
    MachineState parent_obj;
    MemoryRegion flash;
};

static bool versatile_init(MachineState *ms, Error **errp)
{
    VersatileMachineState *vms = VERSATILE_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&vms->flash, OBJECT(ms), "versatile.flash",
                                VERSATILE_FLASH_SIZE, errp)) {
        return false;
    }
    /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
    vms->flash.rom_device = true;
    memory_region_add_subregion(sysmem, VERSATILE_FLASH_BASE, &vms->flash);
    return true;
}

static void versatile_common_class_init(MachineClass *mc)
{
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "versatile.ram";
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_size = 256 * MiB;
    mc->init = versatile_init;
}

static void versatilepb_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    versatile_common_class_init(mc);
    mc->name = "versatilepb";
    mc->default_cpu_model = "arm926";
    mc->desc = "ARM Versatile/PB (ARM926EJ-S)";
}

static void versatileab_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    versatile_common_class_init(mc);
    mc->name = "versatileab";
    mc->default_cpu_model = "arm926";
    mc->desc = "ARM Versatile/AB (ARM926EJ-S)";
}

static const TypeInfo versatile_types[] = {
    {
        .name = TYPE_VERSATILE_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(VersatileMachineState),
    }, {
        .name = MACHINE_TYPE_NAME("versatilepb"),
        .parent = TYPE_VERSATILE_MACHINE,
        .class_init = versatilepb_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("versatileab"),
        .parent = TYPE_VERSATILE_MACHINE,
        .class_init = versatileab_class_init,
    },
};

DEFINE_TYPES(versatile_types)
