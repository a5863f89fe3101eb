/*
 * QMP and HMP commands about the VM and the object tree: versions and run
 * state, stop/cont/quit/system_reset, human-monitor-command, the qom-*
 * commands, object-add and object-del, and their HMP forms.
 *
 * Replies use QEMU 7.2's member names; members are added in QEMU's schema
 * order because the JSON writer orders them as QEMU does.
 */
#include <string.h>

#include "config-host.h"
#include "monitor/monitor.h"
#include "qemu/option.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

/* --- VM state ----------------------------------------------------------- */

static JsonNode *qmp_query_version(JsonObject *args, Error **errp)
{
    return qmp_node_new_object(qmp_version_info());
}

static JsonNode *qmp_query_status(JsonObject *args, Error **errp)
{
    JsonObject *info = json_object_new();

    json_object_set_boolean_member(info, "running", runstate_is_running());
    /* memvm has no single-step mode; QEMU 7.2 still reports the member. */
    json_object_set_boolean_member(info, "singlestep", false);
    json_object_set_string_member(info, "status",
                                  runstate_name(runstate_get()));
    return qmp_node_new_object(info);
}

static JsonNode *qmp_query_commands(JsonObject *args, Error **errp)
{
    g_autoptr(GPtrArray) names = qmp_command_names();
    JsonArray *list = json_array_new();

    for (guint i = 0; i < names->len; i++) {
        JsonObject *cmd = json_object_new();

        json_object_set_string_member(cmd, "name",
                                      g_ptr_array_index(names, i));
        json_array_add_object_element(list, cmd);
    }
    return qmp_node_new_array(list);
}

static void do_stop(void)
{
    /* Before an incoming migration, stop means "do not start after it". */
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(false);
    } else {
        vm_stop(RUN_STATE_PAUSED);
    }
}

static bool do_cont(Error **errp)
{
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(true);
    } else {
        vm_start();
    }
    return true;
}

static JsonNode *qmp_stop(JsonObject *args, Error **errp)
{
    do_stop();
    return NULL;
}

static JsonNode *qmp_cont(JsonObject *args, Error **errp)
{
    do_cont(errp);
    return NULL;
}

static JsonNode *qmp_quit(JsonObject *args, Error **errp)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return NULL;
}

static JsonNode *qmp_system_reset(JsonObject *args, Error **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return NULL;
}

static JsonNode *qmp_human_monitor_command(JsonObject *args, Error **errp)
{
    GString *out = g_string_new(NULL);
    char *crlf;
    JsonNode *ret;

    hmp_execute(json_object_get_string_member(args, "command-line"), out);
    crlf = hmp_output_crlf(out->str);
    ret = json_node_init_string(json_node_alloc(), crlf);
    g_free(crlf);
    g_string_free(out, TRUE);
    return ret;
}

/* --- the object tree ---------------------------------------------------- */

static Object *qom_resolve(const char *path, bool report_ambiguous,
                           Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous && report_ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    return obj;
}

static JsonNode *qmp_qom_list(JsonObject *args, Error **errp)
{
    Object *obj = qom_resolve(json_object_get_string_member(args, "path"),
                              true, errp);
    GPtrArray *props;
    JsonArray *list;

    if (!obj) {
        return NULL;
    }
    props = object_property_list(obj);
    list = json_array_new();
    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", prop->name);
        json_object_set_string_member(info, "type", prop->type);
        json_array_add_object_element(list, info);
    }
    g_ptr_array_unref(props);
    return qmp_node_new_array(list);
}

static JsonNode *qmp_qom_get(JsonObject *args, Error **errp)
{
    /* QEMU's qom-get and qom-set do not tell an ambiguous path apart. */
    Object *obj = qom_resolve(json_object_get_string_member(args, "path"),
                              false, errp);

    if (!obj) {
        return NULL;
    }
    return object_property_get_json(
        obj, json_object_get_string_member(args, "property"), errp);
}

static JsonNode *qmp_qom_set(JsonObject *args, Error **errp)
{
    Object *obj = qom_resolve(json_object_get_string_member(args, "path"),
                              false, errp);

    if (obj) {
        object_property_set_json(obj,
            json_object_get_string_member(args, "property"),
            json_object_get_member(args, "value"), errp);
    }
    return NULL;
}

static JsonNode *qmp_qom_list_types(JsonObject *args, Error **errp)
{
    const char *implements = NULL;
    bool abstract = false;
    JsonArray *list = json_array_new();
    GSList *classes;

    if (json_object_has_member(args, "implements")) {
        implements = json_object_get_string_member(args, "implements");
    }
    if (json_object_has_member(args, "abstract")) {
        abstract = json_object_get_boolean_member(args, "abstract");
    }
    classes = object_class_get_list_sorted(implements ? implements
                                                      : TYPE_OBJECT,
                                           abstract);
    for (GSList *l = classes; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name",
                                      object_class_get_name(oc));
        /* QEMU omits "abstract" unless it is true. */
        if (object_class_is_abstract(oc)) {
            json_object_set_boolean_member(info, "abstract", true);
        }
        if (parent) {
            json_object_set_string_member(info, "parent",
                                          object_class_get_name(parent));
        }
        json_array_add_object_element(list, info);
    }
    g_slist_free(classes);
    return qmp_node_new_array(list);
}

