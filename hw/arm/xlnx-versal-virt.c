/*
 * Xilinx Versal virtual board ("xlnx-versal-virt", aarch64): QEMU 7.2's
 * RAM layout.
 *
 * The Versal NoC decodes DDR in four windows; QEMU fills them in order
 * with aliases of main RAM ("noc-ddr-rangeN") and RAM beyond the last
 * window stays unmapped, without an error.  The SoC adds four 1 MiB
 * XRAM banks and 256 KiB of on-chip memory below 4 GiB.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_VERSAL_VIRT_MACHINE MACHINE_TYPE_NAME("xlnx-versal-virt")
OBJECT_DECLARE_SIMPLE_TYPE(VersalVirt, VERSAL_VIRT_MACHINE)

#define VERSAL_XRAM_BASE 0xfe800000
#define VERSAL_XRAM_SIZE (1 * MiB)
#define VERSAL_XRAM_BANKS 4
#define VERSAL_OCM_BASE 0xfffc0000
#define VERSAL_OCM_SIZE (256 * KiB)

static const struct {
    hwaddr base;
    uint64_t size;                  /* in bytes */
} versal_ddr_windows[] = {
    { 0x0000000000ULL, 0x0080000000ULL },
    { 0x0800000000ULL, 0x0800000000ULL },
    { 0xc000000000ULL, 0x4000000000ULL },
    { 0x10000000000ULL, 0xb780000000ULL },
};

#define VERSAL_DDR_WINDOWS G_N_ELEMENTS(versal_ddr_windows)

struct VersalVirt {
    MachineState parent_obj;
    MemoryRegion ddr[VERSAL_DDR_WINDOWS];
    MemoryRegion xram[VERSAL_XRAM_BANKS];
    MemoryRegion ocm;
};

static void versal_map_ddr(VersalVirt *vv)
{
    MachineState *ms = MACHINE(vv);
    uint64_t offset = 0;

    for (size_t i = 0; i < VERSAL_DDR_WINDOWS && offset < ms->ram_size;
         i++) {
        uint64_t size = MIN(ms->ram_size - offset,
                            versal_ddr_windows[i].size);
        g_autofree char *name = g_strdup_printf("noc-ddr-range%zu", i);

        memory_region_init_alias(&vv->ddr[i], OBJECT(vv), name, ms->ram,
                                 offset, size);
        memory_region_add_subregion(get_system_memory(),
                                    versal_ddr_windows[i].base, &vv->ddr[i]);
        offset += size;
    }
}

static bool versal_virt_init(MachineState *ms, Error **errp)
{
    VersalVirt *vv = VERSAL_VIRT_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    for (int i = 0; i < VERSAL_XRAM_BANKS; i++) {
        g_autofree char *name = g_strdup_printf("xram[%d]", i);

        if (!memory_region_init_device_ram(&vv->xram[i], OBJECT(ms), name,
                                           VERSAL_XRAM_SIZE, errp)) {
            return false;
        }
        memory_region_add_subregion(sysmem,
                                    VERSAL_XRAM_BASE + i * VERSAL_XRAM_SIZE,
                                    &vv->xram[i]);
    }
    if (!memory_region_init_device_ram(&vv->ocm, OBJECT(ms), "ocm",
                                       VERSAL_OCM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, VERSAL_OCM_BASE, &vv->ocm);
    versal_map_ddr(vv);
    return true;
}

static void versal_virt_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "xlnx-versal-virt";
    mc->desc = "Xilinx Versal Virtual development board";
    mc->arches = ARCH_AARCH64;
    mc->default_ram_id = "ddr";
    mc->default_ram_size = 128 * MiB;
    mc->default_cpus = 4;
    mc->max_cpus = 4;
    mc->init = versal_virt_init;
}

static const TypeInfo versal_virt_info = {
    .name = TYPE_VERSAL_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VersalVirt),
    .class_init = versal_virt_class_init,
};

static void versal_virt_register_types(void)
{
    type_register_static(&versal_virt_info);
}
type_init(versal_virt_register_types)
