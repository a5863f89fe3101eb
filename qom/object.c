/*
 * The object model: type registry, instances, the object tree and
 * properties.  See include/qom/object.h for the contract.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "qom/object.h"
#include "qemu/cutils.h"

struct TypeImpl {
    TypeInfo info;
    char *name;
    char *parent_name;
    struct TypeImpl *parent;
    ObjectClass *klass;
    size_t class_size;
    size_t instance_size;
};

static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

Type type_register_static(const TypeInfo *info)
{
    struct TypeImpl *ti = g_new0(struct TypeImpl, 1);

    g_assert(info->name);
    /* Two registrations of one name is a build error, not user input. */
    g_assert(!g_hash_table_lookup(type_table_get(), info->name));
    ti->info = *info;
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    g_hash_table_insert(type_table_get(), ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr)
{
    for (int i = 0; i < nr; i++) {
        type_register_static(&infos[i]);
    }
}

static Type type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

static Type type_get_parent(Type ti)
{
    if (!ti->parent && ti->parent_name) {
        ti->parent = type_get_by_name(ti->parent_name);
        g_assert(ti->parent);
    }
    return ti->parent;
}

static size_t type_class_size(Type ti)
{
    if (ti->info.class_size) {
        return ti->info.class_size;
    }
    return type_get_parent(ti) ? type_class_size(type_get_parent(ti))
                               : sizeof(ObjectClass);
}

static size_t type_instance_size(Type ti)
{
    if (ti->info.instance_size) {
        return ti->info.instance_size;
    }
    return type_get_parent(ti) ? type_instance_size(type_get_parent(ti))
                               : sizeof(Object);
}

static void property_free(gpointer data)
{
    ObjectProperty *prop = data;

    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->default_str);
    g_free(prop);
}

static void type_initialize(Type ti)
{
    Type parent;

    if (ti->klass) {
        return;
    }
    ti->class_size = type_class_size(ti);
    ti->instance_size = type_instance_size(ti);
    ti->klass = g_malloc0(ti->class_size);
    parent = type_get_parent(ti);
    if (parent) {
        type_initialize(parent);
        g_assert(parent->class_size <= ti->class_size);
        /* A class starts as a copy of its parent, hooks included. */
        memcpy(ti->klass, parent->klass, parent->class_size);
    }
    ti->klass->type = ti;
    ti->klass->default_overrides = NULL;
    /* Properties are not copied: lookups walk the parent chain. */
    ti->klass->properties = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  NULL, property_free);
    if (ti->info.class_init) {
        ti->info.class_init(ti->klass, ti->info.class_data);
    }
}

ObjectClass *object_class_by_name(const char *typename)
{
    Type ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->klass;
}

const char *object_class_get_name(ObjectClass *oc)
{
    return oc->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *oc)
{
    Type parent = type_get_parent(oc->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->klass;
}

bool object_class_is_abstract(ObjectClass *oc)
{
    return oc->type->info.abstract;
}

bool object_class_is_user_creatable(ObjectClass *oc)
{
    for (Type t = oc->type; t; t = type_get_parent(t)) {
        if (t->info.user_creatable) {
            return true;
        }
    }
    return false;
}

static bool type_is_ancestor(Type ti, Type target)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti == target) {
            return true;
        }
    }
    return false;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename)
{
    Type target = type_get_by_name(typename);

    if (!oc || !target) {
        return NULL;
    }
    return type_is_ancestor(oc->type, target) ? oc : NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc,
                                              const char *typename,
                                              const char *file, int line)
{
    ObjectClass *ret = object_class_dynamic_cast(oc, typename);

    if (!ret && oc) {
        g_error("%s:%d: class '%s' is not a '%s'", file, line,
                object_class_get_name(oc), typename);
    }
    return ret;
}

typedef struct ClassListData {
    Type implements;
    bool include_abstract;
    GSList *list;
} ClassListData;

static void class_list_add(gpointer key, gpointer value, gpointer opaque)
{
    ClassListData *data = opaque;
    Type ti = value;

    type_initialize(ti);
    if (!data->include_abstract && ti->info.abstract) {
        return;
    }
    if (data->implements && !type_is_ancestor(ti, data->implements)) {
        return;
    }
    data->list = g_slist_prepend(data->list, ti->klass);
}

GSList *object_class_get_list(const char *implements, bool include_abstract)
{
    ClassListData data = {
        .implements = implements ? type_get_by_name(implements) : NULL,
        .include_abstract = include_abstract,
    };

    if (implements && !data.implements) {
        return NULL;
    }
    g_hash_table_foreach(type_table_get(), class_list_add, &data);
    return data.list;
}

