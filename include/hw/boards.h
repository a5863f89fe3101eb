/*
 * Machines (boards).
 *
 * A board declares its name, default RAM id and size, and limits, and
 * provides init(), which only maps machine->ram (directly or through
 * aliases) and creates its few devices.  Generic code (hw/core/machine.c)
 * has already resolved or created the RAM backend and checked sizes.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qom/object.h"
#include "exec/memory.h"
#include "sysemu/hostmem.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(name) (name TYPE_MACHINE_SUFFIX)

OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

/* Target architectures; a binary serves one (or two related) of them. */
typedef enum TargetArch {
    ARCH_X86_64 = 1 << 0,
    ARCH_I386 = 1 << 1,
    ARCH_AARCH64 = 1 << 2,
    ARCH_ARM = 1 << 3,
    ARCH_RISCV64 = 1 << 4,
    ARCH_S390X = 1 << 5,
    ARCH_ALPHA = 1 << 6,
    ARCH_CRIS = 1 << 7,
    ARCH_HPPA = 1 << 8,
    ARCH_M68K = 1 << 9,
    ARCH_MIPS = 1 << 10,
    ARCH_MIPSEL = 1 << 11,
    ARCH_MIPS64 = 1 << 12,
    ARCH_MIPS64EL = 1 << 13,
    ARCH_PPC = 1 << 14,
    ARCH_PPC64 = 1 << 15,
    ARCH_SPARC = 1 << 16,
    ARCH_SPARC64 = 1 << 17,
    ARCH_ALL_MIPS = ARCH_MIPS | ARCH_MIPSEL | ARCH_MIPS64 | ARCH_MIPS64EL,
    ARCH_ALL = ~0,
} TargetArch;

typedef struct NumaNodeOptions {
    uint64_t mem;               /* legacy mem=, in bytes */
    HostMemoryBackend *memdev;  /* memdev= */
    char *memdev_id;
    bool present;
} NumaNodeOptions;

#define MAX_NODES 128

typedef struct NumaState {
    unsigned num_nodes;
    NumaNodeOptions nodes[MAX_NODES];
    bool have_memdev;
    bool have_mem;
    /* -numa dist: distance[src][dst], complete once the machine runs */
    bool have_distance;
    uint8_t distance[MAX_NODES][MAX_NODES];
} NumaState;

struct MachineClass {
    ObjectClass parent_class;
    const char *name;           /* "pc-i440fx-7.2" */
    const char *alias;          /* "pc", or NULL */
    const char *desc;
    unsigned arches;            /* TargetArch mask */
    bool is_default;            /* the default of its arches */
    bool deprecated;
    /* Main RAM: */
    const char *default_ram_id; /* RAM block id of the default backend */
    uint64_t default_ram_size;  /* in bytes */
    uint64_t max_ram_size;      /* in bytes; 0 = no board limit */
    const uint64_t *valid_ram_sizes; /* fixed-RAM boards; 0-terminated */
    /*
     * Boards that round -m (s390 storage increments) return the size they
     * use; NULL keeps -m as given.
     */
    uint64_t (*fixup_ram_size)(uint64_t size);
    /*
     * Defaults that an older machine version changes on other objects,
     * NULL-driver-terminated (see GlobalProperty); NULL when none.
     */
    const GlobalProperty *compat_props;
    /* Arm: the smallest target page the board allows, in bits (0: 10). */
    unsigned minimum_page_bits;
    bool numa_supported;        /* -numa accepted at all */
    bool numa_mem_supported;    /* legacy -numa node,mem= allowed */
    unsigned default_cpus;
    unsigned max_cpus;
    /*
     * Before any guest RAM is mapped: does the RAM, the hot-plug area of
     * -m maxmem/slots and the board's windows fit the guest physical
     * address space?  NULL: nothing to check.  Must not change state
     * that init() does not set again.
     */
    bool (*check_memory_map)(MachineState *ms, Error **errp);
    /*
     * The CPU model QEMU 7.2's board creates by default, without the
     * target's QOM suffix ("qemu64", not "qemu64-x86_64-cpu"); NULL when
     * the board has none (its SoC picks the CPU).  query-machines reports
     * it as default-cpu-type.  @default_cpu_model64 is the model on the
     * 64-bit target of a family where it differs (x86_64, mips64[el],
     * ppc64), else NULL.
     */
    const char *default_cpu_model;
    const char *default_cpu_model64;
    bool has_hotpluggable_cpus; /* QEMU's query-machines hotpluggable-cpus */
    /* Map machine->ram and create devices. */
    bool (*init)(MachineState *ms, Error **errp);
    void (*reset)(MachineState *ms);
};

