/*
 * The Q35 PC ("pc-q35-7.2", alias "q35"): QEMU 7.2's RAM layout and RAM
 * block names.
 */
#include "hw/i386/pc.h"
#include "qemu/cutils.h"

/*
 * Q35 keeps 0xb0000000-4 GiB for PCI and MMCONFIG; RAM that does not fit
 * below that splits at 2 GiB so that guest 1 GiB pages stay aligned.
 */
#define Q35_LOWMEM_SMALL 0xb0000000ULL
#define Q35_LOWMEM_LARGE 0x80000000ULL

static uint64_t pc_q35_lowmem(X86MachineState *x86ms, bool warn)
{
    MachineState *ms = MACHINE(x86ms);
    uint64_t max_below = x86ms->max_ram_below_4g ? x86ms->max_ram_below_4g
                                                 : 4 * GiB;
    uint64_t lowmem = ms->ram_size >= Q35_LOWMEM_SMALL ? Q35_LOWMEM_LARGE
                                                       : Q35_LOWMEM_SMALL;

    if (lowmem > max_below) {
        lowmem = max_below;
        if (warn && ms->ram_size - lowmem > lowmem &&
            (lowmem & (GiB - 1))) {
            /* QEMU's text, double space and "then" included. */
            warn_report("There is possibly poor performance as the ram size "
                        " (0x%" PRIx64 ") is more then twice the size of"
                        " max-ram-below-4g (%" PRIu64 ") and"
                        " max-ram-below-4g is not a multiple of 1G.",
                        ms->ram_size, max_below);
        }
    }
    return lowmem;
}

static const PCBoardParams pc_q35_params = {
    .pci_enabled = true,
    .gigabyte_align = false,
    .bios_size = 256 * KiB,             /* SeaBIOS' bios-256k.bin */
    .pci_hole64_size = 32 * GiB,        /* Q35's pci-hole64-size */
    .acpi_tables_used = 0x20000,        /* padded to 128 KiB, as QEMU */
};

static bool pc_q35_check_memory_map(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    return pc_check_memory_map(x86ms, &pc_q35_params,
                               pc_q35_lowmem(x86ms, false), errp);
}

static bool pc_q35_init(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    return pc_memory_init(x86ms, &pc_q35_params, pc_q35_lowmem(x86ms, true),
                          errp);
}

static void pc_q35_7_2_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "pc-q35-7.2";
    mc->default_cpu_model = "qemu32";
    mc->default_cpu_model64 = "qemu64";
    mc->has_hotpluggable_cpus = true;
    mc->alias = "q35";
    mc->desc = "Standard PC (Q35 + ICH9, 2009)";
    mc->arches = ARCH_X86_64 | ARCH_I386;
    mc->default_ram_id = "pc.ram";
    mc->default_ram_size = 128 * MiB;
    mc->numa_supported = true;
    mc->numa_mem_supported = false;
    mc->max_cpus = 288;
    mc->init = pc_q35_init;
    mc->check_memory_map = pc_q35_check_memory_map;
    pc_machine_class_add_props(oc);
}

static const TypeInfo pc_q35_7_2_info = {
    .name = MACHINE_TYPE_NAME("pc-q35-7.2"),
    .parent = TYPE_X86_MACHINE,
    .class_init = pc_q35_7_2_class_init,
};

static void pc_q35_register_types(void)
{
    type_register_static(&pc_q35_7_2_info);
}
type_init(pc_q35_register_types)
