/*
 * The command line: parse QEMU's options, create the objects, the machine
 * and the accelerator in the right order, then run the main loop.
 *
 * This is the only place that turns an Error into an exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config-host.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qom/object.h"
#include "hw/boards.h"
#include "exec/ramblock.h"
#include "sysemu/accel.h"
#include "sysemu/hostmem.h"
#include "sysemu/os-posix.h"
#include "sysemu/vl-mgmt.h"
#include "sysemu/qtest.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "migration/migration.h"

void machine_qmp_cmds_register(void);

typedef enum OptArg { ARG_NONE, ARG_ONE } OptArg;

typedef struct VLOption {
    const char *name;
    OptArg arg;
} VLOption;

/* Every option memvm knows, spelled as QEMU spells it. */
static const VLOption vl_options[] = {
    { "arch", ARG_ONE }, { "m", ARG_ONE }, { "M", ARG_ONE },
    { "machine", ARG_ONE }, { "object", ARG_ONE }, { "mem-path", ARG_ONE },
    { "mem-prealloc", ARG_NONE }, { "numa", ARG_ONE }, { "accel", ARG_ONE },
    { "enable-kvm", ARG_NONE }, { "kernel", ARG_ONE }, { "append", ARG_ONE },
    { "initrd", ARG_ONE }, { "dtb", ARG_ONE }, { "qmp", ARG_ONE },
    { "monitor", ARG_ONE }, { "qtest", ARG_ONE }, { "qtest-log", ARG_ONE },
    { "incoming", ARG_ONE }, { "serial", ARG_ONE }, { "display", ARG_ONE },
    { "nographic", ARG_NONE }, { "nodefaults", ARG_NONE }, { "S", ARG_NONE },
    { "smp", ARG_ONE }, { "cpu", ARG_ONE }, { "name", ARG_ONE },
    { "vga", ARG_ONE }, { "no-reboot", ARG_NONE },
    { "no-shutdown", ARG_NONE }, { "version", ARG_NONE },
    { "h", ARG_NONE }, { "help", ARG_NONE }, { "bios", ARG_ONE },
    { "L", ARG_ONE }, { "daemonize", ARG_NONE }, { "chardev", ARG_ONE },
    { "mon", ARG_ONE }, { "pidfile", ARG_ONE },
    { "no-user-config", ARG_NONE }, { "overcommit", ARG_ONE },
    { "uuid", ARG_ONE }, { "rtc", ARG_ONE }, { "no-acpi", ARG_NONE },
    { "boot", ARG_ONE }, { "msg", ARG_ONE }, { "audiodev", ARG_ONE },
    { "device", ARG_ONE },
    { NULL, ARG_NONE },
};

typedef struct VLConfig {
    GPtrArray *objects;     /* -object strings, in order */
    GPtrArray *machine;     /* -M strings, merged in order */
    GPtrArray *numa;
    GPtrArray *qmp;
    GPtrArray *monitor;
    GPtrArray *serial;
    GPtrArray *chardevs;    /* -chardev strings */
    GPtrArray *mons;        /* -mon strings */
    char *mem_opts;
    char *mem_path;
    bool mem_prealloc;
    char *accel;
    char *kernel, *append, *initrd, *dtb;
    char *cpu;
    char *qtest, *qtest_log;
    char *incoming;
    char *smp;
    char *name;
    char *pidfile;
    bool daemonize;
    bool start_stopped;
    bool nographic;
    bool nodefaults;
    bool no_shutdown;
    bool no_reboot;
} VLConfig;

/* Print the parser's deprecation warnings with the option's location. */
static void vl_warn_opts(const char *opt, const char *arg, QemuOpts *opts)
{
    for (guint i = 0; opts->warnings && i < opts->warnings->len; i++) {
        Error *w = g_ptr_array_index(opts->warnings, i);

        fprintf(stderr, "%s: -%s %s: warning: %s\n", error_get_progname(),
                opt, arg, error_get_pretty(w));
        if (error_get_hint(w)) {
            fputs(error_get_hint(w), stderr);
        }
    }
}

static G_NORETURN void vl_fail(Error *err)
{
    error_report_err(err);
    /* Monitors may be open already: their unix sockets go away. */
    monitor_cleanup();
    exit(EXIT_FAILURE);
}

/* Report "-option arg: message" as QEMU does for a bad option. */
static G_NORETURN void vl_fail_opt(const char *opt, const char *arg,
                                   Error *err)
{
    error_prepend(&err, "-%s %s: ", opt, arg);
    vl_fail(err);
}

static void vl_usage(void)
{
    printf("usage: %s [options]\n"
           "memvm %s: a machine emulator whose guest RAM always comes from\n"
           "a host memory backend.  Options follow QEMU's spelling:\n"
           "-M/-machine TYPE[,prop=val]  -m [size=]SIZE[,slots=N,maxmem=SIZE]\n"
           "-object TYPE,id=ID[,prop=val]  -mem-path PATH  -mem-prealloc\n"
           "-numa node,memdev=ID  -accel qtest|tcg|kvm  -kernel FILE\n"
           "-append CMDLINE  -dtb FILE  -qmp SPEC  -monitor SPEC\n"
           "-qtest SPEC  -qtest-log FILE  -serial SPEC  -nographic\n"
           "-display none  -nodefaults  -S  -smp N  -arch ARCH\n"
           "Every option, the memory backends and QMP are described in\n"
           "memvm(1) and memvm-backends(7): man memvm\n",
           error_get_progname(), MEMVM_VERSION);
}

