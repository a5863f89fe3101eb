/*
 * The "Old World" PowerMac G3 ("g3beige", Heathrow chipset): QEMU 7.2's
 * RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_HEATHROW_MACHINE MACHINE_TYPE_NAME("g3beige")
OBJECT_DECLARE_SIMPLE_TYPE(HeathrowMachineState, HEATHROW_MACHINE)

#define HEATHROW_BIOS_BASE 0xffc00000ULL
#define HEATHROW_BIOS_SIZE (4 * MiB)

struct HeathrowMachineState {
    MachineState parent_obj;
    MemoryRegion bios;
};

static bool heathrow_init(MachineState *ms, Error **errp)
{
    HeathrowMachineState *s = HEATHROW_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&s->bios, OBJECT(ms), "ppc_heathrow.bios",
                                HEATHROW_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, HEATHROW_BIOS_BASE, &s->bios);
    return true;
}

static void heathrow_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "g3beige";
    mc->default_cpu_model = "750_v3.1";
    mc->desc = "Heathrow based PowerMAC";
    mc->arches = ARCH_PPC;
    mc->is_default = true;
    mc->default_ram_id = "ppc_heathrow.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "Too much memory for this machine: ..., maximum 2047 MB". */
    mc->max_ram_size = 2047 * MiB;
    mc->init = heathrow_init;
}

static const TypeInfo heathrow_machine_info = {
    .name = TYPE_HEATHROW_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(HeathrowMachineState),
    .class_init = heathrow_class_init,
};

static void heathrow_register_types(void)
{
    type_register_static(&heathrow_machine_info);
}
type_init(heathrow_register_types)
