/*
 * QEMUFile: buffered big-endian stream over an fd or a memory buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <glib.h>

#include "migration/qemu-file.h"

/* QEMU's buffer size; small puts gather here between writes. */
#define IO_BUF_SIZE 32768
/*
 * Queued iovecs per writev(): pages alternate with their 8-byte headers,
 * so 512 entries carry 256 pages (1 MiB) per system call.
 */
#define MAX_IOV 512
#define RATE_WINDOW_NS (100 * 1000 * 1000ULL)

struct QEMUFile {
    bool is_output;
    int fd;                 /* -1 for memory buffers */
    char *name;
    uint8_t buf[IO_BUF_SIZE];
    size_t buf_index;       /* output: bytes used; input: read position */
    size_t buf_size;        /* input: bytes filled */
    size_t buf_iov_start;   /* output: first byte not yet in iov[] */
    struct iovec iov[MAX_IOV];
    int iovcnt;
    /* Memory input: the source; memory output: the sink. */
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    GByteArray *out_mem;
    bool at_eof;            /* input: the fd/buffer has no more bytes */
    int last_error;
    Error *err;
    uint64_t total;         /* bytes put or consumed */
    uint64_t rate_limit;    /* bytes/s, 0: none */
    int64_t window_start;   /* monotonic ns */
    uint64_t window_bytes;
};

static QEMUFile *qemu_file_new(int fd, const char *name, bool output)
{
    QEMUFile *f = g_new0(QEMUFile, 1);

    f->fd = fd;
    f->is_output = output;
    f->name = g_strdup(name ? name : "migration stream");
    return f;
}

QEMUFile *qemu_file_new_output(int fd, const char *name)
{
    return qemu_file_new(fd, name, true);
}

QEMUFile *qemu_file_new_input(int fd, const char *name)
{
    return qemu_file_new(fd, name, false);
}

QEMUFile *qemu_file_new_input_buffer(const uint8_t *buf, size_t len)
{
    QEMUFile *f = qemu_file_new(-1, NULL, false);

    f->mem = buf;
    f->mem_len = len;
    return f;
}

QEMUFile *qemu_file_new_output_buffer(void)
{
    QEMUFile *f = qemu_file_new(-1, NULL, true);

    f->out_mem = g_byte_array_new();
    return f;
}

const uint8_t *qemu_file_output_buffer(QEMUFile *f, size_t *len)
{
    qemu_fflush(f);
    *len = f->out_mem->len;
    return f->out_mem->data;
}

int qemu_file_get_fd(QEMUFile *f)
{
    return f->fd;
}

/* --- errors --------------------------------------------------------- */

void qemu_file_set_error_obj(QEMUFile *f, int ret, Error *err)
{
    if (f->last_error) {
        error_free(err);
        return;
    }
    f->last_error = ret < 0 ? ret : -EIO;
    if (!err) {
        error_setg(&err, "%s: %s", f->name, g_strerror(-f->last_error));
    }
    f->err = err;
}

void qemu_file_set_error(QEMUFile *f, int ret, const char *fmt, ...)
{
    Error *err = NULL;
    va_list ap;
    char *msg;

    if (f->last_error) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&err, "%s", msg);
    g_free(msg);
    qemu_file_set_error_obj(f, ret, err);
}

int qemu_file_get_error(QEMUFile *f)
{
    return f->last_error;
}

int qemu_file_get_error_obj(QEMUFile *f, Error **errp)
{
    if (f->last_error && errp) {
        *errp = error_copy(f->err);
    }
    return f->last_error;
}

/* --- output --------------------------------------------------------- */

static void add_iov(QEMUFile *f, const uint8_t *base, size_t len)
{
    struct iovec *last = f->iovcnt ? &f->iov[f->iovcnt - 1] : NULL;

    /* Neighbouring pages of one block go out as one iovec. */
    if (last && (uint8_t *)last->iov_base + last->iov_len == base) {
        last->iov_len += len;
        return;
    }
    f->iov[f->iovcnt].iov_base = (void *)base;
    f->iov[f->iovcnt].iov_len = len;
    f->iovcnt++;
}