static const VLOption *lookup_option(const char *name)
{
    for (const VLOption *o = vl_options; o->name; o++) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

static void set_once(char **slot, const char *value)
{
    /* A repeated option replaces the earlier one, as in QEMU. */
    g_free(*slot);
    *slot = g_strdup(value);
}

static void check_cpu_model(const char *opt, const char *model);

/*
 * -device: memvm's boards create their devices themselves, so the only
 * -device it takes is the board's own serial port, which libvirt writes
 * as "-device isa-serial,chardev=ID,id=serial0,index=0": it is
 * "-serial chardev:ID" for port INDEX.
 */
static void parse_device(VLConfig *c, const char *arg)
{
    static const char *const keys[] = { "driver", "chardev", "id", "index",
                                        NULL };
    g_autoptr(QemuOpts) opts = qemu_opts_parse(arg, "driver", NULL);
    Error *err = NULL;
    const char *driver = opts ? qemu_opt_get(opts, "driver") : NULL;
    const char *chr, *v;
    uint64_t index = c->serial->len;

    if (!driver || strcmp(driver, "isa-serial")) {
        error_setg(&err, "'%s' is not a valid device model name",
                   driver ? driver : "");
        vl_fail_opt("device", arg, err);
    }
    if (!qemu_opts_check_names(opts, keys, &err)) {
        vl_fail_opt("device", arg, err);
    }
    chr = qemu_opt_get(opts, "chardev");
    v = qemu_opt_get(opts, "index");
    if (v && !parse_option_number("index", v, MAX_SERIAL_PORTS - 1, &index,
                                  &err)) {
        vl_fail_opt("device", arg, err);
    }
    if (!chr || index != c->serial->len) {
        error_setg(&err, "memvm connects the board's serial ports in order "
                   "and needs chardev=ID (port %u is next)", c->serial->len);
        vl_fail_opt("device", arg, err);
    }
    g_ptr_array_add(c->serial, g_strconcat("chardev:", chr, NULL));
}

static void parse_args(int argc, char **argv, VLConfig *c)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *name, *arg = NULL;
        const VLOption *o;
        Error *err = NULL;
        bool handled;

        if (a[0] != '-') {
            error_report("%s: invalid option", a);
            exit(EXIT_FAILURE);
        }
        name = a + 1 + (a[1] == '-');
        o = lookup_option(name);
        if (!o) {
            error_report("%s: invalid option", a);
            exit(EXIT_FAILURE);
        }
        if (o->arg == ARG_ONE) {
            if (i + 1 >= argc) {
                error_report("%s: requires an argument", a);
                exit(EXIT_FAILURE);
            }
            arg = argv[++i];
        }
        if (!vl_mgmt_option(name, arg, &handled, &err)) {
            vl_fail_opt(name, arg ? arg : "", err);
        }
        if (handled) {
            continue;
        }
        if (!strcmp(name, "object")) {
            g_ptr_array_add(c->objects, g_strdup(arg));
        } else if (!strcmp(name, "M") || !strcmp(name, "machine")) {
            g_ptr_array_add(c->machine, g_strdup(arg));
        } else if (!strcmp(name, "numa")) {
            g_ptr_array_add(c->numa, g_strdup(arg));
        } else if (!strcmp(name, "qmp")) {
            g_ptr_array_add(c->qmp, g_strdup(arg));
        } else if (!strcmp(name, "monitor")) {
            g_ptr_array_add(c->monitor, g_strdup(arg));
        } else if (!strcmp(name, "serial")) {
            g_ptr_array_add(c->serial, g_strdup(arg));
        } else if (!strcmp(name, "chardev")) {
            g_ptr_array_add(c->chardevs, g_strdup(arg));
        } else if (!strcmp(name, "device")) {
            parse_device(c, arg);
        } else if (!strcmp(name, "mon")) {
            g_ptr_array_add(c->mons, g_strdup(arg));
        } else if (!strcmp(name, "m")) {
            set_once(&c->mem_opts, arg);
        } else if (!strcmp(name, "mem-path")) {
            set_once(&c->mem_path, arg);
        } else if (!strcmp(name, "mem-prealloc")) {
            c->mem_prealloc = true;
        } else if (!strcmp(name, "accel")) {
            set_once(&c->accel, arg);
        } else if (!strcmp(name, "enable-kvm")) {
            set_once(&c->accel, "kvm");
        } else if (!strcmp(name, "kernel")) {
            set_once(&c->kernel, arg);
        } else if (!strcmp(name, "append")) {
            set_once(&c->append, arg);
        } else if (!strcmp(name, "initrd")) {
            set_once(&c->initrd, arg);
        } else if (!strcmp(name, "dtb")) {
            set_once(&c->dtb, arg);
        } else if (!strcmp(name, "qtest")) {
            set_once(&c->qtest, arg);
        } else if (!strcmp(name, "qtest-log")) {
            set_once(&c->qtest_log, arg);
        } else if (!strcmp(name, "incoming")) {
            set_once(&c->incoming, arg);
        } else if (!strcmp(name, "smp")) {
            set_once(&c->smp, arg);
        } else if (!strcmp(name, "name")) {
            set_once(&c->name, arg);
        } else if (!strcmp(name, "pidfile")) {
            set_once(&c->pidfile, arg);
        } else if (!strcmp(name, "daemonize")) {
            c->daemonize = true;
        } else if (!strcmp(name, "no-user-config")) {
            /* memvm reads no configuration files: nothing to skip. */
        } else if (!strcmp(name, "S")) {
            c->start_stopped = true;
        } else if (!strcmp(name, "nographic")) {
            c->nographic = true;
        } else if (!strcmp(name, "nodefaults")) {
            c->nodefaults = true;
        } else if (!strcmp(name, "no-shutdown")) {
            c->no_shutdown = true;
        } else if (!strcmp(name, "no-reboot")) {
            c->no_reboot = true;
        } else if (!strcmp(name, "display")) {
            if (strcmp(arg, "none") && strncmp(arg, "none,", 5)) {
                error_report("-display %s: memvm has no graphical display; "
                             "use -display none", arg);
                exit(EXIT_FAILURE);
            }
        } else if (!strcmp(name, "vga")) {
            if (strcmp(arg, "none")) {
                error_report("-vga %s: memvm has no display adapters; use "
                             "-vga none", arg);
                exit(EXIT_FAILURE);
            }
        } else if (!strcmp(name, "version")) {
            printf("memvm emulator version %s\n", MEMVM_VERSION);
            exit(EXIT_SUCCESS);
        } else if (!strcmp(name, "h") || !strcmp(name, "help")) {
            vl_usage();
            exit(EXIT_SUCCESS);
        } else if (!strcmp(name, "arch")) {
            /* Handled by select_arch() before parsing. */
        } else if (!strcmp(name, "bios") || !strcmp(name, "L")) {
            /* Ignoring firmware would boot something else than asked. */
            error_report("%s %s: memvm loads no firmware; boot a guest with "
                         "-kernel", a, arg);
            exit(EXIT_FAILURE);
        } else if (!strcmp(name, "cpu")) {
            check_cpu_model(a, arg);
            g_free(c->cpu);
            c->cpu = g_strdup(arg);
        } else {
            error_report("%s%s%s: not supported by memvm", a, arg ? " " : "",
                         arg ? arg : "");
            exit(EXIT_FAILURE);
        }
    }
}