static gint class_cmp_name(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements,
                                     bool include_abstract)
{
    return g_slist_sort(object_class_get_list(implements, include_abstract),
                        class_cmp_name);
}

/* --- instances ---------------------------------------------------------- */

static void object_init_with_type(Object *obj, Type ti)
{
    if (type_get_parent(ti)) {
        object_init_with_type(obj, type_get_parent(ti));
    }
    if (ti->info.instance_init) {
        ti->info.instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, Type ti)
{
    if (ti->info.instance_post_init) {
        ti->info.instance_post_init(obj);
    }
    if (type_get_parent(ti)) {
        object_post_init_with_type(obj, type_get_parent(ti));
    }
}

static void instance_property_free(gpointer data)
{
    property_free(data);
}

/* Of GlobalProperty *, in registration order. */
static GPtrArray *global_props;

static void global_props_add(const GlobalProperty *gp)
{
    if (!global_props) {
        global_props = g_ptr_array_new();
    }
    g_ptr_array_add(global_props, (gpointer)gp);
}

void object_register_global_props(const GlobalProperty *props)
{
    for (; props->driver; props++) {
        global_props_add(props);
    }
}

void object_register_sugar_prop(const char *driver, const char *property,
                                const char *value)
{
    /* Lives until object_clear_global_props() or the end of the process. */
    GlobalProperty *gp = g_new0(GlobalProperty, 1);

    gp->driver = g_intern_string(driver);
    gp->property = g_intern_string(property);
    gp->value = g_intern_string(value);
    global_props_add(gp);
}

void object_clear_global_props(void)
{
    if (global_props) {
        g_ptr_array_free(global_props, TRUE);
        global_props = NULL;
    }
}

/*
 * Registrations come from code (compat tables) and fixed sugar: a failure
 * to apply one is a bug, not user input.
 */
static void object_apply_global_props(Object *obj)
{
    for (guint i = 0; global_props && i < global_props->len; i++) {
        const GlobalProperty *gp = g_ptr_array_index(global_props, i);

        if (object_dynamic_cast(obj, gp->driver)) {
            object_property_parse(obj, gp->property, gp->value,
                                  &error_abort);
        }
    }
}

Object *object_new_checked(const char *typename, Error **errp)
{
    Type ti = type_get_by_name(typename);
    Object *obj;

    if (!ti) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    type_initialize(ti);
    if (ti->info.abstract) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    obj = g_malloc0(ti->instance_size);
    obj->klass = ti->klass;
    obj->ref = 1;
    obj->properties = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            instance_property_free);
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
    object_apply_global_props(obj);
    return obj;
}

Object *object_new(const char *typename)
{
    return object_new_checked(typename, &error_abort);
}

Object *object_ref(void *opaque)
{
    Object *obj = opaque;

    if (obj) {
        g_assert(obj->ref > 0);
        obj->ref++;
    }
    return obj;
}

static void object_property_del_all(Object *obj)
{
    GHashTableIter iter;
    gpointer value;
    bool released;

    /*
     * A release hook may drop references that delete other properties of
     * the same object, so restart the walk after each one.
     */
    do {
        released = false;
        g_hash_table_iter_init(&iter, obj->properties);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            ObjectProperty *prop = value;

            if (prop->release) {
                void (*release)(Object *, ObjectProperty *) = prop->release;

                prop->release = NULL;
                release(obj, prop);
                released = true;
                break;
            }
        }
    } while (released);
    g_hash_table_remove_all(obj->properties);
}

static void object_release_links(Object *obj)
{
    GPtrArray *props = object_class_property_list(obj->klass);

    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);

        if (prop->kind == PROP_KIND_LINK) {
            Object **slot = (Object **)((char *)obj + (ptrdiff_t)prop->max);

            object_unref(*slot);
            *slot = NULL;
        }
    }
    g_ptr_array_free(props, TRUE);
}

static void object_finalize(Object *obj)
{
    object_property_del_all(obj);
    object_release_links(obj);
    for (Type ti = obj->klass->type; ti; ti = type_get_parent(ti)) {
        if (ti->info.instance_finalize) {
            ti->info.instance_finalize(obj);
        }
    }
    g_hash_table_destroy(obj->properties);
    g_free(obj);
}

