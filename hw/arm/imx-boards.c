/*
 * Freescale/NXP i.MX boards with QEMU 7.2's RAM layout: imx25-pdk
 * (i.MX25), kzm (i.MX31), sabrelite (i.MX6Q), mcimx6ul-evk (i.MX6UL) and
 * mcimx7d-sabre (i.MX7D).
 *
 * RAM sits at the SoC's SDRAM base and may be of any size up to what the
 * SoC decodes.  The older SoCs (i.MX25, i.MX31) have two 256 MiB chip
 * selects and mirror a partly filled bank: RAM is mapped once, whole, and
 * one alias repeats it over the rest of the bank it ends in.
 *
 * The boot ROMs and on-chip RAM are board-independent SoC parts; the
 * on-chip RAM is mirrored through an alias over its reserved window.
 * They are created in QEMU's order, which fixes their RAM block offsets.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_IMX_MACHINE MACHINE_TYPE_NAME("imx")
OBJECT_DECLARE_TYPE(ImxMachineState, ImxMachineClass, IMX_MACHINE)

#define IMX_MAX_ONCHIP 3
#define IMX_BANK_SIZE (256 * MiB)

typedef struct ImxOnChip {
    const char *name;
    hwaddr base;
    uint64_t size;                  /* in bytes */
    bool rom;
    /* A mirror of the region's start, or no alias_name for none. */
    const char *alias_name;
    hwaddr alias_base;
    uint64_t alias_size;            /* in bytes */
} ImxOnChip;

typedef struct ImxBoard {
    const char *name;
    const char *desc;
    const char *ram_id;
    hwaddr sdram_base;
    uint64_t max_ram_size;          /* in bytes */
    bool banked;                    /* two 256 MiB banks, mirrored */
    unsigned max_cpus;
    ImxOnChip onchip[IMX_MAX_ONCHIP];
} ImxBoard;

struct ImxMachineClass {
    MachineClass parent_class;
    const ImxBoard *board;
};

struct ImxMachineState {
    MachineState parent_obj;
    MemoryRegion onchip[IMX_MAX_ONCHIP];
    MemoryRegion onchip_alias[IMX_MAX_ONCHIP];
    MemoryRegion ram_alias;
};

static const ImxBoard imx25_pdk = {
    .name = "imx25-pdk",
    .desc = "ARM i.MX25 PDK board (ARM926)",
    .ram_id = "imx25.ram",
    .sdram_base = 0x80000000,
    .max_ram_size = 2 * IMX_BANK_SIZE,
    .banked = true,
    .max_cpus = 1,
    .onchip = {
        { "imx25.rom0", 0x00000000, 16 * KiB, true },
        { "imx25.rom1", 0x00404000, 16 * KiB, true },
        { "imx25.iram", 0x78000000, 128 * KiB, false,
          "imx25.iram_alias", 0x78020000, 0x07fe0000 },
    },
};

static const ImxBoard kzm = {
    .name = "kzm",
    .desc = "ARM KZM Emulation Baseboard (ARM1136)",
    .ram_id = "kzm.ram",
    .sdram_base = 0x80000000,
    .max_ram_size = 2 * IMX_BANK_SIZE,
    .banked = true,
    .max_cpus = 1,
    .onchip = {
        { "imx31.secure_rom", 0x00000000, 16 * KiB, true },
        { "imx31.rom", 0x00404000, 16 * KiB, true },
        { "imx31.iram", 0x1fffc000, 16 * KiB, false,
          "imx31.iram_alias", 0x10000000, 0x0ffc0000 },
    },
};

static const ImxBoard sabrelite = {
    .name = "sabrelite",
    .desc = "Freescale i.MX6 Quad SABRE Lite Board (Cortex-A9)",
    .ram_id = "sabrelite.ram",
    .sdram_base = 0x10000000,
    .max_ram_size = 0xf0000000,     /* up to the end of 4 GiB */
    .max_cpus = 4,
    .onchip = {
        { "imx6.rom", 0x00000000, 96 * KiB, true },
        { "imx6.caam", 0x00100000, 16 * KiB, true },
        { "imx6.ocram", 0x00900000, 256 * KiB, false,
          "imx6.ocram_alias", 0x00940000, 0x000c0000 },
    },
};