struct MachineState {
    Object parent_obj;
    /* Properties: */
    char *ram_memdev_id;        /* "memory-backend" */
    char *dumpdtb;              /* "dumpdtb" */
    char *dtb;
    char *kernel_filename;
    char *kernel_cmdline;
    char *initrd_filename;
    char *cpu_model;            /* -cpu, NULL for the board's default */
    char *accel;
    /* From -m: */
    uint64_t ram_size;          /* in bytes */
    uint64_t maxram_size;       /* in bytes */
    uint64_t ram_slots;
    bool have_custom_ram_size;  /* -m was given */
    /* Set by machine_run_board_init(): */
    MemoryRegion *ram;          /* the main RAM a board maps */
    HostMemoryBackend *memdev;  /* the backend behind ram (non-NUMA) */
    MemoryRegion ram_container; /* NUMA: the nodes' backends in a row */
    NumaState numa;
    unsigned smp_cpus;
    void *fdt;                  /* device tree built by the board */
    int fdt_size;
    /*
     * The size of the device tree blob the guest gets (its totalsize,
     * padding included), 0 for packed: QEMU's Arm virt hands over its
     * whole 1 MiB tree, which Linux keeps reserved.
     */
    uint32_t fdt_guest_size;
    /* -kernel: where the guest starts (hw/loader.h); NULL without it. */
    struct GuestBootInfo *boot;
    /* Board private state follows in subclasses. */
};

extern MachineState *current_machine;

/*
 * Everything between "the objects exist" and "the board has run": resolve
 * or create the RAM backend, check sizes, build the NUMA container, call
 * the board's init.  @mem_path / @mem_prealloc are -mem-path / -mem-prealloc.
 */
bool machine_run_board_init(MachineState *ms, const char *mem_path,
                            bool mem_prealloc, Error **errp);

/*
 * The devices a bare-metal guest needs that the board file does not
 * create itself: console UARTs and the exit device, chosen by board
 * family in hw/core/guest-devices.c (docs/boot.md lists them).  Called by
 * machine_run_board_init() after the board's init; it skips a device
 * whose address is already taken, so a board may create its own.
 */
bool machine_add_guest_devices(MachineState *ms, Error **errp);

/*
 * Make the machine of class @mc the current machine ("/machine"), after
 * setting what objects created from now on must see: the target page
 * size of RAM block layout and the class's compat properties.  Call it
 * before creating any memory backend.
 */
MachineState *machine_create(MachineClass *mc);

/* Take a backend into use (marks it mapped, names its RAM block). */
MemoryRegion *machine_consume_memdev(MachineState *ms,
                                     HostMemoryBackend *backend,
                                     Error **errp);

/* TARGET_PAGE_BITS when @mc's board is built on the current target. */
unsigned machine_target_page_bits(MachineClass *mc);

/* The machine class named @name (or alias) available on @arch. */
MachineClass *machine_find_class(const char *name, unsigned arch);
MachineClass *machine_default_class(unsigned arch);
/* Sorted list of machine classes for @arch (free with g_slist_free). */
GSList *machine_class_list(unsigned arch);
/* "-machine help" text. */
void machine_print_list(GString *out, unsigned arch);
/* The current binary's target (from argv[0] or -arch). */
unsigned target_arch(void);
void target_arch_set(unsigned arch);
const char *target_arch_name(unsigned arch);
unsigned target_arch_from_name(const char *name);
/*
 * QEMU's QOM type of @mc's default CPU on @arch ("qemu64-x86_64-cpu"), or
 * NULL when the board has no default CPU model; g_free() it.
 */
char *machine_class_default_cpu_type(MachineClass *mc, unsigned arch);
/* Guest byte order of the current target (qtest's "endianness"). */
bool target_big_endian(void);

/* Parse one -numa option (node,memdev=ID | node,mem=SIZE | ...). */
bool numa_parse_option(MachineState *ms, const char *optarg, Error **errp);
/* Build ms->ram from the nodes' backends, or check legacy mem= sums. */
bool numa_complete_configuration(MachineState *ms, Error **errp);
/* Start address of node @n in guest RAM (nodes are laid out in order). */
uint64_t numa_node_ram_start(MachineState *ms, unsigned n);

/* Declare a machine type with a class_init; see hw/core/null-machine.c. */
#define DEFINE_MACHINE_TYPE(namestr, class_init_fn) \
    static const TypeInfo machine_type_##class_init_fn = { \
        .name = MACHINE_TYPE_NAME(namestr), \
        .parent = TYPE_MACHINE, \
        .class_init = class_init_fn, \
    }; \
    static void machine_register_##class_init_fn(void) \
    { \
        type_register_static(&machine_type_##class_init_fn); \
    } \
    type_init(machine_register_##class_init_fn)

#endif
