/*
 * The Arm virt board's devices an operating system needs beyond the
 * UART and PSCI of the bare-metal guests: the GICv2, the CPU nodes and
 * the generic timer's interrupts, the UART's interrupt and clocks.
 * Addresses, interrupt numbers, node names and phandles are QEMU 7.2's.
 */
#ifndef HW_ARM_VIRT_DEVICES_H
#define HW_ARM_VIRT_DEVICES_H

#include "hw/boards.h"
#include "hw/char/pl011.h"

/*
 * Create the GIC (wired to CPU 0 and its timer) and add the nodes above
 * to @fdt, an open tree with room; @uart is the PL011 at 0x09000000
 * (its node must exist already).
 */
bool arm_virt_os_devices(MachineState *ms, void *fdt, PL011State *uart,
                         Error **errp);

#endif
