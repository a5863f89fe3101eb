/*
 * Raspberry Pi boards with QEMU 7.2's RAM layout: raspi0, raspi1ap
 * (BCM2835), raspi2b (BCM2836) and raspi3ap, raspi3b (BCM2837).
 *
 * Each model has one RAM size (the only one QEMU accepts), mapped at 0.
 * The SoC's peripheral window lies on top of RAM at a higher priority;
 * on the 1 GiB models it covers RAM's last 16 MiB, and RAM shows through
 * wherever no peripheral decodes.  The peripherals are modelled as
 * regions that read zero, with QEMU's sizes and priorities, so that RAM
 * has exactly QEMU's holes.
 *
 * The VideoCore sees RAM four times, once per cache alias, at each
 * gigabyte of its own bus, plus the peripherals at 0x7e000000.  That bus
 * is built here as QEMU builds it; nothing in memvm masters it yet, so it
 * has no address space of its own.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_RASPI_MACHINE MACHINE_TYPE_NAME("raspi")
OBJECT_DECLARE_TYPE(RaspiMachineState, RaspiMachineClass, RASPI_MACHINE)

#define BCM2835_PERI_BASE 0x20000000
#define BCM2836_PERI_BASE 0x3f000000
#define BCM283X_PERI_SIZE 0x01000000
#define BCM2836_CONTROL_BASE 0x40000000
#define BCM2836_CONTROL_SIZE 0x100
#define BCM283X_VC_PERI_BASE 0x7e000000
#define BCM283X_GPU_BUS_SIZE (4 * GiB)
#define BCM283X_GPU_RAM_ALIASES 4

/* Offsets in the peripheral window; priorities are QEMU's. */
static const struct {
    const char *name;
    hwaddr offset;
    uint64_t size;                  /* in bytes */
    int priority;
} bcm2835_peripherals[] = {
    { "bcm2835-sys-timer", 0x003000, 0x20, 0 },
    { "bcm2835-txp", 0x004000, 0x1000, -1000 },
    { "mphi", 0x006000, 0x1000, 0 },
    { "bcm2835-dma", 0x007000, 0x1000, 0 },
    { "bcm2835-ic", 0x00b200, 0x200, 0 },
    { "bcm2835-sp804", 0x00b400, 0x40, -1000 },
    { "bcm2835-mbox", 0x00b800, 0x400, 0 },
    { "bcm2835-powermgt", 0x100000, 0x200, 0 },
    { "bcm2835-cprman", 0x101000, 0x2000, 0 },
    { "bcm2835-rng", 0x104000, 0x10, 0 },
    { "bcm2835_gpio", 0x200000, 0x1000, 0 },
    { "pl011", 0x201000, 0x1000, 0 },
    { "bcm2835-sdhost", 0x202000, 0x1000, 0 },
    { "bcm2835-i2s", 0x203000, 0x100, -1000 },
    { "bcm2835-spi0", 0x204000, 0x20, -1000 },
    { "bcm2835-i2c0", 0x205000, 0x20, -1000 },
    { "bcm2835-otp", 0x20f000, 0x80, -1000 },
    { "bcm2835-thermal", 0x212000, 0x8, 0 },
    { "bcm2835-spis", 0x214000, 0x100, -1000 },
    { "bcm2835-aux", 0x215000, 0x100, 0 },
    { "sdhci", 0x300000, 0x100, 0 },
    { "bcm2835-smi", 0x600000, 0x100, -1000 },
    { "bcm2835-i2c1", 0x804000, 0x20, -1000 },
    { "bcm2835-i2c2", 0x805000, 0x20, -1000 },
    { "bcm2835-dbus", 0x900000, 0x8000, -1000 },
    { "bcm2835-ave0", 0x910000, 0x8000, -1000 },
    { "dwc2", 0x980000, 0x11000, 0 },
    { "bcm2835-v3d", 0xc00000, 0x1000, -1000 },
    { "bcm2835-sdramc", 0xe00000, 0x100, -1000 },
    { "bcm2835-dma-chan15", 0xe05000, 0x100, 0 },
};

#define BCM2835_NR_PERIPHERALS G_N_ELEMENTS(bcm2835_peripherals)

typedef struct RaspiBoard {
    const char *name;
    const char *desc;
    unsigned arches;
    uint64_t ram_size;              /* in bytes */
    const uint64_t *ram_sizes;
    hwaddr peri_base;
    bool has_control;               /* BCM2836/7 local interrupt block */
    unsigned cpus;
} RaspiBoard;

struct RaspiMachineClass {
    MachineClass parent_class;
    const RaspiBoard *board;
};

struct RaspiMachineState {
    MachineState parent_obj;
    MemoryRegion peri;
    MemoryRegion peri_dev[BCM2835_NR_PERIPHERALS];
    MemoryRegion control;
    MemoryRegion gpu_bus;
    MemoryRegion gpu_peri;
    MemoryRegion gpu_ram[BCM283X_GPU_RAM_ALIASES];
};

static const uint64_t raspi_512m[] = { 512 * MiB, 0 };
static const uint64_t raspi_1g[] = { 1 * GiB, 0 };

static const RaspiBoard raspi0 = {
    .name = "raspi0",
    .desc = "Raspberry Pi Zero (revision 1.2)",
    .arches = ARCH_ARM,
    .ram_size = 512 * MiB,
    .ram_sizes = raspi_512m,
    .peri_base = BCM2835_PERI_BASE,
    .cpus = 1,
};

