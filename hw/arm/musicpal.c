/*
 * Freecom MusicPal ("musicpal", Marvell 88W8618): QEMU 7.2's RAM layout.
 * 32 MiB of SDRAM at 0 is the only size; the SoC's 128 KiB SRAM sits at
 * 3 GiB.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_MUSICPAL_MACHINE MACHINE_TYPE_NAME("musicpal")
OBJECT_DECLARE_SIMPLE_TYPE(MusicpalMachineState, MUSICPAL_MACHINE)

#define MP_SRAM_BASE 0xc0000000
#define MP_SRAM_SIZE (128 * KiB)

struct MusicpalMachineState {
    MachineState parent_obj;
    MemoryRegion sram;
};

static bool musicpal_init(MachineState *ms, Error **errp)
{
    MusicpalMachineState *mms = MUSICPAL_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_device_ram(&mms->sram, OBJECT(ms),
                                       "musicpal.sram", MP_SRAM_SIZE,
                                       errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MP_SRAM_BASE, &mms->sram);
    return true;
}

static const uint64_t musicpal_ram_sizes[] = { 32 * MiB, 0 };

static void musicpal_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "musicpal";
    mc->default_cpu_model = "arm926";
    mc->desc = "Marvell 88w8618 / MusicPal (ARM926EJ-S)";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "musicpal.ram";
    mc->default_ram_size = 32 * MiB;
    mc->valid_ram_sizes = musicpal_ram_sizes;
    mc->init = musicpal_init;
}

static const TypeInfo musicpal_info = {
    .name = TYPE_MUSICPAL_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(MusicpalMachineState),
    .class_init = musicpal_class_init,
};

static void musicpal_register_types(void)
{
    type_register_static(&musicpal_info);
}
type_init(musicpal_register_types)
