/*
 * Generic machine code: the "machine" base type, machine lookup, and the
 * RAM set-up every board shares (QEMU 5.0's memory-backend end state).
 */
#include <string.h>

#include "hw/boards.h"
#include "hw/loader.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"

MachineState *current_machine;

static unsigned current_arch = ARCH_X86_64;

static const struct {
    const char *name;
    unsigned arch;
    /* Machines of these arches are also served by this binary. */
    unsigned serves;
    /* QEMU's CPU type names are the model plus this ("qemu64-x86_64-cpu"). */
    const char *cpu_suffix;
} arch_table[] = {
    { "x86_64", ARCH_X86_64, ARCH_X86_64 | ARCH_I386, "-x86_64-cpu" },
    { "i386", ARCH_I386, ARCH_I386, "-i386-cpu" },
    { "aarch64", ARCH_AARCH64, ARCH_AARCH64 | ARCH_ARM, "-arm-cpu" },
    { "arm", ARCH_ARM, ARCH_ARM, "-arm-cpu" },
    { "riscv64", ARCH_RISCV64, ARCH_RISCV64, "-riscv-cpu" },
    { "s390x", ARCH_S390X, ARCH_S390X, "-s390x-cpu" },
    { "alpha", ARCH_ALPHA, ARCH_ALPHA, "-alpha-cpu" },
    { "cris", ARCH_CRIS, ARCH_CRIS, "-cris-cpu" },
    { "hppa", ARCH_HPPA, ARCH_HPPA, "-cpu" },
    { "m68k", ARCH_M68K, ARCH_M68K, "-m68k-cpu" },
    { "mips", ARCH_MIPS, ARCH_MIPS, "-mips-cpu" },
    { "mipsel", ARCH_MIPSEL, ARCH_MIPSEL, "-mips-cpu" },
    { "mips64", ARCH_MIPS64, ARCH_MIPS64, "-mips64-cpu" },
    { "mips64el", ARCH_MIPS64EL, ARCH_MIPS64EL, "-mips64-cpu" },
    /* As QEMU's ppc64 binary, ours also runs the 32-bit ppc boards. */
    { "ppc", ARCH_PPC, ARCH_PPC, "-powerpc-cpu" },
    { "ppc64", ARCH_PPC64, ARCH_PPC64 | ARCH_PPC, "-powerpc64-cpu" },
    { "sparc", ARCH_SPARC, ARCH_SPARC, "-sparc-cpu" },
    { "sparc64", ARCH_SPARC64, ARCH_SPARC64, "-sparc64-cpu" },
};

bool target_big_endian(void)
{
    const unsigned big = ARCH_S390X | ARCH_HPPA | ARCH_M68K | ARCH_MIPS |
                         ARCH_MIPS64 | ARCH_PPC | ARCH_PPC64 | ARCH_SPARC |
                         ARCH_SPARC64;

    return (current_arch & big) != 0;
}

unsigned target_arch(void)
{
    return current_arch;
}

void target_arch_set(unsigned arch)
{
    current_arch = arch;
}

const char *target_arch_name(unsigned arch)
{
    for (size_t i = 0; i < G_N_ELEMENTS(arch_table); i++) {
        if (arch_table[i].arch == arch) {
            return arch_table[i].name;
        }
    }
    return "unknown";
}

char *machine_class_default_cpu_type(MachineClass *mc, unsigned arch)
{
    const unsigned wide = ARCH_X86_64 | ARCH_MIPS64 | ARCH_MIPS64EL |
                          ARCH_PPC64;
    const char *model = mc->default_cpu_model;

    if ((arch & wide) && mc->default_cpu_model64) {
        model = mc->default_cpu_model64;
    }
    if (!model) {
        return NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(arch_table); i++) {
        if (arch_table[i].arch == arch) {
            return g_strconcat(model, arch_table[i].cpu_suffix, NULL);
        }
    }
    return NULL;
}

