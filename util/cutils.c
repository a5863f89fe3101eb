/*
 * Size and number parsing with QEMU's syntax, and size pretty-printing.
 *
 * The accepted syntax and the error texts follow QEMU 7.2 (see cutils.h),
 * because users meet them on the command line and scripts match them.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "qemu/cutils.h"

/* QEMU's list visitor refuses ranges this long, to bound memory use. */
#define UINT_RANGE_MAX 65536

/*
 * Multiplier for a size suffix, or 0 if @c is not one.  Suffixes are
 * binary even though QEMU's help text says "kilo-, mega-".
 */
static uint64_t size_suffix(char c)
{
    switch (g_ascii_toupper(c)) {
    case 'B':
        return 1;
    case 'K':
        return KiB;
    case 'M':
        return MiB;
    case 'G':
        return GiB;
    case 'T':
        return TiB;
    case 'P':
        return PiB;
    case 'E':
        return EiB;
    default:
        return 0;
    }
}

/*
 * The fraction of a size as a fixed-point number with 64 bits after the
 * point.  QEMU takes it through a double the same way, so results agree to
 * the byte.  It needs 65 bits because a long run of nines rounds to 1.0.
 */
static unsigned __int128 fraction_to_fixed(double fraction)
{
    if (fraction >= 1.0) {
        return (unsigned __int128)1 << 64;
    }
    return (uint64_t)(fraction * 0x1p64);
}

int qemu_strtosz_unit(const char *str, const char **end, uint64_t default_unit,
                      uint64_t *result)
{
    const char *p;
    char *ep;
    uint64_t val, mul;
    unsigned __int128 frac = 0;
    int ret = 0;

    g_assert(default_unit != 0);

    /* Decimal first; "0x" is only recognised after a lone zero. */
    errno = 0;
    val = g_ascii_strtoull(str, &ep, 10);
    p = ep;
    if (p == str) {
        ret = -EINVAL;
        goto out;
    }
    if (errno == ERANGE) {
        ret = -ERANGE;
        goto out;
    }
    /* strtoull() negates "-5" silently; a size is never negative. */
    if (memchr(str, '-', p - str)) {
        p = str;
        ret = -EINVAL;
        goto out;
    }
    if (val == 0 && (*p == 'x' || *p == 'X')) {
        errno = 0;
        val = g_ascii_strtoull(str, &ep, 16);
        p = ep;
        if (errno == ERANGE) {
            ret = -ERANGE;
            goto out;
        }
        if (*p == '.') {
            p = str;
            ret = -EINVAL;
            goto out;
        }
    } else if (*p == '.') {
        const char *dot = p;
        char *fend;
        /* The C library's strtod() would take ',' in some locales. */
        double fraction = g_ascii_strtod(dot, &fend);

        if (fend == dot) {
            /* QEMU accepts a dot without digits: "1.k" is 1 KiB. */
            p = dot + 1;
        } else if (memchr(dot, 'e', fend - dot) ||
                   memchr(dot, 'E', fend - dot)) {
            /* An exponent would make "1.5e3" mean something surprising. */
            p = str;
            ret = -EINVAL;
            goto out;
        } else {
            p = fend;
            frac = fraction_to_fixed(fraction);
        }
    }

    mul = size_suffix(*p);
    if (mul) {
        p++;
    } else {
        mul = default_unit;
    }
    if (mul == 1) {
        /* A fraction of a byte is meaningless. */
        if (frac) {
            p = str;
            ret = -EINVAL;
            goto out;
        }
    } else {
        unsigned __int128 scaled = frac * mul;
        unsigned __int128 total = (unsigned __int128)val * mul;

        total += scaled >> 64;
        /* Round half a byte up, as QEMU does. */
        total += ((uint64_t)scaled) >> 63;
        if (total >> 64) {
            ret = -ERANGE;
            goto out;
        }
        val = (uint64_t)total;
    }

out:
    if (end) {
        *end = p;
    } else if (*p) {
        ret = -EINVAL;
    }
    if (ret == 0) {
        *result = val;
    }
    return ret;
}

bool parse_option_size(const char *name, const char *value,
                       uint64_t default_unit, uint64_t *result, Error **errp)
{
    uint64_t size;
    int ret;

    /*
     * QEMU 7.2 validates -m as bytes and only then appends the legacy
     * "M", so "-m 1.5" fails although "-m 1.5M" works.
     */
    ret = qemu_strtosz_unit(value, NULL, 1, &size);
    if (ret == -ERANGE) {
        goto out_of_range;
    }
    if (ret < 0) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", name);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means "
                          "kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    if (default_unit != 1 && g_ascii_isdigit(value[strlen(value) - 1])) {
        if (size > UINT64_MAX / default_unit) {
            goto out_of_range;
        }
        size *= default_unit;
    }
    *result = size;
    return true;

out_of_range:
    error_setg(errp, "Value '%s' is out of range for parameter '%s'",
               value, name);
    return false;
}

