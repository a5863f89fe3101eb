/*
 * Options management tools (libvirt) always put on the command line, for
 * things memvm either does the one way they ask or does not have at all.
 * Each value is checked: the way memvm behaves is accepted, anything else
 * is refused with the option named, never ignored.
 */
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <json-glib/json-glib.h>

#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "sysemu/vl-mgmt.h"

/* Parse @arg as key=value pairs with @keys allowed (@implied: bare word). */
static QemuOpts *mgmt_opts(const char *arg, const char *implied,
                           const char *const *keys, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, implied, errp);

    if (opts && !qemu_opts_check_names(opts, keys, errp)) {
        qemu_opts_free(opts);
        return NULL;
    }
    return opts;
}

/* @key, when given, must be one of the values in @allowed (NULL-ended). */
static bool mgmt_only(QemuOpts *opts, const char *key,
                      const char *const *allowed, const char *why,
                      Error **errp)
{
    const char *v = qemu_opt_get(opts, key);

    if (!v) {
        return true;
    }
    for (const char *const *a = allowed; *a; a++) {
        if (!strcmp(v, *a)) {
            return true;
        }
    }
    error_setg(errp, "%s=%s: %s", key, v, why);
    return false;
}

static bool mgmt_overcommit(const char *arg, Error **errp)
{
    static const char *const keys[] = { "mem-lock", "cpu-pm", NULL };
    static const char *const off[] = { "off", NULL };
    g_autoptr(QemuOpts) opts = mgmt_opts(arg, NULL, keys, errp);
    const char *v;
    bool lock = false;

    if (!opts || !mgmt_only(opts, "cpu-pm", off, "memvm does not pass CPU "
                            "power management to guests", errp)) {
        return false;
    }
    v = qemu_opt_get(opts, "mem-lock");
    if (v && !parse_option_bool("mem-lock", v, &lock, errp)) {
        return false;
    }
    /* Lock now and for the future: guest RAM is mapped later. */
    if (lock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_setg_errno(errp, errno, "mem-lock=on: mlockall failed");
        return false;
    }
    return true;
}

static bool mgmt_uuid(const char *arg, Error **errp)
{
    if (!g_uuid_string_is_valid(arg)) {
        error_setg(errp, "failed to parse UUID string: wrong format");
        return false;
    }
    return true;
}

static bool mgmt_rtc(const char *arg, Error **errp)
{
    static const char *const keys[] = { "base", "clock", "driftfix", NULL };
    static const char *const utc[] = { "utc", NULL };
    static const char *const host[] = { "host", NULL };
    static const char *const none[] = { "none", NULL };
    g_autoptr(QemuOpts) opts = mgmt_opts(arg, NULL, keys, errp);

    /* memvm's real-time clocks read the host's clock in UTC. */
    return opts &&
           mgmt_only(opts, "base", utc, "memvm's clocks run in UTC", errp) &&
           mgmt_only(opts, "clock", host, "memvm's clocks follow the host",
                     errp) &&
           mgmt_only(opts, "driftfix", none, "memvm does not fix drift",
                     errp);
}

static bool mgmt_boot(const char *arg, Error **errp)
{
    static const char *const keys[] = { "strict", NULL };
    g_autoptr(QemuOpts) opts = mgmt_opts(arg, NULL, keys, errp);
    const char *v;
    bool b;

    /* Boot order is firmware's business; memvm boots -kernel only. */
    if (!opts) {
        return false;
    }
    v = qemu_opt_get(opts, "strict");
    return !v || parse_option_bool("strict", v, &b, errp);
}

static bool mgmt_msg(const char *arg, Error **errp)
{
    static const char *const keys[] = { "timestamp", "guest-name", NULL };
    static const char *const off[] = { "off", NULL };
    g_autoptr(QemuOpts) opts = mgmt_opts(arg, "timestamp", keys, errp);
    const char *v;
    bool on = false;

    if (!opts || !mgmt_only(opts, "guest-name", off, "memvm does not put "
                            "the guest's name in its messages", errp)) {
        return false;
    }
    v = qemu_opt_get(opts, "timestamp");
    if (v && !parse_option_bool("timestamp", v, &on, errp)) {
        return false;
    }
    error_set_timestamps(on);
    return true;
}

/*
 * -audiodev: memvm has no sound devices, so only the "none" driver (no
 * sound) is true.  libvirt writes it as JSON, others as key=value.
 */
static bool mgmt_audiodev(const char *arg, Error **errp)
{
    static const char *const keys[] = { "driver", "id", NULL };
    static const char *const none[] = { "none", NULL };
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(QemuOpts) opts = NULL;
    const char *why = "memvm has no sound devices";

    if (arg[0] != '{') {
        opts = mgmt_opts(arg, "driver", keys, errp);
        return opts && mgmt_only(opts, "driver", none, why, errp);
    }
    parser = json_parser_new();
    if (!json_parser_load_from_data(parser, arg, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        error_setg(errp, "not a JSON object");
        return false;
    }
    JsonObject *o = json_node_get_object(json_parser_get_root(parser));
    const char *driver = json_object_has_member(o, "driver") ?
        json_object_get_string_member(o, "driver") : NULL;

    if (!driver || strcmp(driver, "none")) {
        error_setg(errp, "driver=%s: %s", driver ? driver : "", why);
        return false;
    }
    return true;
}

static const struct {
    const char *name;
    bool (*check)(const char *arg, Error **errp);
} mgmt_options[] = {
    { "overcommit", mgmt_overcommit }, { "uuid", mgmt_uuid },
    { "rtc", mgmt_rtc }, { "boot", mgmt_boot }, { "msg", mgmt_msg },
    { "audiodev", mgmt_audiodev },
};

bool vl_mgmt_option(const char *name, const char *arg, bool *handled,
                    Error **errp)
{
    *handled = true;
    if (!strcmp(name, "no-acpi")) {
        /* memvm builds no ACPI tables: already so. */
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(mgmt_options); i++) {
        if (!strcmp(name, mgmt_options[i].name)) {
            return mgmt_options[i].check(arg, errp);
        }
    }
    *handled = false;
    return true;
}
