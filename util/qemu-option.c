/*
 * Option strings "value,key=val,..." with QEMU 7.2's two parsers: QemuOpts
 * (lenient, flags allowed) and keyval (strict keys).  See qemu/option.h.
 */
#include <string.h>

#include "qemu/option.h"

/* Keyval key fragments live in a 128-byte buffer in QEMU. */
#define KEYVAL_FRAGMENT_MAX 127

static void opt_free(gpointer data)
{
    QemuOpt *opt = data;

    g_free(opt->name);
    g_free(opt->value);
    g_free(opt);
}

static void warning_free(gpointer data)
{
    error_free(data);
}

static QemuOpts *opts_new(void)
{
    QemuOpts *opts = g_new0(QemuOpts, 1);

    opts->list = g_ptr_array_new_with_free_func(opt_free);
    opts->warnings = g_ptr_array_new_with_free_func(warning_free);
    return opts;
}

/* Append an option, taking ownership of @name and @value. */
static void opts_append(QemuOpts *opts, char *name, char *value)
{
    QemuOpt *opt = g_new(QemuOpt, 1);

    opt->name = name;
    opt->value = value;
    g_ptr_array_add(opts->list, opt);
}

/*
 * Read a value that ends at a single ',' or at the end; ",," stands for
 * one ','.  Returns where the next element starts (after that ',').
 */
static const char *read_value(const char *s, char **value)
{
    GString *buf = g_string_new(NULL);

    while (*s) {
        if (*s == ',') {
            s++;
            if (*s != ',') {
                break;
            }
        }
        g_string_append_c(buf, *s++);
    }
    *value = g_string_free(buf, FALSE);
    return s;
}

bool is_help_option(const char *value)
{
    return !strcmp(value, "help") || !strcmp(value, "?");
}

/*
 * A QemuOpts element without '=': "foo" is foo=on, "nofoo" foo=off.
 * QEMU 7.2 warns that this short form is deprecated, and since the
 * replacement for "delay" is spelt "nodelay=on", it says so.
 */
static void add_flag(QemuOpts *opts, const char *word, size_t len)
{
    g_autofree char *full = g_strndup(word, len);
    bool negated = g_str_has_prefix(full, "no");
    const char *name = negated ? full + 2 : full;
    const char *value = negated ? "off" : "on";
    Error *warning = NULL;

    if (!negated && is_help_option(name)) {
        opts->help = true;
        return;
    }
    error_setg(&warning, "short-form boolean option '%s' deprecated", full);
    if (!strcmp(name, "delay")) {
        error_append_hint(&warning, "Please use nodelay=%s instead\n",
                          negated ? "on" : "off");
    } else {
        error_append_hint(&warning, "Please use %s=%s instead\n", name,
                          value);
    }
    g_ptr_array_add(opts->warnings, warning);
    opts_append(opts, g_strdup(name), g_strdup(value));
}

QemuOpts *qemu_opts_parse(const char *str, const char *implied_key,
                          Error **errp)
{
    QemuOpts *opts = opts_new();
    const char *p = str;

    while (*p) {
        size_t len = strcspn(p, "=,");
        char *value;

        if (p[len] == '=') {
            char *name = g_strndup(p, len);

            p = read_value(p + len + 1, &value);
            opts_append(opts, name, value);
        } else if (implied_key) {
            p = read_value(p, &value);
            opts_append(opts, g_strdup(implied_key), value);
        } else {
            add_flag(opts, p, len);
            p += len;
            if (*p == ',') {
                p++;
            }
        }
        /* Only the very first element may omit its key. */
        implied_key = NULL;
    }
    return opts;
}

/*
 * Length of the QAPI name at the start of @s, 0 if there is none: a letter
 * then letters, digits, '-' and '_', optionally after a downstream prefix
 * "__RFQDN_" whose RFQDN may also hold '.'.
 */
static size_t qapi_name_len(const char *s)
{
    const char *p = s;

    if (*p == '_') {
        if (p[1] != '_') {
            return 0;
        }
        p += 2;
        while (g_ascii_isalnum(*p) || *p == '-' || *p == '.') {
            p++;
        }
        if (*p != '_') {
            return 0;
        }
        p++;
    }
    if (!g_ascii_isalpha(*p)) {
        return 0;
    }
    p++;
    while (g_ascii_isalnum(*p) || *p == '-' || *p == '_') {
        p++;
    }
    return p - s;
}