static const ImxBoard mcimx6ul_evk = {
    .name = "mcimx6ul-evk",
    .desc = "Freescale i.MX6UL Evaluation Kit (Cortex-A7)",
    .ram_id = "mcimx6ul-evk.ram",
    .sdram_base = 0x80000000,
    .max_ram_size = 2 * GiB,
    .max_cpus = 1,
    .onchip = {
        { "imx6ul.rom", 0x00000000, 96 * KiB, true },
        { "imx6ul.caam", 0x00100000, 32 * KiB, true },
        { "imx6ul.ocram", 0x00900000, 128 * KiB, false,
          "imx6ul.ocram_alias", 0x00920000, 0x00060000 },
    },
};

static const ImxBoard mcimx7d_sabre = {
    .name = "mcimx7d-sabre",
    .desc = "Freescale i.MX7 DUAL SABRE (Cortex-A7)",
    .ram_id = "mcimx7d-sabre.ram",
    .sdram_base = 0x80000000,
    .max_ram_size = 2 * GiB,
    .max_cpus = 2,
};

static bool imx_onchip_init(ImxMachineState *ims, const ImxBoard *board,
                            Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();

    for (int i = 0; i < IMX_MAX_ONCHIP && board->onchip[i].name; i++) {
        const ImxOnChip *oc = &board->onchip[i];
        MemoryRegion *mr = &ims->onchip[i];
        bool ok = oc->rom ? memory_region_init_rom(mr, OBJECT(ims), oc->name,
                                                   oc->size, errp)
                          : memory_region_init_device_ram(mr, OBJECT(ims),
                                                          oc->name, oc->size,
                                                          errp);

        if (!ok) {
            return false;
        }
        memory_region_add_subregion(sysmem, oc->base, mr);
        if (oc->alias_name) {
            memory_region_init_alias(&ims->onchip_alias[i], OBJECT(ims),
                                     oc->alias_name, mr, 0, oc->alias_size);
            memory_region_add_subregion(sysmem, oc->alias_base,
                                        &ims->onchip_alias[i]);
        }
    }
    return true;
}

/*
 * The bank RAM ends in is filled up with a mirror that starts at the
 * bank's first byte of RAM, as QEMU does.  At most one bank is partly
 * filled, so one alias is enough.
 */
static void imx_map_banks(ImxMachineState *ims, hwaddr base)
{
    MachineState *ms = MACHINE(ims);
    uint64_t left = ms->ram_size;
    uint64_t bank_offset = 0;

    for (int i = 0; i < 2 && left; i++) {
        uint64_t used = MIN(left, IMX_BANK_SIZE);

        left -= used;
        if (used < IMX_BANK_SIZE) {
            memory_region_init_alias(&ims->ram_alias, OBJECT(ims),
                                     "ram.alias", ms->ram, bank_offset,
                                     IMX_BANK_SIZE - used);
            memory_region_add_subregion(get_system_memory(),
                                        base + bank_offset + used,
                                        &ims->ram_alias);
        }
        bank_offset += IMX_BANK_SIZE;
    }
}

static bool imx_init(MachineState *ms, Error **errp)
{
    ImxMachineState *ims = IMX_MACHINE(ms);
    const ImxBoard *board = IMX_MACHINE_GET_CLASS(ms)->board;

    /* The SoC (with its on-chip memory) exists before RAM is mapped. */
    if (!imx_onchip_init(ims, board, errp)) {
        return false;
    }
    memory_region_add_subregion(get_system_memory(), board->sdram_base,
                                ms->ram);
    if (board->banked) {
        imx_map_banks(ims, board->sdram_base);
    }
    return true;
}

static void imx_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const ImxBoard *board = data;

    IMX_MACHINE_CLASS(oc)->board = board;
    mc->name = board->name;
    mc->desc = board->desc;
    mc->arches = ARCH_ARM;
    mc->default_ram_id = board->ram_id;
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_size = board->max_ram_size;
    mc->max_cpus = board->max_cpus;
    mc->init = imx_init;
}

#define IMX_BOARD_TYPE(namestr, board) { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_IMX_MACHINE, \
        .class_init = imx_machine_class_init, \
        .class_data = (void *)&(board), \
    }

static const TypeInfo imx_types[] = {
    {
        .name = TYPE_IMX_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(ImxMachineState),
        .class_size = sizeof(ImxMachineClass),
    },
    IMX_BOARD_TYPE("imx25-pdk", imx25_pdk),
    IMX_BOARD_TYPE("kzm", kzm),
    IMX_BOARD_TYPE("sabrelite", sabrelite),
    IMX_BOARD_TYPE("mcimx6ul-evk", mcimx6ul_evk),
    IMX_BOARD_TYPE("mcimx7d-sabre", mcimx7d_sabre),
};

DEFINE_TYPES(imx_types)
