/*
 * Sun4m workstations: "SS-5", "SS-10" and "SS-20" (SPARCstation 5, 10
 * and 20): QEMU 7.2's RAM layout.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_SUN4M_MACHINE "sun4m-machine"
OBJECT_DECLARE_TYPE(Sun4mState, Sun4mClass, SUN4M_MACHINE)

#define SUN4M_PROM_SIZE (1 * MiB)
#define SUN4M_IDREG_SIZE 4      /* bytes: the machine ID register */
#define SUN4M_AFX_SIZE 4        /* bytes: the AFX (TCX frame) register */

/* Where one model puts its memories; 0 = the model has none. */
typedef struct Sun4mHwDef {
    hwaddr prom_base;
    hwaddr idreg_base;
    hwaddr afx_base;
    uint64_t max_mem;           /* in bytes */
} Sun4mHwDef;

struct Sun4mClass {
    MachineClass parent_class;
    const Sun4mHwDef *hwdef;
};

struct Sun4mState {
    MachineState parent_obj;
    MemoryRegion prom;
    MemoryRegion idreg_block;
    MemoryRegion idreg;
    MemoryRegion afx_block;
    MemoryRegion afx;
};

static const Sun4mHwDef ss5_hwdef = {
    .prom_base = 0x70000000ULL,
    .idreg_base = 0x78000000ULL,
    .afx_base = 0x6e000000ULL,
    .max_mem = 256 * MiB,
};

/* The SS-10 and SS-20 share the MBus memory map. */
static const Sun4mHwDef ss10_hwdef = {
    .prom_base = 0xff0000000ULL,
    .idreg_base = 0xef0000000ULL,
    .max_mem = 60 * GiB,
};

/*
 * QEMU's ID and AFX registers are 4-byte RAM regions whose RAM blocks are
 * rounded up to a host page; a page seen through a 4-byte alias gives the
 * same map and the same block.
 */
static bool sun4m_register_mem(MachineState *ms, MemoryRegion *block_mr,
                               MemoryRegion *mr, const char *name,
                               bool readonly, hwaddr base, uint64_t size,
                               Error **errp)
{
    bool ok = readonly ?
        memory_region_init_rom(block_mr, OBJECT(ms), name, 4 * KiB, errp) :
        memory_region_init_device_ram(block_mr, OBJECT(ms), name, 4 * KiB,
                                      errp);

    if (!ok) {
        return false;
    }
    memory_region_init_alias(mr, OBJECT(ms), name, block_mr, 0, size);
    memory_region_add_subregion(get_system_memory(), base, mr);
    return true;
}

static bool sun4m_init(MachineState *ms, Error **errp)
{
    Sun4mState *s = SUN4M_MACHINE(ms);
    const Sun4mHwDef *hwdef = SUN4M_MACHINE_GET_CLASS(ms)->hwdef;
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, 0, ms->ram);
    /* Creation order decides the RAM block offsets: PROM, ID, AFX. */
    if (!memory_region_init_rom(&s->prom, OBJECT(ms), "sun4m.prom",
                                SUN4M_PROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, hwdef->prom_base, &s->prom);
    if (!sun4m_register_mem(ms, &s->idreg_block, &s->idreg, "sun4m.idreg",
                            true, hwdef->idreg_base, SUN4M_IDREG_SIZE,
                            errp)) {
        return false;
    }
    if (hwdef->afx_base &&
        !sun4m_register_mem(ms, &s->afx_block, &s->afx, "sun4m.afx", false,
                            hwdef->afx_base, SUN4M_AFX_SIZE, errp)) {
        return false;
    }
    return true;
}

static void sun4m_common_class_init(ObjectClass *oc, const Sun4mHwDef *hw)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    SUN4M_MACHINE_CLASS(oc)->hwdef = hw;
    mc->arches = ARCH_SPARC;
    mc->default_ram_id = "sun4m.ram";
    mc->default_ram_size = 128 * MiB;
    /* QEMU 7.2: "Too much memory for this machine: ..., maximum ...". */
    mc->max_ram_size = hw->max_mem;
    mc->init = sun4m_init;
}

static void ss5_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    sun4m_common_class_init(oc, &ss5_hwdef);
    mc->name = "SS-5";
    mc->default_cpu_model = "Fujitsu-MB86904";
    mc->desc = "Sun4m platform, SPARCstation 5";
    mc->is_default = true;
}

static void ss10_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    sun4m_common_class_init(oc, &ss10_hwdef);
    mc->name = "SS-10";
    mc->default_cpu_model = "TI-SuperSparc-II";
    mc->desc = "Sun4m platform, SPARCstation 10";
    mc->max_cpus = 4;
}

static void ss20_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    sun4m_common_class_init(oc, &ss10_hwdef);
    mc->name = "SS-20";
    mc->default_cpu_model = "TI-SuperSparc-II";
    mc->desc = "Sun4m platform, SPARCstation 20";
    mc->max_cpus = 4;
}

static const TypeInfo sun4m_types[] = {
    {
        .name = TYPE_SUN4M_MACHINE,
        .parent = TYPE_MACHINE,
        .abstract = true,
        .instance_size = sizeof(Sun4mState),
        .class_size = sizeof(Sun4mClass),
    }, {
        .name = MACHINE_TYPE_NAME("SS-5"),
        .parent = TYPE_SUN4M_MACHINE,
        .class_init = ss5_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("SS-10"),
        .parent = TYPE_SUN4M_MACHINE,
        .class_init = ss10_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("SS-20"),
        .parent = TYPE_SUN4M_MACHINE,
        .class_init = ss20_class_init,
    },
};

static void sun4m_register_types(void)
{
    type_register_static_array(sun4m_types, G_N_ELEMENTS(sun4m_types));
}
type_init(sun4m_register_types)
