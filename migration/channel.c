/*
 * Transports of a migration stream, by URI as QEMU spells them:
 *   exec:CMD            a shell command reads (outgoing) or writes
 *                       (incoming) the stream on its stdin/stdout
 *   unix:PATH           a UNIX stream socket
 *   tcp:HOST:PORT       a TCP connection (IPv6 hosts in brackets)
 *   fd:N | fd:NAME      a descriptor memvm inherited, or one passed with
 *                       the monitor's getfd under NAME
 * Outgoing channels connect on the migration thread (a slow peer must not
 * block the monitor); incoming ones listen at once and accept on the
 * loader thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>

#include "migration/channel.h"
#include "qemu/cutils.h"

/* Named descriptors (getfd); the migration takes the one it uses. */
static GHashTable *named_fds;

void migration_fd_add(const char *name, int fd)
{
    if (!named_fds) {
        named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    }
    g_hash_table_replace(named_fds, g_strdup(name), GINT_TO_POINTER(fd));
}

bool migration_uri_check(const char *uri, Error **errp)
{
    if (g_str_has_prefix(uri, "exec:") || g_str_has_prefix(uri, "unix:") ||
        g_str_has_prefix(uri, "tcp:") || g_str_has_prefix(uri, "fd:")) {
        return true;
    }
    error_setg(errp, "Parameter 'uri' expects a valid migration protocol");
    return false;
}

static bool split_host_port(const char *spec, char **host, char **port,
                            Error **errp)
{
    const char *colon;

    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');

        if (!end || end[1] != ':') {
            error_setg(errp, "error parsing IPv6 address '%s'", spec);
            return false;
        }
        *host = g_strndup(spec + 1, end - spec - 1);
        *port = g_strdup(end + 2);
        return true;
    }
    colon = strrchr(spec, ':');
    if (!colon) {
        error_setg(errp, "error parsing address '%s'", spec);
        return false;
    }
    *host = g_strndup(spec, colon - spec);
    *port = g_strdup(colon + 1);
    /* Options after the port (",to=...") are not ours to honour. */
    if (strchr(*port, ',')) {
        *strchr(*port, ',') = '\0';
    }
    return true;
}

static int fd_from_name(const char *name, Error **errp)
{
    gpointer fd;
    guint64 n;

    if (named_fds && g_hash_table_lookup_extended(named_fds, name, NULL,
                                                  &fd)) {
        g_hash_table_remove(named_fds, name);
        return GPOINTER_TO_INT(fd);
    }
    if (g_ascii_string_to_unsigned(name, 10, 0, INT32_MAX, &n, NULL) &&
        fcntl(n, F_GETFD) >= 0) {
        return n;
    }
    error_setg(errp, "File descriptor named '%s' not found", name);
    return -1;
}

/* sh -c CMD with its stdin (@to_child) or stdout on a new pipe. */
static int spawn_exec(const char *cmd, bool to_child, GPid *pid,
                      Error **errp)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    GError *gerr = NULL;
    int fd = -1;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  (to_child ? 0 :
                                   G_SPAWN_CHILD_INHERITS_STDIN),
                                  NULL, NULL,
                                  pid, to_child ? &fd : NULL,
                                  to_child ? NULL : &fd, NULL, &gerr)) {
        error_setg(errp, "exec:%s: %s", cmd, gerr->message);
        g_error_free(gerr);
        return -1;
    }
    return fd;
}

