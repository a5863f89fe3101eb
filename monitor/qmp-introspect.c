/*
 * query-qmp-schema: QEMU's introspection format (SchemaInfo), generated
 * from the command table at the time of the query, so that it lists
 * exactly the commands memvm has, with the arguments they are registered
 * with.  Management tools (libvirt) decide what to use from it.
 *
 * As in QEMU, builtin types keep their names ("str", "int", ...), other
 * types get numbers ("0", "1", ...) and arrays are "[T]".  Return types
 * come from the table below; a command not in it returns "any", which is
 * true of every command and claims nothing.  Event data likewise.
 */
#include <string.h>

#include "monitor/monitor.h"

/*
 * Return types.  Spelling: str int bool number any null, [T] for an array,
 * {name:T name?:T ...} for an object, "?" marking an optional member.
 */
static const struct {
    const char *name;
    const char *returns;
} qmp_returns[] = {
    { "cont", "{}" },
    { "device-list-properties",
      "[{name:str type:str description?:str default-value?:any}]" },
    { "human-monitor-command", "str" },
    { "object-add", "{}" },
    { "object-del", "{}" },
    { "qmp_capabilities", "{}" },
    { "qom-get", "any" },
    { "qom-list", "[{name:str type:str description?:str "
                  "default-value?:any}]" },
    { "qom-list-properties", "[{name:str type:str description?:str "
                             "default-value?:any}]" },
    { "qom-list-types", "[{name:str abstract?:bool parent?:str}]" },
    { "qom-set", "{}" },
    { "query-chardev", "[{label:str filename:str frontend-open:bool}]" },
    { "query-commands", "[{name:str}]" },
    { "query-kvm", "{enabled:bool present:bool}" },
    { "query-machines",
      "[{name:str alias?:str is-default?:bool cpu-max:int "
      "hotpluggable-cpus:bool numa-mem-supported:bool deprecated:bool "
      "default-cpu-type?:str default-ram-id?:str}]" },
    { "query-memory-size-summary",
      "{base-memory:int plugged-memory?:int}" },
    { "query-status", "{running:bool singlestep:bool status:str}" },
    { "query-target", "{arch:str}" },
    { "query-version",
      "{qemu:{major:int minor:int micro:int} package:str}" },
    { "quit", "{}" },
    { "stop", "{}" },
    { "system_reset", "{}" },
    { "x-query-memdev-usage",
      "[{id:str size:int populated:int nodes:[{node:int populated:int}] "
      "node-unknown:int node-sample-stride:int "
      "page-sizes:[{page-size:int type:str populated:int}]}]" },
};

/* The events memvm emits (docs/qmp.md) and their data. */
static const struct {
    const char *name;
    const char *data;
} qmp_events[] = {
    { "RESET", "{guest:bool reason:str}" },
    { "x-MEMDEV_PREALLOC_PROGRESS",
      "{ids:[str] status:str done:int total:int percent:int}" },
    { "RESUME", "{}" },
    { "SHUTDOWN", "{guest:bool reason:str}" },
    { "STOP", "{}" },
};

static const struct {
    const char *name;
    const char *json_type;
} qmp_builtins[] = {
    { "str", "string" }, { "int", "int" }, { "bool", "boolean" },
    { "number", "number" }, { "any", "value" }, { "null", "null" },
};

typedef struct Schema {
    JsonArray *entities;
    GHashTable *names;      /* definition text -> type name */
    unsigned next;          /* next number for a non-builtin type */
} Schema;

/* The name of the type @key describes, adding @entity for a new one. */
static const char *schema_intern(Schema *s, char *key, const char *name,
                                 JsonObject *entity)
{
    const char *have = g_hash_table_lookup(s->names, key);
    char *n;

    if (have) {
        g_free(key);
        json_object_unref(entity);
        return have;
    }
    n = name ? g_strdup(name) : g_strdup_printf("%u", s->next++);
    json_object_set_string_member(entity, "name", n);
    json_array_add_object_element(s->entities, entity);
    g_hash_table_insert(s->names, key, n);
    return n;
}

static const char *schema_type(Schema *s, const char **p);

static const char *schema_builtin(Schema *s, const char *word)
{
    for (size_t i = 0; i < G_N_ELEMENTS(qmp_builtins); i++) {
        if (!strcmp(word, qmp_builtins[i].name)) {
            JsonObject *e = json_object_new();

            json_object_set_string_member(e, "json-type",
                                          qmp_builtins[i].json_type);
            json_object_set_string_member(e, "meta-type", "builtin");
            return schema_intern(s, g_strdup(word), word, e);
        }
    }
    /* The specs are memvm's own: an unknown word is a programming error. */
    g_assert_not_reached();
}

