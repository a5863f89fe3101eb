/*
 * Size and number parsing with QEMU's syntax, and size pretty-printing.
 *
 * QEMU 7.2 parses a value in one of two ways depending on where it comes
 * from, with different error texts, and memvm keeps both so that users see
 * the same words:
 *
 *  - parse_option_*(): options of QemuOpts lists such as -m
 *    ("Parameter 'size' expects a non-negative number below 2^64").
 *  - parse_property_*(): QOM properties set from a string, e.g. the
 *    properties of -object ("Parameter 'size' expects a size value").
 *
 * parse_option_bool() and parse_option_uint_list() serve both.  Messages
 * never carry the "prog: -option value: " prefix; the caller adds it.
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)
#define PiB (1ULL << 50)
#define EiB (1ULL << 60)

/*
 * Parse a size the way QEMU's qemu_strtosz() family does: a decimal number
 * with an optional fraction ("1.5G") or a hex number ("0x1000"), followed by
 * an optional suffix B K M G T P E (case-insensitive, powers of 1024).
 * With no suffix the number is multiplied by @default_unit (1 for bytes,
 * MiB for QEMU's qemu_strtosz_MiB()).
 *
 * Details that match QEMU 7.2:
 *  - leading whitespace and a '+' are accepted, a '-' never is;
 *  - a fraction needs a scale: "1.5" is invalid when the unit is bytes, and
 *    so is "1.5B", while "1.0" and "1." are 1; "1.k" is 1024;
 *  - exponents ("1e3", "1.5e3k") and fractional hex ("0x1.8k") are invalid;
 *  - hex with a suffix ("0x10k") is accepted (QEMU warns it is deprecated;
 *    nothing is printed here);
 *  - the fraction goes through a double and is rounded half up to a byte.
 * Deliberate differences, both in inputs no one types: a fraction that
 * rounds to 1.0 ("1.99999999999999999999M" is 2 MiB; QEMU says 1 MiB), and
 * a fraction so small that it underflows ("1.<400 zeros>1k" is 1 KiB; QEMU
 * skips the suffix and says 1).
 *
 * If @end is NULL the whole string must be consumed, otherwise *@end is set
 * where parsing stopped (to @str for invalid input).
 *
 * Returns 0 and sets *@result on success, -EINVAL for malformed input,
 * -ERANGE when the result does not fit in 64 bits (a value that is both
 * too large and followed by junk is -EINVAL when @end is NULL).
 */
int qemu_strtosz_unit(const char *str, const char **end, uint64_t default_unit,
                      uint64_t *result);

/*
 * Parse a size for the QemuOpts option @name (e.g. "size" of -m), with
 * QEMU's messages:
 *   "Parameter 'NAME' expects a non-negative number below 2^64", with the
 *   hint "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-,
 *   tera-, peta-\nand exabytes, respectively.\n";
 *   "Value 'VALUE' is out of range for parameter 'NAME'".
 *
 * @value is always parsed as bytes first, so a fraction needs a suffix.
 * If @default_unit is not 1 and @value ends in a digit (no suffix), the
 * result is then multiplied by @default_unit: that is how QEMU 7.2 reads
 * "-m 512" as MiB, and "-m 0x10" as 16 MiB.  When that product overflows,
 * QEMU reports "Parameter 'memory.size' expects size" without naming the
 * value; memvm uses the out-of-range message above instead.
 *
 * Returns false and sets @errp on failure.
 */
bool parse_option_size(const char *name, const char *value,
                       uint64_t default_unit, uint64_t *result, Error **errp);

/*
 * Parse a boolean for @name as QEMU's qapi_bool_parse() does: "on", "yes",
 * "true", "y" or "off", "no", "false", "n" (lower case only).
 * Error: "Parameter 'NAME' expects 'on' or 'off'".
 */
bool parse_option_bool(const char *name, const char *value, bool *result,
                       Error **errp);

/*
 * Parse an unsigned number for the QemuOpts option @name as QEMU does
 * (strtoull, base 0): decimal, 0x hex or 0 octal, no suffix; leading
 * whitespace and a sign are accepted and "-1" wraps to 2^64-1, as in QEMU.
 * Errors: "Parameter 'NAME' expects a number";
 * "Value 'VALUE' is too large for parameter 'NAME'" (above 2^64-1 or @max).
 */
bool parse_option_number(const char *name, const char *value, uint64_t max,
                         uint64_t *result, Error **errp);

/*
 * Parse a list of unsigned numbers and ranges for @name ("0", "0-3").
 * Elements follow QEMU's rules for list properties such as host-nodes:
 * decimal, 0x hex or 0 octal, leading whitespace allowed, no sign; a range
 * "N-M" needs N <= M and spans fewer than 65536 numbers.  As a memvm
 * extension, several elements may be given in one value separated by ':'
 * ("0-1:3"); QEMU only takes one element per key (host-nodes=0,host-nodes=3,
 * see qemu_opt_get_all()).
 * Values are appended to @out (guint64 elements) only when all of @value
 * is valid, so several values may be collected into one array.
 * Errors: "Parameter 'NAME' expects a uint64 value or range";
 * an element above @max: "Parameter 'NAME' expects uint16_t" (or uint8_t,
 * uint32_t when @max is that type's maximum; QEMU names the parameter
 * 'null' there), otherwise "Parameter 'NAME' expects a value of at most MAX".
 */
bool parse_option_uint_list(const char *name, const char *value, uint64_t max,
                            GArray *out, Error **errp);

/*
 * Parse a size-typed QOM property @name from a string (the -object path).
 * Same syntax as qemu_strtosz_unit() in bytes; every failure, overflow
 * included, is QEMU's "Parameter 'NAME' expects a size value".
 */
bool parse_property_size(const char *name, const char *value,
                         uint64_t *result, Error **errp);

/*
 * Parse an unsigned QOM property @name from a string: decimal, 0x hex or
 * 0 octal, leading whitespace allowed, no sign, no suffix.
 * Errors: "Parameter 'NAME' expects a uint64 value"; above @max,
 * "Parameter 'NAME' expects uint32_t" (uint8_t, uint16_t likewise) or, for
 * another @max, "Parameter 'NAME' expects a value of at most MAX".
 */
bool parse_property_uint(const char *name, const char *value, uint64_t max,
                         uint64_t *result, Error **errp);

/*
 * Format @val the way QEMU's size_to_str() does: three significant digits
 * and an IEC unit, switching unit at 1000 of the smaller one: "512 MiB",
 * "1.5 GiB", "4 KiB", "100 B", "0.977 KiB" (1000 bytes), "16 EiB".  Like
 * QEMU, values just under a unit step print as "1e+03 KiB".  Caller frees.
 */
char *size_to_str(uint64_t val);

#endif
