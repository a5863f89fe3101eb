/*
 * isa-debug-exit: a write to its I/O port ends memvm with exit status
 * (value << 1) | 1, as QEMU's device of the same name does.  Guests (and
 * test suites such as kvm-unit-tests) use it to report a result; status 0
 * cannot be produced, so by convention 1 (value 0) means success.
 *
 * QEMU only has the device with "-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04"; memvm has no -device and the x86 boards create it at
 * those values.  Reads return 0.
 */
#ifndef HW_MISC_DEBUGEXIT_H
#define HW_MISC_DEBUGEXIT_H

#include "exec/memory.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

/* The port and width guests and test suites commonly use. */
#define DEBUG_EXIT_IOBASE 0xf4
#define DEBUG_EXIT_IOSIZE 0x04

typedef struct DebugExitState DebugExitState;

/* The device at @iobase of @io (get_system_io()), @iosize ports wide. */
DebugExitState *debugexit_create(MemoryRegion *io, hwaddr iobase,
                                 unsigned iosize);

#endif
