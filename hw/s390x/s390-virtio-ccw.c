/*
 * s390-ccw-virtio: the virtio-ccw s390x machine, versions 2.4 to 7.2.
 *
 * memvm models what the memory layout needs: main RAM at guest address 0,
 * mapped through alias regions no larger than a KVM memory slot, and the
 * RAM blocks each QEMU version put in migration streams.  docs/s390.md
 * has the history and the sources.
 */
#include <stdio.h>

#include "hw/boards.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "sysemu/kvm.h"

#define TYPE_S390_CCW_MACHINE "s390-ccw-machine"

OBJECT_DECLARE_TYPE(S390CcwMachineState, S390CcwMachineClass,
                    S390_CCW_MACHINE)

/*
 * QEMU 2.12 to 4.1 allocated RAM in chunks of KVM's largest slot, then
 * 2^31 - 1 pages cut down to a 1 MiB segment boundary, and migrated each
 * chunk as a RAM block of its own.
 */
#define S390_OLD_CHUNK_BYTES ((((1ULL << 31) - 1) << 12) & ~(MiB - 1))

/* The SCLP describes RAM in at most this many storage increments. */
#define S390_MAX_STORAGE_INCREMENTS 1020

/*
 * A tiny x-slot-size could ask for millions of aliases, each one a region
 * every flat view walks; real RAM sizes need a few.
 */
#define S390_MAX_RAM_CHUNKS 1024

typedef enum S390RamBlocks {
    /* One RAM block, whatever the size (QEMU <= 2.11 and >= 4.2). */
    S390_RAM_ONE_BLOCK,
    /* A block per chunk: "s390.ram", "s390.ram.1", ... (2.12 to 4.1). */
    S390_RAM_CHUNK_BLOCKS,
} S390RamBlocks;

struct S390CcwMachineClass {
    MachineClass parent_class;
    S390RamBlocks ram_blocks;
    uint64_t default_slot_size;     /* in bytes */
};

struct S390CcwMachineState {
    MachineState parent_obj;
    uint64_t slot_size;             /* x-slot-size, in bytes; 0 = default */
    MemoryRegion *ram_chunks;       /* aliases of ms->ram, from address 0 */
    unsigned nr_ram_chunks;
};

typedef struct S390Version {
    const char *name;
    const char *desc;
    unsigned major, minor;
} S390Version;

