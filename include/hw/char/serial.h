/*
 * 16550A UART ("isa-serial" on x86 I/O ports, "serial-mm" in MMIO, the
 * "ns16550a" of the riscv virt board).
 *
 * memvm models what a polling guest needs: the transmit holding register
 * goes straight to the chardev, input from the chardev is queued for the
 * receive buffer, the line status register tells "data ready" and
 * "transmitter empty", and the other registers keep what is written to
 * them.  There is no interrupt line (memvm has no interrupt controller).
 *
 * The device may be accessed from a vCPU thread while the main thread
 * delivers input; its state is protected by its own lock.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "exec/memory.h"
#include "chardev/char.h"

#define TYPE_ISA_SERIAL "isa-serial"
#define TYPE_SERIAL_MM "serial-mm"

typedef struct SerialState SerialState;

/* The COM1 port base and size on PCs. */
#define SERIAL_COM1_IOBASE 0x3f8
#define SERIAL_IO_SIZE 8

/*
 * A UART at I/O port @iobase of @io (get_system_io() on PCs), named
 * "serial" in "info mtree" as in QEMU.  @chr may be NULL (output is
 * dropped, no input).
 */
SerialState *serial_io_create(MemoryRegion *io, hwaddr iobase,
                              Chardev *chr);

/*
 * A UART in MMIO at @base of @sysmem, register i at @base + (i <<
 * @regshift); its region covers 8 << @regshift bytes.  Registers are
 * byte wide and little-endian, as the ns16550a node of a device tree
 * describes them.
 */
SerialState *serial_mm_create(MemoryRegion *sysmem, hwaddr base,
                              unsigned regshift, Chardev *chr);

#endif
