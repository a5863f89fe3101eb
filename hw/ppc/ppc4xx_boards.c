/*
 * PowerPC 4xx boards: "ref405ep" (405EP reference board), "bamboo" (440EP
 * evaluation board) and "sam460ex" (ACube Sam460ex, 460EX): QEMU 7.2's
 * RAM layout and its SDRAM bank rules.
 *
 * The SoC's SDRAM controller has a few banks, each of one of a fixed set
 * of sizes; main RAM must split into them exactly.  The banks are windows
 * onto main RAM inside an "sdram-container" that the controller maps at
 * 0 once its banks are enabled: at reset on the 440 boards, only when
 * firmware programs it on the 405, so "ref405ep" starts with no RAM
 * mapped at all (memvm has no SDRAM controller model to program).
 */
#include "exec/ramblock.h"
#include "hw/boards.h"
#include "qemu/cutils.h"

#define PPC4XX_MAX_BANKS 4

#define TYPE_PPC4XX_MACHINE "ppc4xx-machine"
OBJECT_DECLARE_TYPE(Ppc4xxState, Ppc4xxClass, PPC4XX_MACHINE)

typedef enum Ppc4xxModel {
    PPC4XX_REF405EP,
    PPC4XX_BAMBOO,
    PPC4XX_SAM460EX,
} Ppc4xxModel;

struct Ppc4xxClass {
    MachineClass parent_class;
    Ppc4xxModel model;
    unsigned nr_banks;
    const uint64_t *bank_sizes;     /* largest first, 0-terminated */
};

struct Ppc4xxState {
    MachineState parent_obj;
    MemoryRegion sdram;             /* the banks, mapped at 0 */
    MemoryRegion banks[PPC4XX_MAX_BANKS];
    /* ref405ep */
    MemoryRegion ocm;               /* on-chip memory, mapped by DCRs */
    MemoryRegion sram;              /* where the board's firmware runs */
    /* sam460ex */
    MemoryRegion l2sram[4];         /* the L2 cache used as SRAM */
    MemoryRegion l2cache_ram;
    MemoryRegion sm501_local;       /* the SM501 display's own memory */
    MemoryRegion flash;
};

static const uint64_t ppc4xx_bank_sizes[] = {
    256 * MiB, 128 * MiB, 64 * MiB, 32 * MiB, 16 * MiB, 8 * MiB, 4 * MiB, 0
};

static const uint64_t sam460ex_bank_sizes[] = {
    2 * GiB, 1 * GiB, 512 * MiB, 256 * MiB, 128 * MiB, 64 * MiB, 32 * MiB,
    16 * MiB, 8 * MiB, 0
};

/* QEMU 7.2 also refuses less than 64 MiB before looking at the banks. */
static const uint64_t sam460ex_ram_sizes[] = {
    64 * MiB, 128 * MiB, 256 * MiB, 512 * MiB, 1 * GiB, 2 * GiB, 0
};

/*
 * Split main RAM into banks as QEMU does: each bank takes the largest
 * size that still fits.  Anything left over is an error naming the sizes
 * and what would have fitted.
 */
static bool ppc4xx_sdram_banks(MachineState *ms, Error **errp)
{
    Ppc4xxState *s = PPC4XX_MACHINE(ms);
    Ppc4xxClass *pc = PPC4XX_MACHINE_GET_CLASS(ms);
    uint64_t base = 0, left = ms->ram_size;

    memory_region_init(&s->sdram, OBJECT(ms), "sdram-container",
                       ms->ram_size);
    for (unsigned i = 0; i < pc->nr_banks && left; i++) {
        for (const uint64_t *size = pc->bank_sizes; *size; size++) {
            if (*size <= left) {
                g_autofree char *name = g_strdup_printf("ppc4xx.sdram%u", i);

                memory_region_init_alias(&s->banks[i], OBJECT(ms), name,
                                         ms->ram, base, *size);
                memory_region_add_subregion(&s->sdram, base, &s->banks[i]);
                base += *size;
                left -= *size;
                break;
            }
        }
    }
    if (left) {
        GString *sizes = g_string_new(NULL);

        for (const uint64_t *size = pc->bank_sizes; *size; size++) {
            g_string_append_printf(sizes, "%s%" PRIu64, sizes->len ? ", " : "",
                                   (uint64_t)(*size / MiB));
        }
        error_setg(errp, "Invalid SDRAM banks");
        error_append_hint(errp, "at most %u bank%s of %s MiB each supported\n",
                          pc->nr_banks, pc->nr_banks == 1 ? "" : "s",
                          sizes->str);
        error_append_hint(errp, "Possible valid RAM size: %" PRIu64 " MiB\n",
                          (uint64_t)((ms->ram_size - left) / MiB));
        g_string_free(sizes, TRUE);
        return false;
    }
    return true;
}

static bool ref405ep_devices(MachineState *ms, Error **errp)
{
    Ppc4xxState *s = PPC4XX_MACHINE(ms);

    /* Creation order decides the RAM block offsets: OCM, then SRAM. */
    if (!memory_region_init_device_ram(&s->ocm, OBJECT(ms), "ppc405.ocm",
                                       4 * KiB, errp) ||
        !memory_region_init_device_ram(&s->sram, OBJECT(ms), "ref405ep.sram",
                                       512 * KiB, errp)) {
        return false;
    }
    memory_region_add_subregion(get_system_memory(), 0xfff00000ULL,
                                &s->sram);
    return true;
}

