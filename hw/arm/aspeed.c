/*
 * Aspeed BMC boards: palmetto-bmc (AST2400), ast2500-evb and romulus-bmc
 * (AST2500), ast2600-evb (AST2600), with QEMU 7.2's RAM layout.
 *
 * The SoC's SDRAM controller decides which RAM sizes work: only its
 * strap-selectable sizes, up to the size of its SDRAM window.  RAM sits
 * at the start of that window; QEMU fills the rest with a placeholder
 * that reads as zero, and so do we.  Each SoC also has on-chip SRAM.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_ASPEED_MACHINE MACHINE_TYPE_NAME("aspeed")
OBJECT_DECLARE_TYPE(AspeedMachineState, AspeedMachineClass, ASPEED_MACHINE)

typedef struct AspeedSoC {
    hwaddr sdram_base;
    hwaddr sram_base;
    uint64_t sram_size;             /* in bytes */
    const uint64_t *ram_sizes;      /* 0-terminated, largest last */
} AspeedSoC;

typedef struct AspeedBoard {
    const char *name;
    const char *desc;
    const AspeedSoC *soc;
    uint64_t default_ram_size;      /* in bytes */
    unsigned cpus;
} AspeedBoard;

struct AspeedMachineClass {
    MachineClass parent_class;
    const AspeedBoard *board;
};

struct AspeedMachineState {
    MachineState parent_obj;
    MemoryRegion ram_container;
    MemoryRegion ram_empty;
    MemoryRegion sram;
};

static const uint64_t ast2400_ram_sizes[] = {
    64 * MiB, 128 * MiB, 256 * MiB, 512 * MiB, 0
};
static const uint64_t ast2500_ram_sizes[] = {
    128 * MiB, 256 * MiB, 512 * MiB, 1 * GiB, 0
};
static const uint64_t ast2600_ram_sizes[] = {
    256 * MiB, 512 * MiB, 1 * GiB, 2 * GiB, 0
};

static const AspeedSoC ast2400 = {
    .sdram_base = 0x40000000,
    .sram_base = 0x1e720000,
    .sram_size = 32 * KiB,
    .ram_sizes = ast2400_ram_sizes,
};
static const AspeedSoC ast2500 = {
    .sdram_base = 0x80000000,
    .sram_base = 0x1e720000,
    .sram_size = 36 * KiB,
    .ram_sizes = ast2500_ram_sizes,
};
static const AspeedSoC ast2600 = {
    .sdram_base = 0x80000000,
    .sram_base = 0x10000000,
    .sram_size = 89 * KiB,
    .ram_sizes = ast2600_ram_sizes,
};

static const AspeedBoard palmetto_bmc = {
    .name = "palmetto-bmc",
    .desc = "OpenPOWER Palmetto BMC (ARM926EJ-S)",
    .soc = &ast2400,
    .default_ram_size = 256 * MiB,
    .cpus = 1,
};
static const AspeedBoard ast2500_evb = {
    .name = "ast2500-evb",
    .desc = "Aspeed AST2500 EVB (ARM1176)",
    .soc = &ast2500,
    .default_ram_size = 512 * MiB,
    .cpus = 1,
};
static const AspeedBoard romulus_bmc = {
    .name = "romulus-bmc",
    .desc = "OpenPOWER Romulus BMC (ARM1176)",
    .soc = &ast2500,
    .default_ram_size = 512 * MiB,
    .cpus = 1,
};
static const AspeedBoard ast2600_evb = {
    .name = "ast2600-evb",
    .desc = "Aspeed AST2600 EVB (Cortex-A7)",
    .soc = &ast2600,
    .default_ram_size = 1 * GiB,
    .cpus = 2,
};

/* Reads of the unpopulated part of the SDRAM window return zero. */
static const MemoryRegionOps aspeed_ram_empty_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static uint64_t aspeed_max_ram(const AspeedSoC *soc)
{
    size_t n = 0;

    while (soc->ram_sizes[n + 1]) {
        n++;
    }
    return soc->ram_sizes[n];
}

static bool aspeed_init(MachineState *ms, Error **errp)
{
    AspeedMachineState *ams = ASPEED_MACHINE(ms);
    const AspeedSoC *soc = ASPEED_MACHINE_GET_CLASS(ms)->board->soc;
    MemoryRegion *sysmem = get_system_memory();
    uint64_t window = aspeed_max_ram(soc);

    if (!memory_region_init_device_ram(&ams->sram, OBJECT(ms),
                                       "aspeed.sram.0", soc->sram_size,
                                       errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, soc->sram_base, &ams->sram);

    memory_region_init(&ams->ram_container, OBJECT(ms), "ram-container",
                       window);
    memory_region_add_subregion(&ams->ram_container, 0, ms->ram);
    if (ms->ram_size < window) {
        memory_region_init_io(&ams->ram_empty, OBJECT(ms),
                              &aspeed_ram_empty_ops, ams, "ram-empty",
                              window - ms->ram_size);
        memory_region_add_subregion_overlap(&ams->ram_container,
                                            ms->ram_size, &ams->ram_empty,
                                            -1000);
    }
    memory_region_add_subregion(sysmem, soc->sdram_base,
                                &ams->ram_container);
    return true;
}

static void aspeed_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const AspeedBoard *board = data;

    ASPEED_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "ram";
    mc->default_ram_size = board->default_ram_size;
    mc->valid_ram_sizes = board->soc->ram_sizes;
    mc->default_cpus = board->cpus;
    mc->max_cpus = board->cpus;
    mc->init = aspeed_init;
}

#define ASPEED_BOARD_TYPE(namestr, board) { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_ASPEED_MACHINE, \
        .class_init = aspeed_machine_class_init, \
        .class_data = (void *)&(board), \
    }

static const TypeInfo aspeed_types[] = {
    {
        .name = TYPE_ASPEED_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(AspeedMachineState),
        .class_size = sizeof(AspeedMachineClass),
    },
    ASPEED_BOARD_TYPE("palmetto-bmc", palmetto_bmc),
    ASPEED_BOARD_TYPE("ast2500-evb", ast2500_evb),
    ASPEED_BOARD_TYPE("romulus-bmc", romulus_bmc),
    ASPEED_BOARD_TYPE("ast2600-evb", ast2600_evb),
};

DEFINE_TYPES(aspeed_types)