void object_unref(void *opaque)
{
    Object *obj = opaque;

    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

const char *object_get_typename(const Object *obj)
{
    return obj->klass->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        g_error("%s:%d: object of type '%s' is not a '%s'", file, line,
                object_get_typename(obj), typename);
    }
    return obj;
}

/* --- the tree ----------------------------------------------------------- */

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
};

static char *object_get_type(Object *obj, Error **errp)
{
    return g_strdup(object_get_typename(obj));
}

static void object_class_init(ObjectClass *oc, void *data)
{
    /* Every object answers qom-get "type", as in QEMU. */
    object_class_property_add_str(oc, "type", object_get_type, NULL);
}

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .class_init = object_class_init,
    .abstract = true,
};

static void register_base_types(void)
{
    type_register_static(&object_info);
    type_register_static(&container_info);
}
type_init(register_base_types)

static Object *root;

Object *object_get_root(void)
{
    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

static Object *container_get(Object *parent, const char *name)
{
    Object *obj = object_resolve_path_component(parent, name);

    if (!obj) {
        obj = object_new(TYPE_CONTAINER);
        object_property_add_child(parent, name, obj, &error_abort);
        object_unref(obj);
    }
    return obj;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "objects");
}

static bool child_get(Object *obj, ObjectProperty *prop, PropValue *out,
                      Error **errp)
{
    char *path = object_get_canonical_path(prop->opaque);

    out->kind = PROP_KIND_CHILD;
    out->s = path ? path : g_strdup("");
    return true;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;
    ObjectClass *oc = child->klass;

    if (oc->unparent) {
        oc->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp)
{
    char *type;
    ObjectProperty *prop;

    g_assert(!child->parent);
    if (object_property_find(parent, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(parent));
        return false;
    }
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_add(parent, name, type, PROP_KIND_CHILD,
                               child_get, NULL, child_release, child);
    g_free(type);
    prop->opaque = object_ref(child);
    child->parent = parent;
    return true;
}

const char *object_get_canonical_path_component(const Object *obj)
{
    GHashTableIter iter;
    gpointer value;

    if (!obj->parent) {
        return NULL;
    }
    g_hash_table_iter_init(&iter, obj->parent->properties);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        ObjectProperty *prop = value;

        if (prop->kind == PROP_KIND_CHILD && prop->opaque == obj) {
            return prop->name;
        }
    }
    return NULL;
}

char *object_get_canonical_path(const Object *obj)
{
    GString *path = g_string_new(NULL);

    if (obj == root) {
        g_string_free(path, TRUE);
        return g_strdup("/");
    }
    while (obj && obj != root) {
        const char *comp = object_get_canonical_path_component(obj);

        if (!comp) {
            g_string_free(path, TRUE);
            return NULL;
        }
        g_string_prepend(path, comp);
        g_string_prepend_c(path, '/');
        obj = obj->parent;
    }
    if (!obj) {
        g_string_free(path, TRUE);
        return NULL;
    }
    return g_string_free(path, FALSE);
}

Object *object_resolve_path_component(Object *parent, const char *name)
{
    ObjectProperty *prop = object_property_find(parent, name);

    if (!prop) {
        return NULL;
    }
    if (prop->kind == PROP_KIND_CHILD) {
        return prop->opaque;
    }
    if (prop->kind == PROP_KIND_LINK) {
        Object **target = (Object **)((char *)parent +
                                      (ptrdiff_t)prop->max);
        return *target;
    }
    return NULL;
}

static Object *resolve_abs(Object *parent, char **parts, const char *type)
{
    Object *obj = parent;

    for (; *parts; parts++) {
        if (**parts == '\0') {
            continue;
        }
        obj = object_resolve_path_component(obj, *parts);
        if (!obj) {
            return NULL;
        }
    }
    return object_dynamic_cast(obj, type);
}

static Object *resolve_partial(Object *parent, char **parts, const char *type,
                               bool *ambiguous)
{
    Object *found = resolve_abs(parent, parts, type);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, parent->properties);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        ObjectProperty *prop = value;
        Object *obj;

        if (prop->kind != PROP_KIND_CHILD) {
            continue;
        }
        obj = resolve_partial(prop->opaque, parts, type, ambiguous);
        if (*ambiguous) {
            return NULL;
        }
        if (obj && found && obj != found) {
            *ambiguous = true;
            return NULL;
        }
        if (obj) {
            found = obj;
        }
    }
    return found;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguousp)
{
    char **parts;
    Object *obj;
    bool ambiguous = false;

    if (!path || !*path) {
        return NULL;
    }
    parts = g_strsplit(path, "/", 0);
    if (path[0] == '/') {
        obj = resolve_abs(object_get_root(), parts, typename);
    } else {
        obj = resolve_partial(object_get_root(), parts, typename, &ambiguous);
    }
    g_strfreev(parts);
    if (ambiguousp) {
        *ambiguousp = ambiguous;
    }
    return obj;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, TYPE_OBJECT, ambiguous);
}

