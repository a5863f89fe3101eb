/*
 * The object model: types with single inheritance, reference-counted
 * instances living in a tree, and named, typed, described properties.
 *
 * A type is declared once with a TypeInfo and registered with
 * type_register_static() from a constructor (type_init()).  Instances are
 * made with object_new(); the first member of every instance struct is its
 * parent's instance struct, and of every class struct its parent's class.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "qapi/error.h"

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct TypeImpl *Type;
typedef struct ObjectProperty ObjectProperty;

#define TYPE_OBJECT "object"
#define TYPE_CONTAINER "container"

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    size_t class_size;
    bool abstract;
    /* Objects of this type may be made with -object / object-add. */
    bool user_creatable;
    void (*class_init)(ObjectClass *oc, void *data);
    void *class_data;
    void (*instance_init)(Object *obj);
    /* Runs after instance_init of every subtype. */
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
} TypeInfo;

/* Property value kinds; they decide parsing, printing and JSON mapping. */
typedef enum PropKind {
    PROP_KIND_STR,
    PROP_KIND_BOOL,
    PROP_KIND_UINT,         /* unsigned integer, no suffix */
    PROP_KIND_INT,          /* signed integer */
    PROP_KIND_SIZE,         /* unsigned, accepts size suffixes */
    PROP_KIND_ENUM,         /* a string from a fixed table */
    PROP_KIND_LINK,         /* path or id of another object */
    PROP_KIND_UINT_LIST,    /* list of unsigned, "0-3" ranges on the CLI */
    PROP_KIND_CHILD,        /* a child in the tree (not settable) */
} PropKind;

/* A property value in transit between parsers, accessors and QMP. */
typedef struct PropValue {
    PropKind kind;
    char *s;        /* STR, ENUM, LINK (path) */
    bool b;         /* BOOL */
    uint64_t u;     /* UINT, SIZE */
    int64_t i;      /* INT */
    GArray *list;   /* UINT_LIST, of guint64 */
} PropValue;

void prop_value_clear(PropValue *v);

typedef bool ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                               PropValue *out, Error **errp);
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               const PropValue *in, Error **errp);

struct ObjectProperty {
    char *name;
    char *type;             /* "bool", "int", "size", "link<T>", "child<T>" */
    char *description;
    char *default_str;      /* shown by help; NULL when none */
    PropKind kind;
    const char *const *enum_table;  /* ENUM: NULL-terminated names */
    uint64_t max;           /* UINT/SIZE/UINT_LIST upper bound */
    /* UINT: a word that also sets it, to a value no number can (> max). */
    const char *uint_word;
    uint64_t uint_word_value;
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    void (*release)(Object *obj, ObjectProperty *prop);
    void *opaque;
};

struct ObjectClass {
    Type type;
    GHashTable *properties;   /* name -> ObjectProperty* (class properties) */
    /* name -> default text, for inherited properties a subclass changes. */
    GHashTable *default_overrides;
    /* UserCreatable: called once all properties from the user are set. */
    bool (*complete)(Object *obj, Error **errp);
    /* UserCreatable: may this object be deleted by object-del now? */
    bool (*can_be_deleted)(Object *obj);
    void (*unparent)(Object *obj);
};

struct Object {
    ObjectClass *klass;
    GHashTable *properties;   /* instance properties: children, links */
    uint32_t ref;
    Object *parent;
    bool completed;           /* user-creatable object has been completed */
};

/* --- types -------------------------------------------------------------- */

Type type_register_static(const TypeInfo *info);
/* Register several TypeInfos, e.g. from a file's constructor. */
void type_register_static_array(const TypeInfo *infos, int nr);

#define type_init(fn) \
    static void __attribute__((constructor)) do_type_init_##fn(void) \
    { fn(); }

#define DEFINE_TYPES(type_array) \
    static void do_define_types_##type_array(void) \
    { \
        type_register_static_array(type_array, G_N_ELEMENTS(type_array)); \
    } \
    type_init(do_define_types_##type_array)

ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *oc);
ObjectClass *object_class_get_parent(ObjectClass *oc);
bool object_class_is_abstract(ObjectClass *oc);
bool object_class_is_user_creatable(ObjectClass *oc);
/* Returns @oc if it is @typename or a subtype of it, else NULL. */
ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename);
/* Every non-abstract (unless @include_abstract) subtype of @implements. */
GSList *object_class_get_list(const char *implements, bool include_abstract);
GSList *object_class_get_list_sorted(const char *implements,
                                     bool include_abstract);