unsigned target_arch_from_name(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(arch_table); i++) {
        if (!strcmp(arch_table[i].name, name)) {
            return arch_table[i].arch;
        }
    }
    return 0;
}

static unsigned arch_serves(unsigned arch)
{
    for (size_t i = 0; i < G_N_ELEMENTS(arch_table); i++) {
        if (arch_table[i].arch == arch) {
            return arch_table[i].serves;
        }
    }
    return 0;
}

static bool class_on_arch(MachineClass *mc, unsigned arch)
{
    return (mc->arches & arch_serves(arch)) != 0;
}

static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    const MachineClass *x = a, *y = b;

    return strcmp(x->name, y->name);
}

GSList *machine_class_list(unsigned arch)
{
    GSList *all = object_class_get_list(TYPE_MACHINE, false);
    GSList *out = NULL;

    for (GSList *l = all; l; l = l->next) {
        MachineClass *mc = l->data;

        if (class_on_arch(mc, arch)) {
            out = g_slist_insert_sorted(out, mc, machine_class_cmp);
        }
    }
    g_slist_free(all);
    return out;
}

MachineClass *machine_find_class(const char *name, unsigned arch)
{
    GSList *list = machine_class_list(arch);
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = l->data;

        if (!strcmp(mc->name, name) ||
            (mc->alias && !strcmp(mc->alias, name))) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(unsigned arch)
{
    GSList *list = machine_class_list(arch);
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = l->data;

        if (mc->is_default && (mc->arches & arch)) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

void machine_print_list(GString *out, unsigned arch)
{
    GSList *list = machine_class_list(arch);

    g_string_append(out, "Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;

        if (mc->alias) {
            g_string_append_printf(out, "%-20s %s (alias of %s)\n",
                                   mc->alias, mc->desc, mc->name);
        }
        g_string_append_printf(out, "%-20s %s%s%s\n", mc->name, mc->desc,
                               mc->is_default && (mc->arches & arch) ?
                               " (default)" : "",
                               mc->deprecated ? " (deprecated)" : "");
    }
    g_slist_free(list);
}

/* --- properties --------------------------------------------------------- */

static char *machine_get_memdev(Object *obj, Error **errp)
{
    return g_strdup(MACHINE(obj)->ram_memdev_id);
}

static bool machine_set_memdev(Object *obj, const char *value, Error **errp)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->ram_memdev_id);
    ms->ram_memdev_id = g_strdup(value);
    return true;
}

#define MACHINE_STR_PROP(field, prop) \
    static char *machine_get_##field(Object *obj, Error **errp) \
    { \
        return g_strdup(MACHINE(obj)->field); \
    } \
    static bool machine_set_##field(Object *obj, const char *value, \
                                    Error **errp) \
    { \
        g_free(MACHINE(obj)->field); \
        MACHINE(obj)->field = g_strdup(value); \
        return true; \
    }

MACHINE_STR_PROP(dumpdtb, "dumpdtb")
MACHINE_STR_PROP(dtb, "dtb")
MACHINE_STR_PROP(kernel_filename, "kernel")
MACHINE_STR_PROP(kernel_cmdline, "append")
MACHINE_STR_PROP(initrd_filename, "initrd")

