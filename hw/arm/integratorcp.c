/*
 * ARM Integrator/CP ("integratorcp", ARM926EJ-S): QEMU 7.2's RAM layout.
 *
 * The core module's SDRAM appears at 0 and again at 2 GiB (the "core
 * module alias"); QEMU maps it whole at both addresses for any -m.  With
 * more than 256 MiB it runs under the peripheral windows, which win
 * there: they are modelled (as regions that read zero) so that RAM has
 * the same holes as in QEMU.  The core module's 1 MiB boot flash is only
 * mapped when the guest remaps memory, which memvm does not model, so it
 * exists as an unmapped block with QEMU's name and size.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_INTEGRATOR_CP_MACHINE MACHINE_TYPE_NAME("integratorcp")
OBJECT_DECLARE_SIMPLE_TYPE(IntegratorMachineState, INTEGRATOR_CP_MACHINE)

#define INTEGRATOR_RAM_ALIAS_BASE 0x80000000
#define INTEGRATOR_FLASH_SIZE (1 * MiB)

static const struct {
    const char *name;
    hwaddr base;
    uint64_t size;                  /* in bytes */
} integrator_mmio[] = {
    { "integratorcm", 0x10000000, 0x800000 },
    { "icp_pit", 0x13000000, 0x1000 },
    { "icp-pic", 0x14000000, 0x800000 },
    { "pl031", 0x15000000, 0x1000 },
    { "pl011", 0x16000000, 0x1000 },
    { "pl011", 0x17000000, 0x1000 },
    { "pl050", 0x18000000, 0x1000 },
    { "pl050", 0x19000000, 0x1000 },
    { "dbg-leds", 0x1a000000, 0x1000000 },
    { "pl181", 0x1c000000, 0x1000 },
    { "pl041", 0x1d000000, 0x1000 },
    { "pl110", 0xc0000000, 0x1000 },
    { "icp-pic", 0xca000000, 0x800000 },
    { "icp_ctrl_regs", 0xcb000000, 0x800000 },
};

struct IntegratorMachineState {
    MachineState parent_obj;
    MemoryRegion ram_alias;
    MemoryRegion flash;
    MemoryRegion mmio[G_N_ELEMENTS(integrator_mmio)];
};

/* memvm has none of these devices: their registers read as zero. */
static const MemoryRegionOps integrator_mmio_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static bool integratorcp_init(MachineState *ms, Error **errp)
{
    IntegratorMachineState *ims = INTEGRATOR_CP_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    memory_region_init_alias(&ims->ram_alias, OBJECT(ms), "ram.alias",
                             ms->ram, 0, ms->ram_size);
    memory_region_add_subregion(sysmem, INTEGRATOR_RAM_ALIAS_BASE,
                                &ims->ram_alias);
    if (!memory_region_init_device_ram(&ims->flash, OBJECT(ms),
                                       "integrator.flash",
                                       INTEGRATOR_FLASH_SIZE, errp)) {
        return false;
    }
    /* Added after RAM, so at equal priority they win where they overlap. */
    for (size_t i = 0; i < G_N_ELEMENTS(integrator_mmio); i++) {
        memory_region_init_io(&ims->mmio[i], OBJECT(ms), &integrator_mmio_ops,
                              ims, integrator_mmio[i].name,
                              integrator_mmio[i].size);
        memory_region_add_subregion(sysmem, integrator_mmio[i].base,
                                    &ims->mmio[i]);
    }
    return true;
}

static void integratorcp_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "integratorcp";
    mc->default_cpu_model = "arm926";
    mc->desc = "ARM Integrator/CP (ARM926EJ-S)";
    mc->arches = ARCH_ARM;
    mc->default_ram_id = "integrator.ram";
    mc->default_ram_size = 128 * MiB;
    mc->init = integratorcp_init;
}

static const TypeInfo integratorcp_info = {
    .name = TYPE_INTEGRATOR_CP_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(IntegratorMachineState),
    .class_init = integratorcp_class_init,
};

static void integratorcp_register_types(void)
{
    type_register_static(&integratorcp_info);
}
type_init(integratorcp_register_types)