/* --- instances ---------------------------------------------------------- */

/* New instance of a non-abstract type, with one reference held. */
Object *object_new(const char *typename);
Object *object_new_checked(const char *typename, Error **errp);
Object *object_ref(void *obj);
void object_unref(void *obj);

const char *object_get_typename(const Object *obj);
Object *object_dynamic_cast(Object *obj, const char *typename);
/* Checked cast: aborts on a type mismatch, which is a programming error. */
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc,
                                              const char *typename,
                                              const char *file, int line);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(oc) ((ObjectClass *)(oc))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    ((class_type *)object_class_dynamic_cast_assert( \
        OBJECT(obj)->klass, (name), __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(class_type, oc, name) \
    ((class_type *)object_class_dynamic_cast_assert( \
        OBJECT_CLASS(oc), (name), __FILE__, __LINE__))
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__))

/* Declares the cast helpers FOO(obj), FOO_GET_CLASS(obj), FOO_CLASS(oc). */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    typedef struct ClassType ClassType; \
    static inline G_GNUC_UNUSED InstanceType *MODULE_OBJ_NAME(const void *obj) \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); } \
    static inline G_GNUC_UNUSED ClassType *MODULE_OBJ_NAME##_GET_CLASS( \
        const void *obj) \
    { return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_OBJ_NAME); } \
    static inline G_GNUC_UNUSED ClassType *MODULE_OBJ_NAME##_CLASS( \
        const void *klass) \
    { return OBJECT_CLASS_CHECK(ClassType, klass, TYPE_##MODULE_OBJ_NAME); }

#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    static inline G_GNUC_UNUSED InstanceType *MODULE_OBJ_NAME(const void *obj) \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); }

/* --- the tree ----------------------------------------------------------- */

/* The root ("/"); created on first use with "objects" and "machine" slots. */
Object *object_get_root(void);
/* "/objects", where -object and object-add put user objects. */
Object *object_get_objects_root(void);
/* Adds @child under @parent as @name and takes a reference on it. */
bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp);
/* Removes @obj from its parent (dropping the parent's reference). */
void object_unparent(Object *obj);
/* The name under which @obj hangs in its parent, or NULL. */
const char *object_get_canonical_path_component(const Object *obj);
/* "/objects/m0"; caller frees.  NULL when detached. */
char *object_get_canonical_path(const Object *obj);
/* Absolute path, or a partial path matched anywhere if unambiguous. */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
Object *object_resolve_path_component(Object *parent, const char *name);
/* Calls @fn on each child, in name order; stops early on non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);

/* --- properties --------------------------------------------------------- */

ObjectProperty *object_class_property_add(ObjectClass *oc, const char *name,
                                          const char *type, PropKind kind,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          void *opaque);
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, PropKind kind,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    void (*release)(Object *,
                                                    ObjectProperty *),
                                    void *opaque);
void object_property_del(Object *obj, const char *name);
void object_class_property_set_description(ObjectClass *oc, const char *name,
                                           const char *description);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
/*
 * Default shown by help, e.g. "on", "1", "default".  On an inherited
 * property it overrides the default for this class and its subclasses.
 */
void object_class_property_set_default_str(ObjectClass *oc, const char *name,
                                           const char *def);
/* The default help shows for @name in @oc, or NULL. */
const char *object_class_property_get_default_str(ObjectClass *oc,
                                                  const char *name);

/* Typed convenience forms: accessors work on native values. */
ObjectProperty *object_class_property_add_str(
    ObjectClass *oc, const char *name,
    char *(*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, const char *value, Error **errp));
ObjectProperty *object_class_property_add_bool(
    ObjectClass *oc, const char *name,
    bool (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, bool value, Error **errp));
