/*
 * -overcommit, -uuid, -rtc, -no-acpi, -boot, -msg, -audiodev: the options
 * libvirt always writes (softmmu/vl-mgmt.c).
 */
#ifndef SYSEMU_VL_MGMT_H
#define SYSEMU_VL_MGMT_H

#include "qapi/error.h"

/*
 * Check (and apply) option @name with argument @arg (NULL for -no-acpi).
 * *@handled says whether @name is one of these options.
 */
bool vl_mgmt_option(const char *name, const char *arg, bool *handled,
                    Error **errp);

#endif