/*
 * -cpu: the aarch64 models libunicorn has, under QEMU's names (accel tcg
 * runs them); other targets run their board's default model only.
 */
static void check_cpu_model(const char *opt, const char *model)
{
    static const char *const a64[] = {
        "cortex-a53", "cortex-a57", "cortex-a72", "max",
    };

    if (target_arch() != ARCH_AARCH64) {
        error_report("%s %s: memvm runs each board's default CPU model "
                     "only", opt, model);
        exit(EXIT_FAILURE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(a64); i++) {
        if (!strcmp(model, a64[i])) {
            return;
        }
    }
    error_report("unable to find CPU model '%s'", model);
    exit(EXIT_FAILURE);
}

/* The binary's name decides the target: memvm-system-<arch>. */
static void select_arch(int argc, char **argv)
{
    g_autofree char *base = g_path_get_basename(argv[0]);
    const char *name = NULL;
    unsigned arch;

    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "-arch") || !strcmp(argv[i], "--arch")) {
            name = argv[i + 1];
        }
    }
    if (!name && g_str_has_prefix(base, "memvm-system-")) {
        name = base + strlen("memvm-system-");
    }
    if (!name) {
        name = "x86_64";
    }
    arch = target_arch_from_name(name);
    if (!arch) {
        error_report("-arch %s: unknown target architecture", name);
        exit(EXIT_FAILURE);
    }
    target_arch_set(arch);
}

/* Merge every -M into one option list; "type" is the implied key. */
static QemuOpts *merge_machine_opts(VLConfig *c)
{
    QemuOpts *all = qemu_opts_parse("", NULL, &error_abort);

    for (guint i = 0; i < c->machine->len; i++) {
        const char *arg = g_ptr_array_index(c->machine, i);
        Error *err = NULL;
        QemuOpts *opts = qemu_opts_parse_keyval(arg, "type", &err);

        if (!opts) {
            vl_fail_opt("machine", arg, err);
        }
        for (guint j = 0; j < opts->list->len; j++) {
            QemuOpt *o = g_ptr_array_index(opts->list, j);

            qemu_opt_set(all, o->name, o->value);
        }
        all->help |= opts->help;
        qemu_opts_free(opts);
    }
    return all;
}

