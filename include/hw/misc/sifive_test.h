/*
 * The SiFive test finisher of the riscv virt board (0x100000, one page):
 * a 32-bit write of (code << 16) | 0x5555 ends memvm with status code
 * ("pass"), (code << 16) | 0x3333 ends it with status code ("fail"; QEMU
 * then reports a guest panic), and 0x7777 resets the machine, as in QEMU.
 * Other values are ignored; reads return 0.
 */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "exec/memory.h"

#define TYPE_SIFIVE_TEST "riscv.sifive.test"

#define SIFIVE_TEST_BASE 0x100000
#define SIFIVE_TEST_SIZE 0x1000

enum {
    FINISHER_FAIL = 0x3333,
    FINISHER_PASS = 0x5555,
    FINISHER_RESET = 0x7777,
};

typedef struct SiFiveTestState SiFiveTestState;

/* The finisher at @base of @sysmem, named "riscv.sifive.test". */
SiFiveTestState *sifive_test_create(MemoryRegion *sysmem, hwaddr base);

#endif
