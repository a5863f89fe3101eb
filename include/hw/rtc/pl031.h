/*
 * Arm PrimeCell real-time clock (PL031), as on the Arm virt board at
 * 0x09010000: a seconds counter that starts at the host's time (QEMU's
 * default -rtc base=utc), a match register whose interrupt is kept in
 * RIS/MIS, and the identification registers the Linux driver probes.
 */
#ifndef HW_RTC_PL031_H
#define HW_RTC_PL031_H

#include "exec/memory.h"
#include "hw/irq.h"

#define TYPE_PL031 "pl031"
#define PL031_MMIO_SIZE 0x1000

typedef struct PL031State PL031State;

/* A PL031 at @base of @sysmem; @irq may be NULL. */
PL031State *pl031_create(MemoryRegion *sysmem, hwaddr base, qemu_irq irq);

#endif
