/*
 * The Arm "virt" board ("virt-7.2", alias "virt") for aarch64 and arm:
 * QEMU 7.2's RAM layout, RAM block names and size limits, and a device
 * tree that describes the RAM.
 *
 * The two flash banks and the ACPI fw_cfg blobs exist with QEMU's names
 * and sizes so that the RAM block table matches QEMU's; they hold zeros
 * (memvm loads no firmware).  The flash banks are read-only memory: memvm
 * has no CFI flash command interface.
 */
#include <libfdt.h>

#include "hw/fdt-mem.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"

#define TYPE_VIRT_MACHINE MACHINE_TYPE_NAME("virt-7.2")
OBJECT_DECLARE_SIMPLE_TYPE(VirtMachineState, VIRT_MACHINE)

#define VIRT_FLASH_BASE 0
#define VIRT_FLASH_BANK_SIZE (64 * MiB)
#define VIRT_MEM_BASE (1 * GiB)
#define VIRT_FDT_MAX_SIZE (64 * KiB)
#define VIRT_ACPI_BLOBS 3
/*
 * Physical address bits of the default CPU (cortex-a15, LPAE) that QEMU
 * sizes the memory map against; highmem=off limits it to 32.  memvm has
 * no CPU models, so -cpu does not change it.
 */
#define VIRT_PA_BITS_DEFAULT 40
#define VIRT_PA_BITS_NO_HIGHMEM 32

struct VirtMachineState {
    MachineState parent_obj;
    bool highmem;
    MemoryRegion flash[2];
    MemoryRegion device_memory;
    MemoryRegion acpi_blob[VIRT_ACPI_BLOBS];
};

static uint64_t round_up_u64(uint64_t v, uint64_t align)
{
    return (v + align - 1) / align * align;
}

static bool virt_get_highmem(Object *obj, Error **errp)
{
    return VIRT_MACHINE(obj)->highmem;
}

static bool virt_set_highmem(Object *obj, bool value, Error **errp)
{
    VIRT_MACHINE(obj)->highmem = value;
    return true;
}

/*
 * QEMU's memory map check: RAM from 1 GiB, then (1 GiB aligned) the
 * hot-plug area for maxmem and 1 GiB per slot must end within the
 * physical address space.  Returns the hot-plug area's size.
 */
static bool virt_check_memmap(VirtMachineState *vms, uint64_t *dev_base,
                              uint64_t *dev_size, Error **errp)
{
    MachineState *ms = MACHINE(vms);
    unsigned pa_bits = vms->highmem ? VIRT_PA_BITS_DEFAULT
                                    : VIRT_PA_BITS_NO_HIGHMEM;
    uint64_t limit = 1ULL << pa_bits;
    uint64_t memtop;

    *dev_base = round_up_u64(VIRT_MEM_BASE + ms->ram_size, GiB);
    *dev_size = ms->maxram_size - ms->ram_size + ms->ram_slots * GiB;
    memtop = *dev_base + round_up_u64(*dev_size, GiB);
    if (memtop > limit) {
        error_setg(errp, "Addressing limited to %u bits, but memory exceeds "
                   "it by %" PRIu64 " bytes", pa_bits, memtop - limit);
        return false;
    }
    if (memtop < *dev_base) {
        error_setg(errp, "maxmem/slots too huge");
        return false;
    }
    return true;
}

static bool virt_flash_init(VirtMachineState *vms, Error **errp)
{
    static const char *const names[2] = { "virt.flash0", "virt.flash1" };

    for (int i = 0; i < 2; i++) {
        MemoryRegion *mr = &vms->flash[i];

        if (!memory_region_init_rom(mr, NULL, names[i], VIRT_FLASH_BANK_SIZE,
                                    errp)) {
            return false;
        }
        /* QEMU's banks are ROM devices (reads from RAM, writes to MMIO). */
        mr->rom_device = true;
        memory_region_add_subregion(get_system_memory(),
                                    VIRT_FLASH_BASE + i * VIRT_FLASH_BANK_SIZE,
                                    mr);
    }
    return true;
}

/*
 * The fw_cfg blobs of QEMU's ACPI tables: the RAM block table shows the
 * used length of a resizeable block next to its maximum.
 */
static bool virt_acpi_blobs_init(VirtMachineState *vms, Error **errp)
{
    static const struct {
        const char *name;
        uint64_t used, max;     /* in bytes */
    } blobs[VIRT_ACPI_BLOBS] = {
        { "/rom@etc/acpi/tables", 0x20000, 0x200000 },
        { "/rom@etc/table-loader", 0x1000, 0x10000 },
        { "/rom@etc/acpi/rsdp", 0x1000, 0x1000 },
    };

    for (int i = 0; i < VIRT_ACPI_BLOBS; i++) {
        MemoryRegion *mr = &vms->acpi_blob[i];

        if (!memory_region_init_resizeable_ram(mr, NULL, blobs[i].name,
                                               blobs[i].used, blobs[i].max,
                                               errp)) {
            return false;
        }
    }
    return true;
}

static bool virt_build_fdt(VirtMachineState *vms, Error **errp)
{
    return fdt_build_virt_tree(MACHINE(vms), VIRT_FDT_MAX_SIZE,
                               "linux,dummy-virt", "linux,dummy-virt",
                               VIRT_MEM_BASE, errp);
}

static bool virt_check_memory_map(MachineState *ms, Error **errp)
{
    uint64_t dev_base, dev_size;

    return virt_check_memmap(VIRT_MACHINE(ms), &dev_base, &dev_size, errp);
}

static bool virt_init(MachineState *ms, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    uint64_t dev_base, dev_size;

    if (!virt_check_memmap(vms, &dev_base, &dev_size, errp)) {
        return false;
    }
    /* Creation order decides the RAM block offsets: flash, then ACPI. */
    if (!virt_flash_init(vms, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, VIRT_MEM_BASE, ms->ram);
    if (dev_size) {
        memory_region_init(&vms->device_memory, OBJECT(vms), "device-memory",
                           dev_size);
        memory_region_add_subregion(sysmem, dev_base, &vms->device_memory);
    }
    if (!virt_acpi_blobs_init(vms, errp)) {
        return false;
    }
    return virt_build_fdt(vms, errp);
}

static void virt_instance_init(Object *obj)
{
    VIRT_MACHINE(obj)->highmem = true;
}

static void virt_7_2_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "virt-7.2";
    mc->default_cpu_model = "cortex-a15";
    mc->alias = "virt";
    mc->desc = "QEMU 7.2 ARM Virtual Machine";
    mc->arches = ARCH_AARCH64 | ARCH_ARM;
    mc->default_ram_id = "mach-virt.ram";
    mc->default_ram_size = 128 * MiB;
    mc->numa_supported = true;
    mc->numa_mem_supported = false;
    /* virt fixes the target page at 4 KiB (QEMU: minimum_page_bits). */
    mc->minimum_page_bits = 12;
    mc->max_cpus = 512;
    mc->init = virt_init;
    mc->check_memory_map = virt_check_memory_map;
    object_class_property_add_bool(oc, "highmem", virt_get_highmem,
                                   virt_set_highmem);
    object_class_property_set_description(oc, "highmem",
        "Set on/off to enable/disable using physical address space above "
        "32 bits");
}

static const TypeInfo virt_7_2_info = {
    .name = TYPE_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VirtMachineState),
    .instance_init = virt_instance_init,
    .class_init = virt_7_2_class_init,
};

static void virt_register_types(void)
{
    type_register_static(&virt_7_2_info);
}
type_init(virt_register_types)