static bool sam460ex_devices(MachineState *ms, Error **errp)
{
    Ppc4xxState *s = PPC4XX_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    RAMBlock *block;

    /* Unmapped until the guest enables the L2 cache as SRAM. */
    for (unsigned i = 0; i < G_N_ELEMENTS(s->l2sram); i++) {
        g_autofree char *name = g_strdup_printf("ppc4xx.l2sram_bank%u", i);

        if (!memory_region_init_device_ram(&s->l2sram[i], OBJECT(ms), name,
                                           64 * KiB, errp)) {
            return false;
        }
    }
    if (!memory_region_init_device_ram(&s->l2cache_ram, OBJECT(ms),
                                       "ppc440.l2cache_ram", 256 * KiB,
                                       errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, 0x400000000ULL, &s->l2cache_ram);
    /*
     * The SM501 sits on PCI (its memory appears once the guest assigns
     * its BAR); QEMU names the block after the device's bus address.
     */
    if (!memory_region_init_device_ram(&s->sm501_local, OBJECT(ms),
                                       "sm501.local", 64 * MiB, errp)) {
        return false;
    }
    block = memory_region_get_ram_block(&s->sm501_local);
    ram_block_unset_idstr(block);
    if (!ram_block_set_idstr(block, "pci.0:06.0/sm501.local", errp) ||
        !memory_region_init_rom(&s->flash, OBJECT(ms), "sam460ex.flash",
                                1 * MiB, errp)) {
        return false;
    }
    /* QEMU's CFI flash: reads from RAM, writes go to the flash model. */
    s->flash.rom_device = true;
    memory_region_add_subregion(sysmem, 0x4fff00000ULL, &s->flash);
    return true;
}

static bool ppc4xx_init(MachineState *ms, Error **errp)
{
    Ppc4xxState *s = PPC4XX_MACHINE(ms);

    if (!ppc4xx_sdram_banks(ms, errp)) {
        return false;
    }
    switch (PPC4XX_MACHINE_GET_CLASS(ms)->model) {
    case PPC4XX_REF405EP:
        return ref405ep_devices(ms, errp);
    case PPC4XX_BAMBOO:
        memory_region_add_subregion(get_system_memory(), 0, &s->sdram);
        return true;
    case PPC4XX_SAM460EX:
        memory_region_add_subregion(get_system_memory(), 0, &s->sdram);
        return sam460ex_devices(ms, errp);
    }
    g_assert_not_reached();
}

static void ppc4xx_common_class_init(ObjectClass *oc, Ppc4xxModel model,
                                     unsigned nr_banks,
                                     const uint64_t *bank_sizes)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    Ppc4xxClass *pc = PPC4XX_MACHINE_CLASS(oc);

    pc->model = model;
    pc->nr_banks = nr_banks;
    pc->bank_sizes = bank_sizes;
    mc->arches = ARCH_PPC;
    mc->init = ppc4xx_init;
}

static void ref405ep_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    ppc4xx_common_class_init(oc, PPC4XX_REF405EP, 2, ppc4xx_bank_sizes);
    mc->name = "ref405ep";
    mc->desc = "ref405ep";
    mc->default_ram_id = "ppc405.ram";
    mc->default_ram_size = 128 * MiB;
}

static void bamboo_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    ppc4xx_common_class_init(oc, PPC4XX_BAMBOO, 4, ppc4xx_bank_sizes);
    mc->name = "bamboo";
    mc->default_cpu_model = "440epb";
    mc->desc = "bamboo";
    mc->default_ram_id = "ppc4xx.sdram";
    mc->default_ram_size = 128 * MiB;
}

static void sam460ex_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    /* One bank: the valid sizes are the powers of two it can take. */
    ppc4xx_common_class_init(oc, PPC4XX_SAM460EX, 1, sam460ex_bank_sizes);
    mc->name = "sam460ex";
    mc->default_cpu_model = "460exb";
    mc->desc = "aCube Sam460ex";
    mc->default_ram_id = "ppc4xx.sdram";
    mc->default_ram_size = 512 * MiB;
    mc->valid_ram_sizes = sam460ex_ram_sizes;
}

static const TypeInfo ppc4xx_types[] = {
    {
        .name = TYPE_PPC4XX_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(Ppc4xxState),
        .class_size = sizeof(Ppc4xxClass),
    }, {
        .name = MACHINE_TYPE_NAME("ref405ep"),
        .parent = TYPE_PPC4XX_MACHINE,
        .class_init = ref405ep_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("bamboo"),
        .parent = TYPE_PPC4XX_MACHINE,
        .class_init = bamboo_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("sam460ex"),
        .parent = TYPE_PPC4XX_MACHINE,
        .class_init = sam460ex_class_init,
    },
};

static void ppc4xx_register_types(void)
{
    type_register_static_array(ppc4xx_types, G_N_ELEMENTS(ppc4xx_types));
}
type_init(ppc4xx_register_types)
