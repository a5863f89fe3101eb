/*
 * Tests for option strings (util/qemu-option.c).
 *
 * Expected behaviour and messages are QEMU 7.2's: QemuOpts as seen through
 * "-m" and "-object", keyval as seen through "-M".
 */
#include "qemu/option.h"

/* Assert the options of @opts, given as name, value, ..., NULL. */
static void check_opts(const QemuOpts *opts, ...)
{
    va_list ap;
    guint i = 0;
    const char *name;

    va_start(ap, opts);
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        QemuOpt *opt;

        g_assert_cmpuint(i, <, opts->list->len);
        opt = g_ptr_array_index(opts->list, i);
        g_assert_cmpstr(opt->name, ==, name);
        g_assert_cmpstr(opt->value, ==, value);
        i++;
    }
    va_end(ap);
    g_assert_cmpuint(qemu_opts_count(opts), ==, i);
}

static QemuOpts *parse_ok(const char *str, const char *implied)
{
    QemuOpts *opts;

    g_test_message("parse '%s'", str);
    opts = qemu_opts_parse(str, implied, &error_abort);
    g_assert_nonnull(opts);
    return opts;
}

static void test_key_value(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("id=m,size=1G,prealloc=on", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("x=", NULL);
    g_autoptr(QemuOpts) o3 = parse_ok("x==1,y=a=b", NULL);
    g_autoptr(QemuOpts) o4 = parse_ok("=x", NULL);

    check_opts(o1, "id", "m", "size", "1G", "prealloc", "on", NULL);
    g_assert_false(o1->help);
    g_assert_cmpuint(o1->warnings->len, ==, 0);
    check_opts(o2, "x", "", NULL);
    check_opts(o3, "x", "=1", "y", "a=b", NULL);
    check_opts(o4, "", "x", NULL);
}

static void test_empty(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("", "size");

    /* "-m ''" in QEMU sets nothing, so the default size applies. */
    check_opts(o1, NULL);
    check_opts(o2, NULL);
    g_assert_false(o1->help);
}

static void test_implied(void)
{
    g_autoptr(QemuOpts) m1 = parse_ok("1G", "size");
    g_autoptr(QemuOpts) m2 = parse_ok("size=1G,slots=2,maxmem=4G", "size");
    g_autoptr(QemuOpts) m3 = parse_ok("1G,slots=2,maxmem=4G", "size");
    g_autoptr(QemuOpts) m4 = parse_ok("pc,accel=tcg", "type");
    g_autoptr(QemuOpts) m5 = parse_ok(",size=1G", "size");
    g_autoptr(QemuOpts) m6 = parse_ok("slots=2,1G", "size");
    g_autoptr(QemuOpts) m7 = parse_ok("help", "size");

    check_opts(m1, "size", "1G", NULL);
    check_opts(m2, "size", "1G", "slots", "2", "maxmem", "4G", NULL);
    check_opts(m3, "size", "1G", "slots", "2", "maxmem", "4G", NULL);
    check_opts(m4, "type", "pc", "accel", "tcg", NULL);
    /* "-m ,size=1G": QEMU sees an empty implied size first. */
    check_opts(m5, "size", "", "size", "1G", NULL);
    g_assert_cmpstr(qemu_opt_get(m5, "size"), ==, "1G");
    /* Only the first element may omit the key; later ones are flags. */
    check_opts(m6, "slots", "2", "1G", "on", NULL);
    /* "-m help" is size=help in QEMU, an invalid size. */
    check_opts(m7, "size", "help", NULL);
    g_assert_false(m7->help);
}

static void test_escaped_comma(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("mem-path=/a,,b,share=on", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("a,,b,x=1", "type");
    g_autoptr(QemuOpts) o3 = parse_ok("x=a,,,y=1", NULL);
    g_autoptr(QemuOpts) o4 = parse_ok("x=a,,", NULL);
    g_autoptr(QemuOpts) o5 = parse_ok("x=a,,,", NULL);
    g_autoptr(QemuOpts) o6 = parse_ok("x=,,,,", NULL);
    g_autoptr(QemuOpts) o7 = parse_ok("1G,,", "size");

    check_opts(o1, "mem-path", "/a,b", "share", "on", NULL);
    check_opts(o2, "type", "a,b", "x", "1", NULL);
    check_opts(o3, "x", "a,", "y", "1", NULL);
    check_opts(o4, "x", "a,", NULL);
    check_opts(o5, "x", "a,", NULL);
    check_opts(o6, "x", ",,", NULL);
    /* "-m 1G,," is size "1G," in QEMU, an invalid size. */
    check_opts(o7, "size", "1G,", NULL);
}

static void test_trailing_comma(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("x=1,", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("1G,", "size");

    check_opts(o1, "x", "1", NULL);
    check_opts(o2, "size", "1G", NULL);
}

static void check_warning(const QemuOpts *opts, guint i, const char *msg,
                          const char *hint)
{
    Error *w;

    g_assert_cmpuint(i, <, opts->warnings->len);
    w = g_ptr_array_index(opts->warnings, i);
    g_assert_cmpstr(error_get_pretty(w), ==, msg);
    g_assert_cmpstr(error_get_hint(w), ==, hint);
}

static void test_flags(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("size=1M,prealloc", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("size=1M,noprealloc", NULL);
    g_autoptr(QemuOpts) o3 = parse_ok("1G,maxmem=4G,foo", "size");
    g_autoptr(QemuOpts) o4 = parse_ok("x=1,delay,nodelay", NULL);
    g_autoptr(QemuOpts) o5 = parse_ok("no,nono", NULL);
    g_autoptr(QemuOpts) o6 = parse_ok("x=1,,,y", NULL);

    check_opts(o1, "size", "1M", "prealloc", "on", NULL);
    g_assert_cmpuint(o1->warnings->len, ==, 1);
    check_warning(o1, 0, "short-form boolean option 'prealloc' deprecated",
                  "Please use prealloc=on instead\n");

    check_opts(o2, "size", "1M", "prealloc", "off", NULL);
    check_warning(o2, 0, "short-form boolean option 'noprealloc' deprecated",
                  "Please use prealloc=off instead\n");

    check_opts(o3, "size", "1G", "maxmem", "4G", "foo", "on", NULL);
    check_warning(o3, 0, "short-form boolean option 'foo' deprecated",
                  "Please use foo=on instead\n");

    /* The replacement for "delay" is spelt "nodelay=on" in QEMU. */
    check_opts(o4, "x", "1", "delay", "on", "delay", "off", NULL);
    g_assert_cmpuint(o4->warnings->len, ==, 2);
    check_warning(o4, 0, "short-form boolean option 'delay' deprecated",
                  "Please use nodelay=off instead\n");
    check_warning(o4, 1, "short-form boolean option 'nodelay' deprecated",
                  "Please use nodelay=on instead\n");

    /* "no" alone strips to an empty name, as in QEMU. */
    check_opts(o5, "", "off", "no", "off", NULL);
    check_warning(o5, 0, "short-form boolean option 'no' deprecated",
                  "Please use =off instead\n");

    check_opts(o6, "x", "1,", "y", "on", NULL);
}

static void test_flag_names(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok(",x=1", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("foo,,bar", NULL);
    static const char *const accepted[] = { "x", NULL };
    Error *err = NULL;

    /* An empty element is a flag with an empty name... */
    check_opts(o1, "", "on", "x", "1", NULL);
    /* ... which QEMU then refuses as "Invalid parameter ''". */
    g_assert_false(qemu_opts_check_names(o1, accepted, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter ''");
    error_free(err);

    /* ",," does not escape inside a flag name. */
    check_opts(o2, "foo", "on", "", "on", "bar", "on", NULL);
}

static void test_help(void)
{
    g_autoptr(QemuOpts) o1 = parse_ok("help", NULL);
    g_autoptr(QemuOpts) o2 = parse_ok("?", NULL);
    g_autoptr(QemuOpts) o3 = parse_ok("memory-backend-ram,help", "qom-type");
    g_autoptr(QemuOpts) o4 = parse_ok("1G,help,slots=2", "size");
    g_autoptr(QemuOpts) o5 = parse_ok("nohelp", NULL);
    g_autoptr(QemuOpts) o6 = parse_ok("help=on", NULL);
    g_autoptr(QemuOpts) o7 = parse_ok("x=1", NULL);

    g_assert_true(o1->help);
    check_opts(o1, NULL);
    g_assert_cmpuint(o1->warnings->len, ==, 0);
    g_assert_true(o2->help);
    check_opts(o2, NULL);
    g_assert_true(o3->help);
    check_opts(o3, "qom-type", "memory-backend-ram", NULL);
    g_assert_true(o4->help);
    check_opts(o4, "size", "1G", "slots", "2", NULL);
    /* Only the bare words ask for help. */
    g_assert_false(o5->help);
    check_opts(o5, "help", "off", NULL);
    g_assert_false(o6->help);
    check_opts(o6, "help", "on", NULL);
    g_assert_false(o7->help);
}

static void test_is_help_option(void)
{
    g_assert_true(is_help_option("help"));
    g_assert_true(is_help_option("?"));
    g_assert_false(is_help_option("HELP"));
    g_assert_false(is_help_option("help "));
    g_assert_false(is_help_option("??"));
    g_assert_false(is_help_option(""));
}

static void test_get_set_take(void)
{
    g_autoptr(QemuOpts) opts = parse_ok("size=1G,slots=2,size=2G", "size");
    g_auto(GStrv) all = NULL;
    g_auto(GStrv) none = NULL;
    g_autofree char *taken = NULL;
    g_autofree char *missing = NULL;

    /* QEMU: the last of repeated options wins. */
    g_assert_cmpstr(qemu_opt_get(opts, "size"), ==, "2G");
    g_assert_cmpstr(qemu_opt_get(opts, "slots"), ==, "2");
    g_assert_null(qemu_opt_get(opts, "maxmem"));

    all = qemu_opt_get_all(opts, "size");
    g_assert_cmpuint(g_strv_length(all), ==, 2);
    g_assert_cmpstr(all[0], ==, "1G");
    g_assert_cmpstr(all[1], ==, "2G");
    none = qemu_opt_get_all(opts, "maxmem");
    g_assert_cmpuint(g_strv_length(none), ==, 0);

    qemu_opt_set(opts, "maxmem", "8G");
    qemu_opt_set(opts, "slots", "4");
    check_opts(opts, "size", "1G", "slots", "2", "size", "2G",
               "maxmem", "8G", "slots", "4", NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "slots"), ==, "4");

    taken = qemu_opt_take(opts, "size");
    g_assert_cmpstr(taken, ==, "2G");
    check_opts(opts, "slots", "2", "maxmem", "8G", "slots", "4", NULL);
    missing = qemu_opt_take(opts, "size");
    g_assert_null(missing);
    g_assert_cmpuint(qemu_opts_count(opts), ==, 3);
}

static void test_check_names(void)
{
    static const char *const mem[] = { "size", "slots", "maxmem", NULL };
    g_autoptr(QemuOpts) good = parse_ok("1G,slots=2,maxmem=4G", "size");
    g_autoptr(QemuOpts) bad = parse_ok("1G,maxmem=4G,foo,id=x", "size");
    Error *err = NULL;

    g_assert_true(qemu_opts_check_names(good, mem, &error_abort));
    g_assert_false(qemu_opts_check_names(bad, mem, &err));
    /* The first unknown name is reported, as QEMU validates in order. */
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'foo'");
    error_free(err);
    g_assert_false(qemu_opts_check_names(bad, mem, NULL));
}

static void test_free_null(void)
{
    qemu_opts_free(NULL);
}

static QemuOpts *keyval_ok(const char *str, const char *implied)
{
    QemuOpts *opts;

    g_test_message("keyval '%s'", str);
    opts = qemu_opts_parse_keyval(str, implied, &error_abort);
    g_assert_nonnull(opts);
    return opts;
}

static void keyval_error(const char *str, const char *implied,
                         const char *msg)
{
    Error *err = NULL;

    g_test_message("keyval '%s'", str);
    g_assert_null(qemu_opts_parse_keyval(str, implied, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_keyval(void)
{
    g_autoptr(QemuOpts) o1 = keyval_ok("pc,accel=tcg", "type");
    g_autoptr(QemuOpts) o2 = keyval_ok("type=pc,accel=tcg,", "type");
    g_autoptr(QemuOpts) o3 = keyval_ok("", "type");
    g_autoptr(QemuOpts) o4 = keyval_ok("x=1,y=2,x=3", NULL);
    g_autoptr(QemuOpts) o5 = keyval_ok("path=/a,,b,c=", NULL);
    g_autoptr(QemuOpts) o6 = keyval_ok("a.0=x,a.b-c_d=1,__com.redhat_foo=2",
                                       NULL);
    g_autoptr(QemuOpts) o7 = keyval_ok("none,x-y_z=1", "type");
    g_autoptr(QemuOpts) o8 = keyval_ok("4,cores=2", "cpus");

    check_opts(o1, "type", "pc", "accel", "tcg", NULL);
    check_opts(o2, "type", "pc", "accel", "tcg", NULL);
    check_opts(o3, NULL);
    /* A repeated key keeps its first place and its last value. */
    check_opts(o4, "x", "3", "y", "2", NULL);
    check_opts(o5, "path", "/a,b", "c", "", NULL);
    check_opts(o6, "a.0", "x", "a.b-c_d", "1", "__com.redhat_foo", "2", NULL);
    check_opts(o7, "type", "none", "x-y_z", "1", NULL);
    check_opts(o8, "cpus", "4", "cores", "2", NULL);
    g_assert_false(o1->help);
    g_assert_cmpuint(o1->warnings->len, ==, 0);
}

static void test_keyval_help(void)
{
    g_autoptr(QemuOpts) o1 = keyval_ok("help", "type");
    g_autoptr(QemuOpts) o2 = keyval_ok("?", "type");
    g_autoptr(QemuOpts) o3 = keyval_ok("none,help", "type");
    g_autoptr(QemuOpts) o4 = keyval_ok("help=1", NULL);
    g_autoptr(QemuOpts) o5 = keyval_ok("help", NULL);

    /* Unlike QemuOpts, a leading "help" is help, not the implied value. */
    g_assert_true(o1->help);
    check_opts(o1, NULL);
    g_assert_true(o2->help);
    g_assert_true(o3->help);
    check_opts(o3, "type", "none", NULL);
    g_assert_false(o4->help);
    check_opts(o4, "help", "1", NULL);
    g_assert_true(o5->help);
}

/* Messages of "qemu-system-x86_64 -M VALUE". */
static void test_keyval_errors(void)
{
    g_autofree char *k127 = g_strnfill(127, 'a');
    g_autofree char *k128 = g_strnfill(128, 'a');
    g_autofree char *s = NULL;
    g_autofree char *msg = NULL;
    g_autoptr(QemuOpts) ok = NULL;

    keyval_error("none,foo", "type", "Expected '=' after parameter 'foo'");
    keyval_error("none,nofoo", "type",
                 "Expected '=' after parameter 'nofoo'");
    keyval_error("foo", NULL, "Expected '=' after parameter 'foo'");
    keyval_error("help,none", "type", "Expected '=' after parameter 'none'");
    keyval_error("4,nocores", "cpus",
                 "Expected '=' after parameter 'nocores'");
    /* The implied value has no escapes: the second ',' starts a key. */
    keyval_error("none,,x", "type", "Invalid parameter ''");
    keyval_error("none,=x", "type", "Invalid parameter ''");
    keyval_error(",none", "type", "Invalid parameter ''");
    keyval_error("none,,", "type", "Invalid parameter ''");
    keyval_error("none,a b=1", "type", "Invalid parameter 'a b'");
    keyval_error("none,1=2", "type", "Invalid parameter '1'");
    keyval_error("none,a.=1", "type", "Invalid parameter 'a.'");
    keyval_error("none,a..b=1", "type", "Invalid parameter 'a..b'");
    keyval_error("none,_x=1", "type", "Invalid parameter '_x'");
    keyval_error("__x=1", NULL, "Invalid parameter '__x'");
    keyval_error("a.b c=1", NULL, "Invalid parameter 'a.b c'");

    s = g_strdup_printf("none,%s=1", k127);
    ok = keyval_ok(s, "type");
    check_opts(ok, "type", "none", k127, "1", NULL);
    g_free(s);

    s = g_strdup_printf("none,%s=1", k128);
    msg = g_strdup_printf("Parameter '%s' is too long", k128);
    keyval_error(s, "type", msg);
    g_free(s);
    g_free(msg);

    s = g_strdup_printf("none,%s", k128);
    msg = g_strdup_printf("Parameter '%s' is too long", k128);
    keyval_error(s, "type", msg);
    g_free(s);
    g_free(msg);

    s = g_strdup_printf("none,x.%s=1", k128);
    msg = g_strdup_printf("Parameter fragment '%s' is too long", k128);
    keyval_error(s, "type", msg);
    g_free(s);
    g_free(msg);

    s = g_strdup_printf("%s.x=1", k128);
    msg = g_strdup_printf("Parameter fragment '%s' is too long", k128);
    keyval_error(s, NULL, msg);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/option/key-value", test_key_value);
    g_test_add_func("/option/empty", test_empty);
    g_test_add_func("/option/implied", test_implied);
    g_test_add_func("/option/escaped-comma", test_escaped_comma);
    g_test_add_func("/option/trailing-comma", test_trailing_comma);
    g_test_add_func("/option/flags", test_flags);
    g_test_add_func("/option/flag-names", test_flag_names);
    g_test_add_func("/option/help", test_help);
    g_test_add_func("/option/is-help-option", test_is_help_option);
    g_test_add_func("/option/get-set-take", test_get_set_take);
    g_test_add_func("/option/check-names", test_check_names);
    g_test_add_func("/option/free-null", test_free_null);
    g_test_add_func("/option/keyval", test_keyval);
    g_test_add_func("/option/keyval/help", test_keyval_help);
    g_test_add_func("/option/keyval/errors", test_keyval_errors);
    return g_test_run();
}
