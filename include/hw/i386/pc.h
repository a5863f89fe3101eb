/*
 * The PC family (pc-i440fx, pc-q35, isapc) and microvm: state and helpers
 * they share.
 *
 * All four split main RAM into "ram-below-4g" at 0 and "ram-above-4g" at
 * 4 GiB, each at its own split point, and map a BIOS region below 4 GiB
 * with its last 128 KiB mirrored below 1 MiB ("isa-bios").  memvm has no
 * firmware: the BIOS and option ROM regions exist with QEMU's names and
 * sizes (so the flat view and the RAM block table match QEMU 7.2's) but
 * hold zeros.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/boards.h"

#define TYPE_X86_MACHINE "x86-machine"
OBJECT_DECLARE_SIMPLE_TYPE(X86MachineState, X86_MACHINE)

/* The PAM windows at 0xc0000-0xfffff: one of 64 KiB, then 16 KiB each. */
#define PC_PAM_REGIONS 13

/* fw_cfg ROM blobs that QEMU's ACPI code creates as RAM blocks. */
#define X86_ACPI_BLOBS 3

struct X86MachineState {
    MachineState parent_obj;
    /* The RAM split, set by the board's init: */
    uint64_t below_4g_mem_size;     /* in bytes */
    uint64_t above_4g_mem_size;     /* in bytes */
    /* "max-ram-below-4g" (pc family only); 0 = the board's default. */
    uint64_t max_ram_below_4g;      /* in bytes */
    MemoryRegion ram_below_4g;
    MemoryRegion ram_above_4g;
    MemoryRegion bios;              /* "pc.bios", just below 4 GiB */
    MemoryRegion isa_bios;          /* its tail again below 1 MiB */
    MemoryRegion option_rom;        /* "pc.rom" at 0xc0000 */
    /* PCI machines: the PCI address space and the chipset windows. */
    MemoryRegion pci_memory;
    MemoryRegion smram_region;
    MemoryRegion pam[PC_PAM_REGIONS];
    MemoryRegion device_memory;     /* hot-plug area for -m maxmem= */
    MemoryRegion acpi_blob[X86_ACPI_BLOBS];
};

/* What differs between the PC-family boards. */
typedef struct PCBoardParams {
    bool pci_enabled;       /* PCI host: ROMs live in "pci", behind PAM */
    bool gigabyte_align;    /* i440fx: split at 3 GiB once RAM is large */
    uint64_t bios_size;     /* in bytes: QEMU's default firmware's size */
    /* 64-bit PCI hole the host bridge reserves above RAM, in bytes. */
    uint64_t pci_hole64_size;
    uint64_t acpi_tables_used;  /* in bytes; 0 = no ACPI blobs */
} PCBoardParams;

/* Register the pc family's machine properties ("max-ram-below-4g"). */
void pc_machine_class_add_props(ObjectClass *oc);

/*
 * Map RAM split at @lowmem (RAM at or above it goes above 4 GiB) and
 * record the sizes in @x86ms.
 */
void x86_map_ram(X86MachineState *x86ms, uint64_t lowmem);

/*
 * Map a firmware image of @size bytes just below 4 GiB in @container,
 * and its last 128 KiB (or all of it, if smaller) ending at 1 MiB with
 * priority 1.  @writable: isapc and microvm map firmware as RAM.
 */
bool x86_bios_init(X86MachineState *x86ms, MemoryRegion *container,
                   uint64_t size, bool writable, Error **errp);

/*
 * The fw_cfg blobs QEMU's ACPI code registers as RAM blocks
 * ("/rom@etc/acpi/tables" etc.), with QEMU's used and maximum lengths.
 * They are not mapped into guest memory.
 */
bool x86_acpi_blobs_init(X86MachineState *x86ms, uint64_t tables_used,
                         Error **errp);

/*
 * The PC-family memory map (QEMU's pc_memory_init): RAM aliases, the
 * device memory area, BIOS, option ROM and, on PCI machines, the "pci"
 * container behind the SMRAM and PAM windows.  Checks that everything
 * fits the default CPU's physical address width.
 */
bool pc_memory_init(X86MachineState *x86ms, const PCBoardParams *params,
                    uint64_t lowmem, Error **errp);

/*
 * MachineClass::check_memory_map for the PC family: the RAM split at
 * @lowmem, the hot-plug area and the 64-bit PCI hole within the CPU's
 * physical address bits (QEMU's "Address space limit ..." error).
 */
bool pc_check_memory_map(X86MachineState *x86ms,
                         const PCBoardParams *params, uint64_t lowmem,
                         Error **errp);

#endif
