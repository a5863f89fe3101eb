/*
 * The MIPSsim platform ("mipssim", MIPS Technologies' simulator board):
 * QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_MIPSSIM_MACHINE MACHINE_TYPE_NAME("mipssim")
OBJECT_DECLARE_SIMPLE_TYPE(MipsSimState, MIPSSIM_MACHINE)

#define MIPSSIM_BIOS_BASE 0x1fc00000ULL
#define MIPSSIM_BIOS_SIZE (4 * MiB)
/* ISA I/O ports, memory-mapped over the BIOS. */
#define MIPSSIM_ISA_IO_BASE 0x1fd00000ULL
#define MIPSSIM_ISA_IO_SIZE (64 * KiB)

struct MipsSimState {
    MachineState parent_obj;
    MemoryRegion bios;
    MemoryRegion isa_io;
};

/* memvm has no ISA devices; the region only keeps the BIOS out of it. */
static const MemoryRegionOps mipssim_isa_io_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static bool mipssim_init(MachineState *ms, Error **errp)
{
    MipsSimState *s = MIPSSIM_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    /*
     * In QEMU's order: RAM, then the BIOS and the ISA window, which win
     * where RAM of 508 MiB or more reaches them.
     */
    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&s->bios, OBJECT(ms), "mips_mipssim.bios",
                                MIPSSIM_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, MIPSSIM_BIOS_BASE, &s->bios);
    memory_region_init_io(&s->isa_io, OBJECT(ms), &mipssim_isa_io_ops, s,
                          "isa_mmio", MIPSSIM_ISA_IO_SIZE);
    memory_region_add_subregion(sysmem, MIPSSIM_ISA_IO_BASE, &s->isa_io);
    return true;
}

static void mipssim_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "mipssim";
    mc->default_cpu_model = "24Kf";
    mc->default_cpu_model64 = "5Kf";
    mc->desc = "MIPS MIPSsim platform";
    mc->arches = ARCH_ALL_MIPS;
    mc->default_ram_id = "mips_mipssim.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = mipssim_init;
}

static const TypeInfo mipssim_info = {
    .name = TYPE_MIPSSIM_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(MipsSimState),
    .class_init = mipssim_class_init,
};

static void mipssim_register_types(void)
{
    type_register_static(&mipssim_info);
}
type_init(mipssim_register_types)
