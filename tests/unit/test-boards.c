/*
 * Boards against QEMU 7.2: build each machine in-process and compare the
 * RAM/ROM ranges of the "memory" address space's flat view and the RAM
 * block table with what real QEMU printed (tests/compat/ref).
 *
 * The reference files are the single source: each one's "# command:" line
 * says which machine, -m, -object, -numa and -smp to use, "# started:"
 * whether QEMU accepted it, and its HMP sections what it showed.  The
 * files are found through $MEMVM_SOURCE_DIR (meson sets it).
 *
 * A process can build one machine only (system memory and the RAM block
 * list are global), so every case runs in a child process.
 */
#include <libfdt.h>
#include <string.h>

#include "hw/boards.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "qemu/option.h"

/* The boards of this test and the reference cases that exercise them. */
static const char *const case_globs[][2] = {
    { "x86_64", "pc-" }, { "x86_64", "q35-" }, { "x86_64", "isapc-" },
    { "x86_64", "microvm-" }, { "aarch64", "virt-" }, { "arm", "virt-" },
    { "riscv64", "virt-" },
};

/*
 * Cases whose difference from QEMU is deliberate (see docs): the reason
 * is printed as the skip message.
 */
static const char *const known_differences[][2] = {
    /* None today; an entry is { "arch/case", "reason" }. */
    { "", "" },
};

typedef struct RefCase {
    char *name;         /* "x86_64/pc-4G" */
    char *arch;
    char **argv;        /* the QEMU command line */
    bool started;
    char *stderr_text;
    char *flatview;     /* "info mtree -f" */
    char *ramblock;     /* "info ramblock" */
} RefCase;

static GPtrArray *ref_cases;

static const char *source_dir(void)
{
    const char *dir = g_getenv("MEMVM_SOURCE_DIR");

    return dir ? dir : ".";
}

/* The body of section "=== @title ===", or NULL. */
static char *ref_section(const char *text, const char *title)
{
    g_autofree char *head = g_strdup_printf("=== %s ===\n", title);
    const char *start = strstr(text, head);
    const char *end;

    if (!start) {
        return NULL;
    }
    start += strlen(head);
    end = strstr(start, "\n=== ");
    return end ? g_strndup(start, end - start + 1) : g_strdup(start);
}

static RefCase *ref_case_load(const char *arch, const char *file)
{
    g_autofree char *path = g_build_filename(source_dir(), "tests", "compat",
                                             "ref", arch, file, NULL);
    g_autofree char *text = NULL;
    RefCase *rc = g_new0(RefCase, 1);
    const char *cmd;
    g_autofree char *cmdline = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    rc->arch = g_strdup(arch);
    rc->name = g_strdup_printf("%s/%.*s", arch, (int)(strlen(file) - 4),
                               file);
    cmd = strstr(text, "# command: ");
    g_assert_nonnull(cmd);
    cmd += strlen("# command: ");
    cmdline = g_strndup(cmd, strcspn(cmd, "\n"));
    g_assert_true(g_shell_parse_argv(cmdline, NULL, &rc->argv, NULL));
    rc->started = strstr(text, "# started: yes") != NULL;
    rc->stderr_text = ref_section(text, "stderr");
    rc->flatview = ref_section(text, "hmp: info mtree -f");
    rc->ramblock = ref_section(text, "hmp: info ramblock");
    return rc;
}

static unsigned arch_of(const char *name)
{
    unsigned arch = target_arch_from_name(name);

    g_assert_cmpuint(arch, !=, 0);
    return arch;
}

/* The -M argument's machine type, or NULL for the default. */
static const char *ref_machine_arg(const RefCase *rc)
{
    for (int i = 1; rc->argv[i]; i++) {
        if (!strcmp(rc->argv[i], "-M") && rc->argv[i + 1]) {
            return rc->argv[i + 1];
        }
    }
    return NULL;
}

/* --- comparing outputs -------------------------------------------------- */

/* The RAM/ROM lines of the flat view of AS "memory". */
static GPtrArray *flatview_ram_lines(const char *text)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) views = g_strsplit(text, "FlatView #", -1);
    g_autoptr(GRegex) re = g_regex_new("^  [0-9a-f]{16}-[0-9a-f]{16} "
                                       "\\(prio -?[0-9]+, (nv-)?"
                                       "(ram|rom|romd|ramd)\\): ", 0, 0,
                                       NULL);

    for (int v = 0; views[v]; v++) {
        g_auto(GStrv) rows = NULL;

        if (!strstr(views[v], " AS \"memory\", root:")) {
            continue;
        }
        rows = g_strsplit(views[v], "\n", -1);
        for (int i = 0; rows[i]; i++) {
            if (!g_regex_match(re, rows[i], 0, NULL)) {
                continue;
            }
            g_ptr_array_add(lines, g_strdup(rows[i]));
        }
    }
    return lines;
}