void object_unparent(Object *obj)
{
    const char *name;

    if (!obj->parent) {
        return;
    }
    name = object_get_canonical_path_component(obj);
    g_assert(name);
    object_property_del(obj->parent, name);
}

static gint prop_cmp_name(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;

    return strcmp(pa->name, pb->name);
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    GPtrArray *children = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    int ret = 0;

    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (((ObjectProperty *)value)->kind == PROP_KIND_CHILD) {
            g_ptr_array_add(children, value);
        }
    }
    g_ptr_array_sort(children, prop_cmp_name);
    for (guint i = 0; i < children->len && ret == 0; i++) {
        ObjectProperty *prop = g_ptr_array_index(children, i);

        ret = fn(prop->opaque, opaque);
    }
    g_ptr_array_free(children, TRUE);
    return ret;
}

/* --- properties --------------------------------------------------------- */

void prop_value_clear(PropValue *v)
{
    g_free(v->s);
    v->s = NULL;
    if (v->list) {
        g_array_unref(v->list);
        v->list = NULL;
    }
}

static ObjectProperty *property_new(const char *name, const char *type,
                                    PropKind kind, ObjectPropertyGet *get,
                                    ObjectPropertySet *set, void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->kind = kind;
    prop->get = get;
    prop->set = set;
    prop->opaque = opaque;
    prop->max = UINT64_MAX;
    return prop;
}

ObjectProperty *object_class_property_add(ObjectClass *oc, const char *name,
                                          const char *type, PropKind kind,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          void *opaque)
{
    ObjectProperty *prop;

    /* Redefining an inherited property is a programming error. */
    g_assert(!object_class_property_find(oc, name));
    prop = property_new(name, type, kind, get, set, opaque);
    g_hash_table_insert(oc->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, PropKind kind,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    void (*release)(Object *,
                                                    ObjectProperty *),
                                    void *opaque)
{
    ObjectProperty *prop;

    g_assert(!object_property_find(obj, name));
    prop = property_new(name, type, kind, get, set, opaque);
    prop->release = release;
    g_hash_table_insert(obj->properties, prop->name, prop);
    return prop;
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    /* Unlink first, so a release hook sees the property already gone. */
    g_hash_table_steal(obj->properties, name);
    if (prop->release) {
        prop->release(obj, prop);
    }
    property_free(prop);
}

ObjectProperty *object_class_property_find(ObjectClass *oc, const char *name)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        ObjectProperty *prop = g_hash_table_lookup(oc->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = object_class_property_find(obj->klass, name);

    return prop ? prop : g_hash_table_lookup(obj->properties, name);
}

static void collect_props(GHashTable *table, GPtrArray *out)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(out, value);
    }
}

GPtrArray *object_class_property_list(ObjectClass *oc)
{
    GPtrArray *out = g_ptr_array_new();

    for (; oc; oc = object_class_get_parent(oc)) {
        collect_props(oc->properties, out);
    }
    g_ptr_array_sort(out, prop_cmp_name);
    return out;
}

GPtrArray *object_property_list(Object *obj)
{
    GPtrArray *out = object_class_property_list(obj->klass);

    collect_props(obj->properties, out);
    g_ptr_array_sort(out, prop_cmp_name);
    return out;
}