static void print_machine_props(MachineClass *mc)
{
    g_autofree char *type = g_strconcat(mc->name, TYPE_MACHINE_SUFFIX, NULL);
    GString *out = g_string_new(NULL);

    user_creatable_print_props(type, out);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

static MachineState *create_machine(VLConfig *c, QemuOpts *mopts)
{
    const char *type = qemu_opt_get(mopts, "type");
    MachineClass *mc;
    MachineState *ms;

    /* "-M help" (keyval marks a bare help) lists the machines. */
    if ((type && is_help_option(type)) || (!type && mopts->help)) {
        GString *out = g_string_new(NULL);

        machine_print_list(out, target_arch());
        fputs(out->str, stdout);
        g_string_free(out, TRUE);
        exit(EXIT_SUCCESS);
    }
    mc = type ? machine_find_class(type, target_arch())
              : machine_default_class(target_arch());
    if (!mc) {
        if (type) {
            error_report("-machine %s: unsupported machine type", type);
        } else {
            error_report("No machine specified, and there is no default");
        }
        fprintf(stderr, "Use -machine help to list supported machines\n");
        exit(EXIT_FAILURE);
    }
    if (mopts->help) {
        print_machine_props(mc);
        exit(EXIT_SUCCESS);
    }
    /* -mem-prealloc: a default for every memory backend, as in QEMU. */
    if (c->mem_prealloc) {
        object_register_sugar_prop(TYPE_MEMORY_BACKEND, "prealloc", "on");
    }
    ms = machine_create(mc);
    for (guint i = 0; i < mopts->list->len; i++) {
        QemuOpt *o = g_ptr_array_index(mopts->list, i);
        Error *err = NULL;

        if (!strcmp(o->name, "type")) {
            continue;
        }
        if (!strcmp(o->name, "accel")) {
            if (!c->accel) {
                c->accel = g_strdup(o->value);
            }
            continue;
        }
        if (!object_property_parse(OBJECT(ms), o->name, o->value, &err)) {
            error_prepend(&err, "-machine %s=%s: ", o->name, o->value);
            vl_fail(err);
        }
    }
    return ms;
}

/* "-object help" and "-object TYPE,help" answer before anything else. */
static void object_help(VLConfig *c)
{
    for (guint i = 0; i < c->objects->len; i++) {
        const char *arg = g_ptr_array_index(c->objects, i);
        g_autoptr(QemuOpts) opts = qemu_opts_parse(arg, "qom-type", NULL);
        const char *type = opts ? qemu_opt_get(opts, "qom-type") : NULL;
        GString *out;

        if (!type || (!is_help_option(type) && !opts->help)) {
            continue;
        }
        out = g_string_new(NULL);
        if (is_help_option(type)) {
            user_creatable_print_types(out);
        } else {
            ObjectClass *oc = object_class_by_name(type);

            if (!oc || !object_class_is_user_creatable(oc)) {
                Error *err = NULL;

                error_setg(&err, "Parameter 'qom-type' does not accept "
                           "value '%s'", type);
                vl_fail_opt("object", arg, err);
            }
            user_creatable_print_props(type, out);
        }
        fputs(out->str, stdout);
        exit(EXIT_SUCCESS);
    }
}

static void create_objects(VLConfig *c)
{
    for (guint i = 0; i < c->objects->len; i++) {
        const char *arg = g_ptr_array_index(c->objects, i);
        g_autoptr(GPtrArray) keys = g_ptr_array_new();
        g_autoptr(GPtrArray) values = g_ptr_array_new();
        Error *err = NULL;
        QemuOpts *opts = qemu_opts_parse(arg, "qom-type", &err);
        const char *type, *id = NULL;
        Object *obj;

        if (!opts) {
            vl_fail_opt("object", arg, err);
        }
        vl_warn_opts("object", arg, opts);
        type = qemu_opt_get(opts, "qom-type");
        if (!type) {
            error_setg(&err, "Parameter 'qom-type' is missing");
            vl_fail_opt("object", arg, err);
        }
        for (guint j = 0; j < opts->list->len; j++) {
            QemuOpt *o = g_ptr_array_index(opts->list, j);

            if (!strcmp(o->name, "qom-type")) {
                continue;
            }
            if (!strcmp(o->name, "id")) {
                id = o->value;
                continue;
            }
            g_ptr_array_add(keys, o->name);
            g_ptr_array_add(values, o->value);
        }
        obj = user_creatable_add(type, id, keys, values, &err);
        if (!obj) {
            qemu_opts_free(opts);
            vl_fail_opt("object", arg, err);
        }
        if (object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
            g_autofree char *origin = g_strdup_printf("-object %s", arg);

            host_memory_backend_set_origin(MEMORY_BACKEND(obj), origin);
        }
        qemu_opts_free(opts);
    }
}

static const char *const mem_keys[] = { "size", "slots", "maxmem", NULL };

static void parse_memory_options(VLConfig *c, MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    g_autoptr(QemuOpts) opts = NULL;
    Error *err = NULL;
    const char *v;
    uint64_t size = mc->default_ram_size;

    if (!c->mem_opts) {
        return;
    }
    opts = qemu_opts_parse(c->mem_opts, "size", &err);
    if (!opts || !qemu_opts_check_names(opts, mem_keys, &err)) {
        vl_fail_opt("m", c->mem_opts, err);
    }
    vl_warn_opts("m", c->mem_opts, opts);
    v = qemu_opt_get(opts, "size");
    if (v) {
        if (!*v) {
            error_setg(&err, "missing 'size' option value");
            vl_fail_opt("m", c->mem_opts, err);
        }
        if (!parse_option_size("size", v, MiB, &size, &err)) {
            vl_fail_opt("m", c->mem_opts, err);
        }
        /* "-m 0" has always meant the board's default size. */
        if (size == 0) {
            size = mc->default_ram_size;
        }
        if (size % (8 * KiB)) {
            error_setg(&err, "RAM size %" PRIu64 " is not a multiple of "
                       "8 KiB", size);
            vl_fail_opt("m", c->mem_opts, err);
        }
        ms->have_custom_ram_size = true;
    }
    ms->ram_size = size;
    ms->maxram_size = size;
    v = qemu_opt_get(opts, "maxmem");
    if (v) {
        uint64_t maxmem, slots = 0;

        if (!parse_option_size("maxmem", v, 1, &maxmem, &err)) {
            vl_fail_opt("m", c->mem_opts, err);
        }
        if (maxmem < size) {
            error_setg(&err, "invalid value of -m option maxmem: maximum "
                       "memory size (0x%" PRIx64 ") must be at least the "
                       "initial memory size (0x%" PRIx64 ")", maxmem, size);
            vl_fail_opt("m", c->mem_opts, err);
        }
        if (qemu_opt_get(opts, "slots") &&
            !parse_option_number("slots", qemu_opt_get(opts, "slots"), 256,
                                 &slots, &err)) {
            vl_fail_opt("m", c->mem_opts, err);
        }
        if (maxmem > size && !slots) {
            error_setg(&err, "invalid value of -m option: maxmem was "
                       "specified, but no hotplug slots were specified");
            vl_fail_opt("m", c->mem_opts, err);
        }
        ms->maxram_size = maxmem;
        ms->ram_slots = slots;
    } else if (qemu_opt_get(opts, "slots")) {
        error_setg(&err, "invalid -m option value: missing 'maxmem' option");
        vl_fail_opt("m", c->mem_opts, err);
    }
}

static void parse_smp(VLConfig *c, MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    g_autoptr(QemuOpts) opts = NULL;
    Error *err = NULL;
    uint64_t cpus = 1;
    const char *v;

    if (!c->smp) {
        return;
    }
    opts = qemu_opts_parse_keyval(c->smp, "cpus", &err);
    if (!opts) {
        vl_fail_opt("smp", c->smp, err);
    }
    v = qemu_opt_get(opts, "cpus");
    if (v && !parse_option_number("cpus", v, UINT32_MAX, &cpus, &err)) {
        vl_fail_opt("smp", c->smp, err);
    }
    if (cpus > mc->max_cpus) {
        error_setg(&err, "Invalid SMP CPUs %" PRIu64 ". The max CPUs "
                   "supported by machine '%s' is %u", cpus, mc->name,
                   mc->max_cpus);
        vl_fail_opt("smp", c->smp, err);
    }
    ms->smp_cpus = cpus ? cpus : 1;
}

static const char *const mon_keys[] = { "chardev", "id", "mode", "pretty",
                                        NULL };
static const char *const name_keys[] = { "guest", "process", "debug-threads",
                                         NULL };
static const char *const smp_keys[] = { "cpus", "sockets", "dies",
                                        "clusters", "cores", "threads",
                                        "maxcpus", NULL };

static const char *const chardev_keys[] = {
    "backend", "id", "path", "host", "port", "server", "wait", "nodelay",
    "telnet", "mux", "signal", "logfile", NULL,
};

/*
 * "-chardev BACKEND,id=ID,..." as the spec string chr_open() takes:
 * socket (path= or host=/port=), stdio, file (path=), null.
 */
static char *chardev_spec(const char *arg, char **id, Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_parse(arg, "backend", errp);
    const char *backend, *path, *v;
    GString *spec;

    if (!opts || !qemu_opts_check_names(opts, chardev_keys, errp)) {
        return NULL;
    }
    backend = qemu_opt_get(opts, "backend");
    if (!qemu_opt_get(opts, "id")) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    path = qemu_opt_get(opts, "path");
    spec = g_string_new(NULL);
    if (backend && !strcmp(backend, "socket")) {
        if (path) {
            g_string_append_printf(spec, "unix:%s", path);
        } else {
            g_string_append_printf(spec, "tcp:%s:%s",
                                   qemu_opt_get(opts, "host") ?: "",
                                   qemu_opt_get(opts, "port") ?: "");
        }
        if ((v = qemu_opt_get(opts, "server"))) {
            g_string_append_printf(spec, ",server=%s", v);
        }
        if ((v = qemu_opt_get(opts, "wait"))) {
            g_string_append_printf(spec, ",wait=%s", v);
        }
    } else if (backend && !strcmp(backend, "file") && path) {
        g_string_append_printf(spec, "file:%s", path);
    } else if (backend && (!strcmp(backend, "stdio") ||
                           !strcmp(backend, "null"))) {
        g_string_append(spec, backend);
    } else {
        error_setg(errp, "'%s' is not a valid char driver name",
                   backend ? backend : "");
        g_string_free(spec, TRUE);
        return NULL;
    }
    *id = g_strdup(qemu_opt_get(opts, "id"));
    return g_string_free(spec, FALSE);
}

/*
 * Turn -chardev/-mon into the -qmp/-monitor/-serial forms they stand for,
 * so that the rest of start-up knows one spelling.  Each chardev serves
 * one user.
 */
static void resolve_chardevs(VLConfig *c)
{
    g_autoptr(GHashTable) specs = g_hash_table_new_full(g_str_hash,
                                                        g_str_equal,
                                                        g_free, g_free);
    Error *err = NULL;

    for (guint i = 0; i < c->chardevs->len; i++) {
        const char *arg = g_ptr_array_index(c->chardevs, i);
        char *id = NULL, *spec = chardev_spec(arg, &id, &err);

        if (!spec) {
            vl_fail_opt("chardev", arg, err);
        }
        if (g_hash_table_contains(specs, id)) {
            error_setg(&err, "attempt to add duplicate property '%s' to "
                       "object (type 'container')", id);
            g_free(id);
            g_free(spec);
            vl_fail_opt("chardev", arg, err);
        }
        g_hash_table_insert(specs, id, spec);
    }
    for (guint i = 0; i < c->mons->len; i++) {
        const char *arg = g_ptr_array_index(c->mons, i);
        g_autoptr(QemuOpts) opts = qemu_opts_parse(arg, "chardev", &err);
        const char *id, *mode;
        char *spec;

        if (!opts || !qemu_opts_check_names(opts, mon_keys, &err)) {
            vl_fail_opt("mon", arg, err);
        }
        id = qemu_opt_get(opts, "chardev");
        mode = qemu_opt_get(opts, "mode") ?: "readline";
        if (strcmp(mode, "control") && strcmp(mode, "readline")) {
            error_setg(&err, "Parameter 'mode' does not accept value '%s'",
                       mode);
            vl_fail_opt("mon", arg, err);
        }
        spec = id ? g_hash_table_lookup(specs, id) : NULL;
        if (!spec) {
            error_setg(&err, "chardev \"%s\" not found", id ? id : "");
            vl_fail_opt("mon", arg, err);
        }
        g_ptr_array_add(strcmp(mode, "control") ? c->monitor : c->qmp,
                        g_strdup(spec));
        g_hash_table_remove(specs, id);
    }
    for (guint i = 0; i < c->serial->len; i++) {
        char *arg = g_ptr_array_index(c->serial, i);
        char *spec;

        if (!g_str_has_prefix(arg, "chardev:")) {
            continue;
        }
        spec = g_hash_table_lookup(specs, arg + strlen("chardev:"));
        if (!spec) {
            error_report("-serial %s: could not connect serial device to "
                         "character backend '%s'", arg, arg);
            exit(EXIT_FAILURE);
        }
        c->serial->pdata[i] = g_strdup(spec);
        g_hash_table_remove(specs, arg + strlen("chardev:"));
        g_free(arg);
    }
}

/*
 * query-command-line-options: the option groups memvm parses as
 * key=value lists, with the keys it accepts ("string": memvm takes every
 * value as text and checks it itself).  Groups with no fixed keys
 * (-machine, -object, -accel, -numa: their properties depend on the type)
 * have empty lists, as in QEMU.
 */
static const struct {
    const char *option;
    const char *const *keys;
} vl_option_groups[] = {
    { "accel", NULL }, { "chardev", chardev_keys }, { "machine", NULL },
    { "memory", mem_keys }, { "mon", mon_keys }, { "name", name_keys },
    { "numa", NULL }, { "object", NULL }, { "smp-opts", smp_keys },
};

static JsonNode *qmp_query_command_line_options(JsonObject *args,
                                                Error **errp)
{
    const char *only = json_object_has_member(args, "option") ?
        json_object_get_string_member(args, "option") : NULL;
    JsonArray *list = json_array_new();

    for (size_t i = 0; i < G_N_ELEMENTS(vl_option_groups); i++) {
        JsonObject *group;
        JsonArray *params;

        if (only && strcmp(only, vl_option_groups[i].option)) {
            continue;
        }
        group = json_object_new();
        params = json_array_new();
        for (const char *const *k = vl_option_groups[i].keys; k && *k; k++) {
            JsonObject *p = json_object_new();

            json_object_set_string_member(p, "name", *k);
            json_object_set_string_member(p, "type", "string");
            json_array_add_object_element(params, p);
        }
        json_object_set_array_member(group, "parameters", params);
        json_object_set_string_member(group, "option",
                                      vl_option_groups[i].option);
        json_array_add_object_element(list, group);
    }
    if (only && !json_array_get_length(list)) {
        json_array_unref(list);
        error_setg(errp, "Invalid parameter 'option'");
        return NULL;
    }
    return qmp_node_new_array(list);
}

/* "-name NAME" or "-name guest=NAME[,process=P][,debug-threads=on|off]". */
static void parse_name(VLConfig *c)
{
    g_autoptr(QemuOpts) opts = NULL;
    Error *err = NULL;
    const char *v;
    bool b;

    if (!c->name) {
        return;
    }
    opts = qemu_opts_parse(c->name, "guest", &err);
    if (!opts || !qemu_opts_check_names(opts, name_keys, &err)) {
        vl_fail_opt("name", c->name, err);
    }
    /* memvm's threads carry no names; the value is only checked. */
    v = qemu_opt_get(opts, "debug-threads");
    if (v && !parse_option_bool("debug-threads", v, &b, &err)) {
        vl_fail_opt("name", c->name, err);
    }
    v = qemu_opt_get(opts, "guest");
    set_once(&c->name, v ? v : "");
}

static void open_chardevs(VLConfig *c)
{
    Error *err = NULL;
    guint n = 0;

    /* As in QEMU, -nodefaults also drops -nographic's serial on stdio. */
    if (c->nographic && !c->nodefaults && !c->serial->len) {
        g_ptr_array_add(c->serial, g_strdup("stdio"));
    }
    for (guint i = 0; i < c->serial->len; i++) {
        const char *spec = g_ptr_array_index(c->serial, i);
        Chardev *chr;

        if (!strcmp(spec, "none")) {
            continue;
        }
        if (n >= MAX_SERIAL_PORTS) {
            error_report("-serial %s: too many serial ports", spec);
            exit(EXIT_FAILURE);
        }
        chr = chr_open(spec, &err);
        if (!chr) {
            vl_fail_opt("serial", spec, err);
        }
        serial_hd_set(n++, chr);
    }
}

static void open_monitors(VLConfig *c)
{
    Error *err = NULL;

    for (guint i = 0; i < c->qmp->len; i++) {
        const char *spec = g_ptr_array_index(c->qmp, i);

        if (!monitor_add_qmp(spec, &err)) {
            vl_fail_opt("qmp", spec, err);
        }
    }
    for (guint i = 0; i < c->monitor->len; i++) {
        const char *spec = g_ptr_array_index(c->monitor, i);

        if (!strcmp(spec, "none")) {
            continue;
        }
        if (!monitor_add_hmp(spec, &err)) {
            vl_fail_opt("monitor", spec, err);
        }
    }
}

static const char *choose_accel(VLConfig *c)
{
    if (c->accel) {
        return c->accel;
    }
    if (c->qtest) {
        return "qtest";
    }
    /* A guest runs under tcg; without one there is nothing to run. */
    if (object_class_by_name(ACCEL_CLASS_NAME("tcg"))) {
        return "tcg";
    }
    return "qtest";
}

static AccelState *create_accel(VLConfig *c)
{
    g_autoptr(QemuOpts) opts = NULL;
    Error *err = NULL;
    const char *name = choose_accel(c);
    AccelState *accel;

    /* "-machine accel=kvm:tcg": the first that this host can use. */
    if (strchr(name, ':') && !strchr(name, ',')) {
        g_auto(GStrv) names = g_strsplit(name, ":", -1);

        for (char **n = names; *n; n++) {
            accel = accel_create(*n, &err);
            if (accel) {
                return accel;
            }
            error_prepend(&err, "-machine accel=%s: ", name);
            if (!n[1]) {
                vl_fail(err);
            }
            error_report("%s; trying %s", error_get_pretty(err), n[1]);
            error_free(err);
            err = NULL;
        }
    }
    opts = qemu_opts_parse(name, "accel", &err);
    if (!opts) {
        vl_fail_opt("accel", name, err);
    }
    name = qemu_opt_get(opts, "accel");
    if (!name || is_help_option(name)) {
        printf("Accelerators supported in memvm binary:\n");
        for (GSList *l = object_class_get_list_sorted(TYPE_ACCEL, false),
             *h = l; l || (g_slist_free(h), false); l = l->next) {
            printf("%s\n", ACCEL_CLASS(l->data)->name);
        }
        exit(EXIT_SUCCESS);
    }
    accel = accel_create(name, &err);
    if (!accel) {
        vl_fail_opt("accel", name, err);
    }
    for (guint i = 0; i < opts->list->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->list, i);

        if (strcmp(o->name, "accel") &&
            !object_property_parse(OBJECT(accel), o->name, o->value, &err)) {
            vl_fail_opt("accel", c->accel, err);
        }
    }
    return accel;
}