ObjectProperty *object_class_property_add_uint(
    ObjectClass *oc, const char *name, const char *type, uint64_t max,
    uint64_t (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, uint64_t value, Error **errp));
/*
 * Let the UINT property @name of @oc also take @word (a string literal,
 * "auto") on the command line and as a JSON string, meaning @value, which
 * must be above the property's maximum so that no number means the same.
 * Numbers keep their meaning; getters still return numbers.
 */
void object_class_property_set_uint_word(ObjectClass *oc, const char *name,
                                         const char *word, uint64_t value);
ObjectProperty *object_class_property_add_size(
    ObjectClass *oc, const char *name,
    uint64_t (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, uint64_t value, Error **errp));
ObjectProperty *object_class_property_add_enum(
    ObjectClass *oc, const char *name, const char *type,
    const char *const *table,
    int (*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, int value, Error **errp));
ObjectProperty *object_class_property_add_uint_list(
    ObjectClass *oc, const char *name, const char *type, uint64_t max,
    GArray *(*get)(Object *obj, Error **errp),
    bool (*set)(Object *obj, GArray *value, Error **errp));
/*
 * A link: the value names another object by id ("m0", looked up under
 * /objects) or path.  @check may refuse the target; *@target is the
 * storage.  The link holds a reference to its target.
 */
ObjectProperty *object_class_property_add_link(
    ObjectClass *oc, const char *name, const char *target_type,
    ptrdiff_t offset,
    bool (*check)(Object *obj, const char *name, Object *target,
                  Error **errp));

ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_class_property_find(ObjectClass *oc, const char *name);
/* Every property of @obj (class chain and instance), sorted by name. */
GPtrArray *object_property_list(Object *obj);
GPtrArray *object_class_property_list(ObjectClass *oc);

bool object_property_get(Object *obj, const char *name, PropValue *out,
                         Error **errp);
bool object_property_set(Object *obj, const char *name, const PropValue *in,
                         Error **errp);
/* Parse @value as a command-line string for the property's kind. */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
/* The value as the command line would spell it; caller frees. */
char *object_property_print(Object *obj, const char *name, Error **errp);
/* JSON mapping for QMP (qom-get / qom-set / object-add). */
JsonNode *object_property_get_json(Object *obj, const char *name,
                                   Error **errp);
bool object_property_set_json(Object *obj, const char *name, JsonNode *value,
                              Error **errp);

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp);
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);

/* --- global properties --------------------------------------------------- */

/*
 * A default for a property of every object of @driver (or a subtype):
 * machine compat properties ("memory-backend-file" keeps its old RAM block
 * names on pc-i440fx-3.1) and command-line sugar (-mem-prealloc makes
 * every memory backend prealloc=on).  Applied when an object is created,
 * in registration order, before anything the user sets.
 */
typedef struct GlobalProperty {
    const char *driver;
    const char *property;
    const char *value;
} GlobalProperty;

/* Register a static, NULL-driver-terminated array (kept by reference). */
void object_register_global_props(const GlobalProperty *props);
/* Register one, copying the strings. */
void object_register_sugar_prop(const char *driver, const char *property,
                                const char *value);
/* Forget every registration (tests). */
void object_clear_global_props(void);

/* --- user-creatable objects (-object, object-add, object-del) ----------- */

/*
 * Create an object of @type named @id under /objects, set @props (string
 * key/value pairs from the command line, in order) and complete it.
 * Errors: unknown type, abstract/non-creatable type, bad or duplicate id,
 * unknown property, bad value, and whatever complete() reports.
 */
Object *user_creatable_add(const char *type, const char *id,
                           GPtrArray *keys, GPtrArray *values, Error **errp);
/* Same from a JSON object of properties (object-add). */
Object *user_creatable_add_json(const char *type, const char *id,
                                JsonObject *props, Error **errp);
bool user_creatable_complete(Object *obj, Error **errp);
bool user_creatable_del(const char *id, Error **errp);
/* Print "TYPE options:" and one line per property (QEMU's format). */
void user_creatable_print_props(const char *type, GString *out);
/* Print "List of user creatable objects:" and the types. */
void user_creatable_print_types(GString *out);
/* Valid object id: a letter followed by letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id);

#endif
