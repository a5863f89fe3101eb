/*
 * The QMP server: the greeting, capability negotiation, command dispatch
 * with argument checking, and events.  The JSON on the wire is QEMU's
 * (monitor/qjson.c); handlers only ever see json-glib objects.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "config-host.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qjson.h"
#include "sysemu/runstate.h"

/* --- commands ----------------------------------------------------------- */

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_INT,
    QMP_ARG_BOOL,
    QMP_ARG_NUMBER,
    QMP_ARG_OBJECT,
    QMP_ARG_ARRAY,
    QMP_ARG_ANY,
    QMP_ARG__MAX,
} QmpArgType;

/* Schema spelling, and the type name QEMU's input visitor reports. */
static const struct {
    const char *name;
    const char *expected;
} qmp_arg_types[QMP_ARG__MAX] = {
    [QMP_ARG_STR] = { "str", "string" },
    [QMP_ARG_INT] = { "int", "integer" },
    [QMP_ARG_BOOL] = { "bool", "boolean" },
    [QMP_ARG_NUMBER] = { "number", "number" },
    [QMP_ARG_OBJECT] = { "object", "object" },
    [QMP_ARG_ARRAY] = { "array", "array" },
    [QMP_ARG_ANY] = { "any", NULL },
};

typedef struct QmpArg {
    char *name;
    QmpArgType type;
    bool optional;
} QmpArg;

typedef struct QmpCommand {
    char *name;
    QmpCommandFunc *fn;
    QmpCommandFlags flags;
    GArray *args;       /* of QmpArg; NULL: the handler checks */
    bool open;          /* further members go to the handler */
    char *schema;       /* as registered, for query-qmp-schema */
} QmpCommand;

static GHashTable *qmp_commands;

static void qmp_command_free(gpointer data)
{
    QmpCommand *cmd = data;

    if (cmd->args) {
        for (guint i = 0; i < cmd->args->len; i++) {
            g_free(g_array_index(cmd->args, QmpArg, i).name);
        }
        g_array_unref(cmd->args);
    }
    g_free(cmd->name);
    g_free(cmd->schema);
    g_free(cmd);
}

static QmpCommand *qmp_command_new(const char *name, QmpCommandFunc *fn,
                                   QmpCommandFlags flags)
{
    QmpCommand *cmd = g_new0(QmpCommand, 1);

    if (!qmp_commands) {
        qmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             qmp_command_free);
    }
    /* Two handlers for one name is a programming error. */
    g_assert(!g_hash_table_contains(qmp_commands, name));
    cmd->name = g_strdup(name);
    cmd->fn = fn;
    cmd->flags = flags;
    g_hash_table_insert(qmp_commands, cmd->name, cmd);
    return cmd;
}

void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          QmpCommandFlags flags)
{
    qmp_command_new(name, fn, flags);
}

void qmp_register_command_args(const char *name, const char *schema,
                               QmpCommandFunc *fn, QmpCommandFlags flags)
{
    QmpCommand *cmd = qmp_command_new(name, fn, flags);
    char **words = g_strsplit_set(schema, " ", -1);

    cmd->schema = g_strdup(schema);
    cmd->args = g_array_new(FALSE, FALSE, sizeof(QmpArg));
    for (char **w = words; *w; w++) {
        const char *colon = strchr(*w, ':');
        QmpArg arg = { 0 };
        int t;

        if (!**w) {
            continue;
        }
        if (!strcmp(*w, "**")) {
            cmd->open = true;
            continue;
        }
        g_assert(colon && colon > *w);
        arg.optional = colon[-1] == '?';
        arg.name = g_strndup(*w, colon - *w - arg.optional);
        for (t = 0; t < QMP_ARG__MAX; t++) {
            if (!strcmp(colon + 1, qmp_arg_types[t].name)) {
                break;
            }
        }
        g_assert(t < QMP_ARG__MAX);
        arg.type = t;
        g_array_append_val(cmd->args, arg);
    }
    g_strfreev(words);
}