static void machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->default_cpus = 1;
    mc->max_cpus = 1;
    object_class_property_add_str(oc, "memory-backend", machine_get_memdev,
                                  machine_set_memdev);
    object_class_property_set_description(oc, "memory-backend",
        "Set RAM backendValid value is ID of hostmem based backend");
    object_class_property_add_str(oc, "dumpdtb", machine_get_dumpdtb,
                                  machine_set_dumpdtb);
    object_class_property_set_description(oc, "dumpdtb",
        "Dump current dtb to a file and quit");
    object_class_property_add_str(oc, "dtb", machine_get_dtb,
                                  machine_set_dtb);
    object_class_property_set_description(oc, "dtb",
        "Linux kernel device tree file");
    object_class_property_add_str(oc, "kernel", machine_get_kernel_filename,
                                  machine_set_kernel_filename);
    object_class_property_set_description(oc, "kernel",
        "Linux kernel image file");
    object_class_property_add_str(oc, "append", machine_get_kernel_cmdline,
                                  machine_set_kernel_cmdline);
    object_class_property_set_description(oc, "append",
        "Linux kernel command line");
    object_class_property_add_str(oc, "initrd", machine_get_initrd_filename,
                                  machine_set_initrd_filename);
    object_class_property_set_description(oc, "initrd",
        "Linux initial ramdisk file");
}

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->ram_size = mc->default_ram_size;
    ms->maxram_size = mc->default_ram_size;
    ms->smp_cpus = mc->default_cpus;
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->ram_memdev_id);
    g_free(ms->dumpdtb);
    g_free(ms->dtb);
    g_free(ms->kernel_filename);
    g_free(ms->kernel_cmdline);
    g_free(ms->initrd_filename);
    g_free(ms->cpu_model);
    g_free(ms->accel);
    g_free(ms->fdt);
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_instance_init,
    .instance_finalize = machine_instance_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}
type_init(machine_register_types)

/* --- RAM ---------------------------------------------------------------- */

MachineState *machine_create(MachineClass *mc)
{
    MachineState *ms;

    ram_block_set_target_page_bits(machine_target_page_bits(mc));
    if (mc->compat_props) {
        object_register_global_props(mc->compat_props);
    }
    ms = MACHINE(object_new(object_class_get_name(OBJECT_CLASS(mc))));
    object_property_add_child(object_get_root(), "machine", OBJECT(ms),
                              &error_abort);
    object_unref(ms);
    current_machine = ms;
    return ms;
}

MemoryRegion *machine_consume_memdev(MachineState *ms,
                                     HostMemoryBackend *backend,
                                     Error **errp)
{
    if (!host_memory_backend_set_mapped(backend, true, errp)) {
        return NULL;
    }
    /* Main RAM is migrated under the backend's name (its id). */
    if (!host_memory_backend_register_ram(backend, errp)) {
        host_memory_backend_set_mapped(backend, false, NULL);
        return NULL;
    }
    return host_memory_backend_get_memory(backend);
}

/*
 * No memory-backend given: make the backend the board would have
 * allocated itself, named by its default_ram_id, from -mem-path /
 * -mem-prealloc.
 */
