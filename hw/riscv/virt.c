/*
 * The RISC-V "virt" board (riscv64): QEMU 7.2's RAM layout and RAM block
 * names, and a device tree that describes the RAM.
 *
 * The reset ROM and the two flash banks exist with QEMU's names and sizes
 * so that the RAM block table matches QEMU's; they hold zeros (memvm loads
 * no firmware) and the flash banks are read-only memory.
 */
#include <libfdt.h>

#include "hw/fdt-mem.h"
#include "qemu/cutils.h"

#define TYPE_RISCV_VIRT_MACHINE MACHINE_TYPE_NAME("virt")
OBJECT_DECLARE_SIMPLE_TYPE(RISCVVirtState, RISCV_VIRT_MACHINE)

#define VIRT_MROM_BASE 0x1000
#define VIRT_MROM_SIZE 0xf000
#define VIRT_FLASH_BASE 0x20000000
#define VIRT_FLASH_BANK_SIZE (32 * MiB)
#define VIRT_DRAM_BASE 0x80000000
#define VIRT_FDT_MAX_SIZE (64 * KiB)

struct RISCVVirtState {
    MachineState parent_obj;
    MemoryRegion mrom;
    MemoryRegion flash[2];
};

static bool riscv_virt_build_fdt(MachineState *ms, Error **errp)
{
    return fdt_build_virt_tree(ms, VIRT_FDT_MAX_SIZE, "riscv-virtio",
                               "riscv-virtio,qemu", VIRT_DRAM_BASE, errp);
}

static bool riscv_virt_init(MachineState *ms, Error **errp)
{
    static const char *const flash_names[2] = { "virt.flash0",
                                                "virt.flash1" };
    RISCVVirtState *s = RISCV_VIRT_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    /* Every NUMA node of this board is a socket with at least one hart. */
    if (ms->numa.num_nodes > ms->smp_cpus) {
        error_setg(errp, "Number of NUMA nodes (%u) cannot exceed the "
                   "number of available CPUs (%u).", ms->numa.num_nodes,
                   ms->smp_cpus);
        return false;
    }
    memory_region_add_subregion(sysmem, VIRT_DRAM_BASE, ms->ram);
    /* Creation order decides the RAM block offsets: reset ROM first. */
    if (!memory_region_init_rom(&s->mrom, NULL, "riscv_virt_board.mrom",
                                VIRT_MROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, VIRT_MROM_BASE, &s->mrom);
    for (int i = 0; i < 2; i++) {
        MemoryRegion *mr = &s->flash[i];

        if (!memory_region_init_rom(mr, NULL, flash_names[i],
                                    VIRT_FLASH_BANK_SIZE, errp)) {
            return false;
        }
        /* QEMU's banks are ROM devices (reads from RAM, writes to MMIO). */
        mr->rom_device = true;
        memory_region_add_subregion(sysmem,
                                    VIRT_FLASH_BASE + i * VIRT_FLASH_BANK_SIZE,
                                    mr);
    }
    return riscv_virt_build_fdt(ms, errp);
}

static void riscv_virt_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "virt";
    mc->default_cpu_model = "rv64";
    mc->desc = "RISC-V VirtIO board";
    mc->arches = ARCH_RISCV64;
    mc->default_ram_id = "riscv_virt_board.ram";
    mc->default_ram_size = 128 * MiB;
    mc->numa_supported = true;
    /* QEMU 7.2 still takes -numa node,mem= here (deprecated). */
    mc->numa_mem_supported = true;
    mc->max_cpus = 512;
    mc->init = riscv_virt_init;
}

static const TypeInfo riscv_virt_info = {
    .name = TYPE_RISCV_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(RISCVVirtState),
    .class_init = riscv_virt_class_init,
};

static void riscv_virt_register_types(void)
{
    type_register_static(&riscv_virt_info);
}
type_init(riscv_virt_register_types)