static gint qmp_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *qmp_command_names(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;

    if (qmp_commands) {
        g_hash_table_iter_init(&iter, qmp_commands);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            g_ptr_array_add(names, g_strdup(key));
        }
    }
    g_ptr_array_sort(names, qmp_name_cmp);
    return names;
}

const char *qmp_command_schema(const char *name)
{
    QmpCommand *cmd = qmp_commands ? g_hash_table_lookup(qmp_commands, name)
                                   : NULL;

    return cmd ? cmd->schema : NULL;
}

static bool qmp_arg_type_ok(QmpArgType type, JsonNode *v)
{
    GType vt = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v)
                                        : G_TYPE_INVALID;

    switch (type) {
    case QMP_ARG_STR:
        return vt == G_TYPE_STRING;
    case QMP_ARG_INT:
        return vt == G_TYPE_INT64;
    case QMP_ARG_BOOL:
        return vt == G_TYPE_BOOLEAN;
    case QMP_ARG_NUMBER:
        return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
    case QMP_ARG_OBJECT:
        return JSON_NODE_HOLDS_OBJECT(v);
    case QMP_ARG_ARRAY:
        return JSON_NODE_HOLDS_ARRAY(v);
    default:
        return true;
    }
}

/*
 * In QEMU's order: declared members first (missing, then wrongly typed),
 * then one member nobody asked for.  Which one QEMU names depends on the
 * layout of a GLib hash table of the leftover members, filled in QEMU's
 * member order; building the same table with the same GLib names the same
 * member.
 */
static bool qmp_check_args(const QmpCommand *cmd, JsonObject *args,
                           Error **errp)
{
    GHashTableIter iter;
    GHashTable *left;
    GArray *order;
    gpointer name;
    bool ok = true;

    for (guint i = 0; i < cmd->args->len; i++) {
        const QmpArg *a = &g_array_index(cmd->args, QmpArg, i);
        JsonNode *v = json_object_get_member(args, a->name);

        if (!v) {
            if (!a->optional) {
                error_setg(errp, "Parameter '%s' is missing", a->name);
                return false;
            }
            continue;
        }
        if (!qmp_arg_type_ok(a->type, v)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       a->name, qmp_arg_types[a->type].expected);
            return false;
        }
    }
    if (cmd->open) {
        return true;
    }
    left = g_hash_table_new(g_str_hash, g_str_equal);
    order = json_object_qemu_order(args);
    for (guint i = 0; i < order->len; i++) {
        const char *key = g_array_index(order, OrderedMember, i).name;

        g_hash_table_add(left, (gpointer)key);
    }
    for (guint i = 0; i < cmd->args->len; i++) {
        g_hash_table_remove(left, g_array_index(cmd->args, QmpArg, i).name);
    }
    g_hash_table_iter_init(&iter, left);
    if (g_hash_table_iter_next(&iter, &name, NULL)) {
        error_setg(errp, "Parameter '%s' is unexpected", (const char *)name);
        ok = false;
    }
    g_hash_table_unref(left);
    g_array_unref(order);
    return ok;
}

/* --- JSON helpers for handlers ------------------------------------------ */

JsonNode *qmp_node_new_object(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    json_object_unref(obj);
    return node;
}

JsonNode *qmp_node_new_array(JsonArray *arr)
{
    JsonNode *node = json_node_init_array(json_node_alloc(), arr);

    json_array_unref(arr);
    return node;
}

const char *qmp_arg_str(JsonObject *args, const char *name, bool required,
                        Error **errp)
{
    JsonNode *v = json_object_get_member(args, name);

    if (!v) {
        if (required) {
            error_setg(errp, "Parameter '%s' is missing", name);
        }
        return NULL;
    }
    if (!qmp_arg_type_ok(QMP_ARG_STR, v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   name);
        return NULL;
    }
    return json_node_get_string(v);
}

