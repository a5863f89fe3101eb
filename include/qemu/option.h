/*
 * Option strings: "value,key=val,key2=val2" as on QEMU's command line.
 *
 * "," separates options and ",," is a literal comma inside a value; the
 * first element may omit its key when the option has an implied key
 * (-M pc  ==  -M type=pc, -m 1G == -m size=1G).  A bare "help" or "?"
 * element asks for help.
 *
 * QEMU 7.2 has two parsers for this syntax and memvm keeps both, because
 * they accept different strings and word their errors differently:
 *
 *  - qemu_opts_parse(), QEMU's QemuOpts (-m, -object, -numa, ...): any
 *    string parses; a bare "foo" means foo=on and "nofoo" foo=off (with a
 *    deprecation warning); unknown names are refused afterwards by
 *    qemu_opts_check_names() or the typed parsers of qemu/cutils.h.
 *  - qemu_opts_parse_keyval(), QEMU's keyval (-M, -smp, -accel, ...): keys
 *    must be names, "foo" without "=" is an error.
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"

typedef struct QemuOpt {
    char *name;
    char *value;
} QemuOpt;

typedef struct QemuOpts {
    GPtrArray *list;    /* of QemuOpt *, in command line order */
    bool help;          /* "help" or "?" appeared */
    /*
     * Of Error *: deprecation warnings for the caller to print with its
     * location, message then hint, e.g. "short-form boolean option 'foo'
     * deprecated" / "Please use foo=on instead\n".  Never fatal.
     */
    GPtrArray *warnings;
} QemuOpts;

/*
 * Parse @str with QEMU's QemuOpts rules.  @implied_key names the key of a
 * leading element without "=" (its value may contain ",,"), or is NULL.
 * Elements without "=" otherwise are flags: "foo" is foo=on, "nofoo" is
 * foo=off, each adding a warning to opts->warnings; "help" and "?" set
 * opts->help instead (but a leading "help" is the implied key's value, as
 * in QEMU: "-m help" is size=help).  QEMU stops at a help element, so
 * callers check opts->help before validating anything.  The empty string
 * gives no options; ",x" gives an option named "".  A repeated key is kept
 * twice and qemu_opt_get() returns the last one; QEMU validates every
 * occurrence, so callers that check values should check them all
 * (qemu_opt_get_all()).  "id" is an ordinary option here (QEMU keeps it
 * apart and refuses it where a list has no ids, as for -m).
 *
 * Never fails today (QEMU's QemuOpts syntax accepts any string); @errp is
 * kept so that callers treat it as fallible.  Returns the options.
 */
QemuOpts *qemu_opts_parse(const char *str, const char *implied_key,
                          Error **errp);

/*
 * Parse @str with QEMU's keyval rules, into the same flat structure (a
 * dotted key such as "addr.port" stays one name).  @implied_key is as
 * above but its value ends at the first ",", with no escaping.  A bare
 * "help" or "?" anywhere sets opts->help.  A repeated key replaces the
 * earlier value in place.  Errors, as QEMU words them:
 *   "Invalid parameter 'KEY'" (key empty or not a name: letters, digits,
 *   '-', '_', starting with a letter; later dotted parts may be numbers),
 *   "Expected '=' after parameter 'KEY'",
 *   "Parameter 'KEY' is too long" / "Parameter fragment 'PART' is too long"
 *   (127 characters at most).
 * QEMU's checks that need the nested structure ("Parameters 'a.*' used
 * inconsistently", missing list indexes) are not made.
 * Returns NULL and sets @errp on failure.
 */
QemuOpts *qemu_opts_parse_keyval(const char *str, const char *implied_key,
                                 Error **errp);

void qemu_opts_free(QemuOpts *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuOpts, qemu_opts_free)

/* Last value given for @name, or NULL. */
const char *qemu_opt_get(const QemuOpts *opts, const char *name);
/*
 * Every value given for @name, in order, as a NULL-terminated vector
 * (never NULL; caller frees with g_strfreev()).  QEMU's list properties
 * take one element per repetition: host-nodes=0,host-nodes=2-3.
 */
char **qemu_opt_get_all(const QemuOpts *opts, const char *name);
/* Remove every occurrence of @name; returns the last value (caller frees). */
char *qemu_opt_take(QemuOpts *opts, const char *name);
/* Append an option; being last, it overrides earlier ones for get. */
void qemu_opt_set(QemuOpts *opts, const char *name, const char *value);
/* Number of options. */
unsigned qemu_opts_count(const QemuOpts *opts);

/*
 * Reject the first option whose name is not in the NULL-terminated
 * @accepted: "Invalid parameter 'NAME'".
 */
bool qemu_opts_check_names(const QemuOpts *opts, const char *const *accepted,
                           Error **errp);

/* True if @value is "help" or "?" (QEMU's is_help_option()). */
bool is_help_option(const char *value);

#endif
