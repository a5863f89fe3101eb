/* Tests for the object model (qom/). */
#include "qom/object.h"

#define TYPE_TEST_BASE "test-base"
#define TYPE_TEST_CHILD "test-child"

typedef struct TestBase {
    Object parent_obj;
    char *name;
    bool flag;
    uint64_t size;
    int color;
    GArray *nodes;
    Object *peer;
    int *finalized;
} TestBase;

static const char *const colors[] = { "red", "green", "blue", NULL };

static TestBase *TB(Object *obj)
{
    return (TestBase *)object_dynamic_cast_assert(obj, TYPE_TEST_BASE,
                                                  __FILE__, __LINE__);
}

static char *get_name(Object *obj, Error **errp)
{
    return g_strdup(TB(obj)->name);
}

static bool set_name(Object *obj, const char *v, Error **errp)
{
    g_free(TB(obj)->name);
    TB(obj)->name = g_strdup(v);
    return true;
}

static bool get_flag(Object *obj, Error **errp)
{
    return TB(obj)->flag;
}

static bool set_flag(Object *obj, bool v, Error **errp)
{
    TB(obj)->flag = v;
    return true;
}

static uint64_t get_size(Object *obj, Error **errp)
{
    return TB(obj)->size;
}

static bool set_size(Object *obj, uint64_t v, Error **errp)
{
    if (v == 13) {
        error_setg(errp, "unlucky size");
        return false;
    }
    TB(obj)->size = v;
    return true;
}

static int get_color(Object *obj, Error **errp)
{
    return TB(obj)->color;
}

static bool set_color(Object *obj, int v, Error **errp)
{
    TB(obj)->color = v;
    return true;
}

static GArray *get_nodes(Object *obj, Error **errp)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));

    g_array_append_vals(a, TB(obj)->nodes->data, TB(obj)->nodes->len);
    return a;
}

static bool set_nodes(Object *obj, GArray *v, Error **errp)
{
    g_array_set_size(TB(obj)->nodes, 0);
    g_array_append_vals(TB(obj)->nodes, v->data, v->len);
    return true;
}

static void base_init(Object *obj)
{
    TB(obj)->nodes = g_array_new(FALSE, FALSE, sizeof(guint64));
    TB(obj)->color = 2;
}

static void base_finalize(Object *obj)
{
    if (TB(obj)->finalized) {
        (*TB(obj)->finalized)++;
    }
    g_free(TB(obj)->name);
    g_array_unref(TB(obj)->nodes);
}

static void base_class_init(ObjectClass *oc, void *data)
{
    object_class_property_add_str(oc, "name", get_name, set_name);
    object_class_property_set_description(oc, "name", "A name");
    object_class_property_add_bool(oc, "flag", get_flag, set_flag);
    object_class_property_set_default_str(oc, "flag", "off");
    object_class_property_add_size(oc, "size", get_size, set_size);
    object_class_property_add_enum(oc, "color", "Color", colors, get_color,
                                   set_color);
    object_class_property_add_uint_list(oc, "nodes", "int", 63, get_nodes,
                                        set_nodes);
    object_class_property_add_link(oc, "peer", TYPE_TEST_BASE,
                                   offsetof(TestBase, peer), NULL);
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestBase),
        .instance_init = base_init,
        .instance_finalize = base_finalize,
        .class_init = base_class_init,
        .user_creatable = true,
        .abstract = false,
    },
    {
        .name = TYPE_TEST_CHILD,
        .parent = TYPE_TEST_BASE,
    },
};
DEFINE_TYPES(test_types)

static void test_cast_and_lookup(void)
{
    Object *obj = object_new(TYPE_TEST_CHILD);

    g_assert_nonnull(object_dynamic_cast(obj, TYPE_TEST_BASE));
    g_assert_nonnull(object_dynamic_cast(obj, TYPE_OBJECT));
    g_assert_null(object_dynamic_cast(obj, TYPE_CONTAINER));
    g_assert_cmpstr(object_get_typename(obj), ==, TYPE_TEST_CHILD);
    /* Inherited properties are found through the parent class. */
    g_assert_nonnull(object_property_find(obj, "size"));
    object_unref(obj);
}

