/*
 * What the UARTs' migration sections share (include/hw/char/uart-vmstate.h).
 */
#include <string.h>
#include <glib.h>

#include "hw/char/uart-vmstate.h"

void uart_rx_save(QEMUFile *f, const uint8_t *ring, unsigned size,
                  unsigned head, unsigned count)
{
    qemu_put_be32(f, count);
    for (unsigned i = 0; i < count; i++) {
        qemu_put_byte(f, ring[(head + i) % size]);
    }
}

bool uart_rx_load(QEMUFile *f, const char *dev, uint8_t *ring,
                  unsigned size, unsigned *head, unsigned *count,
                  Error **errp)
{
    uint32_t n = qemu_get_be32(f);

    if (n > size) {
        error_setg(errp, "%s: %u bytes of input queued, at most %u fit",
                   dev, n, size);
        return false;
    }
    if (qemu_get_buffer(f, ring, n) != n || qemu_file_get_error(f)) {
        error_setg(errp, "%s: stream ends early", dev);
        return false;
    }
    *head = 0;
    *count = n;
    return true;
}

uint32_t uart_vmstate_next_instance(const char *idstr)
{
    /* Boards create their UARTs in a fixed order, on both sides. */
    static GHashTable *next;
    uint32_t id;

    if (!next) {
        next = g_hash_table_new(g_str_hash, g_str_equal);
    }
    id = GPOINTER_TO_UINT(g_hash_table_lookup(next, idstr));
    g_hash_table_insert(next, (gpointer)idstr, GUINT_TO_POINTER(id + 1));
    return id;
}
