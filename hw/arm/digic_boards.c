/*
 * Canon PowerShot A1100 IS ("canon-a1100", DIGIC4 SoC): QEMU 7.2's RAM
 * layout.  64 MiB of RAM at 0 is the only size.  The 4 MiB boot flash is
 * decoded over the whole top 128 MiB of the address space, so it appears
 * 32 times; QEMU models that with one alias per copy, and so do we.  The
 * flash holds zeros and is read-only (memvm has no CFI flash device).
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_CANON_A1100_MACHINE MACHINE_TYPE_NAME("canon-a1100")
OBJECT_DECLARE_SIMPLE_TYPE(DigicBoardState, CANON_A1100_MACHINE)

#define DIGIC4_FLASH_BASE 0xf8000000
#define DIGIC4_FLASH_SIZE (4 * MiB)
#define DIGIC4_FLASH_WINDOW (128 * MiB)
#define DIGIC4_FLASH_COPIES (DIGIC4_FLASH_WINDOW / DIGIC4_FLASH_SIZE)

struct DigicBoardState {
    MachineState parent_obj;
    MemoryRegion flash;
    MemoryRegion flash_alias[DIGIC4_FLASH_COPIES];
};

static bool canon_a1100_init(MachineState *ms, Error **errp)
{
    DigicBoardState *dbs = CANON_A1100_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&dbs->flash, OBJECT(ms), "pflash",
                                DIGIC4_FLASH_SIZE, errp)) {
        return false;
    }
    /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
    dbs->flash.rom_device = true;
    for (unsigned i = 0; i < DIGIC4_FLASH_COPIES; i++) {
        memory_region_init_alias(&dbs->flash_alias[i], OBJECT(ms),
                                 "pflash-alias", &dbs->flash, 0,
                                 DIGIC4_FLASH_SIZE);
        memory_region_add_subregion(sysmem,
                                    DIGIC4_FLASH_BASE + i * DIGIC4_FLASH_SIZE,
                                    &dbs->flash_alias[i]);
    }
    return true;
}

static const uint64_t canon_a1100_ram_sizes[] = { 64 * MiB, 0 };

static void canon_a1100_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "canon-a1100";
    mc->desc = "Canon PowerShot A1100 IS (ARM946)";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "ram";
    mc->default_ram_size = 64 * MiB;
    mc->valid_ram_sizes = canon_a1100_ram_sizes;
    mc->init = canon_a1100_init;
}

static const TypeInfo canon_a1100_info = {
    .name = TYPE_CANON_A1100_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(DigicBoardState),
    .class_init = canon_a1100_class_init,
};

static void digic_register_types(void)
{
    type_register_static(&canon_a1100_info);
}
type_init(digic_register_types)
