/*
 * The Arnewsh 5206 ColdFire evaluation board ("an5206"): QEMU 7.2's RAM
 * layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_AN5206_MACHINE MACHINE_TYPE_NAME("an5206")
OBJECT_DECLARE_SIMPLE_TYPE(AN5206State, AN5206_MACHINE)

#define AN5206_MBAR_ADDR 0x10000000ULL
#define AN5206_MBAR_SIZE (4 * KiB)  /* the on-chip peripherals */
#define AN5206_RAMBAR_ADDR 0x20000000ULL
#define AN5206_SRAM_SIZE 512    /* bytes: the MCF5206's on-chip SRAM */

struct AN5206State {
    MachineState parent_obj;
    MemoryRegion sram_block;    /* a whole host page, as QEMU's block */
    MemoryRegion sram;          /* the 512 bytes the CPU sees */
    MemoryRegion mbar;
};

/*
 * memvm models none of the MCF5206's peripherals; the region keeps RAM of
 * 256 MiB or more from showing through where QEMU has them.
 */
static const MemoryRegionOps an5206_mbar_ops = {
    .endianness = DEVICE_BIG_ENDIAN,
};

static bool an5206_init(MachineState *ms, Error **errp)
{
    AN5206State *s = AN5206_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    memory_region_init_io(&s->mbar, OBJECT(ms), &an5206_mbar_ops, s, "mbar",
                          AN5206_MBAR_SIZE);
    memory_region_add_subregion(sysmem, AN5206_MBAR_ADDR, &s->mbar);
    /*
     * QEMU's RAM block is rounded up to a host page while the region
     * stays 512 bytes; a page of RAM seen through a 512-byte alias gives
     * the same block and the same map.
     */
    if (!memory_region_init_device_ram(&s->sram_block, OBJECT(ms),
                                       "an5206.sram", 4 * KiB, errp)) {
        return false;
    }
    memory_region_init_alias(&s->sram, OBJECT(ms), "an5206.sram",
                             &s->sram_block, 0, AN5206_SRAM_SIZE);
    memory_region_add_subregion(sysmem, AN5206_RAMBAR_ADDR, &s->sram);
    return true;
}

static void an5206_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "an5206";
    mc->default_cpu_model = "m5206";
    mc->desc = "Arnewsh 5206";
    mc->arches = ARCH_M68K;
    mc->default_ram_id = "an5206.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = an5206_init;
}

static const TypeInfo an5206_info = {
    .name = TYPE_AN5206_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(AN5206State),
    .class_init = an5206_class_init,
};

static void an5206_register_types(void)
{
    type_register_static(&an5206_info);
}
type_init(an5206_register_types)
