/*
 * User-creatable objects: -object, object-add and object-del.
 */
#include <string.h>

#include "qom/object.h"

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static ObjectClass *creatable_class(const char *type, Error **errp)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_is_user_creatable(oc) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return NULL;
    }
    return oc;
}

static Object *creatable_new(const char *type, const char *id, Error **errp)
{
    if (!creatable_class(type, errp)) {
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }
    if (object_resolve_path_component(object_get_objects_root(), id)) {
        error_setg(errp, "Duplicate ID '%s' for object", id);
        return NULL;
    }
    return object_new(type);
}

/* Hang the configured object under /objects and complete it. */
static Object *creatable_finish(Object *obj, const char *id, Error **errp)
{
    if (!object_property_add_child(object_get_objects_root(), id, obj,
                                   errp)) {
        object_unref(obj);
        return NULL;
    }
    if (!user_creatable_complete(obj, errp)) {
        object_unparent(obj);
        object_unref(obj);
        return NULL;
    }
    /* The tree holds the object now; hand the caller a borrowed pointer. */
    object_unref(obj);
    return obj;
}

Object *user_creatable_add(const char *type, const char *id,
                           GPtrArray *keys, GPtrArray *values, Error **errp)
{
    Object *obj = creatable_new(type, id, errp);

    if (!obj) {
        return NULL;
    }
    for (guint i = 0; keys && i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);

        if (!object_property_find(obj, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            object_unref(obj);
            return NULL;
        }
        if (!object_property_parse(obj, key, g_ptr_array_index(values, i),
                                   errp)) {
            object_unref(obj);
            return NULL;
        }
    }
    return creatable_finish(obj, id, errp);
}

Object *user_creatable_add_json(const char *type, const char *id,
                                JsonObject *props, Error **errp)
{
    Object *obj;
    GList *members, *l;

    /* QMP's object-add words a duplicate as the tree does, like QEMU. */
    if (id && creatable_class(type, NULL) &&
        object_resolve_path_component(object_get_objects_root(), id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return NULL;
    }
    obj = creatable_new(type, id, errp);
    if (!obj) {
        return NULL;
    }
    members = props ? json_object_get_members(props) : NULL;
    for (l = members; l; l = l->next) {
        const char *key = l->data;

        if (!object_property_find(obj, key)) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            goto fail;
        }
        if (!object_property_set_json(obj, key,
                                      json_object_get_member(props, key),
                                      errp)) {
            goto fail;
        }
    }
    g_list_free(members);
    return creatable_finish(obj, id, errp);
fail:
    g_list_free(members);
    object_unref(obj);
    return NULL;
}

bool user_creatable_complete(Object *obj, Error **errp)
{
    ObjectClass *oc = obj->klass;

    if (obj->completed) {
        return true;
    }
    if (oc->complete && !oc->complete(obj, errp)) {
        return false;
    }
    obj->completed = true;
    return true;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (obj->klass->can_be_deleted && !obj->klass->can_be_deleted(obj)) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

void user_creatable_print_props(const char *type, GString *out)
{
    ObjectClass *oc = object_class_by_name(type);
    GPtrArray *props;

    g_string_append_printf(out, "%s options:\n", type);
    props = object_class_property_list(oc);
    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);
        const char *def = object_class_property_get_default_str(oc,
                                                                prop->name);
        char *left;

        if (!prop->set) {
            continue;
        }
        left = g_strdup_printf("%s=<%s>", prop->name, prop->type);
        g_string_append_printf(out, "  %s", left);
        if (prop->description) {
            g_string_append_printf(out, "%*s - %s",
                                   (int)(strlen(left) < 22 ?
                                         22 - strlen(left) : 0), "",
                                   prop->description);
            if (def) {
                g_string_append_printf(out, " (default: %s)", def);
            }
        } else if (def) {
            g_string_append_printf(out, "%*s - (default: %s)",
                                   (int)(strlen(left) < 22 ?
                                         22 - strlen(left) : 0), "", def);
        }
        g_string_append_c(out, '\n');
        g_free(left);
    }
    g_ptr_array_free(props, TRUE);
}

void user_creatable_print_types(GString *out)
{
    GSList *list = object_class_get_list_sorted(TYPE_OBJECT, false);

    g_string_append(out, "List of user creatable objects:\n");
    for (GSList *l = list; l; l = l->next) {
        ObjectClass *oc = l->data;

        if (object_class_is_user_creatable(oc)) {
            g_string_append_printf(out, "  %s\n", object_class_get_name(oc));
        }
    }
    g_slist_free(list);
}
