/*
 * Character devices: the byte streams behind qtest, serial ports and
 * monitors.  A spec string picks the transport, as on QEMU's command line:
 *   stdio | null | none | file:PATH |
 *   unix:PATH[,server=on|off][,wait=on|off] |
 *   tcp:[HOST]:PORT[,server=on|off][,wait=on|off]
 * A server listens and serves one client at a time; a client connects at
 * open.  Unix sockets are created with mode 0600.  Everything runs in the
 * GLib main context of the main thread.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <stdbool.h>
#include <stddef.h>
#include "qapi/error.h"

typedef struct Chardev Chardev;

typedef enum ChrEvent {
    CHR_EVENT_OPENED,   /* a client connected (or the device opened) */
    CHR_EVENT_CLOSED,   /* the peer went away / end of input */
} ChrEvent;

typedef void ChrReadFunc(void *opaque, const char *buf, size_t len);
typedef void ChrEventFunc(void *opaque, ChrEvent event);

Chardev *chr_open(const char *spec, Error **errp);
/* Start delivering input and events; OPENED fires at once if connected. */
void chr_set_handlers(Chardev *chr, ChrReadFunc *read, ChrEventFunc *event,
                      void *opaque);
/* Write all of @buf (blocking briefly if the peer is slow); drops when
 * nobody is connected.  Thread-safe. */
void chr_write(Chardev *chr, const void *buf, size_t len);
bool chr_is_connected(Chardev *chr);
/* Drop the current client (a server keeps listening). */
void chr_disconnect(Chardev *chr);
void chr_close(Chardev *chr);
/* True when this chardev uses the process's stdin/stdout. */
bool chr_is_stdio(Chardev *chr);

#endif