void object_class_property_set_description(ObjectClass *oc, const char *name,
                                           const char *description)
{
    ObjectProperty *prop = g_hash_table_lookup(oc->properties, name);

    g_assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *prop = object_property_find(obj, name);

    g_assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_class_property_set_default_str(ObjectClass *oc, const char *name,
                                           const char *def)
{
    ObjectProperty *prop = g_hash_table_lookup(oc->properties, name);

    if (!prop) {
        g_assert(object_class_property_find(oc, name));
        if (!oc->default_overrides) {
            oc->default_overrides = g_hash_table_new_full(g_str_hash,
                                                          g_str_equal,
                                                          g_free, g_free);
        }
        g_hash_table_insert(oc->default_overrides, g_strdup(name),
                            g_strdup(def));
        return;
    }
    g_free(prop->default_str);
    prop->default_str = g_strdup(def);
}

const char *object_class_property_get_default_str(ObjectClass *oc,
                                                  const char *name)
{
    ObjectProperty *prop;

    for (ObjectClass *k = oc; k; k = object_class_get_parent(k)) {
        const char *def = k->default_overrides ?
            g_hash_table_lookup(k->default_overrides, name) : NULL;

        if (def) {
            return def;
        }
    }
    prop = object_class_property_find(oc, name);
    return prop ? prop->default_str : NULL;
}

static ObjectProperty *find_or_error(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

bool object_property_get(Object *obj, const char *name, PropValue *out,
                         Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);

    memset(out, 0, sizeof(*out));
    if (!prop) {
        return false;
    }
    out->kind = prop->kind;
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->get(obj, prop, out, errp);
}

bool object_property_set(Object *obj, const char *name, const PropValue *in,
                         Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    g_assert(in->kind == prop->kind);
    return prop->set(obj, prop, in, errp);
}

static bool parse_into(ObjectProperty *prop, const char *value, PropValue *v,
                       Error **errp)
{
    memset(v, 0, sizeof(*v));
    v->kind = prop->kind;
    switch (prop->kind) {
    case PROP_KIND_STR:
    case PROP_KIND_LINK:
        v->s = g_strdup(value);
        return true;
    case PROP_KIND_BOOL:
        return parse_option_bool(prop->name, value, &v->b, errp);
    case PROP_KIND_UINT:
        if (prop->uint_word && !strcmp(value, prop->uint_word)) {
            v->u = prop->uint_word_value;
            return true;
        }
        return parse_property_uint(prop->name, value, prop->max, &v->u,
                                   errp);
    case PROP_KIND_INT: {
        char *end;
        gint64 n;

        errno = 0;
        n = g_ascii_strtoll(value, &end, 0);
        if (!*value || *end || errno) {
            error_setg(errp, "Parameter '%s' expects an integer", prop->name);
            return false;
        }
        v->i = n;
        return true;
    }
    case PROP_KIND_SIZE:
        if (!parse_property_size(prop->name, value, &v->u, errp)) {
            return false;
        }
        if (v->u > prop->max) {
            error_setg(errp, "Parameter '%s' expects a size of at most %"
                       PRIu64, prop->name, prop->max);
            return false;
        }
        return true;
    case PROP_KIND_ENUM:
        for (int i = 0; prop->enum_table[i]; i++) {
            if (!strcmp(prop->enum_table[i], value)) {
                v->s = g_strdup(value);
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   prop->name, value);
        return false;
    case PROP_KIND_UINT_LIST:
        v->list = g_array_new(FALSE, FALSE, sizeof(guint64));
        return parse_option_uint_list(prop->name, value, prop->max, v->list,
                                      errp);
    case PROP_KIND_CHILD:
        break;
    }
    error_setg(errp, "Property '%s' cannot be set", prop->name);
    return false;
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);
    PropValue v;
    bool ok;

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    if (!parse_into(prop, value, &v, errp)) {
        prop_value_clear(&v);
        return false;
    }
    ok = prop->set(obj, prop, &v, errp);
    prop_value_clear(&v);
    return ok;
}

static char *uint_list_to_str(GArray *list)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; list && i < list->len; i++) {
        g_string_append_printf(s, "%s%" G_GUINT64_FORMAT, i ? "," : "",
                               g_array_index(list, guint64, i));
    }
    return g_string_free(s, FALSE);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    char *ret = NULL;

    if (!object_property_get(obj, name, &v, errp)) {
        prop_value_clear(&v);
        return NULL;
    }
    switch (v.kind) {
    case PROP_KIND_STR:
    case PROP_KIND_ENUM:
    case PROP_KIND_LINK:
    case PROP_KIND_CHILD:
        ret = g_strdup(v.s ? v.s : "");
        break;
    case PROP_KIND_BOOL:
        ret = g_strdup(v.b ? "on" : "off");
        break;
    case PROP_KIND_UINT:
    case PROP_KIND_SIZE:
        ret = g_strdup_printf("%" PRIu64, v.u);
        break;
    case PROP_KIND_INT:
        ret = g_strdup_printf("%" PRId64, v.i);
        break;
    case PROP_KIND_UINT_LIST:
        ret = uint_list_to_str(v.list);
        break;
    }
    prop_value_clear(&v);
    return ret;
}