JsonObject *qmp_version_info(void)
{
    JsonObject *info = json_object_new();
    JsonObject *qemu = json_object_new();

    /* Insertion order matters for QEMU's member order: schema order. */
    json_object_set_int_member(qemu, "major", QMP_COMPAT_MAJOR);
    json_object_set_int_member(qemu, "minor", QMP_COMPAT_MINOR);
    json_object_set_int_member(qemu, "micro", QMP_COMPAT_MICRO);
    json_object_set_object_member(info, "qemu", qemu);
    json_object_set_string_member(info, "package", "memvm-" MEMVM_VERSION);
    return info;
}

/* --- monitors ----------------------------------------------------------- */

typedef struct QmpMonitor {
    Chardev *chr;       /* NULL for the monitor of qmp_dispatch_buffer() */
    GString *capture;   /* without a chardev, what would have been sent */
    QJsonStreamer streamer;
    bool negotiated;    /* qmp_capabilities has succeeded */
    bool oob;           /* the client enabled the "oob" capability */
    GQueue held;        /* of QmpHeld: requests that wait for start-up */
} QmpMonitor;

/* A message read while memvm starts, answered once it has started. */
typedef struct QmpHeld {
    JsonNode *req;
    Error *err;
} QmpHeld;

static GPtrArray *qmp_monitors;
/* The monitor whose command is running (for qmp_capabilities). */
static QmpMonitor *qmp_cur_mon;
static bool stdio_claimed;
/* monitor_poll_startup() runs; some monitor holds input for after it. */
static bool monitor_starting;
static bool monitor_holding;
static guint monitor_release_idle;

Chardev *monitor_open_chardev(const char *spec, Error **errp)
{
    Chardev *chr;

    if (!strcmp(spec, "stdio")) {
        if (stdio_claimed) {
            error_setg(errp, "cannot use stdio by multiple character "
                       "devices");
            return NULL;
        }
        stdio_claimed = true;
    }
    /* A client that goes away must not kill us with SIGPIPE. */
    os_setup_signal_handling();
    chr = chr_open(spec, errp);
    if (!chr && !strcmp(spec, "stdio")) {
        stdio_claimed = false;
    }
    return chr;
}

/* QEMU's monitors end every line with CR LF. */
static void qmp_send_json(QmpMonitor *mon, JsonNode *node)
{
    char *text = qmp_json_to_string(node);
    char *line = g_strconcat(text, "\r\n", NULL);

    if (mon->capture) {
        g_string_append(mon->capture, line);
    } else {
        chr_write(mon->chr, line, strlen(line));
    }
    g_free(line);
    g_free(text);
}

static void qmp_send_object(QmpMonitor *mon, JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    qmp_send_json(mon, node);
    json_node_unref(node);
}

static void qmp_send_greeting(QmpMonitor *mon)
{
    JsonObject *greeting = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonArray *caps = json_array_new();

    /* Every memvm transport could carry out-of-band commands, as QEMU's. */
    json_array_add_string_element(caps, "oob");
    json_object_set_object_member(qmp, "version", qmp_version_info());
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(greeting, "QMP", qmp);
    qmp_send_object(mon, greeting);
    json_object_unref(greeting);
}

static JsonObject *qmp_error_object(Error *err)
{
    JsonObject *desc = json_object_new();

    json_object_set_string_member(desc, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(desc, "desc", error_get_pretty(err));
    return desc;
}

/*
 * Check the request's members in QEMU's order and with its messages;
 * returns the command name.
 */
static const char *qmp_check_request(QmpMonitor *mon, JsonObject *req,
                                     bool *oob, Error **errp)
{
    GArray *order = json_object_qemu_order(req);
    const char *exec_key = NULL;
    const char *name = NULL;

    for (guint i = 0; i < order->len; i++) {
        const char *key = g_array_index(order, OrderedMember, i).name;
        JsonNode *v = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (!strcmp(key, "exec-oob") && mon->oob)) {
            if (!qmp_arg_type_ok(QMP_ARG_STR, v)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                goto out;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member 'execute' clashes with "
                           "'exec-oob'");
                goto out;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(v)) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                           "object");
                goto out;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            goto out;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        goto out;
    }
    *oob = !strcmp(exec_key, "exec-oob");
    name = json_object_get_string_member(req, exec_key);
