/*
 * What the PC-family boards and microvm share: the RAM split, the BIOS
 * mapping, the ACPI fw_cfg blobs and the PC memory map.
 */
#include "hw/i386/pc.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"

/*
 * The default CPU (qemu64) has 40 physical address bits and AMD's vendor
 * id; QEMU sizes the PC memory map against it.  memvm has no CPU models,
 * so these are fixed.
 */
#define PC_CPU_PHYS_BITS 40
/* AMD reserves [AMD_HT_START, 1 TiB) for HyperTransport. */
#define AMD_HT_START 0xfd00000000ULL
#define AMD_ABOVE_1TB_START (1ULL << 40)

/* The 64 KiB PAM window at 0xf0000 comes last in QEMU's list. */
#define PAM_BIOS_BASE 0xf0000
#define PAM_BIOS_SIZE 0x10000
#define PAM_EXPAN_BASE 0xc0000
#define PAM_EXPAN_SIZE 0x4000
#define SMRAM_C_BASE 0xa0000
#define SMRAM_C_SIZE 0x20000

#define PC_ROM_BASE 0xc0000
#define PC_ROM_SIZE 0x20000
#define ISA_BIOS_MAX 0x20000

static uint64_t round_up_u64(uint64_t v, uint64_t align)
{
    return (v + align - 1) / align * align;
}

/* --- properties --------------------------------------------------------- */

static uint64_t pc_get_max_ram_below_4g(Object *obj, Error **errp)
{
    return X86_MACHINE(obj)->max_ram_below_4g;
}

static bool pc_set_max_ram_below_4g(Object *obj, uint64_t value,
                                    Error **errp)
{
    if (value > 4 * GiB) {
        error_setg(errp, "Machine option 'max-ram-below-4g=%" PRIu64
                   "' expects size less than or equal to 4G", value);
        return false;
    }
    if (value < MiB) {
        /* QEMU's text, including the missing space after the comma. */
        warn_report("Only %" PRIu64 " bytes of RAM below the 4GiB boundary,"
                    "BIOS may not work with less than 1MiB", value);
    }
    X86_MACHINE(obj)->max_ram_below_4g = value;
    return true;
}

void pc_machine_class_add_props(ObjectClass *oc)
{
    object_class_property_add_size(oc, "max-ram-below-4g",
                                   pc_get_max_ram_below_4g,
                                   pc_set_max_ram_below_4g);
    object_class_property_set_description(oc, "max-ram-below-4g",
        "Maximum ram below the 4G boundary (32bit boundary)");
}

/* --- RAM and firmware --------------------------------------------------- */

/*
 * Main RAM as the PC sees it: the first @below_4g bytes at 0
 * ("ram-below-4g"), the rest at 4 GiB ("ram-above-4g").
 */
static void map_ram_split(MachineState *ms, MemoryRegion *sysmem,
                          uint64_t below_4g, MemoryRegion *lowmem,
                          MemoryRegion *highmem)
{
    uint64_t low = MIN(ms->ram_size, below_4g);

    memory_region_init_alias(lowmem, OBJECT(ms), "ram-below-4g", ms->ram, 0,
                             low);
    memory_region_add_subregion(sysmem, 0, lowmem);
    if (ms->ram_size > low) {
        memory_region_init_alias(highmem, OBJECT(ms), "ram-above-4g",
                                 ms->ram, low, ms->ram_size - low);
        memory_region_add_subregion(sysmem, 4 * GiB, highmem);
    }
}

void x86_map_ram(X86MachineState *x86ms, uint64_t lowmem)
{
    MachineState *ms = MACHINE(x86ms);

    x86ms->below_4g_mem_size = MIN(ms->ram_size, lowmem);
    x86ms->above_4g_mem_size = ms->ram_size - x86ms->below_4g_mem_size;
    map_ram_split(ms, get_system_memory(), x86ms->below_4g_mem_size,
                  &x86ms->ram_below_4g, &x86ms->ram_above_4g);
}