static GPtrArray *text_lines(const char *text)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) rows = g_strsplit(text, "\n", -1);

    for (int i = 0; rows[i]; i++) {
        if (rows[i][0]) {
            g_ptr_array_add(lines, g_strdup(rows[i]));
        }
    }
    return lines;
}

static bool lines_equal(const char *what, GPtrArray *want, GPtrArray *got)
{
    bool same = want->len == got->len;

    for (guint i = 0; same && i < want->len; i++) {
        same = !strcmp(want->pdata[i], got->pdata[i]);
    }
    if (!same) {
        g_printerr("%s differs.\n--- QEMU 7.2:\n", what);
        for (guint i = 0; i < want->len; i++) {
            g_printerr("%s\n", (char *)want->pdata[i]);
        }
        g_printerr("--- memvm:\n");
        for (guint i = 0; i < got->len; i++) {
            g_printerr("%s\n", (char *)got->pdata[i]);
        }
    }
    return same;
}

/* Start and size of every "ram" line of the flat view. */
static GArray *flatview_ram_ranges(GPtrArray *lines)
{
    GArray *ranges = g_array_new(FALSE, FALSE, sizeof(uint64_t));

    for (guint i = 0; i < lines->len; i++) {
        const char *line = lines->pdata[i];
        uint64_t start, end;

        if (!strstr(line, ", ram): ")) {
            continue;
        }
        start = g_ascii_strtoull(line + 2, NULL, 16);
        end = g_ascii_strtoull(line + 2 + 17, NULL, 16);
        g_array_append_val(ranges, start);
        end = end - start + 1;
        g_array_append_val(ranges, end);
    }
    return ranges;
}

/* The device tree's memory nodes must describe exactly the RAM ranges. */
static bool fdt_matches_ram(void *fdt, GPtrArray *lines)
{
    g_autoptr(GArray) want = flatview_ram_ranges(lines);
    g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    int off;

    fdt_for_each_subnode(off, fdt, 0) {
        const char *type = fdt_getprop(fdt, off, "device_type", NULL);
        const fdt64_t *reg;
        int len;

        if (!type || strcmp(type, "memory")) {
            continue;
        }
        reg = fdt_getprop(fdt, off, "reg", &len);
        g_assert_cmpint(len, ==, 16);
        for (int i = 0; i < 2; i++) {
            /* Properties are only 4-byte aligned in the blob. */
            uint64_t v = fdt64_ld(&reg[i]);

            g_array_append_val(got, v);
        }
    }
    /* libfdt lists nodes newest first; compare as sets of pairs. */
    for (guint i = 0; i < want->len; i += 2) {
        bool found = false;

        for (guint j = 0; j < got->len && !found; j += 2) {
            found = g_array_index(got, uint64_t, j) ==
                        g_array_index(want, uint64_t, i) &&
                    g_array_index(got, uint64_t, j + 1) ==
                        g_array_index(want, uint64_t, i + 1);
        }
        if (!found) {
            g_printerr("no memory node for RAM at 0x%" PRIx64 "\n",
                       g_array_index(want, uint64_t, i));
            return false;
        }
    }
    if (got->len != want->len) {
        g_printerr("%u memory nodes for %u RAM ranges\n", got->len / 2,
                   want->len / 2);
        return false;
    }
    return true;
}

/* --- building the machine (in the child) -------------------------------- */

static void add_object(const char *arg)
{
    g_autoptr(QemuOpts) opts = qemu_opts_parse(arg, "qom-type",
                                               &error_abort);
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    const char *id = NULL;

    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *o = opts->list->pdata[i];

        if (!strcmp(o->name, "id")) {
            id = o->value;
        } else if (strcmp(o->name, "qom-type")) {
            g_ptr_array_add(keys, o->name);
            g_ptr_array_add(values, o->value);
        }
    }
    g_assert_nonnull(user_creatable_add(qemu_opt_get(opts, "qom-type"), id,
                                        keys, values, &error_abort));
}

/*
 * What vl.c does between parsing and running the board, for the options
 * the reference commands use.  Returns the first error.
 */
