/*
 * The MIPS Jazz family, "magnum" (MIPS Magnum 4000) and "pica61" (Acer
 * PICA-61): QEMU 7.2's RAM layout.  The two differ in their display: a
 * G364 framebuffer on the Magnum, an ISA VGA on the PICA-61.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_JAZZ_MACHINE "jazz-machine"
OBJECT_DECLARE_TYPE(JazzState, JazzClass, JAZZ_MACHINE)

#define JAZZ_BIOS_BASE 0x1fc00000ULL
/* The CPU's reset vector region also shows the BIOS, at 0xfff00000. */
#define JAZZ_BIOS_HIGH_BASE 0xfff00000ULL
#define JAZZ_BIOS_SIZE 0x7e000ULL   /* QEMU's MAGNUM_BIOS_SIZE_MAX */
/* The SONIC Ethernet's MAC address PROM. */
#define JAZZ_SONIC_PROM_BASE 0x8000b000ULL
#define JAZZ_SONIC_PROM_SIZE (4 * KiB)
#define MAGNUM_G364_VRAM_BASE 0x40000000ULL
#define MAGNUM_G364_VRAM_SIZE (8 * MiB)
#define MAGNUM_G364_ROM_BASE 0x60000000ULL
#define MAGNUM_G364_ROM_SIZE (512 * KiB)
#define PICA61_VGA_VRAM_BASE 0xe0000000ULL
#define PICA61_VGA_VRAM_SIZE (8 * MiB)

typedef enum JazzModel {
    JAZZ_MAGNUM,
    JAZZ_PICA61,
} JazzModel;

struct JazzClass {
    MachineClass parent_class;
    JazzModel model;
};

struct JazzState {
    MachineState parent_obj;
    MemoryRegion bios;
    MemoryRegion bios_high;
    MemoryRegion sonic_prom;
    MemoryRegion vram;
    MemoryRegion g364_rom;
};

static bool jazz_init(MachineState *ms, Error **errp)
{
    JazzState *s = JAZZ_MACHINE(ms);
    JazzModel model = JAZZ_MACHINE_GET_CLASS(ms)->model;
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    /* Creation order decides the RAM block offsets, as in QEMU. */
    if (!memory_region_init_rom(&s->bios, OBJECT(ms), "mips_jazz.bios",
                                JAZZ_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, JAZZ_BIOS_BASE, &s->bios);
    memory_region_init_alias(&s->bios_high, OBJECT(ms), "mips_jazz.bios",
                             &s->bios, 0, JAZZ_BIOS_SIZE);
    memory_region_add_subregion(sysmem, JAZZ_BIOS_HIGH_BASE, &s->bios_high);
    if (!memory_region_init_rom(&s->sonic_prom, OBJECT(ms),
                                "dp8393x-jazz.prom", JAZZ_SONIC_PROM_SIZE,
                                errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, JAZZ_SONIC_PROM_BASE,
                                &s->sonic_prom);
    if (model == JAZZ_MAGNUM) {
        if (!memory_region_init_device_ram(&s->vram, OBJECT(ms),
                                           "g364fb.vram",
                                           MAGNUM_G364_VRAM_SIZE, errp) ||
            !memory_region_init_rom(&s->g364_rom, OBJECT(ms), "g364fb.rom",
                                    MAGNUM_G364_ROM_SIZE, errp)) {
            return false;
        }
        memory_region_add_subregion(sysmem, MAGNUM_G364_VRAM_BASE, &s->vram);
        memory_region_add_subregion(sysmem, MAGNUM_G364_ROM_BASE,
                                    &s->g364_rom);
    } else {
        if (!memory_region_init_device_ram(&s->vram, OBJECT(ms), "vga.vram",
                                           PICA61_VGA_VRAM_SIZE, errp)) {
            return false;
        }
        memory_region_add_subregion(sysmem, PICA61_VGA_VRAM_BASE, &s->vram);
    }
    return true;
}

static void jazz_common_class_init(MachineClass *mc)
{
    mc->arches = ARCH_MIPS64 | ARCH_MIPS64EL;
    mc->default_ram_id = "mips_jazz.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "RAM size more than 256Mb is not supported". */
    mc->max_ram_size = 256 * MiB;
    mc->init = jazz_init;
}

static void magnum_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    jazz_common_class_init(mc);
    mc->name = "magnum";
    mc->default_cpu_model = "R4000";
    mc->desc = "MIPS Magnum";
    JAZZ_MACHINE_CLASS(oc)->model = JAZZ_MAGNUM;
}

static void pica61_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    jazz_common_class_init(mc);
    mc->name = "pica61";
    mc->default_cpu_model = "R4000";
    mc->desc = "Acer Pica 61";
    JAZZ_MACHINE_CLASS(oc)->model = JAZZ_PICA61;
}

static const TypeInfo jazz_types[] = {
    {
        .name = TYPE_JAZZ_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(JazzState),
        .class_size = sizeof(JazzClass),
    }, {
        .name = MACHINE_TYPE_NAME("magnum"),
        .parent = TYPE_JAZZ_MACHINE,
        .class_init = magnum_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("pica61"),
        .parent = TYPE_JAZZ_MACHINE,
        .class_init = pica61_class_init,
    },
};

static void jazz_register_types(void)
{
    type_register_static_array(jazz_types, G_N_ELEMENTS(jazz_types));
}
type_init(jazz_register_types)