out:
    g_array_unref(order);
    return name;
}

/* Run one request; returns the response (without "id"). */
static JsonObject *qmp_dispatch(QmpMonitor *mon, JsonObject *req)
{
    JsonObject *rsp = json_object_new();
    JsonObject *args, *empty = NULL;
    JsonNode *ret = NULL;
    QmpCommand *cmd;
    Error *err = NULL;
    const char *name;
    bool oob = false;

    name = qmp_check_request(mon, req, &oob, &err);
    if (!name) {
        goto out;
    }
    cmd = qmp_commands ? g_hash_table_lookup(qmp_commands, name) : NULL;
    if (!mon->negotiated) {
        if (!cmd || !(cmd->flags & QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION)) {
            error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                      "Expecting capabilities negotiation with "
                      "'qmp_capabilities'");
            goto out;
        }
    } else if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        goto out;
    }
    if (oob) {
        /* No memvm command may run out of band. */
        error_setg(&err, "The command %s does not support OOB", name);
        goto out;
    }
    if (json_object_has_member(req, "arguments")) {
        args = json_object_get_object_member(req, "arguments");
    } else {
        args = empty = json_object_new();
    }
    if (cmd->args && !qmp_check_args(cmd, args, &err)) {
        goto out;
    }
    qmp_cur_mon = mon;
    ret = cmd->fn(args, &err);
    qmp_cur_mon = NULL;
out:
    if (err) {
        if (ret) {
            json_node_unref(ret);
        }
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else {
        if (!ret) {
            ret = qmp_node_new_object(json_object_new());
        }
        json_object_set_member(rsp, "return", ret);
    }
    if (empty) {
        json_object_unref(empty);
    }
    return rsp;
}

/*
 * While memvm starts, what may run now: queries of what exists, and
 * whatever the dispatcher refuses anyway (bad requests, unknown
 * commands), as long as nothing is held before it.
 */
static bool qmp_runs_at_startup(QmpMonitor *mon, JsonNode *req)
{
    JsonObject *obj;
    QmpCommand *cmd;
    JsonNode *exec;

    if (!g_queue_is_empty(&mon->held)) {
        return false;
    }
    if (!req || !JSON_NODE_HOLDS_OBJECT(req)) {
        return true;
    }
    obj = json_node_get_object(req);
    exec = json_object_get_member(obj, "execute");
    if (!exec) {
        exec = json_object_get_member(obj, "exec-oob");
    }
    if (!exec || !qmp_arg_type_ok(QMP_ARG_STR, exec)) {
        return true;
    }
    cmd = qmp_commands ? g_hash_table_lookup(qmp_commands,
                                             json_node_get_string(exec))
                       : NULL;
    return !cmd || (cmd->flags & (QMP_CMD_ALLOW_STARTUP |
                                  QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION));
}

static void qmp_answer(QmpMonitor *mon, JsonNode *req, Error *err);

/* Answer what start-up held, in order. */
static void qmp_release_held(QmpMonitor *mon)
{
    QmpHeld *h;

    while ((h = g_queue_pop_head(&mon->held))) {
        qmp_answer(mon, h->req, h->err);
        g_free(h);
    }
}

static void qmp_drop_held(QmpMonitor *mon)
{
    QmpHeld *h;

    while ((h = g_queue_pop_head(&mon->held))) {
        if (h->req) {
            json_node_unref(h->req);
        }
        error_free(h->err);
        g_free(h);
    }
}

