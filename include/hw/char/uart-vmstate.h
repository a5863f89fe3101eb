/*
 * Migration of the UARTs' state (hw/char/serial.c, hw/char/pl011.c):
 * what both models share, their input buffer.
 *
 * Each UART is a FULL section of memvm's own layout ("memvm-serial",
 * "memvm-pl011", docs/migration-devices.md): its registers, then the
 * input the guest has not read yet, so that no typed byte is lost.
 */
#ifndef HW_CHAR_UART_VMSTATE_H
#define HW_CHAR_UART_VMSTATE_H

#include "migration/qemu-file.h"
#include "qapi/error.h"

/* Write the @count bytes queued in @ring (of @size) from @head on. */
void uart_rx_save(QEMUFile *f, const uint8_t *ring, unsigned size,
                  unsigned head, unsigned count);
/*
 * Read them back into @ring from its start.  Error naming @dev when the
 * stream has more than @size bytes queued or ends early.
 */
bool uart_rx_load(QEMUFile *f, const char *dev, uint8_t *ring,
                  unsigned size, unsigned *head, unsigned *count,
                  Error **errp);
/* The section instance for the next UART of @idstr (0, 1, ...). */
uint32_t uart_vmstate_next_instance(const char *idstr);

#endif
