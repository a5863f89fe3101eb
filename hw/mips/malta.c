/*
 * The MIPS Malta evaluation board ("malta"): QEMU 7.2's RAM layout.
 *
 * The CPU's kseg0/kseg1 see physical addresses below 512 MiB, where the
 * Malta's I/O area sits at 256-512 MiB.  So main RAM is mapped whole at
 * 2 GiB (for kernels that use high memory), and its first 256 MiB again
 * at 0; RAM beyond 512 MiB also shows at the same address above the I/O
 * area.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_MALTA_MACHINE MACHINE_TYPE_NAME("malta")
OBJECT_DECLARE_SIMPLE_TYPE(MaltaState, MALTA_MACHINE)

#define MALTA_RAM_HIGH_BASE 0x80000000ULL
#define MALTA_PREIO_SIZE (256 * MiB)
#define MALTA_POSTIO_BASE (512 * MiB)
#define MALTA_FLASH_BASE 0x1e000000ULL
#define MALTA_BIOS_SIZE (4 * MiB)
/* The reset vector region; QEMU copies the flash's BIOS into a ROM here. */
#define MALTA_BIOS_1FC_BASE 0x1fc00000ULL

struct MaltaState {
    MachineState parent_obj;
    MemoryRegion ram_preio;
    MemoryRegion ram_postio;
    MemoryRegion flash;
    MemoryRegion bios_1fc;
};

static bool malta_init(MachineState *ms, Error **errp)
{
    MaltaState *s = MALTA_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, MALTA_RAM_HIGH_BASE, ms->ram);
    memory_region_init_alias(&s->ram_preio, OBJECT(ms),
                             "mips_malta_low_preio.ram", ms->ram, 0,
                             MIN(ms->ram_size, MALTA_PREIO_SIZE));
    memory_region_add_subregion(sysmem, 0, &s->ram_preio);
    if (ms->ram_size > MALTA_POSTIO_BASE) {
        memory_region_init_alias(&s->ram_postio, OBJECT(ms),
                                 "mips_malta_low_postio.ram", ms->ram,
                                 MALTA_POSTIO_BASE,
                                 ms->ram_size - MALTA_POSTIO_BASE);
        memory_region_add_subregion(sysmem, MALTA_POSTIO_BASE,
                                    &s->ram_postio);
    }
    if (!memory_region_init_rom(&s->flash, OBJECT(ms), "mips_malta.bios",
                                MALTA_BIOS_SIZE, errp)) {
        return false;
    }
    /* QEMU's CFI flash: reads from RAM, writes go to the flash model. */
    s->flash.rom_device = true;
    memory_region_add_subregion(sysmem, MALTA_FLASH_BASE, &s->flash);
    if (!memory_region_init_rom(&s->bios_1fc, OBJECT(ms), "bios.1fc",
                                MALTA_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MALTA_BIOS_1FC_BASE, &s->bios_1fc);
    return true;
}

static void malta_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "malta";
    mc->default_cpu_model = "24Kf";
    mc->default_cpu_model64 = "20Kc";
    mc->desc = "MIPS Malta Core LV";
    mc->arches = ARCH_ALL_MIPS;
    mc->is_default = true;
    mc->default_ram_id = "mips_malta.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "Too much memory for this machine: ..., maximum 2048MB". */
    mc->max_ram_size = 2 * GiB;
    mc->max_cpus = 16;
    mc->init = malta_init;
}

static const TypeInfo malta_info = {
    .name = TYPE_MALTA_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(MaltaState),
    .class_init = malta_class_init,
};

static void malta_register_types(void)
{
    type_register_static(&malta_info);
}
type_init(malta_register_types)