JsonNode *object_property_get_json(Object *obj, const char *name,
                                   Error **errp)
{
    PropValue v;
    JsonNode *node = NULL;

    if (!object_property_get(obj, name, &v, errp)) {
        prop_value_clear(&v);
        return NULL;
    }
    switch (v.kind) {
    case PROP_KIND_STR:
    case PROP_KIND_ENUM:
    case PROP_KIND_LINK:
    case PROP_KIND_CHILD:
        node = json_node_init_string(json_node_alloc(), v.s ? v.s : "");
        break;
    case PROP_KIND_BOOL:
        node = json_node_init_boolean(json_node_alloc(), v.b);
        break;
    case PROP_KIND_UINT:
    case PROP_KIND_SIZE:
        /* json-glib stores gint64; QEMU prints uint64 the same way. */
        node = json_node_init_int(json_node_alloc(), (gint64)v.u);
        break;
    case PROP_KIND_INT:
        node = json_node_init_int(json_node_alloc(), v.i);
        break;
    case PROP_KIND_UINT_LIST: {
        JsonArray *arr = json_array_new();

        for (guint i = 0; v.list && i < v.list->len; i++) {
            json_array_add_int_element(arr, g_array_index(v.list, guint64, i));
        }
        node = json_node_init_array(json_node_alloc(), arr);
        json_array_unref(arr);
        break;
    }
    }
    prop_value_clear(&v);
    return node;
}

static bool json_expect(JsonNode *value, GType type, const char *name,
                        const char *what, Error **errp)
{
    if (!JSON_NODE_HOLDS_VALUE(value) ||
        json_node_get_value_type(value) != type) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, what);
        return false;
    }
    return true;
}

bool object_property_set_json(Object *obj, const char *name, JsonNode *value,
                              Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);
    PropValue v = { 0 };
    bool ok = false;

    if (!prop) {
        return false;
    }
    v.kind = prop->kind;
    /*
     * QEMU's QMP input visitor also accepts strings for every scalar when
     * they come from the command line; over QMP it wants real types.
     */
    switch (prop->kind) {
    case PROP_KIND_STR:
    case PROP_KIND_LINK:
        if (!json_expect(value, G_TYPE_STRING, name, "string", errp)) {
            return false;
        }
        v.s = g_strdup(json_node_get_string(value));
        break;
    case PROP_KIND_ENUM:
        if (!json_expect(value, G_TYPE_STRING, name, "string", errp)) {
            return false;
        }
        return object_property_parse(obj, name, json_node_get_string(value),
                                     errp);
    case PROP_KIND_BOOL:
        if (!json_expect(value, G_TYPE_BOOLEAN, name, "boolean", errp)) {
            return false;
        }
        v.b = json_node_get_boolean(value);
        break;
    case PROP_KIND_UINT:
    case PROP_KIND_SIZE:
    case PROP_KIND_INT:
        if (prop->uint_word && JSON_NODE_HOLDS_VALUE(value) &&
            json_node_get_value_type(value) == G_TYPE_STRING &&
            !strcmp(json_node_get_string(value), prop->uint_word)) {
            v.u = prop->uint_word_value;
            break;
        }
        if (!json_expect(value, G_TYPE_INT64, name,
                         prop->kind == PROP_KIND_SIZE ? "size" : "integer",
                         errp)) {
            return false;
        }
        v.i = json_node_get_int(value);
        v.u = (uint64_t)v.i;
        if (prop->kind != PROP_KIND_INT && (v.i < 0 || v.u > prop->max)) {
            error_setg(errp, "Parameter '%s' expects %s", name,
                       prop->kind == PROP_KIND_SIZE ? "a size"
                                                    : "a smaller number");
            return false;
        }
        break;
    case PROP_KIND_UINT_LIST: {
        JsonArray *arr;

        if (!JSON_NODE_HOLDS_ARRAY(value)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "array", name);
            return false;
        }
        arr = json_node_get_array(value);
        v.list = g_array_new(FALSE, FALSE, sizeof(guint64));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
            JsonNode *el = json_array_get_element(arr, i);
            gint64 n;

            if (!json_expect(el, G_TYPE_INT64, name, "integer", errp)) {
                goto out;
            }
            n = json_node_get_int(el);
            if (n < 0 || (uint64_t)n > prop->max) {
                error_setg(errp, "Parameter '%s' expects a number between 0 "
                           "and %" PRIu64, name, prop->max);
                goto out;
            }
            g_array_append_val(v.list, n);
        }
        break;
    }
    case PROP_KIND_CHILD:
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    ok = object_property_set(obj, name, &v, errp);
out:
    prop_value_clear(&v);
    return ok;
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);
    PropValue v = { 0 };
    bool ok;

    if (!prop) {
        return false;
    }
    if (prop->kind == PROP_KIND_ENUM) {
        return object_property_parse(obj, name, value, errp);
    }
    v.kind = prop->kind;
    v.s = g_strdup(value);
    ok = object_property_set(obj, name, &v, errp);
    prop_value_clear(&v);
    return ok;
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    PropValue v = { .kind = PROP_KIND_BOOL, .b = value };

    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);
    PropValue v = { .u = value, .i = (int64_t)value };

    if (!prop) {
        return false;
    }
    v.kind = prop->kind;
    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp)
{
    char *path = target ? object_get_canonical_path(target) : g_strdup("");
    bool ok = object_property_set_str(obj, name, path, errp);

    g_free(path);
    return ok;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    PropValue v;

    if (!object_property_get(obj, name, &v, errp)) {
        prop_value_clear(&v);
        return NULL;
    }
    return v.s ? v.s : g_strdup("");
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    PropValue v;

    object_property_get(obj, name, &v, errp);
    prop_value_clear(&v);
    return v.b;
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    PropValue v;

    object_property_get(obj, name, &v, errp);
    prop_value_clear(&v);
    return v.kind == PROP_KIND_INT ? (uint64_t)v.i : v.u;
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);

    if (!prop || prop->kind != PROP_KIND_LINK) {
        return NULL;
    }
    return *(Object **)((char *)obj + (ptrdiff_t)prop->max);
}

