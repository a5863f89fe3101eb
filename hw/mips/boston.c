/*
 * The MIPS Boston board ("boston", an FPGA board for I6400/P6600 cores):
 * QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_BOSTON_MACHINE MACHINE_TYPE_NAME("boston")
OBJECT_DECLARE_SIMPLE_TYPE(BostonState, BOSTON_MACHINE)

/* The first 256 MiB of DDR also appear at 0, below the I/O area. */
#define BOSTON_LOW_DDR_SIZE (256 * MiB)
#define BOSTON_DDR_BASE 0x80000000ULL
#define BOSTON_FLASH_BASE 0x18000000ULL
#define BOSTON_FLASH_SIZE (128 * MiB)
/* The CPS's Global Configuration Registers, over the top of the flash. */
#define BOSTON_GCR_BASE 0x1fbf8000ULL
#define BOSTON_GCR_SIZE (32 * KiB)

struct BostonState {
    MachineState parent_obj;
    MemoryRegion low_ddr;
    MemoryRegion flash;
    MemoryRegion gcr;
};

/* memvm models no GCR; the region only keeps the flash out of its range. */
static const MemoryRegionOps boston_gcr_ops = {
    .endianness = DEVICE_NATIVE_ENDIAN,
};

static const uint64_t boston_ram_sizes[] = { 1 * GiB, 2 * GiB, 0 };

static bool boston_init(MachineState *ms, Error **errp)
{
    BostonState *s = BOSTON_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    /* The CPS sits above the board's own regions (priority 1 in QEMU). */
    memory_region_init_io(&s->gcr, OBJECT(ms), &boston_gcr_ops, s,
                          "mips-gcr", BOSTON_GCR_SIZE);
    memory_region_add_subregion_overlap(sysmem, BOSTON_GCR_BASE, &s->gcr, 1);
    memory_region_init_alias(&s->low_ddr, OBJECT(ms), "boston_low.ddr",
                             ms->ram, 0, MIN(ms->ram_size,
                                             BOSTON_LOW_DDR_SIZE));
    memory_region_add_subregion(sysmem, 0, &s->low_ddr);
    if (!memory_region_init_rom(&s->flash, OBJECT(ms), "boston.flash",
                                BOSTON_FLASH_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, BOSTON_FLASH_BASE, &s->flash);
    memory_region_add_subregion(sysmem, BOSTON_DDR_BASE, ms->ram);
    return true;
}

static void boston_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "boston";
    mc->default_cpu_model = "I6400";
    mc->desc = "MIPS Boston";
    mc->arches = ARCH_MIPS64EL;
    mc->default_ram_id = "boston.ddr";
    mc->default_ram_size = 1 * GiB;
    /* QEMU 7.2: "Memory size must be 1GB or 2GB". */
    mc->valid_ram_sizes = boston_ram_sizes;
    mc->max_cpus = 16;
    mc->init = boston_init;
}

static const TypeInfo boston_info = {
    .name = TYPE_BOSTON_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(BostonState),
    .class_init = boston_class_init,
};

static void boston_register_types(void)
{
    type_register_static(&boston_info);
}
type_init(boston_register_types)
