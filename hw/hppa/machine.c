/*
 * The HP B160L workstation ("hppa"): QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_HPPA_MACHINE MACHINE_TYPE_NAME("hppa")
OBJECT_DECLARE_SIMPLE_TYPE(HPPAMachineState, HPPA_MACHINE)

/* SeaBIOS-hppa runs from RAM in this window. */
#define HPPA_FIRMWARE_BASE 0xf0000000ULL
#define HPPA_FIRMWARE_SIZE (8 * MiB)

struct HPPAMachineState {
    MachineState parent_obj;
    MemoryRegion firmware;
};

static bool hppa_init(MachineState *ms, Error **errp)
{
    HPPAMachineState *s = HPPA_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    /*
     * QEMU puts main RAM below everything else (priority -1), so that
     * whatever is mapped inside the RAM range takes precedence.
     */
    memory_region_add_subregion_overlap(sysmem, 0, ms->ram, -1);
    if (!memory_region_init_device_ram(&s->firmware, OBJECT(ms), "firmware",
                                       HPPA_FIRMWARE_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, HPPA_FIRMWARE_BASE, &s->firmware);
    return true;
}

static void hppa_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "hppa";
    mc->default_cpu_model = "hppa";
    mc->desc = "HPPA B160L machine";
    mc->arches = ARCH_HPPA;
    mc->is_default = true;
    mc->max_cpus = 16;          /* QEMU's HPPA_MAX_CPUS */
    mc->default_ram_id = "ram";
    mc->default_ram_size = 512 * MiB;
    /* QEMU 7.2: "RAM size is currently restricted to 3GB". */
    mc->max_ram_size = 3 * GiB;
    mc->init = hppa_init;
}

static const TypeInfo hppa_machine_info = {
    .name = TYPE_HPPA_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(HPPAMachineState),
    .class_init = hppa_class_init,
};

static void hppa_register_types(void)
{
    type_register_static(&hppa_machine_info);
}
type_init(hppa_register_types)