/* A property default, typed as QEMU's "default-value" is. */
static JsonNode *qom_default_value(const ObjectProperty *prop)
{
    const char *def = prop->default_str;
    JsonNode *node = json_node_alloc();
    guint64 u;
    gint64 i;

    switch (prop->kind) {
    case PROP_KIND_BOOL:
        return json_node_init_boolean(node, !strcmp(def, "on") ||
                                            !strcmp(def, "true") ||
                                            !strcmp(def, "yes"));
    case PROP_KIND_UINT:
    case PROP_KIND_SIZE:
        if (g_ascii_string_to_unsigned(def, 10, 0, G_MAXUINT64, &u, NULL)) {
            return json_node_init_int(node, (gint64)u);
        }
        break;
    case PROP_KIND_INT:
        if (g_ascii_string_to_signed(def, 10, G_MININT64, G_MAXINT64, &i,
                                     NULL)) {
            return json_node_init_int(node, i);
        }
        break;
    default:
        break;
    }
    return json_node_init_string(node, def);
}

static JsonNode *qmp_qom_list_properties(JsonObject *args, Error **errp)
{
    const char *typename = json_object_get_string_member(args, "typename");
    ObjectClass *oc = object_class_by_name(typename);
    Object *obj = NULL;
    GPtrArray *props;
    JsonArray *list;

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Class '%s' not found",
                  typename);
        return NULL;
    }
    /*
     * As QEMU: a concrete type is instantiated (and dropped again) so that
     * properties added by instance_init show up too.
     */
    if (object_class_is_abstract(oc)) {
        props = object_class_property_list(oc);
    } else {
        obj = object_new(typename);
        props = object_property_list(obj);
    }
    list = json_array_new();
    for (guint k = 0; k < props->len; k++) {
        ObjectProperty *prop = g_ptr_array_index(props, k);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", prop->name);
        json_object_set_string_member(info, "type", prop->type);
        if (prop->description) {
            json_object_set_string_member(info, "description",
                                          prop->description);
        }
        if (prop->default_str) {
            json_object_set_member(info, "default-value",
                                   qom_default_value(prop));
        }
        json_array_add_object_element(list, info);
    }
    g_ptr_array_unref(props);
    if (obj) {
        object_unref(obj);
    }
    return qmp_node_new_array(list);
}

/* object-add takes the properties flat, beside qom-type and id. */
static JsonNode *qmp_object_add(JsonObject *args, Error **errp)
{
    JsonObject *props = json_object_new();
    const char *id = NULL;
    GList *members = json_object_get_members(args);

    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;

        if (strcmp(name, "qom-type") && strcmp(name, "id")) {
            json_object_set_member(props, name, json_node_copy(
                json_object_get_member(args, name)));
        }
    }
    g_list_free(members);
    if (json_object_has_member(args, "id")) {
        id = json_object_get_string_member(args, "id");
    }
    user_creatable_add_json(json_object_get_string_member(args, "qom-type"),
                            id, props, errp);
    json_object_unref(props);
    return NULL;
}

static JsonNode *qmp_object_del(JsonObject *args, Error **errp)
{
    user_creatable_del(json_object_get_string_member(args, "id"), errp);
    return NULL;
}

/* --- HMP ---------------------------------------------------------------- */

static void hmp_stop(GString *out, const char *args)
{
    do_stop();
}

static void hmp_cont(GString *out, const char *args)
{
    Error *err = NULL;

    if (!do_cont(&err)) {
        hmp_handle_error(out, err);
    }
}

static void hmp_system_reset(GString *out, const char *args)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

static void hmp_info_status(GString *out, const char *args)
{
    RunState state = runstate_get();

    g_string_append_printf(out, "VM status: %s",
                           runstate_is_running() ? "running" : "paused");
    if (!runstate_is_running() && state != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", runstate_name(state));
    }
    g_string_append_c(out, '\n');
}

static void hmp_info_version(GString *out, const char *args)
{
    /*
     * QEMU glues the package right after the version ("7.2.0Debian...");
     * memvm sets it apart to keep the line readable.
     */
    g_string_append_printf(out, "%d.%d.%d (memvm-%s)\n", QMP_COMPAT_MAJOR,
                           QMP_COMPAT_MINOR, QMP_COMPAT_MICRO, MEMVM_VERSION);
}

typedef struct QomTreePrinter {
    GString *out;
    int depth;
} QomTreePrinter;

static void qom_tree_print(GString *out, Object *obj, int depth);

static int qom_tree_child(Object *child, void *opaque)
{
    QomTreePrinter *p = opaque;

    qom_tree_print(p->out, child, p->depth);
    return 0;
}

