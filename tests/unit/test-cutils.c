/*
 * Tests for size and number parsing and size_to_str() (util/cutils.c).
 *
 * Expected values and messages were taken from QEMU 7.2 itself: sizes
 * from "-object memory-backend-ram,size=V" read back with qom-get, -m
 * messages from "qemu-system-x86_64 -m V", size_to_str() output from
 * "qemu-img info".
 */
#include <errno.h>
#include "qemu/cutils.h"

typedef struct SizeCase {
    const char *str;
    uint64_t unit;
    int ret;
    uint64_t val;       /* only checked when ret == 0 */
} SizeCase;

static void check_sizes(const SizeCase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const SizeCase *c = &cases[i];
        uint64_t val = 0xdeadbeef;
        int ret;

        g_test_message("size '%s' unit %" G_GUINT64_FORMAT, c->str, c->unit);
        ret = qemu_strtosz_unit(c->str, NULL, c->unit, &val);
        g_assert_cmpint(ret, ==, c->ret);
        if (c->ret == 0) {
            g_assert_cmpuint(val, ==, c->val);
        } else {
            /* Failure leaves the result alone. */
            g_assert_cmpuint(val, ==, 0xdeadbeef);
        }
    }
}

static void test_strtosz_plain(void)
{
    static const SizeCase cases[] = {
        { "0", 1, 0, 0 },
        { "1", 1, 0, 1 },
        { "4096", 1, 0, 4096 },
        { "12345678901234567", 1, 0, 12345678901234567ULL },
        { "18446744073709551615", 1, 0, UINT64_MAX },
        { "007", 1, 0, 7 },             /* no octal */
        { "512", MiB, 0, 512 * MiB },
        { "3", KiB, 0, 3 * KiB },
        { " 1", 1, 0, 1 },              /* leading space, as strtoull */
        { "\t\n1", 1, 0, 1 },
        { "+1", 1, 0, 1 },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_suffixes(void)
{
    static const SizeCase cases[] = {
        { "1b", 1, 0, 1 },
        { "1B", MiB, 0, 1 },            /* B beats the default unit */
        { "1k", 1, 0, KiB },
        { "1K", 1, 0, KiB },
        { "1m", 1, 0, MiB },
        { "1M", 1, 0, MiB },
        { "1g", 1, 0, GiB },
        { "1G", 1, 0, GiB },
        { "1t", 1, 0, TiB },
        { "1T", 1, 0, TiB },
        { "1p", 1, 0, PiB },
        { "2P", 1, 0, 2 * PiB },
        { "1e", 1, 0, EiB },
        { "8E", 1, 0, 8 * EiB },
        { "1k", MiB, 0, KiB },
        { " 1k", 1, 0, KiB },
        { "+1k", 1, 0, KiB },
        { "010k", 1, 0, 10 * KiB },
        { "4095p", 1, 0, 4095 * PiB },
        { "123T", 1, 0, 135239930216448ULL },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_fractions(void)
{
    static const SizeCase cases[] = {
        { "1.5k", 1, 0, 1536 },
        { "1.1k", 1, 0, 1126 },
        { "0.1G", 1, 0, 107374182 },
        { "0.5M", 1, 0, 512 * KiB },
        { "1.5", MiB, 0, 3 * 512 * KiB },   /* the default unit scales */
        { "1.0000001k", 1, 0, 1024 },
        { "1.k", 1, 0, KiB },           /* a dot without digits */
        { "1.G", 1, 0, GiB },
        { "1.0", 1, 0, 1 },             /* zero fraction needs no unit */
        { "1.", 1, 0, 1 },
        { "0.00k", 1, 0, 0 },
        { "1.0b", 1, 0, 1 },
        { "1.5e", 1, 0, 1729382256910270464ULL },   /* e is exbibytes */
        { "1.5E", 1, 0, 1729382256910270464ULL },
        /* Half a byte rounds up, just less rounds down. */
        { "0.00048828125k", 1, 0, 1 },
        { "0.00048828124k", 1, 0, 0 },
        { "0.000488281251k", 1, 0, 1 },
        { "3.14159M", 1, 0, 3294196 },
        { "7.2159010k", 1, 0, 7389 },
        { "7.g", 1, 0, 7516192768ULL },
        { "4095.3g", 1, 0, 4397294891827ULL },
        { "65535.701687731M", 1, 0, 68719163933ULL },
        { "7.606071043195T", 1, 0, 8362963553683ULL },
        { "0.00000000000000000001E", 1, 0, 0 },
        /*
         * Largest values below 2^64: QEMU accepts them (it cannot allocate
         * them, so the exact values are ours, from the same arithmetic).
         */
        { "15.9999999999999999E", 1, 0, 18446744073709551488ULL },
        { "16383.99999999999999P", 1, 0, 18446744073709551605ULL },
        { "15.999999999999999E", 1, 0, 18446744073709550464ULL },
        /*
         * Deliberate difference: a fraction that rounds to 1.0 counts as
         * 1 (QEMU's conversion overflows to 0 and gives 1 MiB).
         */
        { "1.99999999999999999999M", 1, 0, 2 * MiB },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_hex(void)
{
    static const SizeCase cases[] = {
        { "0x10", 1, 0, 16 },
        { "0X1f", 1, 0, 31 },
        { "0x10", MiB, 0, 16 * MiB },
        { "0x10k", 1, 0, 16 * KiB },    /* deprecated in QEMU, accepted */
        { "0xak", 1, 0, 10 * KiB },
        { "0xffffffffffffffff", 1, 0, UINT64_MAX },
        { "0x3fffffffffffffk", 1, 0, 18446744073709550592ULL },
        { " 0x10", 1, 0, 16 },
        { "0x1.8k", 1, -EINVAL, 0 },
        { "0x", 1, -EINVAL, 0 },
        { "0xg", 1, -EINVAL, 0 },
        { "00x10", 1, -EINVAL, 0 },
        { "0x1p3", 1, -EINVAL, 0 },
        { "-0x10", 1, -EINVAL, 0 },
        { "0x10000000000000000", 1, -ERANGE, 0 },
        { "0x40000000000000k", 1, -ERANGE, 0 },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_invalid(void)
{
    static const SizeCase cases[] = {
        { "", 1, -EINVAL, 0 },
        { "abc", 1, -EINVAL, 0 },
        { "k", 1, -EINVAL, 0 },
        { "-1", 1, -EINVAL, 0 },
        { "-0", 1, -EINVAL, 0 },
        { " -1k", 1, -EINVAL, 0 },
        { "- 1", 1, -EINVAL, 0 },
        { "1-", 1, -EINVAL, 0 },
        { "1.5", 1, -EINVAL, 0 },       /* a fraction needs a scale */
        { "0.5b", 1, -EINVAL, 0 },
        { "1.5b", MiB, -EINVAL, 0 },
        { "0.1", 1, -EINVAL, 0 },
        { "1e3", 1, -EINVAL, 0 },       /* no exponents */
        { "1.5e3k", 1, -EINVAL, 0 },
        { "1.5e+3k", 1, -EINVAL, 0 },
        { "1k ", 1, -EINVAL, 0 },       /* no trailing junk */
        { "1kB", 1, -EINVAL, 0 },
        { "1kk", 1, -EINVAL, 0 },
        { "1 k", 1, -EINVAL, 0 },
        { "1,5k", 1, -EINVAL, 0 },
        { ".5k", 1, -EINVAL, 0 },
        { "1..5k", 1, -EINVAL, 0 },
        { "1.0x10", 1, -EINVAL, 0 },
        { "nan", 1, -EINVAL, 0 },
        { "inf", 1, -EINVAL, 0 },
        { "1.inf", 1, -EINVAL, 0 },
        { "0b1", 1, -EINVAL, 0 },
        /* Junk wins over overflow when the whole string must parse. */
        { "99999999999999999999k", 1, -EINVAL, 0 },
        { "99999999999999999999.5k", 1, -EINVAL, 0 },
        { "16Ex", 1, -EINVAL, 0 },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_range(void)
{
    static const SizeCase cases[] = {
        { "16E", 1, -ERANGE, 0 },
        { "16384P", 1, -ERANGE, 0 },
        { "17179869184T", 1, -ERANGE, 0 },
        { "17179869183.99999999T", 1, -ERANGE, 0 },
        { "18014398509481984M", 1, -ERANGE, 0 },
        { "18446744073709551616", 1, -ERANGE, 0 },
        { "18446744073709551615k", 1, -ERANGE, 0 },
        { "-99999999999999999999", 1, -ERANGE, 0 },
        { "17592186044416", MiB, -ERANGE, 0 },
        /* Deliberate difference: QEMU reads this as 15 EiB. */
        { "15.99999999999999999E", 1, -ERANGE, 0 },
    };

    check_sizes(cases, G_N_ELEMENTS(cases));
}

static void test_strtosz_end(void)
{
    const char *str, *end = NULL;
    uint64_t val = 0;

    str = "1kX";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, 0);
    g_assert_cmpuint(val, ==, KiB);
    g_assert_true(end == str + 2);

    str = "12,size=3";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, MiB, &val), ==, 0);
    g_assert_cmpuint(val, ==, 12 * MiB);
    g_assert_true(end == str + 2);

    str = "1.5e3k";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, -EINVAL);
    g_assert_true(end == str);

    str = "abc";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, -EINVAL);
    g_assert_true(end == str);

    str = "1.5";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, -EINVAL);
    g_assert_true(end == str);

    /* A lone "0x" reads as 0 and stops at the x. */
    str = "0x";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, 0);
    g_assert_cmpuint(val, ==, 0);
    g_assert_true(end == str + 1);

    /* With an end pointer, overflow is reported past the suffix. */
    str = "16Ex";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, -ERANGE);
    g_assert_true(end == str + 3);

    str = "1.k,";
    g_assert_cmpint(qemu_strtosz_unit(str, &end, 1, &val), ==, 0);
    g_assert_cmpuint(val, ==, KiB);
    g_assert_true(end == str + 3);
}

#define SIZE_HINT "Optional suffix k, M, G, T, P or E means kilo-, mega-, " \
                  "giga-, tera-, peta-\nand exabytes, respectively.\n"

static void check_option_size_invalid(const char *value, uint64_t unit)
{
    Error *err = NULL;
    uint64_t val = 7;

    g_test_message("option size '%s'", value);
    g_assert_false(parse_option_size("size", value, unit, &val, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects a non-negative number "
                    "below 2^64");
    g_assert_cmpstr(error_get_hint(err), ==, SIZE_HINT);
    g_assert_cmpuint(val, ==, 7);
    error_free(err);
}

static void check_option_size_range(const char *value, uint64_t unit)
{
    Error *err = NULL;
    g_autofree char *msg = NULL;
    uint64_t val = 7;

    g_test_message("option size '%s'", value);
    g_assert_false(parse_option_size("size", value, unit, &val, &err));
    msg = g_strdup_printf("Value '%s' is out of range for parameter 'size'",
                          value);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_null(error_get_hint(err));
    g_assert_cmpuint(val, ==, 7);
    error_free(err);
}

static void check_option_size(const char *value, uint64_t unit,
                              uint64_t expected)
{
    uint64_t val = 0;

    g_test_message("option size '%s'", value);
    g_assert_true(parse_option_size("size", value, unit, &val, &error_abort));
    g_assert_cmpuint(val, ==, expected);
}

/* What "qemu-system-x86_64 -m VALUE" accepts and says. */
static void test_option_size_m(void)
{
    check_option_size("512", MiB, 512 * MiB);
    check_option_size("1G", MiB, GiB);
    check_option_size("1.5M", MiB, 3 * 512 * KiB);
    check_option_size("1.5k", MiB, 1536);
    check_option_size("2048k", MiB, 2 * MiB);
    check_option_size("1b", MiB, 1);
    check_option_size(" 1G", MiB, GiB);
    check_option_size("0x10", MiB, 16 * MiB);
    check_option_size("0x1f", MiB, 31);     /* no digit at the end */
    check_option_size("1.0", MiB, MiB);
    check_option_size("1.", MiB, 1);
    check_option_size("17592186044415", MiB, 17592186044415ULL * MiB);
    check_option_size("16383.9999999999999P", MiB, 18446744073709551503ULL);

    check_option_size_invalid("abc", MiB);
    check_option_size_invalid("", MiB);
    check_option_size_invalid("0x", MiB);
    check_option_size_invalid("-1", MiB);
    check_option_size_invalid("1.5", MiB);  /* validated as bytes first */
    check_option_size_invalid("0x1.8k", MiB);
    check_option_size_invalid("512x", MiB);
    check_option_size_invalid("1G ", MiB);
    check_option_size_invalid("1e3", MiB);
    check_option_size_invalid("inf", MiB);
    check_option_size_invalid("nan", MiB);
    check_option_size_invalid("1.5b", MiB);
    check_option_size_invalid(".5G", MiB);
    check_option_size_invalid("1kB", MiB);
    check_option_size_invalid("help", MiB);
    check_option_size_invalid("99999999999999999999k", MiB);

    check_option_size_range("99999999999999999999", MiB);
    check_option_size_range("16E", MiB);
    check_option_size_range("0xfffffffffffffffff", MiB);
    check_option_size_range("17179869184T", MiB);
    /* Fits in bytes, not once scaled to MiB (QEMU: "expects size"). */
    check_option_size_range("17592186044416", MiB);
    check_option_size_range("18446744073709551615", MiB);
}

static void test_option_size_bytes(void)
{
    check_option_size("512", 1, 512);
    check_option_size("4G", 1, 4 * GiB);
    check_option_size("18446744073709551615", 1, UINT64_MAX);
    check_option_size_invalid("1.5", 1);
    check_option_size_range("16E", 1);
}

static void test_option_size_null_errp(void)
{
    uint64_t val = 3;

    g_assert_false(parse_option_size("size", "abc", 1, &val, NULL));
    g_assert_false(parse_option_size("size", "16E", 1, &val, NULL));
    g_assert_cmpuint(val, ==, 3);
}

static void check_property_size_error(const char *value)
{
    Error *err = NULL;
    uint64_t val = 5;

    g_test_message("property size '%s'", value);
    g_assert_false(parse_property_size("size", value, &val, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects a size value");
    g_assert_null(error_get_hint(err));
    g_assert_cmpuint(val, ==, 5);
    error_free(err);
}

/* What "-object memory-backend-ram,id=m,size=VALUE" says. */
static void test_property_size(void)
{
    static const char *const bad[] = {
        "abc", "0x", "-1", "1.5", "", "1G ", "1e3", "0x1.8k", "1kB",
        "99999999999999999999", "16E",
    };
    uint64_t val = 0;

    g_assert_true(parse_property_size("size", "1.5k", &val, &error_abort));
    g_assert_cmpuint(val, ==, 1536);
    g_assert_true(parse_property_size("size", " 1G", &val, &error_abort));
    g_assert_cmpuint(val, ==, GiB);
    g_assert_true(parse_property_size("size", "512", &val, &error_abort));
    g_assert_cmpuint(val, ==, 512);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        check_property_size_error(bad[i]);
    }
}

static void test_bool(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    static const char *const bad[] = {
        "ON", "Yes", "TRUE", "N", "1", "0", "", "of", "on ", " on", "onn",
    };
    bool b;

    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        b = false;
        g_assert_true(parse_option_bool("prealloc", yes[i], &b,
                                        &error_abort));
        g_assert_true(b);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
        b = true;
        g_assert_true(parse_option_bool("prealloc", no[i], &b, &error_abort));
        g_assert_false(b);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        Error *err = NULL;

        g_test_message("bool '%s'", bad[i]);
        b = true;
        g_assert_false(parse_option_bool("prealloc", bad[i], &b, &err));
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Parameter 'prealloc' expects 'on' or 'off'");
        g_assert_true(b);
        error_free(err);
    }
}

static void check_number(const char *value, uint64_t max, uint64_t expected)
{
    uint64_t val = 0;

    g_test_message("number '%s'", value);
    g_assert_true(parse_option_number("slots", value, max, &val,
                                      &error_abort));
    g_assert_cmpuint(val, ==, expected);
}

static void check_number_error(const char *value, uint64_t max,
                               const char *msg)
{
    Error *err = NULL;
    uint64_t val = 9;

    g_test_message("number '%s'", value);
    g_assert_false(parse_option_number("slots", value, max, &val, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_cmpuint(val, ==, 9);
    error_free(err);
}

/* What "-m 1G,slots=VALUE,maxmem=2G" accepts and says. */
static void test_number(void)
{
    check_number("0", UINT64_MAX, 0);
    check_number("42", UINT64_MAX, 42);
    check_number("0x10", UINT64_MAX, 16);
    check_number("010", UINT64_MAX, 8);
    check_number(" 1", UINT64_MAX, 1);
    check_number("+5", UINT64_MAX, 5);
    check_number("-1", UINT64_MAX, UINT64_MAX);     /* QEMU wraps too */
    check_number("18446744073709551615", UINT64_MAX, UINT64_MAX);
    check_number("100", 100, 100);

    check_number_error("abc", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("", UINT64_MAX, "Parameter 'slots' expects a number");
    check_number_error("1 ", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("0x", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("08", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("1k", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("99999999999999999999x", UINT64_MAX,
                       "Parameter 'slots' expects a number");
    check_number_error("99999999999999999999", UINT64_MAX,
                       "Value '99999999999999999999' is too large for "
                       "parameter 'slots'");
    check_number_error("101", 100,
                       "Value '101' is too large for parameter 'slots'");
    check_number_error("-1", 100,
                       "Value '-1' is too large for parameter 'slots'");
}

static void check_property_uint(const char *value, uint64_t max,
                                uint64_t expected)
{
    uint64_t val = 0;

    g_test_message("uint '%s'", value);
    g_assert_true(parse_property_uint("prealloc-threads", value, max, &val,
                                      &error_abort));
    g_assert_cmpuint(val, ==, expected);
}

static void check_property_uint_error(const char *value, uint64_t max,
                                      const char *msg)
{
    Error *err = NULL;
    uint64_t val = 9;

    g_test_message("uint '%s'", value);
    g_assert_false(parse_property_uint("prealloc-threads", value, max, &val,
                                       &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_cmpuint(val, ==, 9);
    error_free(err);
}

/* What "-object memory-backend-ram,...,prealloc-threads=VALUE" says. */
static void test_property_uint(void)
{
    static const char *const bad[] = {
        "abc", "", "5 ", "0x", "-0", "-1", "08", "0x1G", "1k",
        "99999999999999999999", "99999999999999999999999",
    };

    check_property_uint("5", UINT32_MAX, 5);
    check_property_uint(" 5", UINT32_MAX, 5);
    check_property_uint("+5", UINT32_MAX, 5);
    check_property_uint("010", UINT32_MAX, 8);
    check_property_uint("0x10", UINT32_MAX, 16);
    check_property_uint("4294967295", UINT32_MAX, UINT32_MAX);
    check_property_uint("18446744073709551615", UINT64_MAX, UINT64_MAX);

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        check_property_uint_error(bad[i], UINT32_MAX,
                                  "Parameter 'prealloc-threads' expects a "
                                  "uint64 value");
    }
    check_property_uint_error("4294967296", UINT32_MAX,
                              "Parameter 'prealloc-threads' expects "
                              "uint32_t");
    check_property_uint_error("65536", UINT16_MAX,
                              "Parameter 'prealloc-threads' expects "
                              "uint16_t");
    check_property_uint_error("256", UINT8_MAX,
                              "Parameter 'prealloc-threads' expects "
                              "uint8_t");
    check_property_uint_error("128", 127,
                              "Parameter 'prealloc-threads' expects a value "
                              "of at most 127");
}

static void check_list(const char *value, uint64_t max,
                       const guint64 *expected, guint n)
{
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(guint64));

    g_test_message("list '%s'", value);
    g_assert_true(parse_option_uint_list("host-nodes", value, max, out,
                                         &error_abort));
    g_assert_cmpuint(out->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpuint(g_array_index(out, guint64, i), ==, expected[i]);
    }
}

static void check_list_error(const char *value, uint64_t max,
                             const char *msg)
{
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(guint64));
    guint64 old = 42;
    Error *err = NULL;

    g_test_message("list '%s'", value);
    g_array_append_val(out, old);
    g_assert_false(parse_option_uint_list("host-nodes", value, max, out,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    /* Nothing is appended on failure, not even the valid part. */
    g_assert_cmpuint(out->len, ==, 1);
    g_assert_cmpuint(g_array_index(out, guint64, 0), ==, 42);
    error_free(err);
}

/* What "-object memory-backend-ram,...,host-nodes=VALUE" accepts and says. */
static void test_uint_list(void)
{
    static const guint64 zero[] = { 0 };
    static const guint64 zero3[] = { 0, 1, 2, 3 };
    static const guint64 zero1_3[] = { 0, 1, 3 };
    static const guint64 five[] = { 5 };
    static const guint64 one2[] = { 1, 2 };
    static const guint64 eight[] = { 8 };
    static const char *const bad[] = {
        "", "abc", "1-0", "0-", "-0", "0--1", "-1", "0 ", "0-1 ", "0 -1",
        "0,1", "0:", ":0", "0::1", "0-65536", "0:1-0",
        "99999999999999999999", "99999999999999999999-1", "0-1-2",
    };
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(guint64));

    check_list("0", UINT16_MAX, zero, 1);
    check_list("0-3", UINT16_MAX, zero3, 4);
    check_list("0-1:3", UINT16_MAX, zero1_3, 3);
    check_list("5-5", UINT16_MAX, five, 1);
    check_list(" 1- 2", UINT16_MAX, one2, 2);
    check_list("+1-0x2", UINT16_MAX, one2, 2);
    check_list("010", UINT16_MAX, eight, 1);

    /* Repeated keys: each value appends to the same array. */
    g_assert_true(parse_option_uint_list("host-nodes", "0", 127, out,
                                         &error_abort));
    g_assert_true(parse_option_uint_list("host-nodes", "2-3", 127, out,
                                         &error_abort));
    g_assert_cmpuint(out->len, ==, 3);
    g_assert_cmpuint(g_array_index(out, guint64, 0), ==, 0);
    g_assert_cmpuint(g_array_index(out, guint64, 1), ==, 2);
    g_assert_cmpuint(g_array_index(out, guint64, 2), ==, 3);

    /* The longest range QEMU takes. */
    g_array_set_size(out, 0);
    g_assert_true(parse_option_uint_list("host-nodes", "0-65535", UINT16_MAX,
                                         out, &error_abort));
    g_assert_cmpuint(out->len, ==, 65536);
    g_assert_cmpuint(g_array_index(out, guint64, 65535), ==, 65535);

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        check_list_error(bad[i], UINT16_MAX,
                         "Parameter 'host-nodes' expects a uint64 value or "
                         "range");
    }
    check_list_error("70000", UINT16_MAX,
                     "Parameter 'host-nodes' expects uint16_t");
    check_list_error("1-65536", UINT16_MAX,
                     "Parameter 'host-nodes' expects uint16_t");
    check_list_error("0x10000", UINT16_MAX,
                     "Parameter 'host-nodes' expects uint16_t");
    check_list_error("0:128", 127,
                     "Parameter 'host-nodes' expects a value of at most 127");
    check_list_error("100-200", 127,
                     "Parameter 'host-nodes' expects a value of at most 127");
}

static void check_size_to_str(uint64_t val, const char *expected)
{
    g_autofree char *s = size_to_str(val);

    g_assert_cmpstr(s, ==, expected);
}

/* Expected strings are "qemu-img info" output for raw images. */
static void test_size_to_str(void)
{
    check_size_to_str(0, "0 B");
    check_size_to_str(1, "1 B");
    check_size_to_str(100, "100 B");
    check_size_to_str(512, "512 B");
    check_size_to_str(999, "999 B");
    check_size_to_str(1000, "0.977 KiB");
    check_size_to_str(1023, "0.999 KiB");
    check_size_to_str(1024, "1 KiB");
    check_size_to_str(1536, "1.5 KiB");
    check_size_to_str(4096, "4 KiB");
    check_size_to_str(512000, "500 KiB");
    check_size_to_str(1023488, "1e+03 KiB");
    check_size_to_str(1024000, "0.977 MiB");
    check_size_to_str(1047552, "0.999 MiB");
    check_size_to_str(1048064, "1 MiB");
    check_size_to_str(123457024, "118 MiB");
    check_size_to_str(512 * MiB, "512 MiB");
    check_size_to_str(1048576000, "0.977 GiB");
    check_size_to_str(1072693248, "0.999 GiB");
    check_size_to_str(1073217536, "1 GiB");
    check_size_to_str(3 * 512 * MiB, "1.5 GiB");
    check_size_to_str(TiB, "1 TiB");
    check_size_to_str(PiB, "1 PiB");
    check_size_to_str(EiB, "1 EiB");
    check_size_to_str(8 * EiB, "8 EiB");
    check_size_to_str(UINT64_MAX, "16 EiB");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtosz/plain", test_strtosz_plain);
    g_test_add_func("/cutils/strtosz/suffixes", test_strtosz_suffixes);
    g_test_add_func("/cutils/strtosz/fractions", test_strtosz_fractions);
    g_test_add_func("/cutils/strtosz/hex", test_strtosz_hex);
    g_test_add_func("/cutils/strtosz/invalid", test_strtosz_invalid);
    g_test_add_func("/cutils/strtosz/range", test_strtosz_range);
    g_test_add_func("/cutils/strtosz/end", test_strtosz_end);
    g_test_add_func("/cutils/option-size/m", test_option_size_m);
    g_test_add_func("/cutils/option-size/bytes", test_option_size_bytes);
    g_test_add_func("/cutils/option-size/null-errp",
                    test_option_size_null_errp);
    g_test_add_func("/cutils/property-size", test_property_size);
    g_test_add_func("/cutils/bool", test_bool);
    g_test_add_func("/cutils/number", test_number);
    g_test_add_func("/cutils/property-uint", test_property_uint);
    g_test_add_func("/cutils/uint-list", test_uint_list);
    g_test_add_func("/cutils/size-to-str", test_size_to_str);
    return g_test_run();
}