/* A UNIX stream socket connected to, or listening on, @path. */
static int unix_open(const char *path, bool listening, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct sockaddr *addr = (struct sockaddr *)&sa;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listening) {
        /* A socket file left by an earlier run would make bind() fail. */
        unlink(path);
    }
    if (fd >= 0 && (listening ? !bind(fd, addr, sizeof(sa)) &&
                                !listen(fd, 1)
                              : !connect(fd, addr, sizeof(sa)))) {
        return fd;
    }
    if (listening) {
        error_setg(errp, "Failed to bind socket to %s: %s", path,
                   g_strerror(errno));
    } else {
        error_setg(errp, "Failed to connect to '%s': %s", path,
                   g_strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    return -1;
}

static int inet_open(const char *spec, bool listening, Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = listening ? AI_PASSIVE : 0 };
    struct addrinfo *res = NULL;
    char *host, *port;
    int fd = -1, err = 0, rc;

    if (!split_host_port(spec, &host, &port, errp)) {
        return -1;
    }
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host,
                   port, gai_strerror(rc));
        goto out;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (listening) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1)) {
                break;
            }
        } else if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        if (listening) {
            error_setg(errp, "Failed to bind socket: %s", g_strerror(err));
        } else {
            error_setg(errp, "Failed to connect to '%s:%s': %s", host, port,
                       g_strerror(err));
        }
    }
out:
    if (res) {
        freeaddrinfo(res);
    }
    g_free(host);
    g_free(port);
    return fd;
}

int migration_channel_connect(const char *uri, GPid *pid, Error **errp)
{
    *pid = 0;
    if (g_str_has_prefix(uri, "exec:")) {
        return spawn_exec(uri + 5, true, pid, errp);
    }
    if (g_str_has_prefix(uri, "unix:")) {
        return unix_open(uri + 5, false, errp);
    }
    if (g_str_has_prefix(uri, "tcp:")) {
        return inet_open(uri + 4, false, errp);
    }
    if (g_str_has_prefix(uri, "fd:")) {
        return fd_from_name(uri + 3, errp);
    }
    migration_uri_check(uri, errp);
    return -1;
}

bool migration_channel_listen(const char *uri, MigrationListener *l,
                              Error **errp)
{
    memset(l, 0, sizeof(*l));
    l->listen_fd = -1;
    l->fd = -1;
    if (g_str_has_prefix(uri, "exec:")) {
        l->fd = spawn_exec(uri + 5, false, &l->pid, errp);
        return l->fd >= 0;
    }
    if (g_str_has_prefix(uri, "unix:")) {
        l->listen_fd = unix_open(uri + 5, true, errp);
        l->unix_path = g_strdup(uri + 5);
        return l->listen_fd >= 0;
    }
    if (g_str_has_prefix(uri, "tcp:")) {
        l->listen_fd = inet_open(uri + 4, true, errp);
        return l->listen_fd >= 0;
    }
    if (g_str_has_prefix(uri, "fd:")) {
        l->fd = fd_from_name(uri + 3, errp);
        return l->fd >= 0;
    }
    if (!strcmp(uri, "defer")) {
        error_setg(errp, "'defer' is only valid as the -incoming argument");
        return false;
    }
    error_setg(errp, "unknown migration protocol: %s", uri);
    return false;
}

int migration_channel_accept(MigrationListener *l, Error **errp)
{
    int fd;

    if (l->listen_fd < 0) {
        fd = l->fd;
        l->fd = -1;
        return fd;
    }
    do {
        fd = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        error_setg(errp, "migration: accept failed: %s", g_strerror(errno));
    }
    /* One connection per migration: stop listening. */
    close(l->listen_fd);
    l->listen_fd = -1;
    if (l->unix_path) {
        unlink(l->unix_path);
    }
    return fd;
}

static void child_exited(GPid pid, gint status, gpointer opaque)
{
    g_spawn_close_pid(pid);
}

void migration_channel_finish(GPid pid)
{
    /* Reaped by the main loop whenever it ends: it may outlive us. */
    if (pid > 0) {
        g_child_watch_add(pid, child_exited, NULL);
    }
}

void migration_listener_close(MigrationListener *l)
{
    if (l->listen_fd >= 0) {
        close(l->listen_fd);
    }
    if (l->fd >= 0) {
        close(l->fd);
    }
    g_free(l->unix_path);
    l->unix_path = NULL;
    l->listen_fd = l->fd = -1;
}