static Error *build_machine(const RefCase *rc, MachineState **pms)
{
    const char *marg = ref_machine_arg(rc);
    g_autoptr(QemuOpts) mopts = qemu_opts_parse(marg ? marg : "", "type",
                                                &error_abort);
    const char *type = qemu_opt_get(mopts, "type");
    unsigned arch = arch_of(rc->arch);
    MachineClass *mc;
    MachineState *ms;
    Error *err = NULL;

    target_arch_set(arch);
    mc = type ? machine_find_class(type, arch) : machine_default_class(arch);
    g_assert_nonnull(mc);
    ms = machine_create(mc);
    *pms = ms;
    for (guint i = 0; i < mopts->list->len; i++) {
        QemuOpt *o = mopts->list->pdata[i];

        if (strcmp(o->name, "type") &&
            !object_property_parse(OBJECT(ms), o->name, o->value, &err)) {
            return err;
        }
    }
    /* Backends exist before -m and -numa are applied, as in vl.c. */
    for (int i = 1; rc->argv[i]; i++) {
        if (!strcmp(rc->argv[i], "-object")) {
            add_object(rc->argv[++i]);
        }
    }
    for (int i = 1; rc->argv[i]; i++) {
        const char *opt = rc->argv[i], *arg = rc->argv[i + 1];

        if (!strcmp(opt, "-m")) {
            g_autoptr(QemuOpts) mem = qemu_opts_parse(arg, "size",
                                                      &error_abort);
            const char *maxmem = qemu_opt_get(mem, "maxmem");
            const char *slots = qemu_opt_get(mem, "slots");
            uint64_t size;

            g_assert_true(parse_option_size("size", qemu_opt_get(mem, "size"),
                                            MiB, &size, &error_abort));
            /* QEMU rounds -m up to 8 KiB ("-m 1025k" is 1032 KiB). */
            ms->ram_size = (size + 8 * KiB - 1) & ~(8 * KiB - 1);
            ms->maxram_size = ms->ram_size;
            ms->have_custom_ram_size = true;
            if (maxmem) {
                g_assert_true(parse_option_size("maxmem", maxmem, 1,
                                                &ms->maxram_size,
                                                &error_abort));
                ms->ram_slots = g_ascii_strtoull(slots, NULL, 10);
            }
        } else if (!strcmp(opt, "-smp")) {
            ms->smp_cpus = g_ascii_strtoull(arg, NULL, 10);
        }
    }
    for (int i = 1; rc->argv[i]; i++) {
        if (!strcmp(rc->argv[i], "-numa") &&
            !numa_parse_option(ms, rc->argv[i + 1], &err)) {
            return err;
        }
    }
    machine_run_board_init(ms, NULL, false, &err);
    return err;
}

/* The child: build the machine and compare; exit status says the result. */
static void run_case(const RefCase *rc)
{
    MachineState *ms = NULL;
    Error *err = build_machine(rc, &ms);
    g_autoptr(GString) mtree = g_string_new(NULL);
    g_autoptr(GString) blocks = g_string_new(NULL);
    g_autoptr(GPtrArray) want_fv = NULL, got_fv = NULL;
    g_autoptr(GPtrArray) want_rb = NULL, got_rb = NULL;

    if (!rc->started) {
        /* QEMU's line is "prog: [-option arg: ]message". */
        char *want = g_strndup(rc->stderr_text,
                               strcspn(rc->stderr_text, "\n"));
        bool same = err && g_str_has_suffix(want, error_get_pretty(err));

        if (!err) {
            g_printerr("QEMU refused to start (%s) but memvm built the "
                       "machine\n", want);
        } else if (!same) {
            g_printerr("error differs:\n  QEMU:  %s\n  memvm: %s\n", want,
                       error_get_pretty(err));
        }
        /* exit() runs no g_auto cleanup: free by hand for LeakSanitizer. */
        g_free(want);
        error_free(err);
        exit(same ? 0 : 1);
    }
    if (err) {
        g_printerr("memvm refused: %s\n", error_get_pretty(err));
        exit(1);
    }
    mtree_info(mtree, true);
    ram_block_format(blocks);
    want_fv = flatview_ram_lines(rc->flatview);
    got_fv = flatview_ram_lines(mtree->str);
    want_rb = text_lines(rc->ramblock);
    got_rb = text_lines(blocks->str);
    g_assert_cmpuint(want_fv->len, >, 0);
    if (!lines_equal("RAM/ROM ranges of AS \"memory\"", want_fv, got_fv) ||
        !lines_equal("info ramblock", want_rb, got_rb)) {
        exit(1);
    }
    if (ms->fdt && !fdt_matches_ram(ms->fdt, got_fv)) {
        exit(1);
    }
    exit(0);
}

