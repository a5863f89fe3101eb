/*
 * The "New World" PowerMac ("mac99", UniNorth chipset): QEMU 7.2's RAM
 * layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_CORE99_MACHINE MACHINE_TYPE_NAME("mac99")
OBJECT_DECLARE_SIMPLE_TYPE(Core99MachineState, CORE99_MACHINE)

#define CORE99_BIOS_BASE 0xfff00000ULL
#define CORE99_BIOS_SIZE (1 * MiB)
/* The MacIO NVRAM is mapped over a slice of the BIOS. */
#define CORE99_NVRAM_BASE 0xfff04000ULL
#define CORE99_NVRAM_SIZE (16 * KiB)

struct Core99MachineState {
    MachineState parent_obj;
    MemoryRegion bios;
    MemoryRegion nvram;
};

/* memvm has no NVRAM model; the region only keeps the BIOS out of it. */
static const MemoryRegionOps core99_nvram_ops = {
    .endianness = DEVICE_BIG_ENDIAN,
};

static bool core99_init(MachineState *ms, Error **errp)
{
    Core99MachineState *s = CORE99_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&s->bios, OBJECT(ms), "ppc_core99.bios",
                                CORE99_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, CORE99_BIOS_BASE, &s->bios);
    /* Added after the BIOS so that it wins the overlap, as in QEMU. */
    memory_region_init_io(&s->nvram, OBJECT(ms), &core99_nvram_ops, s,
                          "macio-nvram", CORE99_NVRAM_SIZE);
    memory_region_add_subregion(sysmem, CORE99_NVRAM_BASE, &s->nvram);
    return true;
}

static void core99_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "mac99";
    mc->default_cpu_model = "7400_v2.9";
    mc->default_cpu_model64 = "970fx_v3.1";
    mc->desc = "Mac99 based PowerMAC";
    mc->arches = ARCH_PPC;
    mc->default_ram_id = "ppc_core99.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "RAM size more than 2 GiB is not supported". */
    mc->max_ram_size = 2 * GiB;
    mc->init = core99_init;
}

static const TypeInfo core99_machine_info = {
    .name = TYPE_CORE99_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(Core99MachineState),
    .class_init = core99_class_init,
};

static void core99_register_types(void)
{
    type_register_static(&core99_machine_info);
}
type_init(core99_register_types)
