/*
 * The i440FX PC ("pc-i440fx-7.2", alias "pc") and the ISA-only PC
 * ("isapc"): QEMU 7.2's RAM layout and RAM block names.
 */
#include "hw/i386/pc.h"
#include "qemu/cutils.h"

/* Below this much RAM everything stays below 4 GiB (QEMU's 3.5 GiB). */
#define PC_PIIX_LOWMEM_DEFAULT 0xe0000000ULL
/* i440fx splits large RAM at a gigabyte boundary instead. */
#define PC_PIIX_LOWMEM_ALIGNED 0xc0000000ULL

/* Where RAM splits into below and above 4 GiB; QEMU's pc_init1 rule. */
static uint64_t pc_piix_lowmem(X86MachineState *x86ms, bool gigabyte_align,
                               bool warn)
{
    MachineState *ms = MACHINE(x86ms);
    uint64_t max_below = x86ms->max_ram_below_4g ? x86ms->max_ram_below_4g
                                                 : PC_PIIX_LOWMEM_DEFAULT;
    uint64_t lowmem = max_below;

    /*
     * Large guests get 1 GiB-aligned RAM above 4 GiB so that the host
     * can back both halves with 1 GiB pages.
     */
    if (ms->ram_size >= max_below && gigabyte_align) {
        lowmem = MIN(lowmem, PC_PIIX_LOWMEM_ALIGNED);
        if (warn && (lowmem & (GiB - 1))) {
            warn_report("Large machine and max_ram_below_4g (%" PRIu64
                        ") not a multiple of 1G; possible bad performance.",
                        max_below);
        }
    }
    return lowmem;
}

static const PCBoardParams pc_i440fx_params = {
    .pci_enabled = true,
    .gigabyte_align = true,
    .bios_size = 256 * KiB,             /* SeaBIOS' bios-256k.bin */
    .pci_hole64_size = 2 * GiB,         /* i440FX's pci-hole64-size */
    .acpi_tables_used = 0x20000,        /* padded to 128 KiB, as QEMU */
};

static const PCBoardParams isapc_params = {
    .pci_enabled = false,
    .gigabyte_align = false,
    .bios_size = 128 * KiB,             /* SeaBIOS' 128 KiB bios.bin */
    .acpi_tables_used = 0,              /* no ACPI on an ISA PC */
};

static bool pc_i440fx_check_memory_map(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    return pc_check_memory_map(x86ms, &pc_i440fx_params,
                               pc_piix_lowmem(x86ms, true, false), errp);
}

static bool pc_i440fx_init(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    return pc_memory_init(x86ms, &pc_i440fx_params,
                          pc_piix_lowmem(x86ms, true, true), errp);
}

static bool isapc_init(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    return pc_memory_init(x86ms, &isapc_params,
                          pc_piix_lowmem(x86ms, false, true), errp);
}

static void pc_common_class_init(MachineClass *mc)
{
    mc->arches = ARCH_X86_64 | ARCH_I386;
    mc->default_ram_id = "pc.ram";
    mc->default_ram_size = 128 * MiB;
    mc->default_cpu_model = "qemu32";
    mc->default_cpu_model64 = "qemu64";
    mc->has_hotpluggable_cpus = true;
    mc->numa_supported = true;
    /* Legacy -numa node,mem= was dropped with the 5.1 machine types. */
    mc->numa_mem_supported = false;
    pc_machine_class_add_props(OBJECT_CLASS(mc));
}

static void pc_i440fx_7_2_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    pc_common_class_init(mc);
    mc->name = "pc-i440fx-7.2";
    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->is_default = true;
    mc->max_cpus = 255;
    mc->init = pc_i440fx_init;
    mc->check_memory_map = pc_i440fx_check_memory_map;
}

/*
 * Machine types up to 3.1 name file and memfd backends' RAM blocks by
 * their canonical path (/objects/m0); migration streams from them carry
 * that name.
 */
static const GlobalProperty pc_compat_3_1[] = {
    { "memory-backend-file", "x-use-canonical-path-for-ramblock-id", "true" },
    { "memory-backend-memfd", "x-use-canonical-path-for-ramblock-id",
      "true" },
    { NULL, NULL, NULL },
};

/* The older pc-i440fx versions whose RAM set-up differs from 7.2's. */
typedef struct PcVersion {
    const char *name;
    bool numa_mem_supported;    /* legacy -numa node,mem= up to 5.0 */
    const GlobalProperty *compat_props;
} PcVersion;

static const PcVersion pc_versions[] = {
    { "pc-i440fx-7.1", false, NULL },
    { "pc-i440fx-7.0", false, NULL },
    { "pc-i440fx-6.2", false, NULL },
    { "pc-i440fx-6.1", false, NULL },
    { "pc-i440fx-6.0", false, NULL },
    { "pc-i440fx-5.2", false, NULL },
    { "pc-i440fx-5.1", false, NULL },
    { "pc-i440fx-5.0", true, NULL },
    { "pc-i440fx-4.2", true, NULL },
    { "pc-i440fx-4.1", true, NULL },
    { "pc-i440fx-4.0", true, NULL },
    { "pc-i440fx-3.1", true, pc_compat_3_1 },
};

static void pc_i440fx_old_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const PcVersion *v = data;

    pc_common_class_init(mc);
    mc->name = v->name;
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->max_cpus = 255;
    mc->init = pc_i440fx_init;
    mc->check_memory_map = pc_i440fx_check_memory_map;
    mc->numa_mem_supported = v->numa_mem_supported;
    mc->compat_props = v->compat_props;
}

static void isapc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    pc_common_class_init(mc);
    mc->name = "isapc";
    mc->default_cpu_model = "486";
    mc->default_cpu_model64 = NULL;
    mc->desc = "ISA-only PC";
    mc->max_cpus = 1;
    mc->init = isapc_init;
}

static const TypeInfo pc_piix_types[] = {
    {
        .name = MACHINE_TYPE_NAME("pc-i440fx-7.2"),
        .parent = TYPE_X86_MACHINE,
        .class_init = pc_i440fx_7_2_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("isapc"),
        .parent = TYPE_X86_MACHINE,
        .class_init = isapc_class_init,
    },
};

static void pc_piix_register_types(void)
{
    static TypeInfo version_types[G_N_ELEMENTS(pc_versions)];

    type_register_static_array(pc_piix_types, G_N_ELEMENTS(pc_piix_types));
    for (size_t i = 0; i < G_N_ELEMENTS(pc_versions); i++) {
        TypeInfo *ti = &version_types[i];
        g_autofree char *name = g_strconcat(pc_versions[i].name,
                                            TYPE_MACHINE_SUFFIX, NULL);

        /* Interned: the name lives as long as the process, like the type. */
        ti->name = g_intern_string(name);
        ti->parent = TYPE_X86_MACHINE;
        ti->class_init = pc_i440fx_old_class_init;
        ti->class_data = (void *)&pc_versions[i];
    }
    type_register_static_array(version_types, G_N_ELEMENTS(version_types));
}
type_init(pc_piix_register_types)