static void qmp_handle_message(void *opaque, JsonNode *req, Error *err)
{
    QmpMonitor *mon = opaque;

    if (monitor_in_startup() && !qmp_runs_at_startup(mon, req)) {
        /* The reply comes once memvm has started, as it did before. */
        QmpHeld *h = g_new0(QmpHeld, 1);

        h->req = req;
        h->err = err;
        g_queue_push_tail(&mon->held, h);
        monitor_hold_input();
        return;
    }
    /* Held requests came first: their replies must, too. */
    qmp_release_held(mon);
    qmp_answer(mon, req, err);
}

static void qmp_answer(QmpMonitor *mon, JsonNode *req, Error *err)
{
    JsonObject *rsp;

    if (err) {
        /* A message that did not parse has no "id" to echo. */
        rsp = json_object_new();
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else if (!JSON_NODE_HOLDS_OBJECT(req)) {
        error_setg(&err, "QMP input must be a JSON object");
        rsp = json_object_new();
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else {
        JsonObject *obj = json_node_get_object(req);

        rsp = qmp_dispatch(mon, obj);
        if (json_object_has_member(obj, "id")) {
            json_object_set_member(rsp, "id", json_node_copy(
                json_object_get_member(obj, "id")));
        }
    }
    if (req) {
        json_node_unref(req);
    }
    /*
     * Service what the command asked for (quit, system_reset, stop from
     * another thread) now, so that its events precede the reply as in
     * QEMU.  The main loop ends after this reply has been written.
     */
    runstate_process_requests();
    qmp_send_object(mon, rsp);
    json_object_unref(rsp);
}

static void qmp_chr_read(void *opaque, const char *buf, size_t len)
{
    QmpMonitor *mon = opaque;

    json_streamer_feed(&mon->streamer, buf, len);
}

static void qmp_chr_event(void *opaque, ChrEvent event)
{
    QmpMonitor *mon = opaque;

    /* Each client starts afresh; a half-sent command is dropped. */
    json_streamer_reset(&mon->streamer);
    qmp_drop_held(mon);
    mon->negotiated = false;
    mon->oob = false;
    if (event == CHR_EVENT_OPENED) {
        qmp_send_greeting(mon);
    }
}

bool monitor_add_qmp(const char *spec, Error **errp)
{
    QmpMonitor *mon;
    Chardev *chr;

    chr = monitor_open_chardev(spec, errp);
    if (!chr) {
        return false;
    }
    mon = g_new0(QmpMonitor, 1);
    mon->chr = chr;
    json_streamer_init(&mon->streamer, qmp_handle_message, mon);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(qmp_monitors, mon);
    chr_set_handlers(chr, qmp_chr_read, qmp_chr_event, mon);
    return true;
}

char *qmp_dispatch_buffer(const char *buf, size_t len)
{
    QmpMonitor mon = { 0 };

    mon.capture = g_string_new(NULL);
    json_streamer_init(&mon.streamer, qmp_handle_message, &mon);
    qmp_send_greeting(&mon);
    json_streamer_feed(&mon.streamer, buf, len);
    /* End of input is a disconnect: a half-sent message is dropped. */
    json_streamer_destroy(&mon.streamer);
    return g_string_free(mon.capture, FALSE);
}

static void qmp_broadcast(const char *line)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        QmpMonitor *mon = g_ptr_array_index(qmp_monitors, i);

        /* Events wait for capabilities negotiation, as in QEMU. */
        if (mon->negotiated && chr_is_connected(mon->chr)) {
            chr_write(mon->chr, line, strlen(line));
        }
    }
}

static gboolean qmp_broadcast_idle(gpointer opaque)
{
    qmp_broadcast(opaque);
    g_free(opaque);
    return G_SOURCE_REMOVE;
}

