/*
 * A device the board describes but memvm does not model: its registers
 * read as zero and ignore writes, as QEMU's "unimplemented-device", so
 * that a driver probing it finds nothing (no magic value, no ID) and
 * gives up instead of faulting.  Named as the real device in "info
 * mtree".
 */
#ifndef HW_MISC_UNIMP_H
#define HW_MISC_UNIMP_H

#include "exec/memory.h"

/* A @size-byte RAZ/WI region named @name at @base of @sysmem. */
void unimp_create(MemoryRegion *sysmem, const char *name, hwaddr base,
                  uint64_t size);

#endif
