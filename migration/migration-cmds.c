/*
 * QMP and HMP commands of migration, with QEMU 7.2's names, members and
 * messages: migrate, migrate_cancel, query-migrate, migrate-incoming,
 * migrate-set-capabilities / query-migrate-capabilities,
 * migrate-set-parameters / query-migrate-parameters; HMP migrate,
 * migrate_cancel, migrate_incoming, migrate_set_capability,
 * migrate_set_parameter and info migrate / migrate_capabilities /
 * migrate_parameters.
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "migration/cpr.h"
#include "migration/migration.h"
#include "migration/savevm.h"
#include "monitor/monitor.h"
#include "qemu/cutils.h"
#include "sysemu/runstate.h"

/*
 * Parameters memvm keeps but does not use, with QEMU 7.2's defaults, so
 * that query-migrate-parameters answers what QEMU answers.
 */
static JsonObject *other_params;

static const char *const other_param_defaults =
    "{\"cpu-throttle-tailslow\": false, \"xbzrle-cache-size\": 67108864,"
    " \"cpu-throttle-initial\": 20, \"announce-max\": 550,"
    " \"decompress-threads\": 2, \"compress-threads\": 8,"
    " \"compress-level\": 1, \"multifd-zstd-level\": 1,"
    " \"announce-initial\": 50, \"block-incremental\": false,"
    " \"compress-wait-thread\": true, \"tls-authz\": \"\","
    " \"multifd-compression\": \"none\", \"announce-rounds\": 5,"
    " \"announce-step\": 100, \"tls-creds\": \"\","
    " \"multifd-zlib-level\": 1, \"max-cpu-throttle\": 99,"
    " \"max-postcopy-bandwidth\": 0, \"tls-hostname\": \"\","
    " \"throttle-trigger-threshold\": 50, \"x-checkpoint-delay\": 20000,"
    " \"cpu-throttle-increment\": 10}";

/* The schema of migrate-set-parameters (QEMU 7.2's members). */
static const char *const set_params_schema =
    "announce-initial?:int announce-max?:int announce-rounds?:int "
    "announce-step?:int compress-level?:int compress-threads?:int "
    "compress-wait-thread?:bool decompress-threads?:int "
    "throttle-trigger-threshold?:int cpu-throttle-initial?:int "
    "cpu-throttle-increment?:int cpu-throttle-tailslow?:bool "
    "tls-creds?:any tls-hostname?:any tls-authz?:any max-bandwidth?:int "
    "downtime-limit?:int x-checkpoint-delay?:int block-incremental?:bool "
    "multifd-channels?:int xbzrle-cache-size?:int "
    "max-postcopy-bandwidth?:int max-cpu-throttle?:int "
    "multifd-compression?:str multifd-zlib-level?:int "
    "multifd-zstd-level?:int block-bitmap-mapping?:array mode?:str";

/* Capabilities memvm implements (or that change nothing here). */
static bool capability_supported(MigrationCapability cap)
{
    return cap == MIGRATION_CAPABILITY_EVENTS ||
           cap == MIGRATION_CAPABILITY_X_IGNORE_SHARED ||
           cap == MIGRATION_CAPABILITY_ZERO_BLOCKS ||
           cap == MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE ||
           cap == MIGRATION_CAPABILITY_DIRTY_BITMAPS;
}

static bool set_capability(const char *name, bool on, Error **errp)
{
    int cap = migration_capability_by_name(name);

    if (cap < 0) {
        error_setg(errp, "Parameter 'capability' does not accept value '%s'",
                   name);
        return false;
    }
    if (on && !capability_supported(cap)) {
        error_setg(errp, "memvm does not implement migration capability "
                   "'%s'", name);
        return false;
    }
    migrate_set_capability(cap, on);
    return true;
}

static bool check_idle(Error **errp)
{
    if (migration_is_active()) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    return true;
}

/* --- QMP ------------------------------------------------------------ */

static JsonNode *qmp_migrate(JsonObject *args, Error **errp)
{
    const char *uri = json_object_get_string_member(args, "uri");

    if (json_object_has_member(args, "blk") &&
        json_object_get_boolean_member(args, "blk")) {
        error_setg(errp, "memvm has no block devices to migrate (blk)");
        return NULL;
    }
    if (json_object_has_member(args, "resume") &&
        json_object_get_boolean_member(args, "resume")) {
        error_setg(errp, "Cannot resume if there is no paused migration");
        return NULL;
    }
    migration_start(uri, errp);
    return NULL;
}

