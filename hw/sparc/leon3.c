/*
 * The generic LEON3 board ("leon3_generic", Gaisler's SPARC V8 core):
 * QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_LEON3_MACHINE MACHINE_TYPE_NAME("leon3_generic")
OBJECT_DECLARE_SIMPLE_TYPE(Leon3State, LEON3_MACHINE)

#define LEON3_PROM_BASE 0x00000000ULL
#define LEON3_PROM_SIZE (8 * MiB)
#define LEON3_RAM_BASE 0x40000000ULL

struct Leon3State {
    MachineState parent_obj;
    MemoryRegion prom;
};

static bool leon3_init(MachineState *ms, Error **errp)
{
    Leon3State *s = LEON3_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, LEON3_RAM_BASE, ms->ram);
    if (!memory_region_init_rom(&s->prom, OBJECT(ms), "Leon3.bios",
                                LEON3_PROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, LEON3_PROM_BASE, &s->prom);
    return true;
}

static void leon3_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "leon3_generic";
    mc->default_cpu_model = "LEON3";
    mc->desc = "Leon-3 generic";
    mc->arches = ARCH_SPARC;
    mc->default_ram_id = "leon3.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "Too much memory for this machine: ..., maximum 1G". */
    mc->max_ram_size = 1 * GiB;
    mc->init = leon3_init;
}

static const TypeInfo leon3_info = {
    .name = TYPE_LEON3_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(Leon3State),
    .class_init = leon3_class_init,
};

static void leon3_register_types(void)
{
    type_register_static(&leon3_info);
}
type_init(leon3_register_types)
