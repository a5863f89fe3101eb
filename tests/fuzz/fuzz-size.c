/*
 * libFuzzer target for the size and number parsers and size_to_str()
 * (util/cutils.c).  Besides crashes and leaks it checks properties that
 * must hold for any input, so that a wrong answer also stops the fuzzer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/cutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each unit with and without an end pointer; results must agree. */
static void check_strtosz(const char *str, uint64_t unit)
{
    const char *end = NULL;
    uint64_t whole = 0, prefix = 0;
    int ret_whole, ret_prefix;

    ret_whole = qemu_strtosz_unit(str, NULL, unit, &whole);
    ret_prefix = qemu_strtosz_unit(str, &end, unit, &prefix);
    g_assert(ret_whole == 0 || ret_whole == -EINVAL || ret_whole == -ERANGE);
    g_assert(ret_prefix == 0 || ret_prefix == -EINVAL ||
             ret_prefix == -ERANGE);
    g_assert(end >= str && end <= str + strlen(str));
    if (ret_whole == 0) {
        /* Accepting the whole string means the prefix parse used it all. */
        g_assert(ret_prefix == 0 && *end == '\0' && prefix == whole);
    }
    if (ret_prefix == -EINVAL) {
        g_assert(end == str);
    }
    if (ret_prefix == 0 && *end == '\0') {
        g_assert(ret_whole == 0);
    }
}

static void check_size_to_str(uint64_t val)
{
    char *s = size_to_str(val);

    /* At most "1e+03 KiB"-like: three digits, a unit, no garbage. */
    g_assert(s && strlen(s) <= 12 && g_str_has_suffix(s, "B"));
    g_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *str = g_strndup((const char *)data, size);
    GArray *list = g_array_new(FALSE, FALSE, sizeof(guint64));
    Error *err = NULL;
    uint64_t val = 0;
    bool b;

    check_strtosz(str, 1);
    check_strtosz(str, MiB);
    check_strtosz(str, 3);

    if (parse_option_size("size", str, MiB, &val, &err)) {
        check_size_to_str(val);
    } else {
        g_assert(err);
        error_free(err);
        err = NULL;
    }
    if (!parse_property_size("size", str, &val, &err)) {
        error_free(err);
        err = NULL;
    }
    if (!parse_option_bool("prealloc", str, &b, &err)) {
        error_free(err);
        err = NULL;
    }
    if (!parse_option_number("slots", str, UINT32_MAX, &val, &err)) {
        error_free(err);
        err = NULL;
    }
    if (!parse_property_uint("prealloc-threads", str, UINT32_MAX, &val,
                             &err)) {
        error_free(err);
        err = NULL;
    }
    /* A small maximum keeps ranges short enough to fuzz quickly. */
    if (parse_option_uint_list("host-nodes", str, 1023, list, &err)) {
        g_assert(list->len > 0);
        for (guint i = 0; i < list->len; i++) {
            g_assert(g_array_index(list, guint64, i) <= 1023);
        }
    } else {
        g_assert(list->len == 0);
        error_free(err);
        err = NULL;
    }

    /* The input bytes as a number, for size_to_str() on any value. */
    val = 0;
    if (size) {
        memcpy(&val, data, MIN(size, sizeof(val)));
    }
    check_size_to_str(val);

    g_array_unref(list);
    g_free(str);
    return 0;
}
