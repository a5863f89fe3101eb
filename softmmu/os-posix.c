/*
 * -daemonize and -pidfile, as QEMU does them: libvirt starts memvm with
 * both and reads the pid from the file once the starting process exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysemu/os-posix.h"

static int daemon_pipe = -1;    /* child's end; the parent reads a byte */
static char *pidfile_path;

void os_daemonize(void)
{
    int fds[2];
    pid_t pid;
    char status;
    ssize_t n;

    if (pipe(fds) < 0) {
        fprintf(stderr, "-daemonize: cannot create a pipe: %s\n",
                strerror(errno));
        exit(EXIT_FAILURE);
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "-daemonize: cannot fork: %s\n", strerror(errno));
        exit(EXIT_FAILURE);
    }
    if (pid > 0) {
        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        /* EOF: the child exited (or crashed) before start-up finished. */
        _exit(n == 1 && status == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    /* A new session: no controlling terminal, no signals from it. */
    setsid();
}

static void pidfile_remove(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        g_free(pidfile_path);
        pidfile_path = NULL;
    }
}

bool os_write_pidfile(const char *path, Error **errp)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Cannot open pid file");
        return false;
    }
    /* The lock is held until exit: it tells a second instance apart. */
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_setg_errno(errp, errno, "Cannot lock pid file");
        close(fd);
        return false;
    }
    if (ftruncate(fd, 0) < 0 ||
        write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        error_setg_errno(errp, errno, "Failed to write pid file");
        close(fd);
        return false;
    }
    /* Absolute: the daemon moves to "/" before it removes the file. */
    pidfile_path = g_canonicalize_filename(path, NULL);
    atexit(pidfile_remove);
    return true;
}

void os_setup_post(void)
{
    char ok = 0;
    int null;

    if (daemon_pipe < 0) {
        return;
    }
    if (chdir("/") < 0) {
        /* "/" always exists; nothing sensible to do otherwise. */
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    if (write(daemon_pipe, &ok, 1) != 1) {
        /* The parent is gone; the daemon runs on regardless. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}