bool x86_bios_init(X86MachineState *x86ms, MemoryRegion *container,
                   uint64_t size, bool writable, Error **errp)
{
    uint64_t isa_size = MIN(size, ISA_BIOS_MAX);
    bool ok;

    ok = writable ? memory_region_init_device_ram(&x86ms->bios, NULL,
                                                  "pc.bios", size, errp)
                  : memory_region_init_rom(&x86ms->bios, NULL, "pc.bios",
                                           size, errp);
    if (!ok) {
        return false;
    }
    /* The CPU starts at 0xfffffff0: the image ends at 4 GiB. */
    memory_region_add_subregion(container, 4 * GiB - size, &x86ms->bios);
    /* Real-mode code finds the BIOS's last 128 KiB just below 1 MiB. */
    memory_region_init_alias(&x86ms->isa_bios, OBJECT(x86ms), "isa-bios",
                             &x86ms->bios, size - isa_size, isa_size);
    memory_region_set_readonly(&x86ms->isa_bios, !writable);
    memory_region_add_subregion_overlap(container, MiB - isa_size,
                                        &x86ms->isa_bios, 1);
    return true;
}

/*
 * Device RAM whose RAM block shows @used of @max bytes, as QEMU's
 * resizeable fw_cfg blobs do: the block is laid out by its maximum
 * length, and migration sends only the used part.
 */
bool x86_acpi_blobs_init(X86MachineState *x86ms, uint64_t tables_used,
                         Error **errp)
{
    static const struct {
        const char *name;
        uint64_t used;      /* in bytes; 0 = the caller's tables size */
        uint64_t max;       /* in bytes */
    } blobs[X86_ACPI_BLOBS] = {
        { "/rom@etc/acpi/tables", 0, 0x200000 },
        { "/rom@etc/table-loader", 0x1000, 0x10000 },
        { "/rom@etc/acpi/rsdp", 0x1000, 0x1000 },
    };

    for (int i = 0; i < X86_ACPI_BLOBS; i++) {
        MemoryRegion *mr = &x86ms->acpi_blob[i];

        if (!memory_region_init_resizeable_ram(mr, NULL, blobs[i].name,
                                               blobs[i].used ? blobs[i].used
                                                             : tables_used,
                                               blobs[i].max, errp)) {
            return false;
        }
    }
    return true;
}

/* --- the PC memory map -------------------------------------------------- */

static void pc_pci_windows_init(X86MachineState *x86ms)
{
    MemoryRegion *sysmem = get_system_memory();
    Object *owner = OBJECT(x86ms);

    /*
     * PCI space lies under everything else; the chipset's SMRAM and PAM
     * windows show it over RAM below 1 MiB, which is where the option
     * ROM and the BIOS copy are.  memvm keeps the reset state of those
     * windows (all routed to PCI).
     */
    memory_region_init(&x86ms->pci_memory, owner, "pci", (Int128)1 << 64);
    memory_region_add_subregion_overlap(sysmem, 0, &x86ms->pci_memory, -1);
    memory_region_init_alias(&x86ms->smram_region, owner, "smram-region",
                             &x86ms->pci_memory, SMRAM_C_BASE, SMRAM_C_SIZE);
    memory_region_add_subregion_overlap(sysmem, SMRAM_C_BASE,
                                        &x86ms->smram_region, 1);
    for (int i = 0; i < PC_PAM_REGIONS; i++) {
        hwaddr base = i ? PAM_EXPAN_BASE + (i - 1) * PAM_EXPAN_SIZE
                        : PAM_BIOS_BASE;
        uint64_t size = i ? PAM_EXPAN_SIZE : PAM_BIOS_SIZE;

        memory_region_init_alias(&x86ms->pam[i], owner, "pam-pci",
                                 &x86ms->pci_memory, base, size);
        memory_region_add_subregion_overlap(sysmem, base, &x86ms->pam[i], 1);
    }
}

/* Where RAM above 4 GiB ends (it starts at @above_start). */
static uint64_t pc_above_4g_end(X86MachineState *x86ms, hwaddr above_start)
{
    return above_start + x86ms->above_4g_mem_size;
}

/*
 * The hot-plug area of -m maxmem=,slots=: from the 1 GiB boundary after
 * RAM, the missing size plus 1 GiB per slot (DIMMs are 1 GiB aligned).
 */
static uint64_t pc_device_memory_size(MachineState *ms)
{
    if (ms->maxram_size <= ms->ram_size) {
        return 0;
    }
    return ms->maxram_size - ms->ram_size + ms->ram_slots * GiB;
}

