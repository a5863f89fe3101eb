/*
 * The "sbsa-ref" board (aarch64): QEMU 7.2's RAM layout.
 *
 * RAM starts at 1 TiB and may be of any size up to the 8 TiB its window
 * has; with -numa the nodes follow each other there.  Flash bank 0 and
 * the 512 MiB of secure RAM are only visible to the secure world, so
 * they live in a secure address map that AS "memory" does not show;
 * flash bank 1 is the non-secure one.  The flash banks hold zeros and
 * are read-only (memvm has no CFI flash device).  The board's default
 * VGA card contributes its video RAM and option ROM; they stay unmapped
 * until the guest assigns PCI BARs, as in QEMU.
 */
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_SBSA_MACHINE MACHINE_TYPE_NAME("sbsa-ref")
OBJECT_DECLARE_SIMPLE_TYPE(SbsaMachineState, SBSA_MACHINE)

#define SBSA_FLASH_BANK_SIZE (256 * MiB)
#define SBSA_FLASH1_BASE 0x10000000
#define SBSA_SECURE_MEM_BASE 0x20000000
#define SBSA_SECURE_MEM_SIZE (512 * MiB)
#define SBSA_MEM_BASE 0x10000000000ULL
#define SBSA_MEM_SIZE (8 * 1024 * GiB)
#define SBSA_VGA_VRAM_SIZE (16 * MiB)
#define SBSA_VGA_ROM_SIZE (64 * KiB)

struct SbsaMachineState {
    MachineState parent_obj;
    MemoryRegion secure_sysmem;
    MemoryRegion flash[2];
    MemoryRegion secure_ram;
    MemoryRegion vga_vram;
    MemoryRegion vga_rom;
};

static bool sbsa_flash_init(SbsaMachineState *sms, Error **errp)
{
    static const char *const names[2] = { "sbsa.flash0", "sbsa.flash1" };
    MemoryRegion *where[2] = { &sms->secure_sysmem, get_system_memory() };
    static const hwaddr bases[2] = { 0, SBSA_FLASH1_BASE };

    for (int i = 0; i < 2; i++) {
        if (!memory_region_init_rom(&sms->flash[i], OBJECT(sms), names[i],
                                    SBSA_FLASH_BANK_SIZE, errp)) {
            return false;
        }
        /* QEMU's CFI flash is a ROM device: reads hit RAM directly. */
        sms->flash[i].rom_device = true;
        memory_region_add_subregion(where[i], bases[i], &sms->flash[i]);
    }
    return true;
}

static bool sbsa_init(MachineState *ms, Error **errp)
{
    SbsaMachineState *sms = SBSA_MACHINE(ms);

    memory_region_init(&sms->secure_sysmem, OBJECT(ms), "secure-memory",
                       UINT64_MAX);
    /* Creation order decides the RAM block offsets: flash, secure RAM. */
    if (!sbsa_flash_init(sms, errp)) {
        return false;
    }
    if (!memory_region_init_device_ram(&sms->secure_ram, OBJECT(ms),
                                       "sbsa-ref.secure-ram",
                                       SBSA_SECURE_MEM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(&sms->secure_sysmem, SBSA_SECURE_MEM_BASE,
                                &sms->secure_ram);
    memory_region_add_subregion(get_system_memory(), SBSA_MEM_BASE, ms->ram);
    /* Block names carry the card's PCI address, as QEMU's do. */
    return memory_region_init_device_ram(&sms->vga_vram, OBJECT(ms),
                                         "0000:00:01.0/vga.vram",
                                         SBSA_VGA_VRAM_SIZE, errp) &&
           memory_region_init_rom(&sms->vga_rom, OBJECT(ms),
                                  "0000:00:01.0/vga.rom", SBSA_VGA_ROM_SIZE,
                                  errp);
}

static void sbsa_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "sbsa-ref";
    mc->default_cpu_model = "cortex-a57";
    mc->desc = "QEMU 'SBSA Reference' ARM Virtual Machine";
    mc->arches = ARCH_AARCH64;
    mc->default_ram_id = "sbsa-ref.ram";
    mc->default_ram_size = 1 * GiB;
    mc->max_ram_size = SBSA_MEM_SIZE;
    mc->numa_supported = true;
    mc->numa_mem_supported = false;
    mc->minimum_page_bits = 12;
    mc->default_cpus = 4;
    mc->max_cpus = 512;
    mc->init = sbsa_init;
}

static const TypeInfo sbsa_info = {
    .name = TYPE_SBSA_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(SbsaMachineState),
    .class_init = sbsa_class_init,
};

static void sbsa_register_types(void)
{
    type_register_static(&sbsa_info);
}
type_init(sbsa_register_types)
