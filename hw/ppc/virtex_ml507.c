/*
 * The Xilinx Virtex ML507 reference design ("virtex-ml507", a PowerPC
 * 440 in a Virtex-5 FPGA): QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_VIRTEX_ML507_MACHINE MACHINE_TYPE_NAME("virtex-ml507")
OBJECT_DECLARE_SIMPLE_TYPE(VirtexML507State, VIRTEX_ML507_MACHINE)

#define VIRTEX_FLASH_BASE 0xfc000000ULL
#define VIRTEX_FLASH_SIZE (16 * MiB)

/*
 * The FPGA peripherals QEMU models.  memvm models none of them; the
 * regions keep RAM of about 2 GiB or more from showing through where QEMU
 * has them.
 */
static const struct {
    const char *name;
    hwaddr base;
    uint64_t size;
} virtex_mmio[] = {
    { "xlnx.xps-intc", 0x81800000ULL, 0x20 },
    { "xlnx.xps-timer", 0x83c00000ULL, 0x20 },
    /* A 16550 with byte-wide registers on a 32-bit bus, at offset 3. */
    { "serial", 0x83e01003ULL, 0x20 },
};

struct VirtexML507State {
    MachineState parent_obj;
    MemoryRegion flash;
    MemoryRegion mmio[G_N_ELEMENTS(virtex_mmio)];
};

static const MemoryRegionOps virtex_mmio_ops = {
    .endianness = DEVICE_BIG_ENDIAN,
};

static bool virtex_ml507_init(MachineState *ms, Error **errp)
{
    VirtexML507State *s = VIRTEX_ML507_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&s->flash, OBJECT(ms), "virtex.flash",
                                VIRTEX_FLASH_SIZE, errp)) {
        return false;
    }
    /* QEMU's CFI flash: reads from RAM, writes go to the flash model. */
    s->flash.rom_device = true;
    memory_region_add_subregion(sysmem, VIRTEX_FLASH_BASE, &s->flash);
    for (size_t i = 0; i < G_N_ELEMENTS(virtex_mmio); i++) {
        memory_region_init_io(&s->mmio[i], OBJECT(ms), &virtex_mmio_ops, s,
                              virtex_mmio[i].name, virtex_mmio[i].size);
        memory_region_add_subregion(sysmem, virtex_mmio[i].base,
                                    &s->mmio[i]);
    }
    return true;
}

static void virtex_ml507_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "virtex-ml507";
    mc->default_cpu_model = "440-xilinx";
    mc->desc = "Xilinx Virtex ML507 reference design";
    mc->arches = ARCH_PPC;
    mc->default_ram_id = "ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = virtex_ml507_init;
}

static const TypeInfo virtex_ml507_info = {
    .name = TYPE_VIRTEX_ML507_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VirtexML507State),
    .class_init = virtex_ml507_class_init,
};

static void virtex_ml507_register_types(void)
{
    type_register_static(&virtex_ml507_info);
}
type_init(virtex_ml507_register_types)
