/*
 * Error reporting.
 *
 * Every fallible function takes an `Error **errp` as its last argument and
 * returns a value that tells success (bool, or a pointer that is NULL on
 * failure).  On failure it sets *errp with error_setg(); on success it leaves
 * *errp alone.  Callers may pass NULL to ignore the error, or &error_abort
 * when failure would be a programming error.
 *
 * Only the top level (softmmu/vl.c, the monitor) reports errors to the user;
 * nothing below it prints or exits.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include <stdbool.h>
#include <glib.h>

typedef struct Error Error;

/* QMP error classes, with the names QEMU puts on the wire. */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

/* Pass &error_abort where an error can only be a bug: it aborts. */
extern Error *error_abort;

/* Set *errp to a new error with a printf-style message (class Generic). */
#define error_setg(errp, ...) \
    error_set_internal((errp), ERROR_CLASS_GENERIC_ERROR, __FILE__, __LINE__, \
                       __VA_ARGS__)
/* Same, with an explicit QMP error class. */
#define error_set(errp, cls, ...) \
    error_set_internal((errp), (cls), __FILE__, __LINE__, __VA_ARGS__)
/* Same as error_setg(), appending ": strerror(os_errno)". */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_errno_internal((errp), (os_errno), __FILE__, __LINE__, \
                              __VA_ARGS__)

void error_set_internal(Error **errp, ErrorClass cls, const char *file,
                        int line, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp, int os_errno, const char *file,
                               int line, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

/*
 * Move @local_err into *@dst_errp.  If @dst_errp is NULL the error is freed;
 * if *@dst_errp is already set, @local_err is dropped (first error wins).
 */
void error_propagate(Error **dst_errp, Error *local_err);

/* Prefix the message of *@errp (if set) with a formatted string. */
void error_prepend(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Append a hint, printed on its own line(s) after the message. */
void error_append_hint(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);
ErrorClass error_get_class(const Error *err);
/* The QMP wire name of a class, e.g. "GenericError". */
const char *error_class_name(ErrorClass cls);
Error *error_copy(const Error *err);
void error_free(Error *err);
/* Free *errp and set it to NULL, if set. */
void error_free_or_abort(Error **errp);

/*
 * Report to stderr as "PROGNAME: message" (plus hint), then free the error.
 * Only top-level code calls these.
 */
void error_report_err(Error *err);
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Program name used as the message prefix; defaults to "memvm". */
void error_set_progname(const char *argv0);
/* -msg timestamp=on: reports start with the UTC time. */
void error_set_timestamps(bool on);
const char *error_get_progname(void);

/* Scoped local error helper: g_auto(ErrorPtr) err = NULL; */
typedef Error *ErrorPtr;
void error_free_ptr(Error *err);
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(ErrorPtr, error_free_ptr, NULL)

#endif
