/*
 * Character device transports over file descriptors and sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "chardev/char.h"
#include "qemu/option.h"
#include "qemu/cutils.h"

struct Chardev {
    char *spec;
    int in_fd;              /* -1 when not connected */
    int out_fd;
    int listen_fd;          /* servers only */
    bool is_stdio;
    bool is_file;
    bool is_socket;         /* output may be buffered, see chr_write() */
    guint in_watch;
    guint listen_watch;
    guint out_watch;
    guint drop_idle;
    GByteArray *outbuf;     /* bytes the peer has not taken yet */
    char *unix_path;        /* server socket to unlink at close */
    ChrReadFunc *read;
    ChrEventFunc *event;
    void *opaque;
    GMutex write_lock;
};

static void chr_emit(Chardev *chr, ChrEvent ev)
{
    if (chr->event) {
        chr->event(chr->opaque, ev);
    }
}

static gboolean chr_in_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    char buf[4096];
    ssize_t n;

    n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        chr->in_watch = 0;
        if (chr->is_stdio) {
            /*
             * End of input is not the end of output: a guest keeps
             * printing to stdout after `</dev/null` (as in QEMU).
             */
            chr->in_fd = -1;
        } else {
            chr_disconnect(chr);
        }
        chr_emit(chr, CHR_EVENT_CLOSED);
        return G_SOURCE_REMOVE;
    }
    if (chr->read) {
        chr->read(chr->opaque, buf, n);
    }
    return G_SOURCE_CONTINUE;
}

static void chr_watch_input(Chardev *chr)
{
    if (chr->in_fd >= 0 && !chr->in_watch && chr->read) {
        chr->in_watch = g_unix_fd_add(chr->in_fd,
                                      G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      chr_in_ready, chr);
    }
}

static gboolean chr_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (client < 0) {
        return G_SOURCE_CONTINUE;
    }
    chr->in_fd = chr->out_fd = client;
    /*
     * One client at a time, as QEMU's socket chardev: later clients wait
     * in the backlog until this one goes (chr_disconnect re-arms us).
     */
    chr->listen_watch = 0;
    chr_watch_input(chr);
    chr_emit(chr, CHR_EVENT_OPENED);
    return G_SOURCE_REMOVE;
}

static bool opt_bool(QemuOpts *opts, const char *name, bool def,
                     bool *out, Error **errp)
{
    const char *v = qemu_opt_get(opts, name);

    *out = def;
    return !v || parse_option_bool(name, v, out, errp);
}

static int unix_socket(const char *path, bool server, Error **errp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    if (server) {
        mode_t old;
        int ret;

        unlink(path);
        /* Only our user may talk to a monitor: create the socket 0600. */
        old = umask(0177);
        ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
        umask(old);
        if (ret < 0 || listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "Failed to bind socket to %s",
                             path);
            close(fd);
            return -1;
        }
    } else if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_socket(const char *hostport, bool server, Error **errp)
{
    const char *colon = strrchr(hostport, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    char *host;
    int fd = -1, ret, on = 1;

    if (!colon) {
        error_setg(errp, "host and/or port not specified in '%s'", hostport);
        return -1;
    }
    host = g_strndup(hostport, colon - hostport);
    if (!*host) {
        /* Listen on loopback unless an address is given. */
        g_free(host);
        host = g_strdup("127.0.0.1");
    }
    hints.ai_flags = server ? AI_PASSIVE : 0;
    ret = getaddrinfo(host, colon + 1, &hints, &res);
    if (ret) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host,
                   colon + 1, gai_strerror(ret));
        g_free(host);
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        goto out;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (server) {
        if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
            listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "Failed to bind socket to %s",
                             hostport);
            close(fd);
            fd = -1;
        }
    } else if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", hostport);
        close(fd);
        fd = -1;
    }
out:
    freeaddrinfo(res);
    g_free(host);
    return fd;
}

