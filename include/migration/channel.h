/*
 * Migration transports (exec:, unix:, tcp:, fd:), as file descriptors.
 * migration.c wraps them in QEMUFiles; mig-live's fd hand-over uses the
 * same connections.
 */
#ifndef MIGRATION_CHANNEL_H
#define MIGRATION_CHANNEL_H

#include <stdbool.h>
#include <glib.h>

#include "qapi/error.h"

/* QEMU's error for anything but exec:, unix:, tcp:, fd:. */
bool migration_uri_check(const char *uri, Error **errp);
/*
 * Connect to @uri (blocking).  Returns the fd; for exec: @pid is the
 * shell to reap with migration_channel_finish() after closing the fd.
 */
int migration_channel_connect(const char *uri, GPid *pid, Error **errp);
void migration_channel_finish(GPid pid);

typedef struct MigrationListener {
    int listen_fd;      /* unix:/tcp: listening socket, or -1 */
    int fd;             /* exec:/fd: the stream itself, or -1 */
    GPid pid;           /* exec: the shell */
    char *unix_path;    /* unix: removed once connected */
} MigrationListener;

/* Incoming: listen on (or open) @uri now; errors are the user's. */
bool migration_channel_listen(const char *uri, MigrationListener *l,
                              Error **errp);
/* Wait for the source (blocking) and return the stream's fd. */
int migration_channel_accept(MigrationListener *l, Error **errp);
void migration_listener_close(MigrationListener *l);

/* getfd: a named descriptor for "fd:NAME" (the channel takes it). */
void migration_fd_add(const char *name, int fd);

#endif
