/*
 * Process setup a management tool (libvirt) relies on: -daemonize and
 * -pidfile.
 */
#ifndef SYSEMU_OS_POSIX_H
#define SYSEMU_OS_POSIX_H

#include "qapi/error.h"

/*
 * -daemonize: fork.  The parent waits until the child calls
 * os_setup_post() and then exits 0, or exits 1 when the child dies first
 * (its error message is already on stderr).  Only the child returns.
 * Call before any thread exists.
 */
void os_daemonize(void);

/*
 * -pidfile PATH: write this process's pid to @path, created or truncated,
 * locked so that a second memvm with the same pidfile fails; removed at
 * exit.  Call after os_daemonize() so the pid is the daemon's.
 */
bool os_write_pidfile(const char *path, Error **errp);

/*
 * Start-up succeeded: a daemon releases its parent, moves to "/" and puts
 * /dev/null on stdin, stdout and stderr.  Does nothing without
 * -daemonize.
 */
void os_setup_post(void);

#endif
