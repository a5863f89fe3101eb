/*
 * cpr-transfer: guest RAM handed over as file descriptors over the
 * migration's unix socket (include/migration/cpr.h).
 *
 * The message, ahead of the stream's "QEVM": 8 bytes "MVCPRFD1", be32
 * length of what follows, be32 count, then per block a counted idstr,
 * be64 used length, be64 offset in its file; the descriptors, one per
 * block in the same order, ride on the first byte as SCM_RIGHTS.  A
 * destination tells it from a stream by peeking at the magic.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/memory.h"
#include "migration/cpr.h"

#define CPR_MAGIC "MVCPRFD1"
#define CPR_MAGIC_LEN 8
/* The kernel's limit on descriptors in one message (SCM_MAX_FD). */
#define CPR_MAX_FDS 253

static const char *const mig_mode_names[MIG_MODE__MAX] = {
    [MIG_MODE_NORMAL] = "normal",
    [MIG_MODE_CPR_TRANSFER] = "cpr-transfer",
};

const char *mig_mode_name(MigMode mode)
{
    return mig_mode_names[mode];
}

int mig_mode_by_name(const char *name)
{
    for (int i = 0; i < MIG_MODE__MAX; i++) {
        if (!strcmp(name, mig_mode_names[i])) {
            return i;
        }
    }
    return -1;
}

bool cpr_check_uri(MigMode mode, const char *uri, Error **errp)
{
    if (mode == MIG_MODE_CPR_TRANSFER && !g_str_has_prefix(uri, "unix:")) {
        error_setg(errp, "migration mode cpr-transfer needs a unix: URI "
                   "(descriptors pass over the socket), not '%s'", uri);
        return false;
    }
    return true;
}

/* The blocks handed over by the running (or last) migration. */
static GPtrArray *handed_over;

static bool block_can_be_handed_over(const RAMBlock *rb)
{
    return (rb->flags & RAM_MIGRATABLE) && rb->idstr[0] &&
           !(rb->flags & RAM_ALIAS_COVERED) && rb->fd >= 0 &&
           (rb->flags & RAM_SHARED) && !(rb->flags & RAM_READONLY);
}

static int collect(RAMBlock *rb, void *opaque)
{
    if (block_can_be_handed_over(rb)) {
        g_ptr_array_add(opaque, rb);
    }
    return 0;
}

static void put_be32(GByteArray *b, uint32_t v)
{
    uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, x, 4);
}

static void put_be64(GByteArray *b, uint64_t v)
{
    put_be32(b, v >> 32);
    put_be32(b, v);
}

static bool fd_is_unix_socket(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
           ss.ss_family == AF_UNIX;
}

bool cpr_transfer_send(int fd, Error **errp)
{
    GPtrArray *blocks = g_ptr_array_new();
    GByteArray *msg = g_byte_array_new();
    g_autofree int *fds = NULL;
    g_autofree char *cbuf = NULL;
    struct msghdr mh = { 0 };
    struct iovec iov;
    struct cmsghdr *cm;
    size_t sent = 0;
    bool ok = false;

    if (!fd_is_unix_socket(fd)) {
        error_setg(errp, "cpr-transfer: the migration channel is not a "
                   "unix socket");
        goto out;
    }
    ram_block_foreach(collect, blocks);
    if (blocks->len > CPR_MAX_FDS) {
        error_setg(errp, "cpr-transfer: %u RAM blocks to hand over, at "
                   "most %d fit one message", blocks->len, CPR_MAX_FDS);
        goto out;
    }
    g_byte_array_append(msg, (const guint8 *)CPR_MAGIC, CPR_MAGIC_LEN);
    put_be32(msg, 0);           /* length, filled in below */
    put_be32(msg, blocks->len);
    fds = g_new0(int, blocks->len + 1);
    for (guint i = 0; i < blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(blocks, i);
        uint8_t len = strlen(rb->idstr);

        g_byte_array_append(msg, &len, 1);
        g_byte_array_append(msg, (const guint8 *)rb->idstr, len);
        put_be64(msg, rb->used_length);
        put_be64(msg, rb->fd_offset);
        fds[i] = rb->fd;
    }
    {
        uint32_t n = msg->len - CPR_MAGIC_LEN - 4;
        uint8_t x[4] = { n >> 24, n >> 16, n >> 8, n };

        memcpy(msg->data + CPR_MAGIC_LEN, x, 4);
    }
    /* The descriptors ride on the first sendmsg() only. */
    while (sent < msg->len) {
        ssize_t r;

        iov.iov_base = msg->data + sent;
        iov.iov_len = msg->len - sent;
        mh = (struct msghdr) { .msg_iov = &iov, .msg_iovlen = 1 };
        if (!sent && blocks->len) {
            size_t space = CMSG_SPACE(sizeof(int) * blocks->len);

            cbuf = g_malloc0(space);
            mh.msg_control = cbuf;
            mh.msg_controllen = space;
            cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int) * blocks->len);
            memcpy(CMSG_DATA(cm), fds, sizeof(int) * blocks->len);
        }
        r = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            error_setg(errp, "cpr-transfer: cannot send the RAM "
                       "descriptors: %s", g_strerror(errno));
            goto out;
        }
        sent += r;
    }
    g_clear_pointer(&handed_over, g_ptr_array_unref);
    handed_over = g_ptr_array_ref(blocks);
    ok = true;