static const char *schema_array(Schema *s, const char *element)
{
    JsonObject *e = json_object_new();
    g_autofree char *name = g_strdup_printf("[%s]", element);

    json_object_set_string_member(e, "element-type", element);
    json_object_set_string_member(e, "meta-type", "array");
    return schema_intern(s, g_strdup(name), name, e);
}

/* An object type from its members; @members is consumed. */
static const char *schema_object(Schema *s, JsonArray *members)
{
    JsonNode *node = json_node_init_array(json_node_alloc(), members);
    char *key = qmp_json_to_string(node);
    JsonObject *e = json_object_new();

    json_object_set_array_member(e, "members", json_array_ref(members));
    json_object_set_string_member(e, "meta-type", "object");
    json_node_unref(node);
    return schema_intern(s, g_strconcat("object ", key, NULL), NULL, e);
}

static void schema_add_member(JsonArray *members, const char *name,
                              bool optional, const char *type)
{
    JsonObject *m = json_object_new();

    json_object_set_string_member(m, "name", name);
    if (optional) {
        json_object_set_null_member(m, "default");
    }
    json_object_set_string_member(m, "type", type);
    json_array_add_object_element(members, m);
}

/* Parse one type of the spelling above at *@p; returns its name. */
static const char *schema_type(Schema *s, const char **p)
{
    const char *q = *p;

    if (*q == '[') {
        const char *element;

        q++;
        element = schema_type(s, &q);
        g_assert(*q == ']');
        *p = q + 1;
        return schema_array(s, element);
    }
    if (*q == '{') {
        JsonArray *members = json_array_new();

        q++;
        while (*q != '}') {
            const char *colon = strchr(q, ':');
            g_autofree char *name = NULL;
            bool optional;

            g_assert(colon);
            optional = colon[-1] == '?';
            name = g_strndup(q, colon - q - optional);
            q = colon + 1;
            schema_add_member(members, name, optional, schema_type(s, &q));
            while (*q == ' ') {
                q++;
            }
        }
        *p = q + 1;
        return schema_object(s, members);
    }
    size_t len = strcspn(q, " ]}");
    g_autofree char *word = g_strndup(q, len);

    *p = q + len;
    return schema_builtin(s, word);
}

static const char *schema_spec(Schema *s, const char *spec)
{
    return schema_type(s, &spec);
}

/*
 * Arguments as registered ("path:str id?:str"): an object type.  Object
 * and array arguments are described as "any" and "[any]": the command
 * table does not say more.  "**" (further members, object-add's
 * properties) cannot be described and is left out.
 */
static const char *schema_args(Schema *s, const char *args)
{
    g_auto(GStrv) words = g_strsplit(args ? args : "", " ", -1);
    JsonArray *members = json_array_new();

    for (char **w = words; *w; w++) {
        const char *colon = strchr(*w, ':');
        g_autofree char *name = NULL;
        const char *type;
        bool optional;

        if (!colon) {
            continue;
        }
        optional = colon[-1] == '?';
        name = g_strndup(*w, colon - *w - optional);
        type = colon + 1;
        if (!strcmp(type, "object")) {
            type = "any";
        } else if (!strcmp(type, "array")) {
            type = "[any]";
        }
        schema_add_member(members, name, optional, schema_spec(s, type));
    }
    return schema_object(s, members);
}

static const char *schema_returns(const char *command)
{
    for (size_t i = 0; i < G_N_ELEMENTS(qmp_returns); i++) {
        if (!strcmp(command, qmp_returns[i].name)) {
            return qmp_returns[i].returns;
        }
    }
    return "any";
}

static JsonNode *qmp_query_qmp_schema(JsonObject *args, Error **errp)
{
    g_autoptr(GPtrArray) names = qmp_command_names();
    Schema s = {
        .entities = json_array_new(),
        .names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free),
    };

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        JsonObject *cmd = json_object_new();
        const char *arg_type = schema_args(&s, qmp_command_schema(name));
        const char *ret_type = schema_spec(&s, schema_returns(name));

        json_object_set_string_member(cmd, "name", name);
        json_object_set_string_member(cmd, "ret-type", ret_type);
        json_object_set_string_member(cmd, "meta-type", "command");
        json_object_set_string_member(cmd, "arg-type", arg_type);
        json_array_add_object_element(s.entities, cmd);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(qmp_events); i++) {
        JsonObject *ev = json_object_new();
        const char *arg_type = schema_spec(&s, qmp_events[i].data);

        json_object_set_string_member(ev, "name", qmp_events[i].name);
        json_object_set_string_member(ev, "meta-type", "event");
        json_object_set_string_member(ev, "arg-type", arg_type);
        json_array_add_object_element(s.entities, ev);
    }
    g_hash_table_unref(s.names);
    return qmp_node_new_array(s.entities);
}

static void __attribute__((constructor)) qmp_introspect_register(void)
{
    qmp_register_command_args("query-qmp-schema", "",
                              qmp_query_qmp_schema, QMP_CMD_ALLOW_STARTUP);
}
