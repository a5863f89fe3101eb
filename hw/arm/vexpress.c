/*
 * ARM Versatile Express with the Cortex-A9 ("vexpress-a9") or Cortex-A15
 * ("vexpress-a15") daughterboard: QEMU 7.2's RAM layout.
 *
 * The A9 board uses the "legacy" memory map: RAM at 0x60000000 (up to
 * 1 GiB) and its first 64 MiB repeated at 0, where the boot flash alias
 * is mapped over it later and so wins.  The A15 board uses the "RS1"
 * map: RAM at 0x80000000 (up to 30 GiB, LPAE), no low copy, and 64 KiB
 * of daughterboard SRAM.  Both motherboards have two 64 MiB NOR flashes
 * (zeros, read-only: memvm has no CFI flash device), 32 MiB of SRAM and
 * 8 MiB of video RAM.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_VEXPRESS_MACHINE MACHINE_TYPE_NAME("vexpress")
OBJECT_DECLARE_TYPE(VexpressMachineState, VexpressMachineClass,
                    VEXPRESS_MACHINE)

#define VEXPRESS_FLASH_SIZE (64 * MiB)
#define VEXPRESS_SRAM_SIZE (32 * MiB)
#define VEXPRESS_VRAM_SIZE (8 * MiB)
#define VEXPRESS_A9_LOWMEM_MAX (64 * MiB)
#define VEXPRESS_A15_SRAM_BASE 0x2e000000
#define VEXPRESS_A15_SRAM_SIZE (64 * KiB)

typedef struct VexpressBoard {
    const char *name;
    const char *desc;
    bool a15;
    hwaddr ram_base;
    uint64_t max_ram_size;          /* in bytes */
    hwaddr flash0_base;
    hwaddr flash1_base;
    hwaddr sram_base;
    hwaddr vram_base;
} VexpressBoard;

struct VexpressMachineClass {
    MachineClass parent_class;
    const VexpressBoard *board;
};

struct VexpressMachineState {
    MachineState parent_obj;
    MemoryRegion lowmem;
    MemoryRegion a15sram;
    MemoryRegion flash[2];
    MemoryRegion flash_alias;
    MemoryRegion sram;
    MemoryRegion vram;
};

static const VexpressBoard vexpress_a9 = {
    .name = "vexpress-a9",
    .desc = "ARM Versatile Express for Cortex-A9",
    .ram_base = 0x60000000,
    .max_ram_size = 1 * GiB,
    .flash0_base = 0x40000000,
    .flash1_base = 0x44000000,
    .sram_base = 0x48000000,
    .vram_base = 0x4c000000,
};

static const VexpressBoard vexpress_a15 = {
    .name = "vexpress-a15",
    .desc = "ARM Versatile Express for Cortex-A15",
    .a15 = true,
    .ram_base = 0x80000000,
    .max_ram_size = 30 * GiB,
    .flash0_base = 0x08000000,
    .flash1_base = 0x0c000000,
    .sram_base = 0x14000000,
    .vram_base = 0x18000000,
};

/* The daughterboard comes first: its SRAM's block is created first. */
static bool vexpress_daughterboard_init(VexpressMachineState *vms,
                                        const VexpressBoard *board,
                                        Error **errp)
{
    MachineState *ms = MACHINE(vms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, board->ram_base, ms->ram);
    if (!board->a15) {
        memory_region_init_alias(&vms->lowmem, OBJECT(ms), "vexpress.lowmem",
                                 ms->ram, 0,
                                 MIN(ms->ram_size, VEXPRESS_A9_LOWMEM_MAX));
        memory_region_add_subregion(sysmem, 0, &vms->lowmem);
        return true;
    }
    if (!memory_region_init_device_ram(&vms->a15sram, OBJECT(ms),
                                       "vexpress.a15sram",
                                       VEXPRESS_A15_SRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, VEXPRESS_A15_SRAM_BASE,
                                &vms->a15sram);
    return true;
}

static bool vexpress_motherboard_init(VexpressMachineState *vms,
                                      const VexpressBoard *board,
                                      Error **errp)
{
    static const char *const flash_names[2] = {
        "vexpress.flash0", "vexpress.flash1"
    };
    const hwaddr flash_bases[2] = { board->flash0_base, board->flash1_base };
    MemoryRegion *sysmem = get_system_memory();

    for (int i = 0; i < 2; i++) {
        if (!memory_region_init_rom(&vms->flash[i], OBJECT(vms),
                                    flash_names[i], VEXPRESS_FLASH_SIZE,
                                    errp)) {
            return false;
        }
        /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
        vms->flash[i].rom_device = true;
        memory_region_add_subregion(sysmem, flash_bases[i], &vms->flash[i]);
    }
    /* The boot alias of flash 0 at 0, over the A9's low RAM copy. */
    memory_region_init_alias(&vms->flash_alias, OBJECT(vms),
                             "vexpress.flashalias", &vms->flash[0], 0,
                             VEXPRESS_FLASH_SIZE);
    memory_region_add_subregion(sysmem, 0, &vms->flash_alias);

    if (!memory_region_init_device_ram(&vms->sram, OBJECT(vms),
                                       "vexpress.sram", VEXPRESS_SRAM_SIZE,
                                       errp) ||
        !memory_region_init_device_ram(&vms->vram, OBJECT(vms),
                                       "vexpress.vram", VEXPRESS_VRAM_SIZE,
                                       errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, board->sram_base, &vms->sram);
    memory_region_add_subregion(sysmem, board->vram_base, &vms->vram);
    return true;
}

static bool vexpress_init(MachineState *ms, Error **errp)
{
    VexpressMachineState *vms = VEXPRESS_MACHINE(ms);
    const VexpressBoard *board = VEXPRESS_MACHINE_GET_CLASS(ms)->board;

    return vexpress_daughterboard_init(vms, board, errp) &&
           vexpress_motherboard_init(vms, board, errp);
}

static void vexpress_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const VexpressBoard *board = data;

    VEXPRESS_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->default_cpu_model = board->a15 ? "cortex-a15" : "cortex-a9";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "vexpress.highmem";
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_size = board->max_ram_size;
    mc->max_cpus = 4;
    mc->init = vexpress_init;
}

static const TypeInfo vexpress_types[] = {
    {
        .name = TYPE_VEXPRESS_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(VexpressMachineState),
        .class_size = sizeof(VexpressMachineClass),
    }, {
        .name = MACHINE_TYPE_NAME("vexpress-a9"),
        .parent = TYPE_VEXPRESS_MACHINE,
        .class_init = vexpress_machine_class_init,
        .class_data = (void *)&vexpress_a9,
    }, {
        .name = MACHINE_TYPE_NAME("vexpress-a15"),
        .parent = TYPE_VEXPRESS_MACHINE,
        .class_init = vexpress_machine_class_init,
        .class_data = (void *)&vexpress_a15,
    },
};

DEFINE_TYPES(vexpress_types)
