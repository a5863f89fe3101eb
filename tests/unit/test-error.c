/* Tests for the Error API (util/error.c). */
#include <errno.h>
#include "qapi/error.h"

static bool fail_with(int value, Error **errp)
{
    error_setg(errp, "value %d is bad", value);
    return false;
}

static void test_setg_and_propagate(void)
{
    Error *local = NULL, *err = NULL;

    g_assert_false(fail_with(3, &local));
    g_assert_cmpstr(error_get_pretty(local), ==, "value 3 is bad");
    g_assert_cmpint(error_get_class(local), ==, ERROR_CLASS_GENERIC_ERROR);
    error_propagate(&err, local);
    g_assert_cmpstr(error_get_pretty(err), ==, "value 3 is bad");
    /* First error wins; the second is freed. */
    local = NULL;
    fail_with(4, &local);
    error_propagate(&err, local);
    g_assert_cmpstr(error_get_pretty(err), ==, "value 3 is bad");
    error_free(err);
}

static void test_null_errp(void)
{
    g_assert_false(fail_with(1, NULL));
    error_propagate(NULL, NULL);
}

static void test_prepend_and_errno(void)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOENT, "mem-path '%s'", "/nope");
    error_prepend(&err, "memory-backend-file '%s': ", "m0");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory-backend-file 'm0': mem-path '/nope': "
                    "No such file or directory");
    error_append_hint(&err, "hint %d\n", 1);
    g_assert_cmpstr(error_get_hint(err), ==, "hint 1\n");
    error_free(err);
}

static void test_class(void)
{
    Error *err = NULL;

    error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND, "The command %s has not "
              "been found", "nonsense");
    g_assert_cmpstr(error_class_name(error_get_class(err)), ==,
                    "CommandNotFound");
    Error *copy = error_copy(err);
    error_free(err);
    g_assert_cmpstr(error_get_pretty(copy), ==,
                    "The command nonsense has not been found");
    error_free(copy);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/setg-propagate", test_setg_and_propagate);
    g_test_add_func("/error/null-errp", test_null_errp);
    g_test_add_func("/error/prepend-errno", test_prepend_and_errno);
    g_test_add_func("/error/class", test_class);
    return g_test_run();
}
