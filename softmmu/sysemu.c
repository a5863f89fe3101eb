/*
 * The few command-line decisions devices look up (include/sysemu/sysemu.h),
 * kept in the library so that unit tests and fuzz targets link them too.
 */
#include <glib.h>

#include "sysemu/sysemu.h"

static Chardev *serial_hds[MAX_SERIAL_PORTS];
static char *vm_name;

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

void serial_hd_set(int i, Chardev *chr)
{
    g_assert(i >= 0 && i < MAX_SERIAL_PORTS);
    serial_hds[i] = chr;
}

const char *qemu_get_vm_name(void)
{
    return vm_name;
}

void qemu_set_vm_name(const char *name)
{
    g_free(vm_name);
    vm_name = g_strdup(name);
}
