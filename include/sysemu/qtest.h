/*
 * The qtest protocol server: a test drives guest memory and I/O ports
 * over a line protocol (QEMU's wire format), with no vCPU involved.
 */
#ifndef SYSEMU_QTEST_H
#define SYSEMU_QTEST_H

#include <glib.h>
#include "qapi/error.h"

/* Start serving on the chardev @spec; log to @log_path if non-NULL. */
bool qtest_server_init(const char *spec, const char *log_path, Error **errp);
/* Run one command line (without the newline); the reply goes to @reply. */
void qtest_process_line(const char *line, GString *reply);
void qtest_server_cleanup(void);

#endif
