/*
 * The Sun4v "niagara" board (UltraSPARC T1): QEMU 7.2's RAM layout.
 *
 * The hypervisor owns low memory; the guest partition's RAM (main RAM)
 * starts at 2 GiB.  The firmware images go into small RAM regions that
 * the hypervisor reads; QEMU makes them RAM, not ROM.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_NIAGARA_MACHINE MACHINE_TYPE_NAME("niagara")
OBJECT_DECLARE_SIMPLE_TYPE(NiagaraState, NIAGARA_MACHINE)

#define NIAGARA_HV_RAM_BASE 0x100000ULL
#define NIAGARA_HV_RAM_SIZE 0x3f00000ULL    /* 63 MiB */
#define NIAGARA_PARTITION_RAM_BASE 0x80000000ULL
#define NIAGARA_NVRAM_BASE 0x1f11000000ULL
#define NIAGARA_NVRAM_SIZE (8 * KiB)
#define NIAGARA_MD_ROM_BASE 0x1f12000000ULL
#define NIAGARA_MD_ROM_SIZE (8 * KiB)
#define NIAGARA_HV_ROM_BASE 0x1f12080000ULL
#define NIAGARA_HV_ROM_SIZE (8 * KiB)
#define NIAGARA_PROM_BASE 0xfff0000000ULL
#define NIAGARA_PROM_SIZE (4 * MiB)

struct NiagaraState {
    MachineState parent_obj;
    MemoryRegion hv_ram;
    MemoryRegion nvram;
    MemoryRegion md_rom;
    MemoryRegion hv_rom;
    MemoryRegion prom;
};

static bool niagara_init(MachineState *ms, Error **errp)
{
    NiagaraState *s = NIAGARA_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    /* In QEMU's order, which decides the RAM block offsets. */
    const struct {
        MemoryRegion *mr;
        const char *name;
        hwaddr base;
        uint64_t size;
    } mems[] = {
        { &s->hv_ram, "sun4v-hv.ram", NIAGARA_HV_RAM_BASE,
          NIAGARA_HV_RAM_SIZE },
        { &s->nvram, "sun4v.nvram", NIAGARA_NVRAM_BASE, NIAGARA_NVRAM_SIZE },
        { &s->md_rom, "sun4v-md.rom", NIAGARA_MD_ROM_BASE,
          NIAGARA_MD_ROM_SIZE },
        { &s->hv_rom, "sun4v-hv.rom", NIAGARA_HV_ROM_BASE,
          NIAGARA_HV_ROM_SIZE },
        { &s->prom, "sun4v.prom", NIAGARA_PROM_BASE, NIAGARA_PROM_SIZE },
    };

    memory_region_add_subregion(sysmem, NIAGARA_PARTITION_RAM_BASE, ms->ram);
    for (size_t i = 0; i < G_N_ELEMENTS(mems); i++) {
        if (!memory_region_init_device_ram(mems[i].mr, OBJECT(ms),
                                           mems[i].name, mems[i].size,
                                           errp)) {
            return false;
        }
        memory_region_add_subregion(sysmem, mems[i].base, mems[i].mr);
    }
    return true;
}

static void niagara_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "niagara";
    mc->default_cpu_model = "Sun-UltraSparc-T1";
    mc->desc = "Sun4v platform, Niagara";
    mc->arches = ARCH_SPARC64;
    mc->default_ram_id = "sun4v-partition.ram";
    /* QEMU's board sets no size of its own: the generic 128 MiB. */
    mc->default_ram_size = 128 * MiB;
    mc->init = niagara_init;
}

static const TypeInfo niagara_info = {
    .name = TYPE_NIAGARA_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(NiagaraState),
    .class_init = niagara_class_init,
};

static void niagara_register_types(void)
{
    type_register_static(&niagara_info);
}
type_init(niagara_register_types)
