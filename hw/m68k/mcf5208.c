/*
 * The Freescale MCF5208EVB ColdFire board ("mcf5208evb"): QEMU 7.2's RAM
 * layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_MCF5208EVB_MACHINE MACHINE_TYPE_NAME("mcf5208evb")
OBJECT_DECLARE_SIMPLE_TYPE(MCF5208EVBState, MCF5208EVB_MACHINE)

#define MCF5208_ROM_BASE 0x00000000ULL
#define MCF5208_ROM_SIZE (2 * MiB)
#define MCF5208_SDRAM_BASE 0x40000000ULL
#define MCF5208_SRAM_BASE 0x80000000ULL
#define MCF5208_SRAM_SIZE (16 * KiB)

/*
 * The on-chip peripherals QEMU models.  memvm models none of them; the
 * regions keep RAM of 3 GiB or more from showing through where QEMU has
 * them.
 */
static const struct {
    const char *name;
    hwaddr base;
    uint64_t size;
} mcf5208_mmio[] = {
    { "mcf", 0xfc048000ULL, 0x100 },            /* interrupt controller */
    { "uart", 0xfc060000ULL, 0x40 },
    { "uart", 0xfc064000ULL, 0x40 },
    { "uart", 0xfc068000ULL, 0x40 },
    { "m5208-timer", 0xfc080000ULL, 16 * KiB },
    { "m5208-timer", 0xfc084000ULL, 16 * KiB },
    { "m5208-sys", 0xfc0a8000ULL, 16 * KiB },   /* clock/reset control */
};

struct MCF5208EVBState {
    MachineState parent_obj;
    MemoryRegion rom;       /* boot ROM */
    MemoryRegion sram;      /* on-chip SRAM */
    MemoryRegion mmio[G_N_ELEMENTS(mcf5208_mmio)];
};

static const MemoryRegionOps mcf5208_mmio_ops = {
    .endianness = DEVICE_BIG_ENDIAN,
};

static bool mcf5208evb_init(MachineState *ms, Error **errp)
{
    MCF5208EVBState *s = MCF5208EVB_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    /* Creation order decides the RAM block offsets: ROM, then SRAM. */
    if (!memory_region_init_rom(&s->rom, OBJECT(ms), "mcf5208.rom",
                                MCF5208_ROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MCF5208_ROM_BASE, &s->rom);
    memory_region_add_subregion(sysmem, MCF5208_SDRAM_BASE, ms->ram);
    if (!memory_region_init_device_ram(&s->sram, OBJECT(ms), "mcf5208.sram",
                                       MCF5208_SRAM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MCF5208_SRAM_BASE, &s->sram);
    for (size_t i = 0; i < G_N_ELEMENTS(mcf5208_mmio); i++) {
        memory_region_init_io(&s->mmio[i], OBJECT(ms), &mcf5208_mmio_ops, s,
                              mcf5208_mmio[i].name, mcf5208_mmio[i].size);
        memory_region_add_subregion(sysmem, mcf5208_mmio[i].base,
                                    &s->mmio[i]);
    }
    return true;
}

static void mcf5208evb_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "mcf5208evb";
    mc->default_cpu_model = "m5208";
    mc->desc = "MCF5208EVB";
    mc->arches = ARCH_M68K;
    mc->is_default = true;
    mc->default_ram_id = "mcf5208.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = mcf5208evb_init;
}

static const TypeInfo mcf5208evb_info = {
    .name = TYPE_MCF5208EVB_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(MCF5208EVBState),
    .class_init = mcf5208evb_class_init,
};

static void mcf5208evb_register_types(void)
{
    type_register_static(&mcf5208evb_info);
}
type_init(mcf5208evb_register_types)