static HostMemoryBackend *create_default_memdev(MachineState *ms,
                                                const char *mem_path,
                                                bool mem_prealloc,
                                                Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    const char *type = mem_path ? TYPE_MEMORY_BACKEND_FILE
                                : TYPE_MEMORY_BACKEND_RAM;
    Object *obj;

    if (object_resolve_path_component(object_get_objects_root(),
                                      mc->default_ram_id)) {
        error_setg(errp, "object name '%s' is reserved for the default RAM "
                   "backend, it can't be used for any other purposes. "
                   "Change the object's 'id' to something else",
                   mc->default_ram_id);
        return NULL;
    }
    obj = object_new(type);
    /*
     * The default backend's RAM block keeps the board's name (pc.ram)
     * whatever a machine's compat properties say about backends.
     */
    object_property_set_bool(obj, "x-use-canonical-path-for-ramblock-id",
                             false, &error_abort);
    if (!object_property_set_uint(obj, "size", ms->ram_size, errp) ||
        (mem_path &&
         !object_property_set_str(obj, "mem-path", mem_path, errp)) ||
        (mem_prealloc &&
         !object_property_set_bool(obj, "prealloc", true, errp))) {
        object_unref(obj);
        return NULL;
    }
    if (!object_property_add_child(object_get_objects_root(),
                                   mc->default_ram_id, obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    object_unref(obj);
    if (!user_creatable_complete(obj, errp)) {
        object_unparent(obj);
        return NULL;
    }
    return MEMORY_BACKEND(obj);
}

/*
 * A size for an error message that does not round: "1025 MiB" rather
 * than size_to_str()'s "1 GiB" for 1025 MiB.
 */
static char *size_to_exact_str(uint64_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
                                         "PiB", "EiB" };
    unsigned i = 0;

    while (i + 1 < G_N_ELEMENTS(units) && size && !(size & 1023)) {
        size >>= 10;
        i++;
    }
    return g_strdup_printf("%" PRIu64 " %s", size, units[i]);
}

unsigned machine_target_page_bits(MachineClass *mc)
{
    unsigned arch = target_arch();

    /*
     * The page size the target has when the board is built; it decides
     * the RAM block offsets "info ramblock" shows.  Arm's is variable and
     * starts at 1 KiB unless the board asks for more.
     */
    if (arch & (ARCH_ARM | ARCH_AARCH64)) {
        return mc->minimum_page_bits ? mc->minimum_page_bits : 10;
    }
    if (arch & (ARCH_ALPHA | ARCH_CRIS | ARCH_SPARC64)) {
        return 13;
    }
    return 12;
}

static bool machine_check_ram_size(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    if (mc->valid_ram_sizes) {
        GString *valid = g_string_new(NULL);
        bool ok = false;

        for (const uint64_t *s = mc->valid_ram_sizes; *s; s++) {
            char *str = size_to_exact_str(*s);

            ok |= *s == ms->ram_size;
            g_string_append_printf(valid, "%s%s", valid->len ? ", " : "",
                                   str);
            g_free(str);
        }
        if (!ok) {
            char *have = size_to_exact_str(ms->ram_size);

            error_setg(errp, "Invalid RAM size %s for machine '%s'; valid "
                       "sizes: %s", have, mc->name, valid->str);
            g_free(have);
        }
        g_string_free(valid, TRUE);
        return ok;
    }
    if (mc->max_ram_size && ms->ram_size > mc->max_ram_size) {
        char *have = size_to_exact_str(ms->ram_size);
        char *max = size_to_exact_str(mc->max_ram_size);

        error_setg(errp, "Invalid RAM size %s for machine '%s': at most %s "
                   "is supported", have, mc->name, max);
        g_free(have);
        g_free(max);
        return false;
    }
    return true;
}

/* As -m takes it: "1023G", "1536M". */
static char *size_to_option_str(uint64_t size)
{
    static const char suffixes[] = "BKMGTPE";
    unsigned i = 0;

    while (i + 1 < sizeof(suffixes) - 1 && size && !(size & 1023)) {
        size >>= 10;
        i++;
    }
    return g_strdup_printf("%" PRIu64 "%c", size, suffixes[i]);
}

/*
 * The board's address space check, before any RAM is mapped, with the
 * remedy QEMU does not give: the largest maxmem that fits.  Boards lay
 * out the hot-plug area in 1 GiB steps, so the search is in GiB.
 */
static bool machine_check_memory_map(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    const uint64_t maxram = ms->maxram_size;
    uint64_t lo, hi, base;
    Error *err = NULL;
    g_autofree char *want = NULL, *fits = NULL;

    if (!mc->check_memory_map || mc->check_memory_map(ms, &err)) {
        return true;
    }
    want = size_to_option_str(maxram);
    base = (ms->ram_size + GiB - 1) / GiB * GiB;
    /* The largest k for which maxmem = base + k GiB fits. */
    lo = 0;
    hi = maxram > base ? (maxram - base) / GiB + 1 : 0;
    ms->maxram_size = base;
    if (maxram <= ms->ram_size || !mc->check_memory_map(ms, NULL)) {
        g_autofree char *ram = size_to_option_str(ms->ram_size);

        ms->maxram_size = maxram;
        mc->check_memory_map(ms, NULL);
        error_propagate(errp, err);
        error_append_hint(errp, "-m %s does not fit the guest physical "
                          "address space of machine '%s'%s: use a smaller "
                          "-m.\n", ram, mc->name,
                          maxram > ms->ram_size ? " even without maxmem"
                                                : "");
        return false;
    }
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        ms->maxram_size = base + mid * GiB;
        if (mc->check_memory_map(ms, NULL)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ms->maxram_size = maxram;
    /* Leave what the board computed as it was for the real size. */
    mc->check_memory_map(ms, NULL);
    fits = size_to_option_str(base + lo * GiB);
    error_propagate(errp, err);
    error_append_hint(errp, "-m maxmem=%s does not fit the guest physical "
                      "address space of machine '%s': use at most "
                      "maxmem=%s with slots=%" PRIu64 " (each slot also "
                      "takes 1 GiB).\n", want, mc->name, fits,
                      (uint64_t)ms->ram_slots);
    return false;
}

bool machine_run_board_init(MachineState *ms, const char *mem_path,
                            bool mem_prealloc, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    HostMemoryBackend *backend = NULL;

    /*
     * Boards that round RAM (s390 storage increments) round what -m (or
     * the default) asked for, before it is compared with a backend; a size
     * taken from a backend alone is used as it is, as in QEMU.
     */
    if (mc->fixup_ram_size &&
        (ms->have_custom_ram_size || !ms->ram_memdev_id)) {
        ms->ram_size = mc->fixup_ram_size(ms->ram_size);
        ms->maxram_size = MAX(ms->maxram_size, ms->ram_size);
    }
    if (ms->ram_memdev_id) {
        Object *obj = object_resolve_path_type(ms->ram_memdev_id,
                                               TYPE_MEMORY_BACKEND, NULL);

        if (!obj) {
            error_setg(errp, "Memory backend '%s' not found",
                       ms->ram_memdev_id);
            return false;
        }
        backend = MEMORY_BACKEND(obj);
        if (!ms->have_custom_ram_size) {
            /*
             * As in QEMU, only ram_size follows the backend: maxram_size
             * keeps what -m (or the default) said, and boards that check
             * it (virt) refuse a backend larger than that without -m.
             */
            ms->ram_size = backend->size;
        } else if (backend->size != ms->ram_size) {
            error_setg(errp, "Machine memory size does not match the size "
                       "of the memory backend");
            return false;
        }
        if (mem_path) {
            error_setg(errp, "'-mem-path' can't be used together with"
                       "'-machine memory-backend'");
            return false;
        }
        if (ms->numa.have_memdev) {
            error_setg(errp, "'-machine memory-backend' and '-numa memdev' "
                       "properties are mutually exclusive");
            return false;
        }
    }
    if (!machine_check_ram_size(ms, errp)) {
        return false;
    }
    if (!backend && !ms->numa.have_memdev && ms->numa.num_nodes &&
        !numa_complete_configuration(ms, errp)) {
        return false;
    }
    if (!backend && !ms->numa.have_memdev && mc->default_ram_id &&
        ms->ram_size) {
        backend = create_default_memdev(ms, mem_path, mem_prealloc, errp);
        if (!backend) {
            return false;
        }
    }
    /*
     * Everything that can be known before a page is mapped is checked
     * now: the board's address space, then the host's memory.
     */
    if (!machine_check_memory_map(ms, errp) ||
        !host_memory_backends_start(errp)) {
        return false;
    }

    if (backend) {
        ms->ram = machine_consume_memdev(ms, backend, errp);
        if (!ms->ram) {
            return false;
        }
        ms->memdev = backend;
    } else if (ms->numa.have_memdev) {
        if (!numa_complete_configuration(ms, errp)) {
            return false;
        }
    }
    if (!mc->init(ms, errp)) {
        return false;
    }
    /* Bare-metal guests (issue 10): their devices, then -kernel. */
    return machine_add_guest_devices(ms, errp) &&
           machine_load_guest(ms, errp);
}