static void dump_dtb(MachineState *ms)
{
    GError *gerr = NULL;

    if (!ms->fdt) {
        error_report("-machine dumpdtb=%s: this machine has no device tree",
                     ms->dumpdtb);
        exit(EXIT_FAILURE);
    }
    /*
     * g_file_set_contents() writes a new file and renames it over the old
     * one: right for a regular file, but it would turn a device such as
     * /dev/null (or a pipe) into a plain file.  Those are written in place.
     */
    if (g_file_test(ms->dumpdtb, G_FILE_TEST_EXISTS) &&
        !g_file_test(ms->dumpdtb, G_FILE_TEST_IS_REGULAR)) {
        FILE *f = fopen(ms->dumpdtb, "wb");

        if (!f || fwrite(ms->fdt, 1, ms->fdt_size, f) !=
                  (size_t)ms->fdt_size || fclose(f) != 0) {
            error_report("-machine dumpdtb=%s: %s", ms->dumpdtb,
                         strerror(errno));
            exit(EXIT_FAILURE);
        }
        exit(EXIT_SUCCESS);
    }
    if (!g_file_set_contents(ms->dumpdtb, ms->fdt, ms->fdt_size, &gerr)) {
        error_report("-machine dumpdtb=%s: %s", ms->dumpdtb, gerr->message);
        exit(EXIT_FAILURE);
    }
    exit(EXIT_SUCCESS);
}

