/*
 * The memory API: regions, address spaces, flat views and listeners.
 *
 * A MemoryRegion is a node of a tree: a container of subregions, a RAM
 * region backed by a RAM block, an alias (a window onto part of another
 * region), or an I/O region with read/write callbacks.  An AddressSpace
 * has a root region; flattening the tree gives a FlatView, the sorted list
 * of non-overlapping ranges a guest actually sees.  Memory listeners
 * (accelerators) are told about every range added to or removed from a
 * flat view.
 *
 * Regions are embedded in their owners and never refcounted: the owner
 * keeps a region alive for as long as it is mapped.
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "exec/hwaddr.h"
#include "qapi/error.h"

typedef struct Object Object;
typedef struct RAMBlock RAMBlock;
typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* the device signalled an error */
    MEMTX_DECODE_ERROR = 2, /* nothing is mapped there */
} MemTxResult;

typedef enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
} device_endian;

typedef struct MemoryRegionOps {
    /* @size is 1, 2, 4 or 8; addr is relative to the region. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    device_endian endianness;
    /* Accesses outside [min, max] are split or widened; 0 means 1 / 8. */
    unsigned min_access_size;
    unsigned max_access_size;
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MR_CONTAINER,
    MR_RAM,
    MR_ALIAS,
    MR_IO,
} MemoryRegionKind;

struct MemoryRegion {
    char *name;
    Object *owner;
    MemoryRegionKind kind;
    Int128 size;
    bool enabled;
    bool readonly;          /* ROM: reads from RAM, writes are dropped */
    /*
     * A ROM device (flash) in read mode: reads come from its RAM, writes
     * are dropped (memvm has no flash command sets); shown as "romd".
     */
    bool rom_device;
    /* Set by memory_region_add_subregion*(): */
    MemoryRegion *container;
    hwaddr addr;            /* offset in the container */
    int priority;
    bool may_overlap;
    /* MR_CONTAINER: subregions, highest priority first. */
    GQueue subregions;
    GList *link;            /* our node in container->subregions */
    /* MR_ALIAS */
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* MR_RAM, or an alias that carries a migratable RAM block. */
    RAMBlock *ram_block;
    /* MR_IO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* The region mapped its RAM itself (device ROM/RAM), so frees it. */
    bool owns_ram;
    /* Number of aliases pointing here (aliased regions must outlive them). */
    unsigned alias_count;
};

/* One contiguous range of a flat view. */
typedef struct FlatRange {
    MemoryRegion *mr;       /* the terminal region: RAM or I/O */
    hwaddr offset_in_region;
    Int128 addr;            /* start in the address space */
    Int128 size;
    bool readonly;
    /*
     * The region the range was reached through, for printing; an alias that
     * carries its own RAM block is the "mr" of its ranges instead.
     */
} FlatRange;

struct FlatView {
    unsigned ref;
    FlatRange *ranges;
    unsigned nr;
    MemoryRegion *root;     /* what "info mtree -f" calls the root region */
};

/* What a listener is told about one range. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    Int128 size;
    bool readonly;
} MemoryRegionSection;

struct MemoryListener {
    const char *name;
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener,
                       MemoryRegionSection *section);
    /* Lower priority runs first for add, last for del. */
    int priority;
    AddressSpace *address_space;
    GList *link;
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    GList *listeners;   /* of MemoryListener *, by priority */
    GList *link;
};

/* --- regions ------------------------------------------------------------ */

/* A container (pure I/O space when nothing is mapped in a spot). */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        Int128 size);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* A window of @size bytes at @offset into @orig. */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/*
 * A RAM region over @block, which the caller (a host memory backend) has
 * already mapped.  Main RAM only ever comes through this.
 */
void memory_region_init_ram_from_block(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       RAMBlock *block);
/*
 * Device memory that is not guest main RAM: firmware ROM, flash, video
 * RAM.  Allocates anonymous host memory and a RAM block named @name.
 */
bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
bool memory_region_init_device_ram(MemoryRegion *mr, Object *owner,
                                   const char *name, uint64_t size,
                                   Error **errp);
/*
 * Device RAM whose used part can grow up to @max_size (QEMU's resizeable
 * RAM, used for firmware tables): the region and block start at
 * @used_size bytes used of @max_size reserved.
 */
bool memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t used_size,
                                       uint64_t max_size, Error **errp);
/*
 * Give an alias of a RAM region its own RAM block named @idstr: a window
 * onto the aliased block's host memory (no copy).  Used to keep the RAM
 * block layout of old migration streams while the memory comes from one
 * backend.
 */
bool memory_region_alias_add_ram_block(MemoryRegion *alias,
                                       const char *idstr, Error **errp);
/* Unmap and free what init allocated (subregions must be removed). */
void memory_region_finalize(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

const char *memory_region_name(const MemoryRegion *mr);
uint64_t memory_region_size(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);
bool memory_region_is_mapped(const MemoryRegion *mr);
/* Host address of offset 0 of a RAM region (through aliases). */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
RAMBlock *memory_region_get_ram_block(MemoryRegion *mr);

/* Batch changes: flat views are rebuilt once, at the outermost commit. */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* --- address spaces ----------------------------------------------------- */

MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);
/* The current flat view, with a reference; release with flatview_unref. */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_unref(FlatView *fv);
/* Build the flat view of @root without installing it (for tests). */
FlatView *generate_memory_topology(MemoryRegion *root);

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len);
/* Fill @len bytes with @c. */
MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len);
/*
 * Host pointer for [addr, addr + *plen) if it lies in RAM; *plen is cut to
 * the contiguous RAM run.  NULL if @addr is not RAM.
 */
void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write);

void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/*
 * Unmap everything from the system address spaces (at exit), so that
 * backends can then be finalized in any order.
 */
void memory_teardown(void);

/* --- monitor output ----------------------------------------------------- */

/* "info mtree" and "info mtree -f", in QEMU 7.2's text format. */
void mtree_info(GString *out, bool flatview);

#endif