/* --- typed convenience properties ------------------------------------- */

typedef struct TypedAccessors {
    void *get;
    void *set;
} TypedAccessors;

static TypedAccessors *accessors_new(void *get, void *set)
{
    /* Lives as long as the class, which is the life of the process. */
    TypedAccessors *acc = g_new0(TypedAccessors, 1);

    acc->get = get;
    acc->set = set;
    return acc;
}

#define ACC(prop) ((TypedAccessors *)(prop)->opaque)

/*
 * The typed forms keep the caller's native accessors in prop->opaque; these
 * generate the PropValue adapters around them, one pair per value field.
 */
#define DEFINE_TYPED_ACCESSORS(kind, ctype, setter_ctype, field) \
    static bool kind##_get(Object *obj, ObjectProperty *prop, \
                           PropValue *out, Error **errp) \
    { \
        ctype (*get)(Object *, Error **) = ACC(prop)->get; \
        Error *err = NULL; \
        \
        out->field = get(obj, &err); \
        if (err) { \
            error_propagate(errp, err); \
            return false; \
        } \
        return true; \
    } \
    static bool kind##_set(Object *obj, ObjectProperty *prop, \
                           const PropValue *in, Error **errp) \
    { \
        bool (*set)(Object *, setter_ctype, Error **) = ACC(prop)->set; \
        \
        return set(obj, in->field, errp); \
    }

DEFINE_TYPED_ACCESSORS(str, char *, const char *, s)
DEFINE_TYPED_ACCESSORS(bool, bool, bool, b)
DEFINE_TYPED_ACCESSORS(uint, uint64_t, uint64_t, u)
DEFINE_TYPED_ACCESSORS(uint_list, GArray *, GArray *, list)

ObjectProperty *object_class_property_add_str(
    ObjectClass *oc, const char *name,
    char *(*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, const char *value, Error **errp))
{
    return object_class_property_add(oc, name, "string", PROP_KIND_STR,
                                     get ? str_get : NULL,
                                     set ? str_set : NULL,
                                     accessors_new(get, set));
}

ObjectProperty *object_class_property_add_bool(
    ObjectClass *oc, const char *name,
    bool (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, bool value, Error **errp))
{
    return object_class_property_add(oc, name, "bool", PROP_KIND_BOOL,
                                     get ? bool_get : NULL,
                                     set ? bool_set : NULL,
                                     accessors_new(get, set));
}

ObjectProperty *object_class_property_add_uint(
    ObjectClass *oc, const char *name, const char *type, uint64_t max,
    uint64_t (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, uint64_t value, Error **errp))
{
    ObjectProperty *prop;

    prop = object_class_property_add(oc, name, type, PROP_KIND_UINT,
                                     get ? uint_get : NULL,
                                     set ? uint_set : NULL,
                                     accessors_new(get, set));
    prop->max = max;
    return prop;
}

void object_class_property_set_uint_word(ObjectClass *oc, const char *name,
                                         const char *word, uint64_t value)
{
    ObjectProperty *prop = object_class_property_find(oc, name);

    g_assert(prop && prop->kind == PROP_KIND_UINT && value > prop->max);
    prop->uint_word = word;
    prop->uint_word_value = value;
}

