/*
 * ARM MPS2 FPGA boards with QEMU 7.2's RAM layout: mps2-an385 and
 * mps2-an511 (Cortex-M3), mps2-an505 and mps2-an521 (Cortex-M33 with
 * TrustZone, the "mps2-tz" images).
 *
 * All four have 16 MiB of PSRAM as main RAM, and no other size.  The
 * FPGA images add SSRAM and block RAM at fixed addresses; some of them
 * are decoded more than once, which QEMU models with aliases that follow
 * the region ("mirrors").  On the TrustZone images every RAM but PSRAM
 * sits behind a memory protection controller, which QEMU models as an
 * IOMMU: the guest does not see those RAMs as plain RAM, and memvm (which
 * has no MPC) creates them with QEMU's names and sizes but leaves them
 * unmapped.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_MPS2_MACHINE MACHINE_TYPE_NAME("mps2")
OBJECT_DECLARE_TYPE(Mps2MachineState, Mps2MachineClass, MPS2_MACHINE)

#define MPS2_MAX_RAMS 7
#define MPS2_MAX_MIRRORS 3

typedef struct Mps2Ram {
    const char *name;
    hwaddr base;                    /* when mapped */
    uint64_t size;                  /* in bytes */
    bool mapped;
    /* Copies right after the region, each at the next multiple of size. */
    const char *mirror[MPS2_MAX_MIRRORS];
} Mps2Ram;

typedef struct Mps2Board {
    const char *name;
    const char *desc;
    hwaddr psram_base;
    unsigned cpus;
    const char *cpu_model;          /* QEMU 7.2's default CPU */
    /* In QEMU's creation order, which fixes their RAM block offsets. */
    Mps2Ram rams[MPS2_MAX_RAMS];
} Mps2Board;

struct Mps2MachineClass {
    MachineClass parent_class;
    const Mps2Board *board;
};

struct Mps2MachineState {
    MachineState parent_obj;
    MemoryRegion ram[MPS2_MAX_RAMS];
    MemoryRegion mirror[MPS2_MAX_RAMS][MPS2_MAX_MIRRORS];
};

static const Mps2Board mps2_an385 = {
    .name = "mps2-an385",
    .desc = "ARM MPS2 with AN385 FPGA image for Cortex-M3",
    .psram_base = 0x21000000,
    .cpus = 1,
    .cpu_model = "cortex-m3",
    .rams = {
        { "mps.blockram", 0x01000000, 16 * KiB, true,
          { "mps.blockram_m1", "mps.blockram_m2", "mps.blockram_m3" } },
        { "mps.ssram1", 0x00000000, 4 * MiB, true, { "mps.ssram1_m" } },
        { "mps.ssram23", 0x20000000, 4 * MiB, true, { "mps.ssram23_m" } },
    },
};

static const Mps2Board mps2_an511 = {
    .name = "mps2-an511",
    .desc = "ARM MPS2 with AN511 DesignStart FPGA image for Cortex-M3",
    .psram_base = 0x21000000,
    .cpus = 1,
    .cpu_model = "cortex-m3",
    .rams = {
        { "mps.blockram", 0x00000000, 256 * KiB, true },
        { "mps.ssram1", 0x00400000, 8 * MiB, true },
        { "mps.sram", 0x20000000, 128 * KiB, true },
        { "mps.ssram23", 0x20400000, 4 * MiB, true },
    },
};

static const Mps2Board mps2_an505 = {
    .name = "mps2-an505",
    .desc = "ARM MPS2 with AN505 FPGA image for Cortex-M33",
    .psram_base = 0x80000000,
    .cpus = 1,
    .cpu_model = "cortex-m33",
    .rams = {
        { "armsse.sram0", 0, 32 * KiB },
        { "ssram-0", 0, 4 * MiB },
        { "ssram-1", 0, 2 * MiB },
        { "ssram-2", 0, 2 * MiB },
    },
};

static const Mps2Board mps2_an521 = {
    .name = "mps2-an521",
    .desc = "ARM MPS2 with AN521 FPGA image for dual Cortex-M33",
    .psram_base = 0x80000000,
    .cpus = 2,
    .cpu_model = "cortex-m33",
    .rams = {
        { "armsse.sram0", 0, 32 * KiB },
        { "armsse.sram1", 0, 32 * KiB },
        { "armsse.sram2", 0, 32 * KiB },
        { "armsse.sram3", 0, 32 * KiB },
        { "ssram-0", 0, 4 * MiB },
        { "ssram-1", 0, 2 * MiB },
        { "ssram-2", 0, 2 * MiB },
    },
};

static bool mps2_init(MachineState *ms, Error **errp)
{
    Mps2MachineState *mms = MPS2_MACHINE(ms);
    const Mps2Board *board = MPS2_MACHINE_GET_CLASS(ms)->board;
    MemoryRegion *sysmem = get_system_memory();

    for (int i = 0; i < MPS2_MAX_RAMS && board->rams[i].name; i++) {
        const Mps2Ram *r = &board->rams[i];

        if (!memory_region_init_device_ram(&mms->ram[i], OBJECT(ms), r->name,
                                           r->size, errp)) {
            return false;
        }
        if (!r->mapped) {
            continue;
        }
        memory_region_add_subregion(sysmem, r->base, &mms->ram[i]);
        for (int m = 0; m < MPS2_MAX_MIRRORS && r->mirror[m]; m++) {
            MemoryRegion *alias = &mms->mirror[i][m];

            memory_region_init_alias(alias, OBJECT(ms), r->mirror[m],
                                     &mms->ram[i], 0, r->size);
            memory_region_add_subregion(sysmem, r->base + (m + 1) * r->size,
                                        alias);
        }
    }
    memory_region_add_subregion(sysmem, board->psram_base, ms->ram);
    return true;
}

static const uint64_t mps2_ram_sizes[] = { 16 * MiB, 0 };

static void mps2_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const Mps2Board *board = data;

    MPS2_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->default_cpu_model = board->cpu_model;
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "mps.ram";
    mc->default_ram_size = 16 * MiB;
    mc->valid_ram_sizes = mps2_ram_sizes;
    mc->default_cpus = board->cpus;
    mc->max_cpus = board->cpus;
    mc->init = mps2_init;
}

#define MPS2_BOARD_TYPE(namestr, board) { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_MPS2_MACHINE, \
        .class_init = mps2_machine_class_init, \
        .class_data = (void *)&(board), \
    }

static const TypeInfo mps2_types[] = {
    {
        .name = TYPE_MPS2_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(Mps2MachineState),
        .class_size = sizeof(Mps2MachineClass),
    },
    MPS2_BOARD_TYPE("mps2-an385", mps2_an385),
    MPS2_BOARD_TYPE("mps2-an511", mps2_an511),
    MPS2_BOARD_TYPE("mps2-an505", mps2_an505),
    MPS2_BOARD_TYPE("mps2-an521", mps2_an521),
};

DEFINE_TYPES(mps2_types)