static JsonNode *qmp_migrate_cancel(JsonObject *args, Error **errp)
{
    migration_cancel();
    return NULL;
}

static JsonNode *qmp_migrate_incoming(JsonObject *args, Error **errp)
{
    const char *uri = json_object_get_string_member(args, "uri");

    if (!migration_incoming_is_deferred()) {
        if (migration_incoming_was_started()) {
            error_setg(errp, "The incoming migration has already been "
                       "started");
        } else if (runstate_get() == RUN_STATE_INMIGRATE) {
            error_setg(errp, "For use with '-incoming defer'");
        } else {
            error_setg(errp, "'-incoming' was not specified on the command "
                       "line");
        }
        return NULL;
    }
    migration_incoming_start(uri, errp);
    return NULL;
}

static JsonObject *ram_stats_object(const MigrationInfo *info)
{
    const MigrationRAMStats *r = &info->ram;
    JsonObject *ram = json_object_new();

    json_object_set_int_member(ram, "transferred", r->transferred);
    json_object_set_int_member(ram, "remaining", r->remaining);
    json_object_set_int_member(ram, "total", r->total);
    json_object_set_int_member(ram, "duplicate", r->duplicate);
    json_object_set_int_member(ram, "skipped", 0);
    json_object_set_int_member(ram, "normal", r->normal);
    json_object_set_int_member(ram, "normal-bytes", r->normal_bytes);
    json_object_set_int_member(ram, "dirty-pages-rate", r->dirty_pages_rate);
    json_object_set_double_member(ram, "mbps", info->mbps);
    json_object_set_int_member(ram, "dirty-sync-count", r->dirty_sync_count);
    json_object_set_int_member(ram, "postcopy-requests", 0);
    json_object_set_int_member(ram, "page-size", 4096);
    json_object_set_int_member(ram, "multifd-bytes", r->multifd_bytes);
    json_object_set_int_member(ram, "pages-per-second", r->pages_per_second);
    json_object_set_int_member(ram, "precopy-bytes", r->precopy_bytes);
    json_object_set_int_member(ram, "downtime-bytes", r->downtime_bytes);
    json_object_set_int_member(ram, "postcopy-bytes", 0);
    json_object_set_int_member(ram, "dirty-sync-missed-zero-copy", 0);
    return ram;
}

static JsonNode *qmp_query_migrate(JsonObject *args, Error **errp)
{
    JsonObject *ret = json_object_new();
    MigrationInfo info;

    migration_get_info(&info);
    if (info.status == MIGRATION_STATUS_NONE) {
        return qmp_node_new_object(ret);
    }
    json_object_set_string_member(ret, "status",
                                  migration_status_name(info.status));
    switch (info.incoming ? MIGRATION_STATUS_NONE : info.status) {
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_DEVICE:
        json_object_set_int_member(ret, "setup-time", info.setup_time);
        json_object_set_int_member(ret, "total-time", info.total_time);
        json_object_set_int_member(ret, "expected-downtime",
                                   info.expected_downtime);
        json_object_set_object_member(ret, "ram", ram_stats_object(&info));
        break;
    case MIGRATION_STATUS_COMPLETED:
        json_object_set_int_member(ret, "setup-time", info.setup_time);
        json_object_set_int_member(ret, "downtime", info.downtime);
        json_object_set_int_member(ret, "total-time", info.total_time);
        json_object_set_object_member(ret, "ram", ram_stats_object(&info));
        break;
    case MIGRATION_STATUS_FAILED:
        if (info.error_desc) {
            json_object_set_string_member(ret, "error-desc",
                                          info.error_desc);
        }
        break;
    default:
        break;
    }
    g_free(info.error_desc);
    return qmp_node_new_object(ret);
}

static JsonNode *qmp_query_migrate_capabilities(JsonObject *args,
                                                Error **errp)
{
    JsonArray *list = json_array_new();

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        JsonObject *cap = json_object_new();

        json_object_set_boolean_member(cap, "state", migrate_cap_enabled(i));
        json_object_set_string_member(cap, "capability",
                                      migration_capability_name(i));
        json_array_add_object_element(list, cap);
    }
    return qmp_node_new_array(list);
}

