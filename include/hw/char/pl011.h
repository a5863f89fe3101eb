/*
 * Arm PrimeCell UART (PL011), as on the Arm virt board at 0x09000000.
 *
 * Like the 16550A model (hw/char/serial.h) it serves a polling guest:
 * writes to the data register go to the chardev, input waits in a
 * buffer, the flag register tells "receive FIFO empty" and "transmit FIFO
 * empty", and the identification registers read as on real hardware so
 * that drivers probing them find a PL011.  Its interrupt line (UARTINTR,
 * the OR of the masked interrupts) is up while the transmitter can take
 * a byte (always) and TXIM is set, or input waits and RXIM is set: what
 * the Linux driver needs for its interrupt-driven output and input.
 */
#ifndef HW_CHAR_PL011_H
#define HW_CHAR_PL011_H

#include "exec/memory.h"
#include "chardev/char.h"
#include "hw/irq.h"

#define TYPE_PL011 "pl011"

typedef struct PL011State PL011State;

/* The register window: one 4 KiB page. */
#define PL011_MMIO_SIZE 0x1000

/*
 * A PL011 at @base of @sysmem, named "pl011" in "info mtree" as in QEMU.
 * @chr may be NULL (output is dropped, no input).
 */
PL011State *pl011_create(MemoryRegion *sysmem, hwaddr base, Chardev *chr);

/* The UART's interrupt output drives @irq (NULL: none). */
void pl011_connect_irq(PL011State *s, qemu_irq irq);

#endif