/* Move the small puts gathered since the last iovec into the queue. */
static void queue_buffered(QEMUFile *f)
{
    if (f->buf_index > f->buf_iov_start) {
        add_iov(f, f->buf + f->buf_iov_start, f->buf_index - f->buf_iov_start);
        f->buf_iov_start = f->buf_index;
    }
}

static void write_all(QEMUFile *f, struct iovec *iov, int cnt)
{
    while (cnt > 0) {
        ssize_t n = writev(f->fd, iov, MIN(cnt, IOV_MAX));

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            qemu_file_set_error(f, -errno, "%s: write failed: %s", f->name,
                                g_strerror(errno));
            return;
        }
        /* Skip what went out; a partial write leaves a partial iovec. */
        while (cnt > 0 && (size_t)n >= iov->iov_len) {
            n -= iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + n;
            iov->iov_len -= n;
        }
    }
}

void qemu_fflush(QEMUFile *f)
{
    if (!f->is_output) {
        return;
    }
    queue_buffered(f);
    if (!f->last_error && f->iovcnt) {
        if (f->out_mem) {
            for (int i = 0; i < f->iovcnt; i++) {
                g_byte_array_append(f->out_mem, f->iov[i].iov_base,
                                    f->iov[i].iov_len);
            }
        } else {
            write_all(f, f->iov, f->iovcnt);
        }
    }
    f->iovcnt = 0;
    f->buf_index = 0;
    f->buf_iov_start = 0;
}

static void account(QEMUFile *f, size_t len)
{
    f->total += len;
    f->window_bytes += len;
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len)
{
    if (f->last_error) {
        return;
    }
    account(f, len);
    while (len) {
        size_t n = MIN(len, IO_BUF_SIZE - f->buf_index);

        memcpy(f->buf + f->buf_index, buf, n);
        f->buf_index += n;
        buf += n;
        len -= n;
        if (f->buf_index == IO_BUF_SIZE || f->iovcnt >= MAX_IOV - 1) {
            qemu_fflush(f);
        }
    }
}

void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t len)
{
    if (f->last_error) {
        return;
    }
    account(f, len);
    queue_buffered(f);
    add_iov(f, buf, len);
    if (f->iovcnt >= MAX_IOV - 1) {
        qemu_fflush(f);
    }
}

void qemu_put_byte(QEMUFile *f, uint8_t v)
{
    if (f->last_error) {
        return;
    }
    account(f, 1);
    f->buf[f->buf_index++] = v;
    if (f->buf_index == IO_BUF_SIZE || f->iovcnt >= MAX_IOV - 1) {
        qemu_fflush(f);
    }
}

void qemu_put_be16(QEMUFile *f, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be32(QEMUFile *f, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    qemu_put_be32(f, v >> 32);
    qemu_put_be32(f, v);
}

void qemu_put_counted_string(QEMUFile *f, const char *str)
{
    size_t len = strlen(str);

    g_assert(len < 256);
    qemu_put_byte(f, len);
    qemu_put_buffer(f, (const uint8_t *)str, len);
}

/* --- input ---------------------------------------------------------- */

/* Read what the source has into @dst (up to @len); 0 at end. */
static size_t read_some(QEMUFile *f, uint8_t *dst, size_t len)
{
    if (f->at_eof || f->last_error) {
        return 0;
    }
    if (f->fd < 0) {
        size_t n = MIN(len, f->mem_len - f->mem_pos);

        memcpy(dst, f->mem + f->mem_pos, n);
        f->mem_pos += n;
        if (!n) {
            f->at_eof = true;
        }
        return n;
    }
    for (;;) {
        ssize_t n = read(f->fd, dst, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            qemu_file_set_error(f, -errno, "%s: read failed: %s", f->name,
                                g_strerror(errno));
            return 0;
        }
        if (!n) {
            f->at_eof = true;
        }
        return n;
    }
}

/* Make at least @want bytes available after buf_index; false if not. */
static bool fill(QEMUFile *f, size_t want)
{
    g_assert(want <= IO_BUF_SIZE);
    if (f->buf_size - f->buf_index >= want) {
        return true;
    }
    memmove(f->buf, f->buf + f->buf_index, f->buf_size - f->buf_index);
    f->buf_size -= f->buf_index;
    f->buf_index = 0;
    while (f->buf_size < want) {
        size_t n = read_some(f, f->buf + f->buf_size,
                             IO_BUF_SIZE - f->buf_size);

        if (!n) {
            return false;
        }
        f->buf_size += n;
    }
    return true;
}

static void set_eof_error(QEMUFile *f)
{
    qemu_file_set_error(f, -EIO, "%s: unexpected end of stream after %"
                        PRIu64 " bytes", f->name, f->total);
}

size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len && !f->last_error) {
        size_t avail = f->buf_size - f->buf_index;

        if (avail) {
            size_t n = MIN(avail, len - done);

            memcpy(buf + done, f->buf + f->buf_index, n);
            f->buf_index += n;
            done += n;
        } else if (len - done >= IO_BUF_SIZE) {
            /* Big reads (pages) skip the buffer. */
            size_t n = read_some(f, buf + done, len - done);

            if (!n) {
                break;
            }
            done += n;
        } else if (!fill(f, 1)) {
            break;
        }
    }
    f->total += done;
    if (done < len) {
        /* A short read yields zeros, as the header promises. */
        memset(buf, 0, len);
        set_eof_error(f);
    }
    return done;
}