#define S390_VERSION(maj, min) \
    { "s390-ccw-virtio-" #maj "." #min, \
      "Virtual s390x machine (version " #maj "." #min ")", maj, min }

/* The versions QEMU 7.2 offers, newest (the default) first. */
static const S390Version s390_versions[] = {
    S390_VERSION(7, 2), S390_VERSION(7, 1), S390_VERSION(7, 0),
    S390_VERSION(6, 2), S390_VERSION(6, 1), S390_VERSION(6, 0),
    S390_VERSION(5, 2), S390_VERSION(5, 1), S390_VERSION(5, 0),
    S390_VERSION(4, 2), S390_VERSION(4, 1), S390_VERSION(4, 0),
    S390_VERSION(3, 1), S390_VERSION(3, 0), S390_VERSION(2, 12),
    S390_VERSION(2, 11), S390_VERSION(2, 10), S390_VERSION(2, 9),
    S390_VERSION(2, 8), S390_VERSION(2, 7), S390_VERSION(2, 6),
    S390_VERSION(2, 5), S390_VERSION(2, 4),
};

static unsigned version_code(unsigned major, unsigned minor)
{
    return major * 100 + minor;
}

/*
 * Machine versions up to 4.2 round RAM down to whole storage increments
 * (1 MiB, or the smallest larger power of two that needs no more than
 * 1020 of them), as their SCLP did, and say so on stdout as QEMU does.
 */
static uint64_t s390_fixup_ram_size(uint64_t size)
{
    unsigned shift = 20;
    uint64_t fixed;

    while ((size >> shift) > S390_MAX_STORAGE_INCREMENTS) {
        shift++;
    }
    fixed = size >> shift << shift;
    if (fixed != size) {
        printf("Ram size %" PRIu64 "MB was fixed up to %" PRIu64 "MB to "
               "match machine restrictions. Consider updating the guest "
               "definition.\n", (uint64_t)(size / MiB),
               (uint64_t)(fixed / MiB));
        fflush(stdout);
    }
    return fixed;
}

static uint64_t s390_slot_size(S390CcwMachineState *s390ms)
{
    if (s390ms->slot_size) {
        return s390ms->slot_size;
    }
    return S390_CCW_MACHINE_GET_CLASS(s390ms)->default_slot_size;
}

static void s390_unmap_ram_chunks(S390CcwMachineState *s390ms)
{
    memory_region_transaction_begin();
    for (unsigned i = 0; i < s390ms->nr_ram_chunks; i++) {
        memory_region_finalize(&s390ms->ram_chunks[i]);
    }
    memory_region_transaction_commit();
    g_free(s390ms->ram_chunks);
    s390ms->ram_chunks = NULL;
    s390ms->nr_ram_chunks = 0;
}

/*
 * Map @size bytes of RAM as aliases of at most @slot bytes each, named
 * like QEMU's old chunks.  With S390_RAM_CHUNK_BLOCKS each alias also
 * carries the chunk's RAM block, and the backend's own block steps out of
 * migration.
 */
static bool s390_map_ram_chunks(S390CcwMachineState *s390ms, uint64_t size,
                                uint64_t slot, Error **errp)
{
    MachineState *ms = MACHINE(s390ms);
    S390CcwMachineClass *s390mc = S390_CCW_MACHINE_GET_CLASS(s390ms);
    bool chunk_blocks = s390mc->ram_blocks == S390_RAM_CHUNK_BLOCKS;
    RAMBlock *backend_block = memory_region_get_ram_block(ms->ram);
    uint64_t nr = size / slot + (size % slot != 0);
    g_autofree char *backend_id = NULL;
    bool ok = true;

    if (nr > S390_MAX_RAM_CHUNKS) {
        g_autofree char *ram = size_to_str(size);
        g_autofree char *chunk = size_to_str(slot);

        error_setg(errp, "x-slot-size %s would map %s of RAM as %" PRIu64
                   " aliases; at most %u are supported", chunk, ram, nr,
                   S390_MAX_RAM_CHUNKS);
        return false;
    }
    g_assert(backend_block);
    if (chunk_blocks) {
        /* The first chunk's block takes the name, "s390.ram" by default. */
        backend_id = g_strdup(backend_block->idstr);
        ram_block_unset_idstr(backend_block);
    }
    s390ms->ram_chunks = g_new0(MemoryRegion, nr);
    memory_region_transaction_begin();
    for (unsigned i = 0; i < nr; i++) {
        MemoryRegion *chunk = &s390ms->ram_chunks[i];
        uint64_t offset = i * slot;
        g_autofree char *name = i ? g_strdup_printf("s390.ram.%u", i)
                                  : g_strdup("s390.ram");

        memory_region_init_alias(chunk, OBJECT(ms), name, ms->ram, offset,
                                 MIN(slot, size - offset));
        s390ms->nr_ram_chunks++;
        if (chunk_blocks &&
            !memory_region_alias_add_ram_block(chunk, name, errp)) {
            ok = false;
            break;
        }
        memory_region_add_subregion(get_system_memory(), offset, chunk);
    }
    if (ok && chunk_blocks) {
        ok = ram_block_set_alias_covered(backend_block, errp);
    }
    memory_region_transaction_commit();
    if (!ok) {
        s390_unmap_ram_chunks(s390ms);
        if (backend_id && backend_id[0]) {
            ram_block_set_idstr(backend_block, backend_id, &error_abort);
        }
    }
    return ok;
}

static bool s390_ccw_init(MachineState *ms, Error **errp)
{
    S390CcwMachineState *s390ms = S390_CCW_MACHINE(ms);
    uint64_t size, slot;

    /* No NUMA and a non-zero default size: generic code always sets it. */
    g_assert(ms->ram);
    size = memory_region_size(ms->ram);
    /* KVM and the SCLP work in 1 MiB segments (QEMU 7.2's check). */
    if (size % MiB) {
        error_setg(errp, "ram size must be multiples of 1 MiB");
        return false;
    }
    slot = s390_slot_size(s390ms);
    /* One slot's worth maps as it is, the same view QEMU 7.2 shows. */
    if (size <= slot) {
        memory_region_add_subregion(get_system_memory(), 0, ms->ram);
        return true;
    }
    return s390_map_ram_chunks(s390ms, size, slot, errp);
}

static uint64_t s390_get_slot_size(Object *obj, Error **errp)
{
    return s390_slot_size(S390_CCW_MACHINE(obj));
}

static bool s390_set_slot_size(Object *obj, uint64_t value, Error **errp)
{
    S390CcwMachineState *s390ms = S390_CCW_MACHINE(obj);

    /* The board lays RAM out once, right after generic code sets ram. */
    if (MACHINE(obj)->ram) {
        error_setg(errp, "x-slot-size cannot change once RAM is mapped");
        return false;
    }
    if (!value || value % MiB) {
        error_setg(errp, "x-slot-size %" PRIu64 " is not a non-zero "
                   "multiple of 1 MiB (the s390 segment size)", value);
        return false;
    }
    s390ms->slot_size = value;
    return true;
}

static void s390_ccw_instance_finalize(Object *obj)
{
    S390CcwMachineState *s390ms = S390_CCW_MACHINE(obj);

    if (s390ms->ram_chunks) {
        s390_unmap_ram_chunks(s390ms);
    }
}

static void s390_ccw_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->arches = ARCH_S390X;
    mc->init = s390_ccw_init;
    mc->default_ram_id = "s390.ram";
    mc->default_ram_size = 128 * MiB;
    mc->default_cpus = 1;
    mc->default_cpu_model = "qemu";
    mc->has_hotpluggable_cpus = true;
    /* QEMU's S390_MAX_CPUS. */
    mc->max_cpus = 248;
    /* QEMU refuses -numa: "NUMA is not supported by this machine-type". */
    mc->numa_supported = false;
    mc->numa_mem_supported = false;
    object_class_property_add_size(oc, "x-slot-size", s390_get_slot_size,
                                   s390_set_slot_size);
    object_class_property_set_description(oc, "x-slot-size",
        "Largest RAM alias in bytes, a multiple of 1 MiB (experimental; "
        "default: KVM's largest memory slot, 4 TiB, or 8 TiB - 1 MiB for "
        "versions 2.12 to 4.1)");
}

