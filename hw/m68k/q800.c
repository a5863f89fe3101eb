/*
 * The Macintosh Quadra 800 ("q800"): QEMU 7.2's RAM layout.
 */
#include "exec/ramblock.h"
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_Q800_MACHINE MACHINE_TYPE_NAME("q800")
OBJECT_DECLARE_SIMPLE_TYPE(Q800MachineState, Q800_MACHINE)

#define MACROM_ADDR 0x40800000ULL
#define MACROM_SIZE (1 * MiB)
/*
 * The on-board I/O lives in the first 256 KiB slice of a 64 MiB window;
 * the hardware decodes only the low address bits, so the slice repeats
 * through the whole window.
 */
#define IO_BASE 0x50000000ULL
#define IO_SLICE (256 * KiB)
#define IO_SIZE (64 * MiB)
#define IO_SLICES (IO_SIZE / IO_SLICE)
/* The SONIC Ethernet's MAC address PROM, inside the I/O slice. */
#define SONIC_PROM_BASE (IO_BASE + 0x8000)
#define SONIC_PROM_SIZE (4 * KiB)
/* Framebuffer memory of the NuBus video card in slot 9. */
#define MACFB_VRAM_BASE 0xf9000000ULL
#define MACFB_VRAM_SIZE (4 * MiB)

struct Q800MachineState {
    MachineState parent_obj;
    MemoryRegion rom;
    MemoryRegion sonic_prom;
    MemoryRegion vram;
    MemoryRegion io_alias[IO_SLICES - 1];
};

static bool q800_init(MachineState *ms, Error **errp)
{
    Q800MachineState *s = Q800_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    RAMBlock *block;

    memory_region_add_subregion(sysmem, 0, ms->ram);
    for (unsigned i = 1; i < IO_SLICES; i++) {
        g_autofree char *name = g_strdup_printf("mac_m68k.io[%u]", i);

        memory_region_init_alias(&s->io_alias[i - 1], OBJECT(ms), name,
                                 sysmem, IO_BASE, IO_SLICE);
        memory_region_add_subregion(sysmem, IO_BASE + i * IO_SLICE,
                                    &s->io_alias[i - 1]);
    }
    /* Creation order decides the RAM block offsets: PROM, VRAM, ROM. */
    if (!memory_region_init_rom(&s->sonic_prom, OBJECT(ms),
                                "dp8393x-q800.prom", SONIC_PROM_SIZE,
                                errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, SONIC_PROM_BASE, &s->sonic_prom);
    if (!memory_region_init_device_ram(&s->vram, OBJECT(ms), "macfb-vram",
                                       MACFB_VRAM_SIZE, errp)) {
        return false;
    }
    /* QEMU names the block after the card's place on the NuBus. */
    block = memory_region_get_ram_block(&s->vram);
    ram_block_unset_idstr(block);
    if (!ram_block_set_idstr(block, "nubus-bus.0/09/macfb-vram", errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MACFB_VRAM_BASE, &s->vram);
    if (!memory_region_init_rom(&s->rom, OBJECT(ms), "m68k_mac.rom",
                                MACROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MACROM_ADDR, &s->rom);
    return true;
}

static void q800_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "q800";
    mc->default_cpu_model = "m68040";
    mc->desc = "Macintosh Quadra 800";
    mc->arches = ARCH_M68K;
    mc->default_ram_id = "m68k_mac.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "Too much memory for this machine: ..., maximum 1024". */
    mc->max_ram_size = 1 * GiB;
    mc->init = q800_init;
}

static const TypeInfo q800_machine_info = {
    .name = TYPE_Q800_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(Q800MachineState),
    .class_init = q800_class_init,
};

static void q800_register_types(void)
{
    type_register_static(&q800_machine_info);
}
type_init(q800_register_types)