static void vl_config_free(VLConfig *c)
{
    g_ptr_array_free(c->objects, TRUE);
    g_ptr_array_free(c->machine, TRUE);
    g_ptr_array_free(c->numa, TRUE);
    g_ptr_array_free(c->qmp, TRUE);
    g_ptr_array_free(c->monitor, TRUE);
    g_ptr_array_free(c->serial, TRUE);
    g_ptr_array_free(c->chardevs, TRUE);
    g_ptr_array_free(c->mons, TRUE);
    g_free(c->mem_opts);
    g_free(c->mem_path);
    g_free(c->accel);
    g_free(c->kernel);
    g_free(c->append);
    g_free(c->initrd);
    g_free(c->cpu);
    g_free(c->dtb);
    g_free(c->qtest);
    g_free(c->qtest_log);
    g_free(c->incoming);
    g_free(c->smp);
    g_free(c->name);
    g_free(c->pidfile);
}

static gboolean vl_started(gpointer opaque)
{
    os_setup_post();
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    VLConfig c = {
        .objects = g_ptr_array_new_with_free_func(g_free),
        .machine = g_ptr_array_new_with_free_func(g_free),
        .numa = g_ptr_array_new_with_free_func(g_free),
        .qmp = g_ptr_array_new_with_free_func(g_free),
        .monitor = g_ptr_array_new_with_free_func(g_free),
        .serial = g_ptr_array_new_with_free_func(g_free),
        .chardevs = g_ptr_array_new_with_free_func(g_free),
        .mons = g_ptr_array_new_with_free_func(g_free),
    };
    g_autoptr(QemuOpts) mopts = NULL;
    Error *err = NULL;
    MachineState *ms;
    AccelState *accel;
    AccelClass *ac;
    int status;

    error_set_progname(argv[0]);
    select_arch(argc, argv);
    parse_args(argc, argv, &c);
    resolve_chardevs(&c);
    /* Before any thread exists; only the daemon comes back. */
    if (c.daemonize) {
        os_daemonize();
    }
    if (c.pidfile && !os_write_pidfile(c.pidfile, &err)) {
        error_prepend(&err, "cannot create PID file: ");
        vl_fail(err);
    }
    parse_name(&c);
    qemu_set_vm_name(c.name);
    machine_qmp_cmds_register();
    qmp_register_command_args("query-command-line-options", "option?:str",
                              qmp_query_command_line_options, 0);
    migration_commands_register();
    /* Before the machine: QEMU's first section ids are timer and ram. */
    migration_object_init();

    object_help(&c);
    /* The machine type first: -M help and -M TYPE,help exit here. */
    mopts = merge_machine_opts(&c);
    ms = create_machine(&c, mopts);
    if (c.kernel) {
        object_property_set_str(OBJECT(ms), "kernel", c.kernel, &error_abort);
    }
    if (c.append) {
        object_property_set_str(OBJECT(ms), "append", c.append, &error_abort);
    }
    if (c.initrd) {
        object_property_set_str(OBJECT(ms), "initrd", c.initrd, &error_abort);
    }
    if (c.dtb) {
        object_property_set_str(OBJECT(ms), "dtb", c.dtb, &error_abort);
    }
    ms->cpu_model = g_strdup(c.cpu);

    /*
     * Backends exist before -m is applied, wherever -m stood; they map
     * their memory only once all of them and the machine are known.
     */
    host_memory_backend_defer();
    create_objects(&c);
    parse_memory_options(&c, ms);
    parse_smp(&c, ms);
    for (guint i = 0; i < c.numa->len; i++) {
        const char *arg = g_ptr_array_index(c.numa, i);

        if (!numa_parse_option(ms, arg, &err)) {
            vl_fail_opt("numa", arg, err);
        }
    }

    accel = create_accel(&c);
    current_accel = accel;
    ac = ACCEL_GET_CLASS(accel);
    open_chardevs(&c);
    /*
     * Before the board and its RAM, as QEMU opens them: a client may then
     * connect while guest RAM is preallocated, and gets the progress
     * events and answers to queries (monitor_poll_startup()).
     */
    open_monitors(&c);

    if (!machine_run_board_init(ms, c.mem_path, c.mem_prealloc, &err)) {
        vl_fail(err);
    }
    if (ms->dumpdtb) {
        dump_dtb(ms);
    }
    if (ac->init_machine && !ac->init_machine(accel, ms, &err)) {
        vl_fail(err);
    }
    if (c.qtest && !qtest_server_init(c.qtest, c.qtest_log, &err)) {
        vl_fail(err);
    }
    if (ac->start_vcpus && !ac->start_vcpus(accel, ms, &err)) {
        vl_fail(err);
    }
    runstate_set_no_shutdown(c.no_shutdown);
    runstate_set_no_reboot(c.no_reboot);
    /* Boards load their images from reset handlers: reset once first. */
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    if (c.incoming) {
        /* The guest starts when the stream is in, unless -S. */
        runstate_set_autostart(!c.start_stopped);
        runstate_set(RUN_STATE_INMIGRATE);
        if (!strcmp(c.incoming, "defer")) {
            migration_incoming_set_deferred(true);
        } else if (!migration_incoming_start(c.incoming, &err)) {
            vl_fail_opt("incoming", c.incoming, err);
        }
    } else if (c.start_stopped) {
        runstate_set(RUN_STATE_PRELAUNCH);
    } else {
        vm_start();
    }

    /*
     * Start-up is over: a daemon's parent may exit, from the main loop's
     * first round, when SIGTERM already ends memvm cleanly (pid file
     * removed) instead of killing it.
     */
    g_idle_add(vl_started, NULL);
    status = qemu_main_loop();

    if (ac->shutdown) {
        ac->shutdown(accel);
    }
    qtest_server_cleanup();
    monitor_cleanup();
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        chr_close(serial_hd(i));
        serial_hd_set(i, NULL);
    }
    /*
     * Unmap first, then drop the user objects (backends).  The machine
     * itself stays in the tree: its regions only pointed into what is now
     * unmapped, and the process is about to end.
     */
    memory_teardown();
    object_unref(accel);
    object_unparent(object_get_objects_root());
    vl_config_free(&c);
    qemu_set_vm_name(NULL);
    return status;
}
