/*
 * Things the command line decides that devices need to look up.
 */
#ifndef SYSEMU_SYSEMU_H
#define SYSEMU_SYSEMU_H

#include <stdbool.h>

typedef struct Chardev Chardev;

#define MAX_SERIAL_PORTS 4

/* The chardev of serial port @i (-serial), or NULL. */
Chardev *serial_hd(int i);
void serial_hd_set(int i, Chardev *chr);

/* -name */
const char *qemu_get_vm_name(void);
void qemu_set_vm_name(const char *name);

#endif
