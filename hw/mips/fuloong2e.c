/*
 * The Lemote Fuloong 2E mini PC ("fuloong2e"): QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_FULOONG2E_MACHINE MACHINE_TYPE_NAME("fuloong2e")
OBJECT_DECLARE_SIMPLE_TYPE(Fuloong2eState, FULOONG2E_MACHINE)

#define FULOONG2E_BIOS_BASE 0x1fc00000ULL
#define FULOONG2E_BIOS_SIZE (512 * KiB)

struct Fuloong2eState {
    MachineState parent_obj;
    MemoryRegion bios;
};

/* The board has exactly one memory configuration. */
static const uint64_t fuloong2e_ram_sizes[] = { 256 * MiB, 0 };

static bool fuloong2e_init(MachineState *ms, Error **errp)
{
    Fuloong2eState *s = FULOONG2E_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    if (!memory_region_init_rom(&s->bios, OBJECT(ms), "fuloong2e.bios",
                                FULOONG2E_BIOS_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, FULOONG2E_BIOS_BASE, &s->bios);
    return true;
}

static void fuloong2e_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "fuloong2e";
    mc->default_cpu_model = "Loongson-2E";
    mc->desc = "Fuloong 2e mini pc";
    mc->arches = ARCH_MIPS64EL;
    mc->default_ram_id = "fuloong2e.ram";
    mc->default_ram_size = 256 * MiB;
    /* QEMU 7.2: "Invalid RAM size, should be 256MB". */
    mc->valid_ram_sizes = fuloong2e_ram_sizes;
    mc->init = fuloong2e_init;
}

static const TypeInfo fuloong2e_info = {
    .name = TYPE_FULOONG2E_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(Fuloong2eState),
    .class_init = fuloong2e_class_init,
};

static void fuloong2e_register_types(void)
{
    type_register_static(&fuloong2e_info);
}
type_init(fuloong2e_register_types)