uint8_t qemu_get_byte(QEMUFile *f)
{
    if (f->last_error || !fill(f, 1)) {
        set_eof_error(f);
        return 0;
    }
    f->total++;
    return f->buf[f->buf_index++];
}

uint16_t qemu_get_be16(QEMUFile *f)
{
    uint8_t b[2];

    qemu_get_buffer(f, b, sizeof(b));
    return (uint16_t)b[0] << 8 | b[1];
}

uint32_t qemu_get_be32(QEMUFile *f)
{
    uint8_t b[4];

    qemu_get_buffer(f, b, sizeof(b));
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    uint64_t hi = qemu_get_be32(f);

    return hi << 32 | qemu_get_be32(f);
}

bool qemu_get_counted_string(QEMUFile *f, char buf[256])
{
    size_t len = qemu_get_byte(f);

    qemu_get_buffer(f, (uint8_t *)buf, len);
    buf[len] = '\0';
    return !f->last_error;
}

int qemu_peek_byte(QEMUFile *f, size_t offset)
{
    g_assert(offset < 256);
    if (f->last_error || !fill(f, offset + 1)) {
        return -1;
    }
    return f->buf[f->buf_index + offset];
}

bool qemu_file_at_eof(QEMUFile *f)
{
    return !f->last_error && !fill(f, 1);
}

/* --- rate limiting -------------------------------------------------- */

void qemu_file_set_rate_limit(QEMUFile *f, uint64_t bytes_per_sec)
{
    f->rate_limit = bytes_per_sec;
}

static void rate_window_roll(QEMUFile *f)
{
    int64_t now = g_get_monotonic_time() * 1000;

    if (now - f->window_start >= (int64_t)RATE_WINDOW_NS) {
        f->window_start = now;
        f->window_bytes = 0;
    }
}

bool qemu_file_rate_limit(QEMUFile *f)
{
    if (f->last_error) {
        return true;
    }
    if (!f->rate_limit) {
        return false;
    }
    rate_window_roll(f);
    return f->window_bytes >= f->rate_limit / 10;
}

void qemu_file_rate_wait(QEMUFile *f)
{
    int64_t now = g_get_monotonic_time() * 1000;
    int64_t end = f->window_start + RATE_WINDOW_NS;

    qemu_fflush(f);
    if (end > now) {
        g_usleep((end - now) / 1000);
    }
    rate_window_roll(f);
}

int qemu_fclose(QEMUFile *f)
{
    int ret;

    qemu_fflush(f);
    ret = f->last_error;
    if (f->fd >= 0 && close(f->fd) < 0 && !ret) {
        ret = -errno;
    }
    if (f->out_mem) {
        g_byte_array_unref(f->out_mem);
    }
    error_free(f->err);
    g_free(f->name);
    g_free(f);
    return ret;
}

uint64_t qemu_file_transferred(QEMUFile *f)
{
    return f->total;
}