static const RaspiBoard raspi1ap = {
    .name = "raspi1ap",
    .desc = "Raspberry Pi A+ (revision 1.1)",
    .arches = ARCH_ARM,
    .ram_size = 512 * MiB,
    .ram_sizes = raspi_512m,
    .peri_base = BCM2835_PERI_BASE,
    .cpus = 1,
};

static const RaspiBoard raspi2b = {
    .name = "raspi2b",
    .desc = "Raspberry Pi 2B (revision 1.1)",
    .arches = ARCH_ARM,
    .ram_size = 1 * GiB,
    .ram_sizes = raspi_1g,
    .peri_base = BCM2836_PERI_BASE,
    .has_control = true,
    .cpus = 4,
};

static const RaspiBoard raspi3ap = {
    .name = "raspi3ap",
    .desc = "Raspberry Pi 3A+ (revision 1.0)",
    .arches = ARCH_AARCH64,
    .ram_size = 512 * MiB,
    .ram_sizes = raspi_512m,
    .peri_base = BCM2836_PERI_BASE,
    .has_control = true,
    .cpus = 4,
};

static const RaspiBoard raspi3b = {
    .name = "raspi3b",
    .desc = "Raspberry Pi 3B (revision 1.2)",
    .arches = ARCH_AARCH64,
    .ram_size = 1 * GiB,
    .ram_sizes = raspi_1g,
    .peri_base = BCM2836_PERI_BASE,
    .has_control = true,
    .cpus = 4,
};

/* memvm has none of these devices: their registers read as zero. */
static const MemoryRegionOps raspi_mmio_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void raspi_peripherals_init(RaspiMachineState *rms,
                                   const RaspiBoard *board)
{
    MemoryRegion *sysmem = get_system_memory();

    memory_region_init(&rms->peri, OBJECT(rms), "bcm2835-peripherals",
                       BCM283X_PERI_SIZE);
    for (size_t i = 0; i < BCM2835_NR_PERIPHERALS; i++) {
        memory_region_init_io(&rms->peri_dev[i], OBJECT(rms), &raspi_mmio_ops,
                              rms, bcm2835_peripherals[i].name,
                              bcm2835_peripherals[i].size);
        memory_region_add_subregion_overlap(&rms->peri,
                                            bcm2835_peripherals[i].offset,
                                            &rms->peri_dev[i],
                                            bcm2835_peripherals[i].priority);
    }
    /* Above RAM where the two overlap (the 1 GiB models). */
    memory_region_add_subregion_overlap(sysmem, board->peri_base, &rms->peri,
                                        1);
    if (board->has_control) {
        memory_region_init_io(&rms->control, OBJECT(rms), &raspi_mmio_ops,
                              rms, "bcm2836-control", BCM2836_CONTROL_SIZE);
        memory_region_add_subregion(sysmem, BCM2836_CONTROL_BASE,
                                    &rms->control);
    }
}

static void raspi_gpu_bus_init(RaspiMachineState *rms)
{
    MachineState *ms = MACHINE(rms);

    memory_region_init(&rms->gpu_bus, OBJECT(rms), "bcm2835-gpu",
                       BCM283X_GPU_BUS_SIZE);
    memory_region_init_alias(&rms->gpu_peri, OBJECT(rms),
                             "bcm2835-peripherals", &rms->peri, 0,
                             BCM283X_PERI_SIZE);
    memory_region_add_subregion_overlap(&rms->gpu_bus, BCM283X_VC_PERI_BASE,
                                        &rms->gpu_peri, 1);
    for (unsigned n = 0; n < BCM283X_GPU_RAM_ALIASES; n++) {
        memory_region_init_alias(&rms->gpu_ram[n], OBJECT(rms),
                                 "bcm2835-gpu-ram-alias[*]", ms->ram, 0,
                                 ms->ram_size);
        memory_region_add_subregion(&rms->gpu_bus, (hwaddr)n * GiB,
                                    &rms->gpu_ram[n]);
    }
}

static bool raspi_init(MachineState *ms, Error **errp)
{
    RaspiMachineState *rms = RASPI_MACHINE(ms);
    const RaspiBoard *board = RASPI_MACHINE_GET_CLASS(ms)->board;

    memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    raspi_peripherals_init(rms, board);
    raspi_gpu_bus_init(rms);
    return true;
}

static void raspi_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const RaspiBoard *board = data;

    RASPI_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->arches = board->arches;
    mc->default_ram_id = "ram";
    mc->default_ram_size = board->ram_size;
    mc->valid_ram_sizes = board->ram_sizes;
    mc->default_cpus = board->cpus;
    mc->max_cpus = board->cpus;
    mc->init = raspi_init;
}

#define RASPI_BOARD_TYPE(namestr, board) { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_RASPI_MACHINE, \
        .class_init = raspi_machine_class_init, \
        .class_data = (void *)&(board), \
    }

static const TypeInfo raspi_types[] = {
    {
        .name = TYPE_RASPI_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(RaspiMachineState),
        .class_size = sizeof(RaspiMachineClass),
    },
    RASPI_BOARD_TYPE("raspi0", raspi0),
    RASPI_BOARD_TYPE("raspi1ap", raspi1ap),
    RASPI_BOARD_TYPE("raspi2b", raspi2b),
    RASPI_BOARD_TYPE("raspi3ap", raspi3ap),
    RASPI_BOARD_TYPE("raspi3b", raspi3b),
};

DEFINE_TYPES(raspi_types)