out:
    g_ptr_array_unref(blocks);
    g_byte_array_unref(msg);
    return ok;
}

bool cpr_ram_block_handed_over(const RAMBlock *rb)
{
    for (guint i = 0; handed_over && i < handed_over->len; i++) {
        if (g_ptr_array_index(handed_over, i) == rb) {
            return true;
        }
    }
    return false;
}

void cpr_transfer_done(void)
{
    g_clear_pointer(&handed_over, g_ptr_array_unref);
}

/* --- destination -------------------------------------------------------- */

/* Read exactly @len bytes; the first read may carry descriptors. */
static bool recv_all(int fd, uint8_t *buf, size_t len, int *fds,
                     size_t max_fds, size_t *nfds)
{
    size_t got = 0;

    while (got < len) {
        char cbuf[CMSG_SPACE(sizeof(int) * CPR_MAX_FDS)];
        struct iovec iov = { buf + got, len - got };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = cbuf,
                             .msg_controllen = sizeof(cbuf) };
        ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
             cm = CMSG_NXTHDR(&mh, cm)) {
            size_t n;

            if (cm->cmsg_level != SOL_SOCKET ||
                cm->cmsg_type != SCM_RIGHTS) {
                continue;
            }
            n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < n; i++) {
                int one;

                memcpy(&one, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                if (*nfds < max_fds) {
                    fds[(*nfds)++] = one;
                } else {
                    close(one);
                }
            }
        }
        got += r;
    }
    return true;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* Map @fd at @offset over @rb's host memory, at the same address. */
static bool cpr_map_block(RAMBlock *rb, uint64_t used, int fd,
                          uint64_t offset, Error **errp)
{
    struct stat st;
    void *p;

    if (used != rb->used_length) {
        error_setg(errp, "cpr-transfer: RAM block '%s' is 0x%" PRIx64
                   " bytes here, 0x%" PRIx64 " on the source", rb->idstr,
                   rb->used_length, used);
        return false;
    }
    if (!rb->host) {
        error_setg(errp, "cpr-transfer: RAM block '%s' has no memory here",
                   rb->idstr);
        return false;
    }
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < offset + used) {
        error_setg(errp, "cpr-transfer: the descriptor of RAM block '%s' "
                   "is smaller than the block", rb->idstr);
        return false;
    }
    /*
     * MAP_FIXED over the block's own mapping: the host address stays, so
     * accel tcg's and the memory API's pointers into it stay valid.
     */
    p = mmap(rb->host, used, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
             fd, offset);
    if (p == MAP_FAILED) {
        error_setg(errp, "cpr-transfer: cannot map RAM block '%s': %s",
                   rb->idstr, g_strerror(errno));
        return false;
    }
    /* The backend keeps (and closes) its own descriptor. */
    rb->fd = fd;
    rb->fd_offset = offset;
    rb->flags |= RAM_SHARED;
    return true;
}

bool cpr_transfer_recv(int fd, Error **errp)
{
    uint8_t head[CPR_MAGIC_LEN + 4];
    int fds[CPR_MAX_FDS];
    size_t nfds = 0, pos = 4;
    g_autofree uint8_t *body = NULL;
    uint32_t len, count;
    ssize_t r;
    bool ok = false;

    do {
        r = recv(fd, head, CPR_MAGIC_LEN, MSG_PEEK | MSG_WAITALL);
    } while (r < 0 && errno == EINTR);
    if (r < CPR_MAGIC_LEN || memcmp(head, CPR_MAGIC, CPR_MAGIC_LEN)) {
        /* A normal stream (or a short one the loader will report). */
        return true;
    }
    if (!recv_all(fd, head, sizeof(head), fds, CPR_MAX_FDS, &nfds)) {
        error_setg(errp, "cpr-transfer: the hand-over message ends early");
        goto out;
    }
    len = get_be32(head + CPR_MAGIC_LEN);
    if (len < 4 || len > 1024 * 1024) {
        error_setg(errp, "cpr-transfer: bad hand-over message length %u",
                   len);
        goto out;
    }
    body = g_malloc(len);
    if (!recv_all(fd, body, len, fds, CPR_MAX_FDS, &nfds)) {
        error_setg(errp, "cpr-transfer: the hand-over message ends early");
        goto out;
    }
    count = get_be32(body);
    if (count != nfds) {
        error_setg(errp, "cpr-transfer: %u RAM blocks announced, %zu "
                   "descriptors received", count, nfds);
        goto out;
    }
    for (uint32_t i = 0; i < count; i++) {
        char idstr[256];
        uint8_t n;
        RAMBlock *rb;

        if (pos + 1 > len || pos + 1 + body[pos] + 16 > len) {
            error_setg(errp, "cpr-transfer: the hand-over message is "
                       "corrupt");
            goto out;
        }
        n = body[pos];
        memcpy(idstr, body + pos + 1, n);
        idstr[n] = '\0';
        pos += 1 + n;
        rb = ram_block_by_name(idstr);
        if (!rb) {
            error_setg(errp, "cpr-transfer: the source's RAM block '%s' "
                       "does not exist here", idstr);
            goto out;
        }
        if (!cpr_map_block(rb, get_be64(body + pos), fds[i],
                           get_be64(body + pos + 8), errp)) {
            goto out;
        }
        fds[i] = -1;        /* the block has it now */
        pos += 16;
    }
    ok = true;
out:
    for (size_t i = 0; i < nfds; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    return ok;
}