static const char *const socket_keys[] = {
    "path", "server", "wait", "nodelay", "telnet", NULL,
};

static bool chr_open_socket(Chardev *chr, const char *spec, bool is_unix,
                            Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_parse(spec, "path", errp);
    bool server, wait;
    const char *path;
    int fd;

    if (!opts || !qemu_opts_check_names(opts, socket_keys, errp) ||
        !opt_bool(opts, "server", false, &server, errp) ||
        !opt_bool(opts, "wait", true, &wait, errp)) {
        return false;
    }
    path = qemu_opt_get(opts, "path");
    if (!path || !*path) {
        error_setg(errp, "chardev: socket address is missing");
        return false;
    }
    if (server && wait) {
        /* Waiting for a client before start-up would hang scripts. */
        error_setg(errp, "chardev: server=on requires wait=off in memvm");
        return false;
    }
    fd = is_unix ? unix_socket(path, server, errp)
                 : tcp_socket(path, server, errp);
    if (fd < 0) {
        return false;
    }
    chr->is_socket = true;
    if (server) {
        chr->listen_fd = fd;
        chr->unix_path = is_unix ? g_strdup(path) : NULL;
        chr->listen_watch = g_unix_fd_add(fd, G_IO_IN, chr_accept, chr);
    } else {
        /* Non-blocking like accepted clients: see chr_write(). */
        g_unix_set_fd_nonblocking(fd, TRUE, NULL);
        chr->in_fd = chr->out_fd = fd;
    }
    return true;
}

Chardev *chr_open(const char *spec, Error **errp)
{
    Chardev *chr = g_new0(Chardev, 1);
    bool ok = true;

    chr->spec = g_strdup(spec);
    chr->in_fd = chr->out_fd = chr->listen_fd = -1;
    chr->outbuf = g_byte_array_new();
    g_mutex_init(&chr->write_lock);
    if (!strcmp(spec, "stdio")) {
        chr->in_fd = STDIN_FILENO;
        chr->out_fd = STDOUT_FILENO;
        chr->is_stdio = true;
    } else if (!strcmp(spec, "null") || !strcmp(spec, "none")) {
        /* Nothing connected: writes vanish, no input ever comes. */
    } else if (g_str_has_prefix(spec, "file:")) {
        chr->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                           0666);
        chr->is_file = true;
        if (chr->out_fd < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", spec + 5);
            ok = false;
        }
    } else if (g_str_has_prefix(spec, "unix:")) {
        ok = chr_open_socket(chr, spec + 5, true, errp);
    } else if (g_str_has_prefix(spec, "tcp:")) {
        ok = chr_open_socket(chr, spec + 4, false, errp);
    } else {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        ok = false;
    }
    if (!ok) {
        chr_close(chr);
        return NULL;
    }
    return chr;
}

void chr_set_handlers(Chardev *chr, ChrReadFunc *read, ChrEventFunc *event,
                      void *opaque)
{
    chr->read = read;
    chr->event = event;
    chr->opaque = opaque;
    chr_watch_input(chr);
    if (chr->in_fd >= 0 || chr->is_file) {
        chr_emit(chr, CHR_EVENT_OPENED);
    }
}

/* A peer that has not read this much of our output is dropped. */
#define CHR_OUTBUF_MAX (16 * 1024 * 1024)

/* Write what we can without blocking; returns false if the peer is gone. */
static bool chr_flush_locked(Chardev *chr)
{
    while (chr->outbuf->len > 0) {
        ssize_t n = write(chr->out_fd, chr->outbuf->data, chr->outbuf->len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return true;
        }
        if (n <= 0) {
            g_byte_array_set_size(chr->outbuf, 0);
            return false;
        }
        g_byte_array_remove_range(chr->outbuf, 0, n);
    }
    return true;
}

