/*
 * Calxeda "highbank" (ECX-1000, Cortex-A9) and "midway" (ECX-2000,
 * Cortex-A15): QEMU 7.2's RAM layout.
 *
 * DRAM starts at 0 and may be of any size; QEMU maps it whole, so with
 * 4 GiB or more it runs under the SoC's registers near the top of the
 * first 4 GiB.  Those registers win there, which is why their windows are
 * modelled here (as regions that read zero): they cut the same holes into
 * RAM as in QEMU.  The 32 KiB boot SRAM sits below them.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_HIGHBANK_MACHINE MACHINE_TYPE_NAME("calxeda")
OBJECT_DECLARE_TYPE(HighbankMachineState, HighbankMachineClass,
                    HIGHBANK_MACHINE)

#define HIGHBANK_SYSRAM_BASE 0xfff88000
#define HIGHBANK_SYSRAM_SIZE (32 * KiB)
#define HIGHBANK_MAX_MMIO 20

typedef struct HighbankMmio {
    const char *name;
    hwaddr base;
    uint64_t size;                  /* in bytes */
} HighbankMmio;

typedef struct HighbankBoard {
    const char *name;
    const char *desc;
    /* The SoC's register windows that lie above 0xffe00000. */
    const HighbankMmio *mmio;
    size_t nr_mmio;
} HighbankBoard;

struct HighbankMachineClass {
    MachineClass parent_class;
    const HighbankBoard *board;
};

struct HighbankMachineState {
    MachineState parent_obj;
    MemoryRegion sysram;
    MemoryRegion mmio[HIGHBANK_MAX_MMIO];
};

/* Peripherals both SoCs share. */
#define CALXEDA_COMMON_MMIO \
    { "pl061", 0xfff30000, 0x1000 }, \
    { "pl061", 0xfff31000, 0x1000 }, \
    { "pl061", 0xfff32000, 0x1000 }, \
    { "pl061", 0xfff33000, 0x1000 }, \
    { "sp804", 0xfff34000, 0x1000 }, \
    { "pl031", 0xfff35000, 0x1000 }, \
    { "pl011", 0xfff36000, 0x1000 }, \
    { "pl022", 0xfff39000, 0x1000 }, \
    { "highbank_regs", 0xfff3c000, 0x1000 }

/* Cortex-A9 MPCore private region: SCU, GIC, timers, L2 cache. */
static const HighbankMmio highbank_mmio[] = {
    { "ahci", 0xffe08000, 0x1000 },
    { "a9-scu", 0xfff10000, 0x100 },
    { "gic_cpu", 0xfff10100, 0x100 },
    { "a9gtimer shared", 0xfff10200, 0x20 },
    { "arm_mptimer_timer", 0xfff10600, 0x20 },
    { "arm_mptimer_timer", 0xfff10620, 0x20 },
    { "gic_dist", 0xfff11000, 0x1000 },
    { "l2x0_cc", 0xfff12000, 0x1000 },
    CALXEDA_COMMON_MMIO,
};

/* Cortex-A15 MPCore private region: a GIC with virtualization. */
static const HighbankMmio midway_mmio[] = {
    { "ahci", 0xffe08000, 0x1000 },
    { "gic_dist", 0xfff11000, 0x1000 },
    { "gic_cpu", 0xfff12000, 0x2000 },
    { "gic_viface", 0xfff14000, 0x1000 },
    { "gic_viface", 0xfff15000, 0x200 },
    { "gic_vcpu", 0xfff16000, 0x2000 },
    CALXEDA_COMMON_MMIO,
};

static const HighbankBoard highbank_board = {
    .name = "highbank",
    .desc = "Calxeda Highbank (ECX-1000)",
    .mmio = highbank_mmio,
    .nr_mmio = G_N_ELEMENTS(highbank_mmio),
};

static const HighbankBoard midway_board = {
    .name = "midway",
    .desc = "Calxeda Midway (ECX-2000)",
    .mmio = midway_mmio,
    .nr_mmio = G_N_ELEMENTS(midway_mmio),
};

/* memvm has none of these devices: their registers read as zero. */
static const MemoryRegionOps highbank_mmio_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static bool highbank_init(MachineState *ms, Error **errp)
{
    HighbankMachineState *hms = HIGHBANK_MACHINE(ms);
    const HighbankBoard *board = HIGHBANK_MACHINE_GET_CLASS(ms)->board;
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_device_ram(&hms->sysram, OBJECT(ms),
                                       "highbank.sysram",
                                       HIGHBANK_SYSRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, HIGHBANK_SYSRAM_BASE, &hms->sysram);
    /* Added after RAM, so at equal priority they win where they overlap. */
    g_assert(board->nr_mmio <= HIGHBANK_MAX_MMIO);
    for (size_t i = 0; i < board->nr_mmio; i++) {
        memory_region_init_io(&hms->mmio[i], OBJECT(ms), &highbank_mmio_ops,
                              hms, board->mmio[i].name, board->mmio[i].size);
        memory_region_add_subregion(sysmem, board->mmio[i].base,
                                    &hms->mmio[i]);
    }
    return true;
}

static void highbank_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const HighbankBoard *board = data;

    HIGHBANK_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "highbank.dram";
    mc->default_ram_size = 128 * MiB;
    mc->max_cpus = 4;
    mc->init = highbank_init;
}

static const TypeInfo highbank_types[] = {
    {
        .name = TYPE_HIGHBANK_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(HighbankMachineState),
        .class_size = sizeof(HighbankMachineClass),
    }, {
        .name = MACHINE_TYPE_NAME("highbank"),
        .parent = TYPE_HIGHBANK_MACHINE,
        .class_init = highbank_machine_class_init,
        .class_data = (void *)&highbank_board,
    }, {
        .name = MACHINE_TYPE_NAME("midway"),
        .parent = TYPE_HIGHBANK_MACHINE,
        .class_init = highbank_machine_class_init,
        .class_data = (void *)&midway_board,
    },
};

DEFINE_TYPES(highbank_types)
