/*
 * Error objects: a message, an optional hint and a QMP class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "qapi/error.h"

struct Error {
    char *msg;
    GString *hint;
    ErrorClass cls;
    const char *src_file;
    int src_line;
};

/* A unique address that error_set_internal() recognises. */
Error *error_abort;

static char *progname;

void error_set_progname(const char *argv0)
{
    g_free(progname);
    progname = g_path_get_basename(argv0);
}

const char *error_get_progname(void)
{
    return progname ? progname : "memvm";
}

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error in %s:%d:\n%s: %s\n",
                err->src_file, err->src_line, error_get_progname(), err->msg);
        abort();
    }
    if (errp == NULL) {
        error_free(err);
        return;
    }
    /* Setting an error twice hides the first one: that is a bug. */
    g_assert(*errp == NULL);
    *errp = err;
}

static void error_setv(Error **errp, ErrorClass cls, const char *file,
                       int line, int os_errno, const char *fmt, va_list ap)
{
    Error *err;
    int saved_errno = errno;

    if (errp == NULL) {
        return;
    }
    err = g_new0(Error, 1);
    err->msg = g_strdup_vprintf(fmt, ap);
    if (os_errno != 0) {
        char *full = g_strdup_printf("%s: %s", err->msg, g_strerror(os_errno));
        g_free(err->msg);
        err->msg = full;
    }
    err->cls = cls;
    err->src_file = file;
    err->src_line = line;
    error_handle(errp, err);
    errno = saved_errno;
}

void error_set_internal(Error **errp, ErrorClass cls, const char *file,
                        int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, cls, file, line, 0, fmt, ap);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, int os_errno, const char *file,
                               int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, ERROR_CLASS_GENERIC_ERROR, file, line, os_errno, fmt, ap);
    va_end(ap);
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp == &error_abort) {
        error_handle(dst_errp, local_err);
    } else if (dst_errp && !*dst_errp) {
        *dst_errp = local_err;
    } else {
        error_free(local_err);
    }
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *msg;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = msg;
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_abort) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

ErrorClass error_get_class(const Error *err)
{
    return err->cls;
}

const char *error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return "DeviceNotActive";
    case ERROR_CLASS_KVM_MISSING_CAP:
        return "KVMMissingCap";
    case ERROR_CLASS_GENERIC_ERROR:
    default:
        return "GenericError";
    }
}

Error *error_copy(const Error *err)
{
    Error *copy = g_new0(Error, 1);

    copy->msg = g_strdup(err->msg);
    copy->cls = err->cls;
    copy->src_file = err->src_file;
    copy->src_line = err->src_line;
    if (err->hint) {
        copy->hint = g_string_new(err->hint->str);
    }
    return copy;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, TRUE);
        }
        g_free(err);
    }
}

void error_free_ptr(Error *err)
{
    error_free(err);
}

void error_free_or_abort(Error **errp)
{
    g_assert(errp && *errp);
    error_free(*errp);
    *errp = NULL;
}

static bool error_timestamps;

void error_set_timestamps(bool on)
{
    error_timestamps = on;
}

/* "-msg timestamp=on" puts the UTC time first, as QEMU does. */
static void error_print_timestamp(void)
{
    if (error_timestamps) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *text = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");

        fprintf(stderr, "%s.%06dZ ", text, g_date_time_get_microsecond(now));
    }
}

void error_report_err(Error *err)
{
    error_print_timestamp();
    fprintf(stderr, "%s: %s\n", error_get_progname(), err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    error_print_timestamp();
    fprintf(stderr, "%s: ", error_get_progname());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    error_print_timestamp();
    fprintf(stderr, "%s: warning: ", error_get_progname());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