/*
 * Check a keyval key of @len bytes: '.'-separated fragments, the first a
 * QAPI name, the others a name or a list index (digits).
 */
static bool keyval_check_key(const char *key, size_t len, Error **errp)
{
    const char *end = key + len;
    const char *s = key;

    for (;;) {
        size_t flen = 0;

        if (s != key && g_ascii_isdigit(*s)) {
            while (g_ascii_isdigit(s[flen])) {
                flen++;
            }
        } else {
            flen = qapi_name_len(s);
        }
        if (!flen || (s + flen < end && s[flen] != '.')) {
            error_setg(errp, "Invalid parameter '%.*s'", (int)len, key);
            return false;
        }
        if (flen > KEYVAL_FRAGMENT_MAX) {
            bool fragment = s != key || s + flen != end;

            error_setg(errp, "Parameter%s '%.*s' is too long",
                       fragment ? " fragment" : "", (int)flen, s);
            return false;
        }
        s += flen;
        if (*s != '.') {
            return true;
        }
        s++;
    }
}

/* Keyval keeps one value per key: the last one given, in first's place. */
static void keyval_put(QemuOpts *opts, char *name, char *value)
{
    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i);

        if (!strcmp(opt->name, name)) {
            g_free(name);
            g_free(opt->value);
            opt->value = value;
            return;
        }
    }
    opts_append(opts, name, value);
}

QemuOpts *qemu_opts_parse_keyval(const char *str, const char *implied_key,
                                 Error **errp)
{
    g_autoptr(QemuOpts) opts = opts_new();
    const char *p = str;

    while (*p) {
        size_t len = strcspn(p, "=,");
        char *name, *value;

        if (len && p[len] != '=') {
            bool help = (len == 4 && !strncmp(p, "help", 4)) ||
                        (len == 1 && *p == '?');

            if (help || implied_key) {
                if (help) {
                    opts->help = true;
                } else {
                    /* Unlike QemuOpts, the implied value has no escapes. */
                    keyval_put(opts, g_strdup(implied_key),
                               g_strndup(p, len));
                }
                p += len;
                if (*p == ',') {
                    p++;
                }
                implied_key = NULL;
                continue;
            }
        }
        if (!keyval_check_key(p, len, errp)) {
            return NULL;
        }
        if (p[len] != '=') {
            error_setg(errp, "Expected '=' after parameter '%.*s'", (int)len,
                       p);
            return NULL;
        }
        name = g_strndup(p, len);
        p = read_value(p + len + 1, &value);
        keyval_put(opts, name, value);
        implied_key = NULL;
    }
    return g_steal_pointer(&opts);
}

void qemu_opts_free(QemuOpts *opts)
{
    if (!opts) {
        return;
    }
    g_ptr_array_unref(opts->list);
    g_ptr_array_unref(opts->warnings);
    g_free(opts);
}

const char *qemu_opt_get(const QemuOpts *opts, const char *name)
{
    for (guint i = opts->list->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i - 1);

        if (!strcmp(opt->name, name)) {
            return opt->value;
        }
    }
    return NULL;
}

char **qemu_opt_get_all(const QemuOpts *opts, const char *name)
{
    GPtrArray *values = g_ptr_array_new();

    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i);

        if (!strcmp(opt->name, name)) {
            g_ptr_array_add(values, g_strdup(opt->value));
        }
    }
    g_ptr_array_add(values, NULL);
    return (char **)g_ptr_array_free(values, FALSE);
}

char *qemu_opt_take(QemuOpts *opts, const char *name)
{
    char *last = NULL;
    guint i = 0;

    while (i < opts->list->len) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i);

        if (strcmp(opt->name, name)) {
            i++;
            continue;
        }
        g_free(last);
        last = g_steal_pointer(&opt->value);
        /* Keeps the order of the remaining options. */
        g_ptr_array_remove_index(opts->list, i);
    }
    return last;
}

void qemu_opt_set(QemuOpts *opts, const char *name, const char *value)
{
    opts_append(opts, g_strdup(name), g_strdup(value));
}

unsigned qemu_opts_count(const QemuOpts *opts)
{
    return opts->list->len;
}

bool qemu_opts_check_names(const QemuOpts *opts, const char *const *accepted,
                           Error **errp)
{
    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i);

        if (!g_strv_contains(accepted, opt->name)) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            return false;
        }
    }
    return true;
}