ObjectProperty *object_class_property_add_size(
    ObjectClass *oc, const char *name,
    uint64_t (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, uint64_t value, Error **errp))
{
    return object_class_property_add(oc, name, "int", PROP_KIND_SIZE,
                                     get ? uint_get : NULL,
                                     set ? uint_set : NULL,
                                     accessors_new(get, set));
}

static bool enum_get(Object *obj, ObjectProperty *prop, PropValue *out,
                     Error **errp)
{
    int (*get)(Object *, Error **) = ACC(prop)->get;
    Error *err = NULL;
    int value = get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    out->s = g_strdup(prop->enum_table[value]);
    return true;
}

static bool enum_set(Object *obj, ObjectProperty *prop, const PropValue *in,
                     Error **errp)
{
    bool (*set)(Object *, int, Error **) = ACC(prop)->set;

    for (int i = 0; prop->enum_table[i]; i++) {
        if (!strcmp(prop->enum_table[i], in->s)) {
            return set(obj, i, errp);
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'",
               prop->name, in->s);
    return false;
}

ObjectProperty *object_class_property_add_enum(
    ObjectClass *oc, const char *name, const char *type,
    const char *const *table,
    int (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, int value, Error **errp))
{
    ObjectProperty *prop;

    prop = object_class_property_add(oc, name, type, PROP_KIND_ENUM,
                                     get ? enum_get : NULL,
                                     set ? enum_set : NULL,
                                     accessors_new(get, set));
    prop->enum_table = table;
    return prop;
}

ObjectProperty *object_class_property_add_uint_list(
    ObjectClass *oc, const char *name, const char *type, uint64_t max,
    GArray *(*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, GArray *value, Error **errp))
{
    ObjectProperty *prop;

    prop = object_class_property_add(oc, name, type, PROP_KIND_UINT_LIST,
                                     get ? uint_list_get : NULL,
                                     set ? uint_list_set : NULL,
                                     accessors_new(get, set));
    prop->max = max;
    return prop;
}

/*
 * Links keep the storage offset in prop->max (otherwise unused for links)
 * and the check hook in prop->opaque.
 */
typedef bool LinkCheck(Object *obj, const char *name, Object *target,
                       Error **errp);

static Object **link_slot(Object *obj, ObjectProperty *prop)
{
    return (Object **)((char *)obj + (ptrdiff_t)prop->max);
}

static bool link_get(Object *obj, ObjectProperty *prop, PropValue *out,
                     Error **errp)
{
    Object *target = *link_slot(obj, prop);

    out->s = target ? object_get_canonical_path(target) : NULL;
    if (!out->s) {
        out->s = g_strdup("");
    }
    return true;
}

static bool link_set(Object *obj, ObjectProperty *prop, const PropValue *in,
                     Error **errp)
{
    Object **slot = link_slot(obj, prop);
    LinkCheck *check = prop->opaque;
    const char *want = prop->type + strlen("link<");
    char *target_type = g_strndup(want, strlen(want) - 1);
    Object *target = NULL;
    bool ambiguous = false;

    if (in->s && *in->s) {
        /* A bare id names a user object, as in -machine memory-backend=m0. */
        if (!strchr(in->s, '/')) {
            target = object_resolve_path_component(
                object_get_objects_root(), in->s);
        }
        if (!target) {
            target = object_resolve_path(in->s, &ambiguous);
        }
        if (!target) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      ambiguous ? "Path '%s' is ambiguous"
                                : "Device '%s' not found", in->s);
            goto fail;
        }
        if (!object_dynamic_cast(target, target_type)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       prop->name, target_type);
            goto fail;
        }
    }
    if (check && !check(obj, prop->name, target, errp)) {
        goto fail;
    }
    object_ref(target);
    object_unref(*slot);
    *slot = target;
    g_free(target_type);
    return true;
fail:
    g_free(target_type);
    return false;
}

ObjectProperty *object_class_property_add_link(
    ObjectClass *oc, const char *name, const char *target_type,
    ptrdiff_t offset,
    bool (*check)(Object *obj, const char *name, Object *target,
                  Error **errp))
{
    char *type = g_strdup_printf("link<%s>", target_type);
    ObjectProperty *prop;

    prop = object_class_property_add(oc, name, type, PROP_KIND_LINK,
                                     link_get, link_set, check);
    prop->max = (uint64_t)offset;
    g_free(type);
    return prop;
}