static void test_properties_parse_print(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    Error *err = NULL;
    char *s;

    g_assert_true(object_property_parse(obj, "size", "1.5G", &error_abort));
    g_assert_cmpuint(TB(obj)->size, ==, 3ULL << 29);
    g_assert_true(object_property_parse(obj, "flag", "on", &error_abort));
    g_assert_true(TB(obj)->flag);
    g_assert_true(object_property_parse(obj, "color", "red", &error_abort));
    s = object_property_print(obj, "color", &error_abort);
    g_assert_cmpstr(s, ==, "red");
    g_free(s);
    g_assert_false(object_property_parse(obj, "color", "pink", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'color' does not accept value 'pink'");
    error_free_or_abort(&err);
    g_assert_false(object_property_parse(obj, "flag", "maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'flag' expects 'on' or 'off'");
    error_free_or_abort(&err);
    g_assert_false(object_property_parse(obj, "size", "13", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "unlucky size");
    error_free_or_abort(&err);
    g_assert_false(object_property_parse(obj, "nope", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-base.nope' not found");
    error_free_or_abort(&err);
    g_assert_true(object_property_parse(obj, "nodes", "0-2", &error_abort));
    s = object_property_print(obj, "nodes", &error_abort);
    g_assert_cmpstr(s, ==, "0,1,2");
    g_free(s);
    object_unref(obj);
}

static void test_json(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    JsonNode *n;
    Error *err = NULL;

    n = json_node_init_int(json_node_alloc(), 4096);
    g_assert_true(object_property_set_json(obj, "size", n, &error_abort));
    json_node_unref(n);
    n = object_property_get_json(obj, "size", &error_abort);
    g_assert_cmpint(json_node_get_int(n), ==, 4096);
    json_node_unref(n);
    n = json_node_init_string(json_node_alloc(), "x");
    g_assert_false(object_property_set_json(obj, "flag", n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'flag', expected: boolean");
    error_free_or_abort(&err);
    json_node_unref(n);
    object_unref(obj);
}

static void test_tree_and_links(void)
{
    GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();
    Object *a, *b, *found;
    Error *err = NULL;
    char *path;
    int finalized = 0;

    a = user_creatable_add(TYPE_TEST_BASE, "a", keys, vals, &error_abort);
    g_ptr_array_add(keys, "peer");
    g_ptr_array_add(vals, "a");
    b = user_creatable_add(TYPE_TEST_CHILD, "b", keys, vals, &error_abort);
    g_assert_true(TB(b)->peer == a);
    path = object_get_canonical_path(b);
    g_assert_cmpstr(path, ==, "/objects/b");
    g_free(path);
    found = object_resolve_path("/objects/a", NULL);
    g_assert_true(found == a);
    g_assert_true(object_resolve_path_component(b, "peer") == a);

    /* Duplicate id, bad id, unknown type, unknown property. */
    g_assert_null(user_creatable_add(TYPE_TEST_BASE, "a", NULL, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate ID 'a' for object");
    error_free_or_abort(&err);
    g_assert_null(user_creatable_add(TYPE_TEST_BASE, "1x", NULL, NULL,
                                     &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    error_free_or_abort(&err);
    g_assert_null(user_creatable_add("nosuch", "c", NULL, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'qom-type' does not accept value 'nosuch'");
    error_free_or_abort(&err);
    g_ptr_array_set_size(keys, 0);
    g_ptr_array_set_size(vals, 0);
    g_ptr_array_add(keys, "bogus");
    g_ptr_array_add(vals, "1");
    g_assert_null(user_creatable_add(TYPE_TEST_BASE, "c", keys, vals, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free_or_abort(&err);
    g_assert_null(object_resolve_path("/objects/c", NULL));

    /* The link keeps a alive after it leaves the tree. */
    TB(a)->finalized = &finalized;
    g_assert_true(user_creatable_del("a", &error_abort));
    g_assert_cmpint(finalized, ==, 0);
    g_assert_true(user_creatable_del("b", &error_abort));
    g_assert_cmpint(finalized, ==, 1);
    g_assert_false(user_creatable_del("b", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "object 'b' not found");
    error_free_or_abort(&err);
    g_ptr_array_free(keys, TRUE);
    g_ptr_array_free(vals, TRUE);
}

static void test_help_text(void)
{
    GString *out = g_string_new(NULL);

    user_creatable_print_props(TYPE_TEST_BASE, out);
    g_assert_cmpstr(out->str, ==,
                    "test-base options:\n"
                    "  color=<Color>\n"
                    "  flag=<bool>            - (default: off)\n"
                    "  name=<string>          - A name\n"
                    "  nodes=<int>\n"
                    "  peer=<link<test-base>>\n"
                    "  size=<int>\n");
    g_string_free(out, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qom/cast", test_cast_and_lookup);
    g_test_add_func("/qom/parse-print", test_properties_parse_print);
    g_test_add_func("/qom/json", test_json);
    g_test_add_func("/qom/tree-links", test_tree_and_links);
    g_test_add_func("/qom/help", test_help_text);
    return g_test_run();
}