static JsonNode *qmp_migrate_set_capabilities(JsonObject *args,
                                              Error **errp)
{
    JsonArray *caps = json_object_get_array_member(args, "capabilities");
    guint n = json_array_get_length(caps);

    if (!check_idle(errp)) {
        return NULL;
    }
    /* Check every entry before changing any, as QEMU does. */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < n; i++) {
            JsonNode *node = json_array_get_element(caps, i);
            JsonObject *o;
            JsonNode *name, *state;

            if (!JSON_NODE_HOLDS_OBJECT(node)) {
                error_setg(errp, "Invalid parameter type for "
                           "'capabilities[%u]', expected: object", i);
                return NULL;
            }
            o = json_node_get_object(node);
            name = json_object_get_member(o, "capability");
            state = json_object_get_member(o, "state");
            if (!name || !state) {
                error_setg(errp, "Parameter 'capabilities[%u].%s' is "
                           "missing", i, name ? "state" : "capability");
                return NULL;
            }
            if (json_node_get_value_type(name) != G_TYPE_STRING ||
                json_node_get_value_type(state) != G_TYPE_BOOLEAN) {
                error_setg(errp, "Invalid parameter type for "
                           "'capabilities[%u].%s', expected: %s", i,
                           json_node_get_value_type(name) != G_TYPE_STRING ?
                           "capability" : "state",
                           json_node_get_value_type(name) != G_TYPE_STRING ?
                           "string" : "boolean");
                return NULL;
            }
            if (pass == 0) {
                int cap = migration_capability_by_name(
                    json_node_get_string(name));

                if (cap < 0 || (json_node_get_boolean(state) &&
                                !capability_supported(cap))) {
                    set_capability(json_node_get_string(name),
                                   json_node_get_boolean(state), errp);
                    return NULL;
                }
            } else {
                set_capability(json_node_get_string(name),
                               json_node_get_boolean(state), &error_abort);
            }
        }
    }
    return NULL;
}

static JsonObject *parameters_object(void)
{
    MigrationParameters p = migrate_get_parameters();
    JsonObject *o = json_object_new();
    GList *names = json_object_get_members(other_params);

    for (GList *l = names; l; l = l->next) {
        json_object_set_member(o, l->data,
                               json_object_dup_member(other_params, l->data));
    }
    g_list_free(names);
    json_object_set_int_member(o, "multifd-channels", p.multifd_channels);
    json_object_set_int_member(o, "downtime-limit", p.downtime_limit);
    json_object_set_int_member(o, "max-bandwidth", p.max_bandwidth);
    /*
     * QEMU 8.2's member, which 7.2 lacks: shown only once it is set, so
     * that the reply keeps 7.2's shape (docs/migration-cpr.md).
     */
    if (p.mode != MIG_MODE_NORMAL) {
        json_object_set_string_member(o, "mode", mig_mode_name(p.mode));
    }
    return o;
}

static JsonNode *qmp_query_migrate_parameters(JsonObject *args,
                                              Error **errp)
{
    return qmp_node_new_object(parameters_object());
}

static bool apply_parameters(JsonObject *args, Error **errp)
{
    MigrationParameters p = migrate_get_parameters();
    GList *names = json_object_get_members(args);
    bool ok = false;

    /* The integer parameters memvm uses, with QEMU 7.2's range errors. */
    const struct {
        const char *name;
        int64_t min, max;
        uint64_t *field;
        const char *error;
    } ints[] = {
        { "downtime-limit", 0, 2000000, &p.downtime_limit,
          "Parameter 'downtime_limit' expects an integer in the range of 0 "
          "to 2000 seconds" },
        { "max-bandwidth", 0, INT64_MAX, &p.max_bandwidth,
          "Parameter 'max-bandwidth' expects uint64" },
        { "multifd-channels", 1, 255, &p.multifd_channels,
          "Parameter 'multifd_channels' expects is invalid, it should be "
          "in the range of 1 to 255" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(ints); i++) {
        int64_t v;

        if (!json_object_has_member(args, ints[i].name)) {
            continue;
        }
        v = json_object_get_int_member(args, ints[i].name);
        if (v < ints[i].min || v > ints[i].max) {
            error_setg(errp, "%s", ints[i].error);
            goto out;
        }
        *ints[i].field = v;
    }
    if (json_object_has_member(args, "mode")) {
        const char *v = json_object_get_string_member(args, "mode");
        int mode = v ? mig_mode_by_name(v) : -1;

        if (mode < 0) {
            error_setg(errp, "Parameter 'mode' does not accept value '%s'",
                       v ? v : "");
            goto out;
        }
        p.mode = mode;
    }
    migrate_set_parameters(&p);
    for (GList *l = names; l; l = l->next) {
        if (json_object_has_member(other_params, l->data)) {
            json_object_set_member(other_params, l->data,
                                   json_object_dup_member(args, l->data));
        }
    }
    ok = true;
out:
    g_list_free(names);
    return ok;
}

static JsonNode *qmp_migrate_set_parameters(JsonObject *args, Error **errp)
{
    apply_parameters(args, errp);
    return NULL;
}

/* --- HMP ------------------------------------------------------------ */

static void hmp_migrate(GString *out, const char *args)
{
    Error *err = NULL;
    const char *uri = args;

    /* -d (detach) is what memvm always does; -b/-i need block devices. */
    while (g_str_has_prefix(uri, "-d ")) {
        uri += 3;
        while (*uri == ' ') {
            uri++;
        }
    }
    if (!*uri) {
        hmp_usage_error(out, "migrate", "string expected");
        return;
    }
    if (!migration_start(uri, &err)) {
        hmp_handle_error(out, err);
    }
}

static void hmp_migrate_cancel(GString *out, const char *args)
{
    migration_cancel();
}

static void hmp_migrate_incoming(GString *out, const char *args)
{
    JsonObject *o = json_object_new();
    Error *err = NULL;

    json_object_set_string_member(o, "uri", args);
    qmp_migrate_incoming(o, &err);
    json_object_unref(o);
    if (err) {
        hmp_handle_error(out, err);
    }
}

static void hmp_migrate_set_capability(GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " ", 2);
    Error *err = NULL;
    bool on;

    if (!words[0] || !words[1]) {
        hmp_usage_error(out, "migrate_set_capability", "string expected");
        return;
    }
    if (!strcmp(words[1], "on")) {
        on = true;
    } else if (!strcmp(words[1], "off")) {
        on = false;
    } else {
        hmp_usage_error(out, "migrate_set_capability",
                        "'on' or 'off' expected");
        return;
    }
    if (check_idle(&err)) {
        set_capability(words[0], on, &err);
    }
    if (err) {
        hmp_handle_error(out, err);
    }
}

