/*
 * TI OMAP boards with QEMU 7.2's RAM layout: the Nokia n800 and n810
 * (OMAP2420), the Siemens sx1 and sx1-v1 and the Palm Tungsten|E
 * "cheetah" (OMAP310).
 *
 * Each has a fixed amount of SDRAM (the only size QEMU accepts) at the
 * SoC's EMIFF base and the SoC's internal SRAM.  The phones boot from a
 * NOR flash at 0, which holds zeros here and is read-only.  The tablets
 * boot from OneNAND, whose controller shows a window of its buffer RAM
 * over its register space; QEMU maps that window as an alias of the
 * buffer RAM at a higher priority, and so do we.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_OMAP_MACHINE MACHINE_TYPE_NAME("omap")
OBJECT_DECLARE_TYPE(OmapMachineState, OmapMachineClass, OMAP_MACHINE)

#define OMAP1_EMIFF_BASE 0x10000000
#define OMAP1_SRAM_BASE 0x20000000
#define OMAP1_SRAM_SIZE 0x30000
#define OMAP2_Q2_BASE 0x80000000
#define OMAP2_SRAM_BASE 0x40200000
#define OMAP2_SRAM_SIZE 0xa0000

/* OneNAND: 128 KiB of registers and buffers; RAM from 0x400 to 0x18000. */
#define ONENAND_WINDOW_SIZE 0x20000
#define ONENAND_RAM_SIZE 0x18000
#define ONENAND_RAM_START 0x400

typedef struct OmapBoard {
    const char *name;
    const char *desc;
    bool omap2;
    uint64_t ram_size;              /* in bytes */
    const char *flash_name;         /* OMAP1 boot flash at 0 */
    uint64_t flash_size;            /* in bytes */
    const uint64_t *ram_sizes;
} OmapBoard;

struct OmapMachineClass {
    MachineClass parent_class;
    const OmapBoard *board;
};

struct OmapMachineState {
    MachineState parent_obj;
    MemoryRegion sram;
    MemoryRegion flash;
    MemoryRegion onenand;
    MemoryRegion onenand_regs;
    MemoryRegion onenand_ram;
    MemoryRegion onenand_ram_window;
};

static const uint64_t omap1_ram_sizes[] = { 32 * MiB, 0 };
static const uint64_t omap2_ram_sizes[] = { 128 * MiB, 0 };

static const OmapBoard n800 = {
    .name = "n800",
    .desc = "Nokia N800 tablet aka. RX-34 (OMAP2420)",
    .omap2 = true,
    .ram_size = 128 * MiB,
    .ram_sizes = omap2_ram_sizes,
};

static const OmapBoard n810 = {
    .name = "n810",
    .desc = "Nokia N810 tablet aka. RX-44 (OMAP2420)",
    .omap2 = true,
    .ram_size = 128 * MiB,
    .ram_sizes = omap2_ram_sizes,
};

static const OmapBoard sx1 = {
    .name = "sx1",
    .desc = "Siemens SX1 (OMAP310) V2",
    .ram_size = 32 * MiB,
    .flash_name = "omap_sx1.flash0-0",
    .flash_size = 32 * MiB,
    .ram_sizes = omap1_ram_sizes,
};

static const OmapBoard sx1_v1 = {
    .name = "sx1-v1",
    .desc = "Siemens SX1 (OMAP310) V1",
    .ram_size = 32 * MiB,
    .flash_name = "omap_sx1.flash0-0",
    .flash_size = 16 * MiB,
    .ram_sizes = omap1_ram_sizes,
};

static const OmapBoard cheetah = {
    .name = "cheetah",
    .desc = "Palm Tungsten|E aka. Cheetah PDA (OMAP310)",
    .ram_size = 32 * MiB,
    .flash_name = "palmte.flash",
    .flash_size = 8 * MiB,
    .ram_sizes = omap1_ram_sizes,
};

/* memvm has no OneNAND controller: its registers read as zero. */
static const MemoryRegionOps onenand_regs_ops = {
    .endianness = DEVICE_NATIVE_ENDIAN,
};

static bool omap1_init(OmapMachineState *oms, const OmapBoard *board,
                       Error **errp)
{
    MachineState *ms = MACHINE(oms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, OMAP1_EMIFF_BASE, ms->ram);
    if (!memory_region_init_device_ram(&oms->sram, OBJECT(ms), "omap1.sram",
                                       OMAP1_SRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, OMAP1_SRAM_BASE, &oms->sram);
    if (!memory_region_init_rom(&oms->flash, OBJECT(ms), board->flash_name,
                                board->flash_size, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, 0, &oms->flash);
    return true;
}

static bool omap2_init(OmapMachineState *oms, Error **errp)
{
    MachineState *ms = MACHINE(oms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, OMAP2_Q2_BASE, ms->ram);
    if (!memory_region_init_device_ram(&oms->sram, OBJECT(ms), "omap2.sram",
                                       OMAP2_SRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, OMAP2_SRAM_BASE, &oms->sram);

    if (!memory_region_init_device_ram(&oms->onenand_ram, OBJECT(ms),
                                       "onenand.ram", ONENAND_RAM_SIZE,
                                       errp)) {
        return false;
    }
    memory_region_init(&oms->onenand, OBJECT(ms), "onenand",
                       ONENAND_WINDOW_SIZE);
    memory_region_init_io(&oms->onenand_regs, OBJECT(ms), &onenand_regs_ops,
                          oms, "onenand", ONENAND_WINDOW_SIZE);
    memory_region_add_subregion(&oms->onenand, 0, &oms->onenand_regs);
    memory_region_init_alias(&oms->onenand_ram_window, OBJECT(ms),
                             "onenand-mapped-ram", &oms->onenand_ram,
                             ONENAND_RAM_START,
                             ONENAND_RAM_SIZE - ONENAND_RAM_START);
    memory_region_add_subregion_overlap(&oms->onenand, ONENAND_RAM_START,
                                        &oms->onenand_ram_window, 1);
    /* GPMC chip select 0, where the tablets' OneNAND is wired. */
    memory_region_add_subregion(sysmem, 0, &oms->onenand);
    return true;
}

static bool omap_init(MachineState *ms, Error **errp)
{
    OmapMachineState *oms = OMAP_MACHINE(ms);
    const OmapBoard *board = OMAP_MACHINE_GET_CLASS(ms)->board;

    return board->omap2 ? omap2_init(oms, errp)
                        : omap1_init(oms, board, errp);
}

static void omap_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const OmapBoard *board = data;

    OMAP_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->default_cpu_model = board->omap2 ? "arm1136-r2" : "ti925t";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = board->omap2 ? "omap2.dram" : "omap1.dram";
    mc->default_ram_size = board->ram_size;
    mc->valid_ram_sizes = board->ram_sizes;
    mc->init = omap_init;
}

#define OMAP_BOARD_TYPE(namestr, board) { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_OMAP_MACHINE, \
        .class_init = omap_machine_class_init, \
        .class_data = (void *)&(board), \
    }

static const TypeInfo omap_types[] = {
    {
        .name = TYPE_OMAP_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(OmapMachineState),
        .class_size = sizeof(OmapMachineClass),
    },
    OMAP_BOARD_TYPE("n800", n800),
    OMAP_BOARD_TYPE("n810", n810),
    OMAP_BOARD_TYPE("sx1", sx1),
    OMAP_BOARD_TYPE("sx1-v1", sx1_v1),
    OMAP_BOARD_TYPE("cheetah", cheetah),
};

DEFINE_TYPES(omap_types)
