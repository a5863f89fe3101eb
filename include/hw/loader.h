/*
 * Guest images: -kernel, -initrd, -dtb and -append.
 *
 * machine_load_guest() puts them into guest RAM where QEMU 7.2 puts them
 * on each architecture (docs/boot.md has the rules and the few places
 * memvm differs), and records where the CPU starts in MachineState::boot.
 * Everything it writes is a "ROM blob": kept on the host and copied into
 * guest memory again on every system reset, so a rebooted guest finds
 * its images as they were.
 */
#ifndef HW_LOADER_H
#define HW_LOADER_H

#include "hw/boards.h"

/* Where a loaded guest starts, for the accelerator's CPU set-up. */
typedef struct GuestBootInfo GuestBootInfo;
struct GuestBootInfo {
    hwaddr entry;           /* first instruction (guest physical) */
    hwaddr fdt_addr;        /* arm, riscv: the DTB in RAM; 0 = none */
    hwaddr boot_table;      /* x86: the memvm boot table; 0 = none */
    hwaddr image_low;       /* [low, high): the kernel image */
    hwaddr image_high;
    hwaddr initrd_start;    /* 0 = no initrd */
    uint64_t initrd_size;   /* in bytes */
    bool is_elf;
};

/*
 * The x86 boot table (docs/boot.md): a header, then one entry per main
 * RAM range in address order.  All fields little-endian.
 */
#define MEMVM_BOOT_MAGIC 0x31544f4f424d564dULL /* "MVMBOOT1" */
#define MEMVM_BOOT_VERSION 1

typedef struct MemvmBootRange {
    uint64_t base;          /* guest physical address */
    uint64_t size;          /* in bytes */
    uint64_t ram_offset;    /* offset in main RAM (the backend(s)) */
    uint32_t node;          /* NUMA node, 0 without -numa */
    uint32_t reserved;
} MemvmBootRange;

typedef struct MemvmBootTable {
    uint64_t magic;         /* MEMVM_BOOT_MAGIC */
    uint32_t version;       /* MEMVM_BOOT_VERSION */
    uint32_t nr_ranges;
    uint64_t cmdline;       /* GPA of -append, NUL-terminated; 0 = none */
    uint64_t initrd_start;  /* GPA; 0 = none */
    uint64_t initrd_size;   /* in bytes */
    uint64_t reserved;
    MemvmBootRange ranges[];
} MemvmBootTable;

/* One contiguous piece of main RAM as the guest sees it. */
typedef struct GuestRamRange {
    hwaddr base;            /* guest physical address */
    uint64_t size;          /* in bytes */
    uint64_t ram_offset;    /* offset in main RAM */
    unsigned node;          /* NUMA node, 0 without -numa */
} GuestRamRange;

/*
 * The main RAM ranges of the current flat view of system memory, in
 * address order (holes such as the PC's VGA window split them).  Returns
 * a GArray of GuestRamRange; free with g_array_unref().
 */
GArray *guest_ram_ranges(MachineState *ms);

/*
 * Register @len bytes of @data (copied) to be written at @addr of system
 * memory now and on every reset; @name says what it is in error messages.
 * The range must be RAM and not overlap another blob.
 */
bool rom_add_blob(const char *name, const void *data, size_t len,
                  hwaddr addr, Error **errp);

/*
 * Load the PT_LOAD segments of ELF file @filename (for machine
 * @elf_machine, an EM_* value) as ROM blobs at their physical addresses.
 * Returns 1 on success with *@entry and [*@low, *@high), 0 if the file is
 * not ELF at all (so the caller may try a raw image), -1 with @errp set
 * for an ELF file that cannot be loaded.
 */
int load_elf(const char *filename, unsigned elf_machine, uint64_t *entry,
             uint64_t *low, uint64_t *high, Error **errp);

/*
 * Load all of @filename as one ROM blob at @addr; at most @max_size
 * bytes.  Returns the size, or -1 with @errp set.
 */
int64_t load_image_targphys(const char *filename, hwaddr addr,
                            uint64_t max_size, Error **errp);

/*
 * -kernel and friends: load the images for the target architecture and
 * fill ms->boot.  Does nothing without -kernel.  Called by generic machine
 * code once the board and its devices exist.
 */
bool machine_load_guest(MachineState *ms, Error **errp);

#endif