static gboolean chr_out_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    gboolean more;

    g_mutex_lock(&chr->write_lock);
    chr_flush_locked(chr);
    more = chr->outbuf->len > 0 && !(cond & (G_IO_HUP | G_IO_ERR));
    if (!more) {
        g_byte_array_set_size(chr->outbuf, 0);
        chr->out_watch = 0;
    }
    g_mutex_unlock(&chr->write_lock);
    return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean chr_drop_slow_peer(gpointer opaque)
{
    Chardev *chr = opaque;

    chr->drop_idle = 0;
    if (chr->in_fd >= 0) {
        chr_disconnect(chr);
        chr_emit(chr, CHR_EVENT_CLOSED);
    }
    return G_SOURCE_REMOVE;
}

void chr_write(Chardev *chr, const void *buf, size_t len)
{
    const char *p = buf;

    g_mutex_lock(&chr->write_lock);
    if (chr->out_fd < 0) {
        g_mutex_unlock(&chr->write_lock);
        return;
    }
    if (chr->is_socket) {
        /*
         * A socket peer that stops reading must not stall the main loop:
         * queue the output and send it when the socket takes more.
         */
        g_byte_array_append(chr->outbuf, buf, len);
        chr_flush_locked(chr);
        if (chr->outbuf->len > CHR_OUTBUF_MAX) {
            g_byte_array_set_size(chr->outbuf, 0);
            if (!chr->drop_idle) {
                chr->drop_idle = g_idle_add(chr_drop_slow_peer, chr);
            }
        } else if (chr->outbuf->len > 0 && !chr->out_watch) {
            chr->out_watch = g_unix_fd_add(chr->out_fd,
                                           G_IO_OUT | G_IO_HUP | G_IO_ERR,
                                           chr_out_ready, chr);
        }
        g_mutex_unlock(&chr->write_lock);
        return;
    }
    while (len > 0) {
        ssize_t n = write(chr->out_fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The peer went away; its input side will report the close. */
            break;
        }
        p += n;
        len -= n;
    }
    g_mutex_unlock(&chr->write_lock);
}

bool chr_is_connected(Chardev *chr)
{
    return chr->out_fd >= 0;
}

bool chr_is_stdio(Chardev *chr)
{
    return chr->is_stdio;
}

void chr_disconnect(Chardev *chr)
{
    if (chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
    g_mutex_lock(&chr->write_lock);
    if (chr->out_watch) {
        g_source_remove(chr->out_watch);
        chr->out_watch = 0;
    }
    if (chr->is_socket && chr->in_fd >= 0) {
        /* Give what is queued one last non-blocking try. */
        chr_flush_locked(chr);
        g_byte_array_set_size(chr->outbuf, 0);
    }
    if (!chr->is_stdio && !chr->is_file && chr->in_fd >= 0) {
        close(chr->in_fd);
    }
    if (!chr->is_file) {
        chr->in_fd = chr->out_fd = -1;
    }
    g_mutex_unlock(&chr->write_lock);
    /* A server takes the next waiting client now. */
    if (chr->listen_fd >= 0 && !chr->listen_watch) {
        chr->listen_watch = g_unix_fd_add(chr->listen_fd, G_IO_IN,
                                          chr_accept, chr);
    }
}

void chr_close(Chardev *chr)
{
    if (!chr) {
        return;
    }
    chr_disconnect(chr);
    if (chr->drop_idle) {
        g_source_remove(chr->drop_idle);
    }
    if (chr->is_file && chr->out_fd >= 0) {
        close(chr->out_fd);
    }
    if (chr->listen_watch) {
        g_source_remove(chr->listen_watch);
        chr->listen_watch = 0;
    }
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        chr->listen_fd = -1;
    }
    if (chr->unix_path) {
        unlink(chr->unix_path);
    }
    g_mutex_clear(&chr->write_lock);
    g_byte_array_unref(chr->outbuf);
    g_free(chr->unix_path);
    g_free(chr->spec);
    g_free(chr);
}