/* The highest guest physical address the memory map uses. */
static uint64_t pc_max_used_gpa(X86MachineState *x86ms, hwaddr above_start,
                                uint64_t hole64_size)
{
    MachineState *ms = MACHINE(x86ms);
    uint64_t hole64_start = pc_above_4g_end(x86ms, above_start);
    uint64_t dev_size = pc_device_memory_size(ms);

    if (dev_size) {
        hole64_start = round_up_u64(hole64_start, GiB) + dev_size;
    }
    return round_up_u64(hole64_start, GiB) + hole64_size - 1;
}

static bool pc_check_phys_bits(X86MachineState *x86ms, uint64_t hole64_size,
                               Error **errp)
{
    uint64_t max_phys = (1ULL << PC_CPU_PHYS_BITS) - 1;
    hwaddr above_start = 4 * GiB;
    uint64_t max_used;

    /*
     * RAM that would reach the HyperTransport range moves above 1 TiB,
     * as on AMD hosts; with 40 address bits that never fits, so the move
     * only shows in the error's numbers.
     */
    if (pc_max_used_gpa(x86ms, above_start, hole64_size) >= AMD_HT_START) {
        above_start = AMD_ABOVE_1TB_START;
    }
    max_used = pc_max_used_gpa(x86ms, above_start, hole64_size);
    if (max_used > max_phys) {
        error_setg(errp, "Address space limit 0x%" PRIx64 " < 0x%" PRIx64
                   " phys-bits too low (%u)", max_phys, max_used,
                   PC_CPU_PHYS_BITS);
        return false;
    }
    return true;
}

bool pc_check_memory_map(X86MachineState *x86ms,
                         const PCBoardParams *params, uint64_t lowmem,
                         Error **errp)
{
    MachineState *ms = MACHINE(x86ms);

    x86ms->below_4g_mem_size = MIN(ms->ram_size, lowmem);
    x86ms->above_4g_mem_size = ms->ram_size - x86ms->below_4g_mem_size;
    /* A 486 (isapc) has 32 address bits and no 64-bit PCI hole. */
    return !params->pci_enabled ||
           pc_check_phys_bits(x86ms, params->pci_hole64_size, errp);
}

bool pc_memory_init(X86MachineState *x86ms, const PCBoardParams *params,
                    uint64_t lowmem, Error **errp)
{
    MachineState *ms = MACHINE(x86ms);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *rom_memory = sysmem;
    uint64_t dev_size;

    x86_map_ram(x86ms, lowmem);
    /* A 486 (isapc) has 32 address bits and no 64-bit PCI hole. */
    if (params->pci_enabled &&
        !pc_check_phys_bits(x86ms, params->pci_hole64_size, errp)) {
        return false;
    }
    dev_size = pc_device_memory_size(ms);
    if (dev_size) {
        uint64_t base = round_up_u64(pc_above_4g_end(x86ms, 4 * GiB), GiB);

        memory_region_init(&x86ms->device_memory, OBJECT(x86ms),
                           "device-memory", dev_size);
        memory_region_add_subregion(sysmem, base, &x86ms->device_memory);
    }
    if (params->pci_enabled) {
        pc_pci_windows_init(x86ms);
        rom_memory = &x86ms->pci_memory;
    }
    /* Creation order decides the RAM block offsets: BIOS first. */
    if (!x86_bios_init(x86ms, rom_memory, params->bios_size,
                       !params->pci_enabled, errp)) {
        return false;
    }
    if (params->pci_enabled) {
        if (!memory_region_init_rom(&x86ms->option_rom, NULL, "pc.rom",
                                    PC_ROM_SIZE, errp)) {
            return false;
        }
    } else if (!memory_region_init_device_ram(&x86ms->option_rom, NULL,
                                              "pc.rom", PC_ROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion_overlap(rom_memory, PC_ROM_BASE,
                                        &x86ms->option_rom, 1);
    if (params->acpi_tables_used &&
        !x86_acpi_blobs_init(x86ms, params->acpi_tables_used, errp)) {
        return false;
    }
    return true;
}

/* --- the abstract type -------------------------------------------------- */

static const TypeInfo x86_machine_info = {
    .name = TYPE_X86_MACHINE,
    .parent = TYPE_MACHINE,
    .abstract = true,
    .instance_size = sizeof(X86MachineState),
};

static void x86_machine_register_types(void)
{
    type_register_static(&x86_machine_info);
}
type_init(x86_machine_register_types)