static void test_ref_case(gconstpointer data)
{
    const RefCase *rc = data;
    const char *marg = ref_machine_arg(rc);
    g_autoptr(QemuOpts) mopts = qemu_opts_parse(marg ? marg : "", "type",
                                                &error_abort);
    const char *type = qemu_opt_get(mopts, "type");

    for (guint i = 0; i < G_N_ELEMENTS(known_differences); i++) {
        if (!strcmp(rc->name, known_differences[i][0])) {
            g_test_skip(known_differences[i][1]);
            return;
        }
    }
    if (!machine_find_class(type, arch_of(rc->arch))) {
        g_autofree char *msg = g_strdup_printf("machine type %s is not "
                                               "modelled", type);

        g_test_skip(msg);
        return;
    }
    if (g_test_subprocess()) {
        run_case(rc);
        return;
    }
    /* A failing case reports "not ok" and the others still run. */
    g_test_set_nonfatal_assertions();
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

/* --- size limits that the reference cases do not cover ------------------- */

typedef struct LimitCase {
    const char *arch;
    const char *machine;    /* -M */
    const char *size;       /* -m size= */
    const char *mem_extra;  /* more -m options, or "" */
    const char *error;      /* NULL: accepted */
} LimitCase;

/* Numbers checked against qemu-system-* 7.2 (see the compat test). */
static const LimitCase limit_cases[] = {
    { "x86_64", "pc", "1009G", "", NULL },
    { "x86_64", "pc", "1010G", "",
      "Address space limit 0xffffffffff < 0x1fc3fffffff phys-bits too low "
      "(40)" },
    { "x86_64", "pc", "1T", "",
      "Address space limit 0xffffffffff < 0x1ffbfffffff phys-bits too low "
      "(40)" },
    { "x86_64", "pc", "1G", ",slots=2,maxmem=1010G",
      "Address space limit 0xffffffffff < 0x1fd3fffffff phys-bits too low "
      "(40)" },
    { "x86_64", "q35", "1T", "",
      "Address space limit 0xffffffffff < 0x2077fffffff phys-bits too low "
      "(40)" },
    { "x86_64", "q35", "1G", ",slots=4,maxmem=900G", NULL },
    { "x86_64", "isapc", "1T", "", NULL },
    { "x86_64", "microvm", "1T", "", NULL },
    { "aarch64", "virt", "1023G", "", NULL },
    { "aarch64", "virt", "1T", "",
      "Addressing limited to 40 bits, but memory exceeds it by 1073741824 "
      "bytes" },
    { "arm", "virt,highmem=off", "3G", "", NULL },
    { "arm", "virt,highmem=off", "3073M", "",
      "Addressing limited to 32 bits, but memory exceeds it by 1073741824 "
      "bytes" },
    { "riscv64", "virt", "64T", "", NULL },
};

/*
 * Huge sizes need a backend that reserves nothing; the board only sees
 * the size.
 */
static void test_limit_case(gconstpointer data)
{
    const LimitCase *lc = data;
    g_autofree char *cmd = g_strdup_printf(
        "qemu-system-%s -object memory-backend-ram,id=m,size=%s,reserve=off "
        "-M %s,memory-backend=m -m %s%s", lc->arch, lc->size, lc->machine,
        lc->size, lc->mem_extra);
    RefCase rc = { .arch = (char *)lc->arch, .started = true };
    MachineState *ms;
    Error *err;

    if (!g_test_subprocess()) {
        g_test_set_nonfatal_assertions();
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
        return;
    }
    g_assert_true(g_shell_parse_argv(cmd, NULL, &rc.argv, NULL));
    err = build_machine(&rc, &ms);
    if (lc->error) {
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, lc->error);
        error_free(err);
    } else {
        g_assert_null(err);
    }
    g_strfreev(rc.argv);
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_ref_cases(void)
{
    ref_cases = g_ptr_array_new();
    for (guint g = 0; g < G_N_ELEMENTS(case_globs); g++) {
        const char *arch = case_globs[g][0];
        g_autofree char *dir = g_build_filename(source_dir(), "tests",
                                                "compat", "ref", arch, NULL);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
        const char *f;

        g_assert_nonnull(d);
        while ((f = g_dir_read_name(d))) {
            if (g_str_has_prefix(f, case_globs[g][1]) &&
                g_str_has_suffix(f, ".txt")) {
                g_ptr_array_add(files, g_strdup(f));
            }
        }
        g_ptr_array_sort(files, cmp_str);
        for (guint i = 0; i < files->len; i++) {
            RefCase *rc = ref_case_load(arch, files->pdata[i]);
            g_autofree char *path = g_strdup_printf("/boards/ref/%s",
                                                    rc->name);

            g_ptr_array_add(ref_cases, rc);
            g_test_add_data_func(path, rc, test_ref_case);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_ref_cases();
    for (guint i = 0; i < G_N_ELEMENTS(limit_cases); i++) {
        const LimitCase *lc = &limit_cases[i];
        g_autofree char *path = g_strdup_printf("/boards/limit/%s/%s/%s%s",
                                                lc->arch, lc->machine,
                                                lc->size, lc->mem_extra);

        g_test_add_data_func(path, lc, test_limit_case);
    }
    return g_test_run();
}
