/*
 * Xilinx Zynq-7000 ("xilinx-zynq-a9", Cortex-A9): QEMU 7.2's RAM layout.
 * DDR is at 0, any size up to 2 GiB; the 256 KiB on-chip memory sits at
 * the top of 4 GiB and the 64 MiB parallel NOR flash at 0xe2000000
 * (zeros, read-only: memvm has no CFI flash device).
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_ZYNQ_MACHINE MACHINE_TYPE_NAME("xilinx-zynq-a9")
OBJECT_DECLARE_SIMPLE_TYPE(ZynqMachineState, ZYNQ_MACHINE)

#define ZYNQ_OCM_BASE 0xfffc0000
#define ZYNQ_OCM_SIZE (256 * KiB)
#define ZYNQ_FLASH_BASE 0xe2000000
#define ZYNQ_FLASH_SIZE (64 * MiB)

struct ZynqMachineState {
    MachineState parent_obj;
    MemoryRegion ocm;
    MemoryRegion flash;
};

static bool zynq_init(MachineState *ms, Error **errp)
{
    ZynqMachineState *zms = ZYNQ_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    /* Creation order decides the RAM block offsets: OCM, then flash. */
    if (!memory_region_init_device_ram(&zms->ocm, OBJECT(ms), "zynq.ocm_ram",
                                       ZYNQ_OCM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, ZYNQ_OCM_BASE, &zms->ocm);
    if (!memory_region_init_rom(&zms->flash, OBJECT(ms), "zynq.pflash",
                                ZYNQ_FLASH_SIZE, errp)) {
        return false;
    }
    /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
    zms->flash.rom_device = true;
    memory_region_add_subregion(sysmem, ZYNQ_FLASH_BASE, &zms->flash);
    return true;
}

static void zynq_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "xilinx-zynq-a9";
    mc->default_cpu_model = "cortex-a9";
    mc->desc = "Xilinx Zynq Platform Baseboard for Cortex-A9";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "zynq.ext_ram";
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_size = 2 * GiB;
    mc->init = zynq_init;
}

static const TypeInfo zynq_info = {
    .name = TYPE_ZYNQ_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(ZynqMachineState),
    .class_init = zynq_class_init,
};

static void zynq_register_types(void)
{
    type_register_static(&zynq_info);
}
type_init(zynq_register_types)
