/*
 * cubietech "cubieboard" (Allwinner A10, Cortex-A8): QEMU 7.2's RAM
 * layout.  DRAM starts at 1 GiB; the board was sold with 512 MiB or
 * 1 GiB and QEMU accepts only those two sizes.  The A10's 48 KiB
 * "SRAM A" sits at address 0.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_CUBIEBOARD_MACHINE MACHINE_TYPE_NAME("cubieboard")
OBJECT_DECLARE_SIMPLE_TYPE(CubieboardMachineState, CUBIEBOARD_MACHINE)

#define AW_A10_SRAM_A_BASE 0x00000000
#define AW_A10_SRAM_A_SIZE (48 * KiB)
#define AW_A10_SDRAM_BASE 0x40000000

struct CubieboardMachineState {
    MachineState parent_obj;
    MemoryRegion sram_a;
};

static bool cubieboard_init(MachineState *ms, Error **errp)
{
    CubieboardMachineState *cms = CUBIEBOARD_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    if (!memory_region_init_device_ram(&cms->sram_a, OBJECT(ms), "sram A",
                                       AW_A10_SRAM_A_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, AW_A10_SRAM_A_BASE, &cms->sram_a);
    memory_region_add_subregion(sysmem, AW_A10_SDRAM_BASE, ms->ram);
    return true;
}

static const uint64_t cubieboard_ram_sizes[] = { 512 * MiB, 1 * GiB, 0 };

static void cubieboard_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "cubieboard";
    mc->default_cpu_model = "cortex-a8";
    mc->desc = "cubietech cubieboard (Cortex-A8)";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "cubieboard.ram";
    mc->default_ram_size = 1 * GiB;
    mc->valid_ram_sizes = cubieboard_ram_sizes;
    mc->init = cubieboard_init;
}

static const TypeInfo cubieboard_info = {
    .name = TYPE_CUBIEBOARD_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(CubieboardMachineState),
    .class_init = cubieboard_class_init,
};

static void cubieboard_register_types(void)
{
    type_register_static(&cubieboard_info);
}
type_init(cubieboard_register_types)