void qmp_event_emit(const char *event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *msg = json_object_new();
    JsonObject *ts = json_object_new();
    JsonNode *node;
    char *text, *line;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_string_member(msg, "event", event);
    if (data) {
        json_object_set_object_member(msg, "data", json_object_ref(data));
    }
    json_object_set_object_member(msg, "timestamp", ts);
    node = qmp_node_new_object(msg);
    text = qmp_json_to_string(node);
    json_node_unref(node);
    line = g_strconcat(text, "\r\n", NULL);
    g_free(text);
    if (qemu_in_main_thread()) {
        qmp_broadcast(line);
        g_free(line);
    } else {
        /* The monitor list belongs to the main thread. */
        g_idle_add(qmp_broadcast_idle, line);
    }
}

void monitor_cleanup(void)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        QmpMonitor *mon = g_ptr_array_index(qmp_monitors, i);

        chr_close(mon->chr);
        json_streamer_destroy(&mon->streamer);
        qmp_drop_held(mon);
        g_free(mon);
    }
    if (monitor_release_idle) {
        g_source_remove(monitor_release_idle);
        monitor_release_idle = 0;
    }
    if (qmp_monitors) {
        g_ptr_array_free(qmp_monitors, TRUE);
        qmp_monitors = NULL;
    }
    hmp_cleanup();
    stdio_claimed = false;
}

/* --- start-up ---------------------------------------------------------- */


bool monitor_in_startup(void)
{
    return monitor_starting;
}

void monitor_hold_input(void)
{
    monitor_holding = true;
}

static gboolean monitor_release(gpointer opaque)
{
    monitor_release_idle = 0;
    monitor_holding = false;
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        qmp_release_held(g_ptr_array_index(qmp_monitors, i));
    }
    hmp_release_held();
    return G_SOURCE_REMOVE;
}

void monitor_poll_startup(void)
{
    /* Only the main thread owns the monitors; no monitors, nothing to do. */
    if (!qemu_in_main_thread() || monitor_starting ||
        (!qmp_monitors && !hmp_has_monitors())) {
        return;
    }
    /* Held input waits for the main loop, not for the next poll. */
    if (monitor_release_idle) {
        g_source_remove(monitor_release_idle);
        monitor_release_idle = 0;
    }
    monitor_starting = true;
    while (g_main_context_iteration(NULL, FALSE)) {
        /* Until nothing more is ready. */
    }
    monitor_starting = false;
    if (monitor_holding) {
        monitor_release_idle = g_idle_add(monitor_release, NULL);
    }
}

/* --- qmp_capabilities ------------------------------------------------- */

static JsonNode *qmp_qmp_capabilities(JsonObject *args, Error **errp)
{
    JsonNode *enable = json_object_get_member(args, "enable");
    bool oob = false;

    g_assert(qmp_cur_mon);
    if (enable) {
        JsonArray *caps = json_node_get_array(enable);

        for (guint i = 0; i < json_array_get_length(caps); i++) {
            JsonNode *cap = json_array_get_element(caps, i);

            if (!qmp_arg_type_ok(QMP_ARG_STR, cap)) {
                error_setg(errp, "Invalid parameter type for 'enable[%u]', "
                           "expected: string", i);
                return NULL;
            }
            if (strcmp(json_node_get_string(cap), "oob")) {
                /* QEMU 7.2 really names the parameter 'null' here. */
                error_setg(errp, "Parameter 'null' does not accept value "
                           "'%s'", json_node_get_string(cap));
                return NULL;
            }
            oob = true;
        }
    }
    if (qmp_cur_mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return NULL;
    }
    qmp_cur_mon->negotiated = true;
    qmp_cur_mon->oob = oob;
    return NULL;
}

static void __attribute__((constructor)) qmp_register_builtins(void)
{
    qmp_register_command_args("qmp_capabilities", "enable?:array",
                              qmp_qmp_capabilities,
                              QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION);
}
