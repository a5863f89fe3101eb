/*
 * Sharp SL-5500 "collie" (StrongARM SA-1110): QEMU 7.2's RAM layout.
 *
 * SDRAM is fixed at 512 MiB on the SA-1110 memory controller's bank
 * address; the two NOR flash chips come first in the address map.  The
 * flashes hold zeros and are read-only (memvm has no CFI flash device).
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_COLLIE_MACHINE MACHINE_TYPE_NAME("collie")
OBJECT_DECLARE_SIMPLE_TYPE(CollieMachineState, COLLIE_MACHINE)

#define COLLIE_SDRAM_BASE 0xc0000000
#define COLLIE_FLASH_SIZE (32 * MiB)

struct CollieMachineState {
    MachineState parent_obj;
    MemoryRegion flash[2];
};

static bool collie_init(MachineState *ms, Error **errp)
{
    static const struct {
        const char *name;
        hwaddr base;
    } flashes[] = {
        { "collie.fl1", 0x00000000 },
        { "collie.fl2", 0x08000000 },
    };
    CollieMachineState *cms = COLLIE_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, COLLIE_SDRAM_BASE, ms->ram);
    for (size_t i = 0; i < G_N_ELEMENTS(flashes); i++) {
        if (!memory_region_init_rom(&cms->flash[i], OBJECT(ms),
                                    flashes[i].name, COLLIE_FLASH_SIZE,
                                    errp)) {
            return false;
        }
        /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
        cms->flash[i].rom_device = true;
        memory_region_add_subregion(sysmem, flashes[i].base, &cms->flash[i]);
    }
    return true;
}

static const uint64_t collie_ram_sizes[] = { 512 * MiB, 0 };

static void collie_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "collie";
    mc->default_cpu_model = "sa1110";
    mc->desc = "Sharp SL-5500 (Collie) PDA (SA-1110)";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "strongarm.sdram";
    mc->default_ram_size = 512 * MiB;
    mc->valid_ram_sizes = collie_ram_sizes;
    mc->init = collie_init;
}

static const TypeInfo collie_info = {
    .name = TYPE_COLLIE_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(CollieMachineState),
    .class_init = collie_class_init,
};

static void collie_register_types(void)
{
    type_register_static(&collie_info);
}
type_init(collie_register_types)
