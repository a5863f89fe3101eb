/*
 * libFuzzer target for option strings (util/qemu-option.c): both parsers,
 * then every accessor on the result.
 */
#include <string.h>

#include "qemu/option.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(QemuOpts *opts)
{
    static const char *const names[] = { "size", "slots", "maxmem", NULL };
    Error *err = NULL;
    char **all;
    char *taken;
    unsigned count = qemu_opts_count(opts);

    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->list, i);

        g_assert(opt->name && opt->value);
        /* The last value for a name is the one qemu_opt_get() returns. */
        g_assert(qemu_opt_get(opts, opt->name) != NULL);
        is_help_option(opt->value);
    }
    for (guint i = 0; i < opts->warnings->len; i++) {
        g_assert(error_get_pretty(g_ptr_array_index(opts->warnings, i)));
    }
    if (!qemu_opts_check_names(opts, names, &err)) {
        g_assert(g_str_has_prefix(error_get_pretty(err),
                                  "Invalid parameter '"));
        error_free(err);
    }
    all = qemu_opt_get_all(opts, "size");
    taken = qemu_opt_take(opts, "size");
    if (all[0]) {
        g_assert_cmpstr(taken, ==, all[g_strv_length(all) - 1]);
        g_assert(qemu_opts_count(opts) == count - g_strv_length(all));
    } else {
        g_assert(taken == NULL && qemu_opts_count(opts) == count);
    }
    g_assert(qemu_opt_get(opts, "size") == NULL);
    qemu_opt_set(opts, "size", "1G");
    g_assert_cmpstr(qemu_opt_get(opts, "size"), ==, "1G");
    g_strfreev(all);
    g_free(taken);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *str = g_strndup((const char *)data, size);
    static const char *const implied[] = { NULL, "size", "type" };
    Error *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(implied); i++) {
        QemuOpts *opts = qemu_opts_parse(str, implied[i], &err);

        /* QemuOpts syntax accepts every string. */
        g_assert(opts && !err);
        exercise(opts);
        qemu_opts_free(opts);

        opts = qemu_opts_parse_keyval(str, implied[i], &err);
        if (opts) {
            g_assert(!err);
            exercise(opts);
            qemu_opts_free(opts);
        } else {
            g_assert(err);
            error_free(err);
            err = NULL;
        }
    }
    g_free(str);
    return 0;
}
