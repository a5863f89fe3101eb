/*
 * The PC's reset control register at I/O port 0xcf9 (PIIX3 and ICH9 both
 * have it; QEMU models it in each).  Writing a value with bit 2 set resets
 * the machine; with -no-reboot that ends memvm with status 0, which is how
 * an x86 guest powers off cleanly without ACPI.
 */
#ifndef HW_MISC_RESET_CONTROL_H
#define HW_MISC_RESET_CONTROL_H

#include "exec/memory.h"

#define TYPE_RESET_CONTROL "reset-control"
#define RESET_CONTROL_IOBASE 0xcf9

typedef struct ResetControlState ResetControlState;

/* The register at @iobase of @io (get_system_io()). */
ResetControlState *reset_control_create(MemoryRegion *io, hwaddr iobase);

#endif