static void s390_ccw_version_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    S390CcwMachineClass *s390mc = S390_CCW_MACHINE_CLASS(oc);
    const S390Version *v = data;
    unsigned code = version_code(v->major, v->minor);

    mc->name = v->name;
    mc->desc = v->desc;
    if (v == &s390_versions[0]) {
        mc->alias = "s390-ccw-virtio";
        mc->is_default = true;
    }
    /* QEMU 7.2 gives its 4.2 and older machine types fixup_ram_size. */
    if (code <= version_code(4, 2)) {
        mc->fixup_ram_size = s390_fixup_ram_size;
    }
    /*
     * RAM chunks came with QEMU 2.12 ("allow for systems larger than
     * 7.999TB") and went in 4.2, when KVM code learned to split one RAM
     * region into several slots at 4 TiB.
     */
    if (code >= version_code(2, 12) && code <= version_code(4, 1)) {
        s390mc->ram_blocks = S390_RAM_CHUNK_BLOCKS;
        s390mc->default_slot_size = S390_OLD_CHUNK_BYTES;
    } else {
        s390mc->ram_blocks = S390_RAM_ONE_BLOCK;
        s390mc->default_slot_size = KVM_S390_SLOT_MAX_BYTES;
    }
}

static const TypeInfo s390_ccw_machine_info = {
    .name = TYPE_S390_CCW_MACHINE,
    .parent = TYPE_MACHINE,
    .abstract = true,
    .class_size = sizeof(S390CcwMachineClass),
    .class_init = s390_ccw_class_init,
    .instance_size = sizeof(S390CcwMachineState),
    .instance_finalize = s390_ccw_instance_finalize,
};

static void s390_ccw_register_types(void)
{
    type_register_static(&s390_ccw_machine_info);
    for (size_t i = 0; i < G_N_ELEMENTS(s390_versions); i++) {
        g_autofree char *type = g_strconcat(s390_versions[i].name,
                                            TYPE_MACHINE_SUFFIX, NULL);
        const TypeInfo info = {
            .name = type,
            .parent = TYPE_S390_CCW_MACHINE,
            .class_init = s390_ccw_version_class_init,
            .class_data = (void *)&s390_versions[i],
        };

        type_register_static(&info);
    }
}
type_init(s390_ccw_register_types)
