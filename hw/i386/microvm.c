/*
 * "microvm": a minimal x86 machine without PCI or legacy ISA devices.
 * QEMU 7.2's RAM layout and RAM block names.
 */
#include "hw/i386/pc.h"
#include "qemu/cutils.h"

/* RAM above 3 GiB moves above 4 GiB (the MMIO devices live up there). */
#define MICROVM_MAX_BELOW_4G 0xc0000000ULL
/* QEMU's default firmware, qboot.rom, is 64 KiB. */
#define MICROVM_BIOS_SIZE (64 * KiB)
/* microvm does not pad its ACPI tables: they fit one page. */
#define MICROVM_ACPI_TABLES_USED 0x1000

static bool microvm_init(MachineState *ms, Error **errp)
{
    X86MachineState *x86ms = X86_MACHINE(ms);

    /* Unlike the PCs, exactly 3 GiB of RAM still fits below 4 GiB. */
    x86_map_ram(x86ms, MICROVM_MAX_BELOW_4G);
    /* qboot is mapped as RAM, like the isapc BIOS. */
    if (!x86_bios_init(x86ms, get_system_memory(), MICROVM_BIOS_SIZE, true,
                       errp)) {
        return false;
    }
    return x86_acpi_blobs_init(x86ms, MICROVM_ACPI_TABLES_USED, errp);
}

static void microvm_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "microvm";
    mc->default_cpu_model = "qemu32";
    mc->default_cpu_model64 = "qemu64";
    mc->desc = "microvm (i386)";
    mc->arches = ARCH_X86_64 | ARCH_I386;
    mc->default_ram_id = "microvm.ram";
    mc->default_ram_size = 128 * MiB;
    mc->numa_supported = true;
    mc->numa_mem_supported = false;
    mc->max_cpus = 288;
    mc->init = microvm_init;
}

static const TypeInfo microvm_info = {
    .name = MACHINE_TYPE_NAME("microvm"),
    .parent = TYPE_X86_MACHINE,
    .class_init = microvm_class_init,
};

static void microvm_register_types(void)
{
    type_register_static(&microvm_info);
}
type_init(microvm_register_types)