static void hmp_migrate_set_parameter(GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " ", 2);
    JsonObject *o = json_object_new();
    Error *err = NULL;
    guint64 v = 0;

    if (!words[0] || !words[1]) {
        hmp_usage_error(out, "migrate_set_parameter", "string expected");
        goto out;
    }
    if (!strcmp(words[0], "max-bandwidth")) {
        /* HMP takes a size with a suffix, in bytes/s ("1G"). */
        if (qemu_strtosz_unit(words[1], NULL, 1024 * 1024, &v) < 0) {
            error_setg(&err, "Parameter 'max-bandwidth' expects a size");
        }
    } else if (!strcmp(words[0], "downtime-limit") ||
               !strcmp(words[0], "multifd-channels")) {
        if (!g_ascii_string_to_unsigned(words[1], 10, 0, G_MAXINT64, &v,
                                        NULL)) {
            error_setg(&err, "Parameter '%s' expects uint64", words[0]);
        }
    } else {
        error_setg(&err, "memvm: migration parameter '%s' cannot be set "
                   "from HMP", words[0]);
    }
    if (!err) {
        json_object_set_int_member(o, words[0], v);
        apply_parameters(o, &err);
    }
    if (err) {
        hmp_handle_error(out, err);
    }
out:
    json_object_unref(o);
}

static void hmp_info_migrate(GString *out, const char *args)
{
    MigrationInfo info;
    const MigrationRAMStats *r = &info.ram;

    migration_get_info(&info);
    g_string_append(out, "globals:\nstore-global-state: on\n"
                    "only-migratable: off\nsend-configuration: on\n"
                    "send-section-footer: on\ndecompress-error-check: on\n"
                    "clear-bitmap-shift: 18\n");
    if (info.status == MIGRATION_STATUS_NONE) {
        g_free(info.error_desc);
        return;
    }
    g_string_append_printf(out, "Migration status: %s",
                           migration_status_name(info.status));
    if (info.status == MIGRATION_STATUS_FAILED && info.error_desc) {
        g_string_append_printf(out, " (%s)", info.error_desc);
    }
    g_string_append_printf(out, "\ntotal time: %" PRId64 " ms\n",
                           info.total_time);
    if (info.status == MIGRATION_STATUS_COMPLETED) {
        g_string_append_printf(out, "downtime: %" PRId64 " ms\n",
                               info.downtime);
    } else if (info.status == MIGRATION_STATUS_ACTIVE) {
        g_string_append_printf(out, "expected downtime: %" PRId64 " ms\n",
                               info.expected_downtime);
    }
    if (info.status == MIGRATION_STATUS_COMPLETED ||
        info.status == MIGRATION_STATUS_ACTIVE) {
        g_string_append_printf(out, "setup: %" PRId64 " ms\n",
                               info.setup_time);
        g_string_append_printf(out,
            "transferred ram: %" PRIu64 " kbytes\n"
            "throughput: %0.2f mbps\n"
            "remaining ram: %" PRIu64 " kbytes\n"
            "total ram: %" PRIu64 " kbytes\n"
            "duplicate: %" PRIu64 " pages\n"
            "skipped: 0 pages\n"
            "normal: %" PRIu64 " pages\n"
            "normal bytes: %" PRIu64 " kbytes\n"
            "dirty sync count: %" PRIu64 "\n"
            "page size: 4 kbytes\n"
            "multifd bytes: %" PRIu64 " kbytes\n"
            "pages-per-second: %" PRIu64 "\n",
            r->transferred >> 10, info.mbps, r->remaining >> 10,
            r->total >> 10, r->duplicate, r->normal, r->normal_bytes >> 10,
            r->dirty_sync_count, r->multifd_bytes >> 10,
            r->pages_per_second);
        if (r->dirty_pages_rate) {
            g_string_append_printf(out, "dirty pages rate: %" PRIu64
                                   " pages\n", r->dirty_pages_rate);
        }
        g_string_append_printf(out, "precopy ram: %" PRIu64 " kbytes\n",
                               r->precopy_bytes >> 10);
    }
    g_free(info.error_desc);
}