/* "/name (type)", children below indented by two, sorted by name. */
static void qom_tree_print(GString *out, Object *obj, int depth)
{
    const char *name = object_get_canonical_path_component(obj);
    QomTreePrinter p = { out, depth + 1 };

    g_string_append_printf(out, "%*s/%s (%s)\n", depth * 2, "",
                           name ? name : "", object_get_typename(obj));
    object_child_foreach(obj, qom_tree_child, &p);
}

static void hmp_info_qom_tree(GString *out, const char *args)
{
    Object *obj;

    if (strpbrk(args, " \t")) {
        g_string_append(out, "qom-tree: extraneous characters at the end of "
                        "line\nTry \"help info qom-tree\" for more "
                        "information\n");
        return;
    }
    if (*args) {
        obj = object_resolve_path(args, NULL);
        if (!obj) {
            g_string_append_printf(out, "Path '%s' could not be resolved.\n",
                                   args);
            return;
        }
    } else {
        /* QEMU starts at the machine; before there is one, at the root. */
        obj = object_resolve_path("/machine", NULL);
        if (!obj) {
            obj = object_get_root();
        }
    }
    qom_tree_print(out, obj, 0);
}

static void hmp_object_add(GString *out, const char *args)
{
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    g_autoptr(QemuOpts) opts = NULL;
    Error *err = NULL;
    const char *type, *id;

    if (!*args) {
        hmp_usage_error(out, "object_add", "string expected");
        return;
    }
    opts = qemu_opts_parse(args, "qom-type", &err);
    if (!opts) {
        hmp_handle_error(out, err);
        return;
    }
    type = qemu_opt_get(opts, "qom-type");
    if (opts->help || (type && is_help_option(type))) {
        if (type && !is_help_option(type)) {
            user_creatable_print_props(type, out);
        } else {
            user_creatable_print_types(out);
        }
        return;
    }
    if (!type) {
        error_setg(&err, "Parameter 'qom-type' is missing");
        hmp_handle_error(out, err);
        return;
    }
    id = qemu_opt_get(opts, "id");
    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->list, i);

        if (strcmp(o->name, "qom-type") && strcmp(o->name, "id")) {
            g_ptr_array_add(keys, o->name);
            g_ptr_array_add(values, o->value);
        }
    }
    if (!user_creatable_add(type, id, keys, values, &err)) {
        hmp_handle_error(out, err);
    }
}

static void hmp_object_del(GString *out, const char *args)
{
    Error *err = NULL;

    if (!*args) {
        hmp_usage_error(out, "object_del", "string expected");
        return;
    }
    if (strpbrk(args, " \t")) {
        hmp_usage_error(out, "object_del",
                        "extraneous characters at the end of line");
        return;
    }
    if (!user_creatable_del(args, &err)) {
        hmp_handle_error(out, err);
    }
}

static void __attribute__((constructor)) qmp_cmds_register(void)
{
    qmp_register_command_args("query-version", "", qmp_query_version,
                              QMP_CMD_ALLOW_STARTUP);
    qmp_register_command_args("query-status", "", qmp_query_status,
                              QMP_CMD_ALLOW_STARTUP);
    qmp_register_command_args("query-commands", "", qmp_query_commands,
                              QMP_CMD_ALLOW_STARTUP);
    qmp_register_command_args("stop", "", qmp_stop, 0);
    qmp_register_command_args("cont", "", qmp_cont, 0);
    qmp_register_command_args("quit", "", qmp_quit, 0);
    qmp_register_command_args("system_reset", "", qmp_system_reset, 0);
    qmp_register_command_args("human-monitor-command",
                              "command-line:str cpu-index?:int",
                              qmp_human_monitor_command, 0);
    qmp_register_command_args("qom-list", "path:str", qmp_qom_list, 0);
    qmp_register_command_args("qom-get", "path:str property:str",
                              qmp_qom_get, 0);
    qmp_register_command_args("qom-set", "path:str property:str value:any",
                              qmp_qom_set, 0);
    qmp_register_command_args("qom-list-types",
                              "implements?:str abstract?:bool",
                              qmp_qom_list_types, 0);
    qmp_register_command_args("qom-list-properties", "typename:str",
                              qmp_qom_list_properties, 0);
    /* An unknown qom-type is reported before a missing id, as in QEMU. */
    qmp_register_command_args("object-add", "qom-type:str id?:str **",
                              qmp_object_add, 0);
    qmp_register_command_args("object-del", "id:str", qmp_object_del, 0);

    hmp_register_command("stop|s", "", "stop emulation", hmp_stop);
    hmp_register_command("cont|c", "", "resume emulation", hmp_cont);
    hmp_register_command("system_reset", "", "reset the system",
                         hmp_system_reset);
    hmp_register_command("object_add",
                         "[qom-type=]type,id=str[,prop=value][,...]",
                         "create QOM object", hmp_object_add);
    hmp_register_command("object_del", "id", "destroy QOM object",
                         hmp_object_del);
    hmp_register_info("status", "",
                      "show the current VM status (running|paused)",
                      hmp_info_status);
    hmp_register_info("version", "", "show the version of QEMU",
                      hmp_info_version);
    hmp_register_info("qom-tree", "[path]", "show QOM composition tree",
                      hmp_info_qom_tree);
}