bool parse_option_bool(const char *name, const char *value, bool *result,
                       Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y", NULL };
    static const char *const no[] = { "off", "no", "false", "n", NULL };

    if (g_strv_contains(yes, value)) {
        *result = true;
        return true;
    }
    if (g_strv_contains(no, value)) {
        *result = false;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool parse_option_number(const char *name, const char *value, uint64_t max,
                         uint64_t *result, Error **errp)
{
    char *end;
    uint64_t n;

    errno = 0;
    n = g_ascii_strtoull(value, &end, 0);
    if (end == value || *end) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    if (errno == ERANGE || n > max) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'",
                   value, name);
        return false;
    }
    *result = n;
    return true;
}

/*
 * The number at the start of @s, with QEMU's parse_uint() rules: base 0,
 * leading whitespace, no sign.  *@end is set after the digits.
 */
static bool parse_uint_prefix(const char *s, uint64_t *value, const char **end)
{
    const char *p = s;
    char *ep;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    errno = 0;
    *value = g_ascii_strtoull(s, &ep, 0);
    *end = ep;
    return ep != s && errno != ERANGE && *p != '-';
}

/* QEMU's type-range message for a typed property, or ours for any @max. */
static void error_setg_above_max(Error **errp, const char *name, uint64_t max)
{
    if (max == UINT8_MAX) {
        error_setg(errp, "Parameter '%s' expects uint8_t", name);
    } else if (max == UINT16_MAX) {
        error_setg(errp, "Parameter '%s' expects uint16_t", name);
    } else if (max == UINT32_MAX) {
        error_setg(errp, "Parameter '%s' expects uint32_t", name);
    } else {
        error_setg(errp, "Parameter '%s' expects a value of at most %" PRIu64,
                   name, max);
    }
}

/* One "N" or "N-M" element of a uint list; false if it is malformed. */
static bool parse_uint_range(const char *s, uint64_t *lo, uint64_t *hi)
{
    const char *end;

    if (!parse_uint_prefix(s, lo, &end)) {
        return false;
    }
    if (*end == '\0') {
        *hi = *lo;
        return true;
    }
    if (*end != '-' || !parse_uint_prefix(end + 1, hi, &end) || *end) {
        return false;
    }
    return *lo <= *hi && *hi - *lo < UINT_RANGE_MAX;
}

bool parse_option_uint_list(const char *name, const char *value, uint64_t max,
                            GArray *out, Error **errp)
{
    g_auto(GStrv) elems = g_strsplit(value, ":", -1);
    g_autoptr(GArray) vals = g_array_new(FALSE, FALSE, sizeof(guint64));

    /* g_strsplit() gives no element at all for "". */
    if (!elems[0]) {
        goto bad;
    }
    for (int i = 0; elems[i]; i++) {
        uint64_t lo, hi;

        if (!parse_uint_range(elems[i], &lo, &hi)) {
            goto bad;
        }
        /* Checked before expanding, so a huge range costs nothing. */
        if (hi > max) {
            error_setg_above_max(errp, name, max);
            return false;
        }
        for (uint64_t v = lo;; v++) {
            guint64 e = v;

            g_array_append_val(vals, e);
            if (v == hi) {
                break;
            }
        }
    }
    g_array_append_vals(out, vals->data, vals->len);
    return true;

bad:
    error_setg(errp, "Parameter '%s' expects a uint64 value or range", name);
    return false;
}

bool parse_property_size(const char *name, const char *value,
                         uint64_t *result, Error **errp)
{
    if (qemu_strtosz_unit(value, NULL, 1, result) < 0) {
        error_setg(errp, "Parameter '%s' expects a size value", name);
        return false;
    }
    return true;
}

bool parse_property_uint(const char *name, const char *value, uint64_t max,
                         uint64_t *result, Error **errp)
{
    const char *end;
    uint64_t n;

    if (!parse_uint_prefix(value, &n, &end) || *end) {
        error_setg(errp, "Parameter '%s' expects a uint64 value", name);
        return false;
    }
    if (n > max) {
        error_setg_above_max(errp, name, max);
        return false;
    }
    *result = n;
    return true;
}

char *size_to_str(uint64_t val)
{
    static const char *const prefix[] = {
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"
    };
    /*
     * Move to the next unit once the number would reach 1000 of the
     * current one, not 1024, so at most three digits show.  The threshold
     * is computed in double exactly as QEMU does, so the unit chosen near
     * a boundary is the same.
     */
    double scaled = (double)val / (1000.0 / 1024.0);
    unsigned i = 0;
    uint64_t unit;

    while (i + 1 < G_N_ELEMENTS(prefix) &&
           scaled >= (double)(1ULL << (10 * (i + 1)))) {
        i++;
    }
    unit = 1ULL << (10 * i);
    return g_strdup_printf("%0.3g %sB", (double)val / (double)unit, prefix[i]);
}