static void hmp_info_migrate_capabilities(GString *out, const char *args)
{
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        g_string_append_printf(out, "%s: %s\n", migration_capability_name(i),
                               migrate_cap_enabled(i) ? "on" : "off");
    }
}

static void hmp_info_migrate_parameters(GString *out, const char *args)
{
    MigrationParameters p = migrate_get_parameters();

    g_string_append_printf(out, "downtime-limit: %" PRIu64 " ms\n"
                           "max-bandwidth: %" PRIu64 " bytes/second\n"
                           "multifd-channels: %" PRIu64 "\n",
                           p.downtime_limit, p.max_bandwidth,
                           p.multifd_channels);
}

void migration_commands_register(void)
{
    if (!other_params) {
        JsonNode *n = qmp_json_parse(other_param_defaults,
                                     strlen(other_param_defaults),
                                     &error_abort);

        other_params = json_object_ref(json_node_get_object(n));
        json_node_unref(n);
    }
    qmp_register_command_args("migrate", "uri:str blk?:bool inc?:bool "
                              "detach?:bool resume?:bool", qmp_migrate, 0);
    qmp_register_command_args("migrate_cancel", "", qmp_migrate_cancel, 0);
    qmp_register_command_args("migrate-incoming", "uri:str",
                              qmp_migrate_incoming, 0);
    qmp_register_command_args("query-migrate", "", qmp_query_migrate, 0);
    qmp_register_command_args("query-migrate-capabilities", "",
                              qmp_query_migrate_capabilities, 0);
    qmp_register_command_args("migrate-set-capabilities",
                              "capabilities:array",
                              qmp_migrate_set_capabilities, 0);
    qmp_register_command_args("query-migrate-parameters", "",
                              qmp_query_migrate_parameters, 0);
    qmp_register_command_args("migrate-set-parameters", set_params_schema,
                              qmp_migrate_set_parameters, 0);
    hmp_register_command("migrate", "[-d] uri",
                         "migrate to URI (using -d to not wait for "
                         "completion)", hmp_migrate);
    hmp_register_command("migrate_cancel", "",
                         "cancel the current VM migration",
                         hmp_migrate_cancel);
    hmp_register_command("migrate_incoming", "uri",
                         "Continue an incoming migration from an -incoming "
                         "defer", hmp_migrate_incoming);
    hmp_register_command("migrate_set_capability", "capability state",
                         "Enable/Disable the usage of a capability for "
                         "migration", hmp_migrate_set_capability);
    hmp_register_command("migrate_set_parameter", "parameter value",
                         "Set the parameter for migration",
                         hmp_migrate_set_parameter);
    hmp_register_info("migrate", "", "show migration status",
                      hmp_info_migrate);
    hmp_register_info("migrate_capabilities", "",
                      "show current migration capabilities",
                      hmp_info_migrate_capabilities);
    hmp_register_info("migrate_parameters", "",
                      "show current migration parameters",
                      hmp_info_migrate_parameters);
}

void migration_object_init(void)
{
    timer_state_register();
    savevm_skip_section_id();       /* QEMU's "block" */
    ram_mig_init();
    savevm_skip_section_id();       /* QEMU's "dirty-bitmap" */
    global_state_register();
}
