/*
 * QEMUFile: the buffered, big-endian byte stream a migration is written to
 * and read from, over a file descriptor (pipe, socket, file) or, for the
 * loader's fuzz target and unit tests, over a memory buffer.
 *
 * Output gathers small puts in a 32 KiB buffer and queues guest pages as
 * iovecs without copying them (qemu_put_buffer_async), so one writev()
 * carries many pages.  Input reads ahead into the buffer.
 *
 * Errors are sticky: the first failure (host I/O error, end of stream,
 * corrupt data noticed by a loader) is recorded with a message; every
 * later put is dropped and every later get returns zeros, so callers check
 * qemu_file_get_error() at points of their choice rather than after each
 * call.  A QEMUFile is used by one thread at a time.
 */
#ifndef MIGRATION_QEMU_FILE_H
#define MIGRATION_QEMU_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qapi/error.h"

typedef struct QEMUFile QEMUFile;

/*
 * A stream over @fd; the QEMUFile owns @fd and closes it in qemu_fclose().
 * @name appears in error messages ("migration stream" when NULL).
 */
QEMUFile *qemu_file_new_output(int fd, const char *name);
QEMUFile *qemu_file_new_input(int fd, const char *name);
/* Read from @len bytes at @buf (not copied: it must outlive the file). */
QEMUFile *qemu_file_new_input_buffer(const uint8_t *buf, size_t len);
/*
 * Write into memory; qemu_file_output_buffer() returns what was written
 * so far (after a flush).  For unit tests and in-memory snapshots.
 */
QEMUFile *qemu_file_new_output_buffer(void);
const uint8_t *qemu_file_output_buffer(QEMUFile *f, size_t *len);

/*
 * Flush, close the fd and free.  Returns 0 or the stream's negative errno
 * (the first error, or the flush/close error).
 */
int qemu_fclose(QEMUFile *f);

/* The fd (-1 for buffers), e.g. to pass descriptors beside the stream. */
int qemu_file_get_fd(QEMUFile *f);

/* --- output ------------------------------------------------------------ */
void qemu_put_byte(QEMUFile *f, uint8_t v);
void qemu_put_be16(QEMUFile *f, uint16_t v);
void qemu_put_be32(QEMUFile *f, uint32_t v);
void qemu_put_be64(QEMUFile *f, uint64_t v);
/* Copy @len bytes into the stream. */
void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len);
/*
 * Queue @len bytes at @buf without copying; @buf must stay valid and
 * unchanged until the next qemu_fflush() (which a full queue triggers).
 * Guest pages are written this way.
 */
void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t len);
/* A byte length then the string (at most 255 bytes), as idstrs travel. */
void qemu_put_counted_string(QEMUFile *f, const char *str);
/* Write out everything queued; errors land in the error state. */
void qemu_fflush(QEMUFile *f);

/* --- input ------------------------------------------------------------- */
/* On end of stream or error these return 0 and set the error state. */
uint8_t qemu_get_byte(QEMUFile *f);
uint16_t qemu_get_be16(QEMUFile *f);
uint32_t qemu_get_be32(QEMUFile *f);
uint64_t qemu_get_be64(QEMUFile *f);
/* Read exactly @len bytes; returns the count read (less on error). */
size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len);
/*
 * Read a counted string into @buf (NUL-terminated, @buf holds 256);
 * false with the error state set when the stream ends.
 */
bool qemu_get_counted_string(QEMUFile *f, char buf[256]);
/*
 * Look at the byte @offset bytes ahead without consuming it; -1 at end
 * of stream (without setting the error state).  @offset < 256.
 */
int qemu_peek_byte(QEMUFile *f, size_t offset);
/* True at a clean end of stream (nothing more to read). */
bool qemu_file_at_eof(QEMUFile *f);

/* --- error state ------------------------------------------------------- */
/*
 * Record an error unless one is recorded already (the first one wins);
 * @ret is a negative errno.  Takes ownership of @err (may be NULL: a
 * generic message from @ret).
 */
void qemu_file_set_error_obj(QEMUFile *f, int ret, Error *err);
/* printf-style shorthand for qemu_file_set_error_obj(). */
void qemu_file_set_error(QEMUFile *f, int ret, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* 0, or the first error's negative errno. */
int qemu_file_get_error(QEMUFile *f);
/* Like qemu_file_get_error(), and copy the message into @errp. */
int qemu_file_get_error_obj(QEMUFile *f, Error **errp);

/* --- accounting and rate limiting -------------------------------------- */
/* Bytes put (output) or consumed (input) so far, queued ones included. */
uint64_t qemu_file_transferred(QEMUFile *f);
/*
 * Bandwidth limit in bytes per second (0: none).  qemu_file_rate_limit()
 * is true when the bytes of the current 100 ms window exceed their share;
 * a writer then calls qemu_file_rate_wait(), which sleeps to the window's
 * end.
 */
void qemu_file_set_rate_limit(QEMUFile *f, uint64_t bytes_per_sec);
bool qemu_file_rate_limit(QEMUFile *f);
void qemu_file_rate_wait(QEMUFile *f);

#endif
