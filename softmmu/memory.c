/*
 * The memory API: region tree, flattening, listeners, dispatch and the
 * "info mtree" printer.
 */
#include <string.h>

#include "exec/memory.h"
#include "exec/ramblock.h"
#include "qemu/host-mem.h"
#include "qom/object.h"

static MemoryRegion system_memory;
static MemoryRegion system_io;
AddressSpace address_space_memory;
AddressSpace address_space_io;

static GList *address_spaces;       /* of AddressSpace *, in init order */
static unsigned transaction_depth;
static bool topology_changed;

#define MR_SIZE(size) ((hwaddr)((size) ? (size) - 1 : 0))

static Int128 int128_min(Int128 a, Int128 b)
{
    return a < b ? a : b;
}

static Int128 int128_max(Int128 a, Int128 b)
{
    return a > b ? a : b;
}

static const Int128 INT128_2_64 = (Int128)1 << 64;

/* --- regions ------------------------------------------------------------ */

static void region_init_common(MemoryRegion *mr, Object *owner,
                               const char *name, Int128 size,
                               MemoryRegionKind kind)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name);
    mr->owner = owner;
    mr->size = size;
    mr->kind = kind;
    mr->enabled = true;
    g_queue_init(&mr->subregions);
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        Int128 size)
{
    region_init_common(mr, owner, name, size, MR_CONTAINER);
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    region_init_common(mr, owner, name, size, MR_IO);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    region_init_common(mr, owner, name, size, MR_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_count++;
}

void memory_region_init_ram_from_block(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       RAMBlock *block)
{
    /* The block may be page-rounded; the region keeps the exact size. */
    region_init_common(mr, owner, name, size, MR_RAM);
    mr->ram_block = block;
    block->mr = mr;
}

static bool init_anon_ram(MemoryRegion *mr, Object *owner, const char *name,
                          uint64_t size, uint64_t max_size, bool readonly,
                          Error **errp)
{
    RAMBlock *block;
    void *host = host_mem_map(-1, max_size, 0, 0, 0, errp);

    if (!host) {
        error_prepend(errp, "cannot allocate '%s': ", name);
        return false;
    }
    block = ram_block_add(mr, host, max_size, host_mem_fd_page_size(-1), -1,
                          0, 0);
    ram_block_set_used_length(block, size);
    memory_region_init_ram_from_block(mr, owner, name, size, block);
    mr->readonly = readonly;
    mr->owns_ram = true;
    /* Device memory travels in migration streams under its own name. */
    if (!ram_block_set_idstr(block, name, errp)) {
        memory_region_finalize(mr);
        return false;
    }
    return true;
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    return init_anon_ram(mr, owner, name, size, size, true, errp);
}

bool memory_region_init_device_ram(MemoryRegion *mr, Object *owner,
                                   const char *name, uint64_t size,
                                   Error **errp)
{
    return init_anon_ram(mr, owner, name, size, size, false, errp);
}

bool memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t used_size,
                                       uint64_t max_size, Error **errp)
{
    return init_anon_ram(mr, owner, name, used_size, max_size, false, errp);
}

bool memory_region_alias_add_ram_block(MemoryRegion *alias,
                                       const char *idstr, Error **errp)
{
    MemoryRegion *target = alias->alias;
    hwaddr offset = alias->alias_offset;
    RAMBlock *block;

    g_assert(alias->kind == MR_ALIAS && !alias->ram_block);
    /* Follow nested aliases down to the region that owns the memory. */
    while (target->kind == MR_ALIAS) {
        offset += target->alias_offset;
        target = target->alias;
    }
    if (target->kind != MR_RAM) {
        error_setg(errp, "alias '%s' does not point at RAM", alias->name);
        return false;
    }
    block = ram_block_add_alias(alias, target->ram_block, offset,
                                (uint64_t)alias->size);
    if (!ram_block_set_idstr(block, idstr, errp)) {
        ram_block_remove(block);
        return false;
    }
    alias->ram_block = block;
    return true;
}

void memory_region_finalize(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    while (!g_queue_is_empty(&mr->subregions)) {
        memory_region_del_subregion(mr, mr->subregions.head->data);
    }
    memory_region_transaction_commit();
    if (mr->kind == MR_ALIAS) {
        mr->alias->alias_count--;
        if (mr->ram_block) {
            ram_block_remove(mr->ram_block);
        }
    } else if (mr->kind == MR_RAM && mr->ram_block && mr->owns_ram) {
        /* Device memory that init_anon_ram() mapped; backends own theirs. */
        RAMBlock *block = mr->ram_block;

        host_mem_unmap(block->host, block->mapped_length);
        ram_block_remove(block);
    }
    mr->ram_block = NULL;
    g_free(mr->name);
    mr->name = NULL;
}

static void memory_region_update(void)
{
    topology_changed = true;
    if (!transaction_depth) {
        memory_region_transaction_begin();
        memory_region_transaction_commit();
    }
}

static void add_subregion_common(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *sub)
{
    GList *l;

    g_assert(mr->kind == MR_CONTAINER);
    g_assert(!sub->container);
    sub->container = mr;
    sub->addr = offset;
    /*
     * Highest priority first; a newcomer goes before existing regions of
     * the same priority, so the region added last wins a tie.
     */
    for (l = mr->subregions.head; l; l = l->next) {
        MemoryRegion *other = l->data;

        if (sub->priority >= other->priority) {
            g_queue_insert_before(&mr->subregions, l, sub);
            sub->link = l->prev;
            memory_region_update();
            return;
        }
    }
    g_queue_push_tail(&mr->subregions, sub);
    sub->link = mr->subregions.tail;
    memory_region_update();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    subregion->priority = 0;
    subregion->may_overlap = false;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    subregion->priority = priority;
    subregion->may_overlap = true;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    g_assert(subregion->container == mr);
    g_queue_delete_link(&mr->subregions, subregion->link);
    subregion->link = NULL;
    subregion->container = NULL;
    memory_region_update();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_region_update();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *container = mr->container;
    int priority = mr->priority;
    bool overlap = mr->may_overlap;

    if (!container || addr == mr->addr) {
        mr->addr = addr;
        return;
    }
    memory_region_transaction_begin();
    memory_region_del_subregion(container, mr);
    if (overlap) {
        memory_region_add_subregion_overlap(container, addr, mr, priority);
    } else {
        memory_region_add_subregion(container, addr, mr);
    }
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    g_assert(mr->kind == MR_ALIAS);
    mr->alias_offset = offset;
    memory_region_update();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_region_update();
    }
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size >= INT128_2_64 ? UINT64_MAX : (uint64_t)mr->size;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->kind == MR_RAM;
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->kind == MR_ALIAS) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    g_assert(mr->kind == MR_RAM);
    return mr->ram_block->host + offset;
}

RAMBlock *memory_region_get_ram_block(MemoryRegion *mr)
{
    return mr->ram_block;
}

/* --- flattening --------------------------------------------------------- */

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->ref = 1;
    fv->root = root;
    return fv;
}

void flatview_unref(FlatView *fv)
{
    if (fv && --fv->ref == 0) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

static void flatview_insert(GArray *ranges, guint pos, const FlatRange *fr)
{
    g_array_insert_val(ranges, pos, *fr);
}

/*
 * Fill the gaps of [clip_start, clip_end) not yet claimed by a
 * higher-priority region with ranges of @mr.  @ranges is sorted.
 */
static void render_terminal(GArray *ranges, MemoryRegion *mr, Int128 base,
                            Int128 clip_start, Int128 clip_end,
                            bool readonly)
{
    Int128 addr = clip_start;
    guint i = 0;

    while (i < ranges->len && addr < clip_end) {
        FlatRange *fr = &g_array_index(ranges, FlatRange, i);
        Int128 fr_end = fr->addr + fr->size;

        if (fr_end <= addr) {
            i++;
            continue;
        }
        if (addr < fr->addr) {
            FlatRange gap = {
                .mr = mr,
                .offset_in_region = (hwaddr)(addr - base),
                .addr = addr,
                .size = int128_min(fr->addr, clip_end) - addr,
                .readonly = readonly,
            };
            flatview_insert(ranges, i, &gap);
            i++;
            addr = gap.addr + gap.size;
            continue;
        }
        addr = int128_max(addr, fr_end);
        i++;
    }
    if (addr < clip_end) {
        FlatRange tail = {
            .mr = mr,
            .offset_in_region = (hwaddr)(addr - base),
            .addr = addr,
            .size = clip_end - addr,
            .readonly = readonly,
        };
        flatview_insert(ranges, ranges->len, &tail);
    }
}

static void render_region(GArray *ranges, MemoryRegion *mr, Int128 base,
                          Int128 clip_start, Int128 clip_end, bool readonly)
{
    Int128 start, end;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    start = int128_max(base, clip_start);
    end = int128_min(base + mr->size, clip_end);
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;
    switch (mr->kind) {
    case MR_ALIAS:
        /* An alias shows its target through a window that starts at base. */
        render_region(ranges, mr->alias,
                      base - mr->alias->addr - mr->alias_offset,
                      start, end, readonly);
        return;
    case MR_CONTAINER:
        for (GList *l = mr->subregions.head; l; l = l->next) {
            render_region(ranges, l->data, base, start, end, readonly);
        }
        return;
    case MR_RAM:
    case MR_IO:
        render_terminal(ranges, mr, base, start, end, readonly);
        return;
    }
}

/* Merge neighbours that continue each other in the same region. */
static void flatview_simplify(GArray *ranges)
{
    guint out = 0;

    for (guint i = 0; i < ranges->len; i++) {
        FlatRange *cur = &g_array_index(ranges, FlatRange, i);

        if (out > 0) {
            FlatRange *prev = &g_array_index(ranges, FlatRange, out - 1);

            if (prev->mr == cur->mr && prev->readonly == cur->readonly &&
                prev->addr + prev->size == cur->addr &&
                prev->offset_in_region + (hwaddr)prev->size ==
                cur->offset_in_region) {
                prev->size += cur->size;
                continue;
            }
        }
        if (out != i) {
            g_array_index(ranges, FlatRange, out) = *cur;
        }
        out++;
    }
    g_array_set_size(ranges, out);
}

/*
 * The region "info mtree -f" names as the view's root: descend through
 * aliases that show all of their target and containers whose only enabled
 * child covers them from offset 0.
 */
static MemoryRegion *flatview_root_of(MemoryRegion *mr)
{
    while (mr && mr->enabled) {
        if (mr->kind == MR_ALIAS) {
            if (!mr->alias_offset && mr->size >= mr->alias->size) {
                mr = mr->alias;
                continue;
            }
        } else if (mr->kind == MR_CONTAINER) {
            MemoryRegion *next = NULL;
            unsigned found = 0;

            for (GList *l = mr->subregions.head; l; l = l->next) {
                MemoryRegion *child = l->data;

                if (!child->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                if (!child->addr && mr->size >= child->size) {
                    next = child;
                }
            }
            if (!found) {
                return NULL;
            }
            if (next) {
                mr = next;
                continue;
            }
        }
        return mr;
    }
    return NULL;
}

FlatView *generate_memory_topology(MemoryRegion *root)
{
    GArray *ranges = g_array_new(FALSE, FALSE, sizeof(FlatRange));
    FlatView *fv = flatview_new(flatview_root_of(root));

    if (root) {
        render_region(ranges, root, 0, 0, INT128_2_64, false);
    }
    flatview_simplify(ranges);
    fv->nr = ranges->len;
    fv->ranges = (FlatRange *)g_array_free(ranges, FALSE);
    return fv;
}

/* --- address spaces and listeners -------------------------------------- */

static void section_from_range(MemoryRegionSection *s, AddressSpace *as,
                               const FlatRange *fr)
{
    s->mr = fr->mr;
    s->as = as;
    s->offset_within_region = fr->offset_in_region;
    s->offset_within_address_space = (hwaddr)fr->addr;
    s->size = fr->size;
    s->readonly = fr->readonly;
}

static bool range_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->addr == b->addr && a->size == b->size &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

static void listeners_call(AddressSpace *as, bool forward,
                           void (*fn)(MemoryListener *, void *),
                           void *opaque)
{
    GList *l = forward ? as->listeners : g_list_last(as->listeners);

    for (; l; l = forward ? l->next : l->prev) {
        fn(l->data, opaque);
    }
}

static void call_begin(MemoryListener *ml, void *opaque)
{
    if (ml->begin) {
        ml->begin(ml);
    }
}

static void call_commit(MemoryListener *ml, void *opaque)
{
    if (ml->commit) {
        ml->commit(ml);
    }
}

static void call_add(MemoryListener *ml, void *opaque)
{
    if (ml->region_add) {
        ml->region_add(ml, opaque);
    }
}

static void call_del(MemoryListener *ml, void *opaque)
{
    if (ml->region_del) {
        ml->region_del(ml, opaque);
    }
}

/* Tell listeners what changed between @old and @new, dels first. */
static void address_space_update_listeners(AddressSpace *as, FlatView *old,
                                           FlatView *new)
{
    MemoryRegionSection s;

    if (!as->listeners) {
        return;
    }
    listeners_call(as, true, call_begin, NULL);
    for (unsigned i = 0; old && i < old->nr; i++) {
        bool kept = false;

        for (unsigned j = 0; j < new->nr && !kept; j++) {
            kept = range_equal(&old->ranges[i], &new->ranges[j]);
        }
        if (!kept) {
            section_from_range(&s, as, &old->ranges[i]);
            listeners_call(as, false, call_del, &s);
        }
    }
    for (unsigned j = 0; j < new->nr; j++) {
        bool existed = false;

        for (unsigned i = 0; old && i < old->nr && !existed; i++) {
            existed = range_equal(&old->ranges[i], &new->ranges[j]);
        }
        if (!existed) {
            section_from_range(&s, as, &new->ranges[j]);
            listeners_call(as, true, call_add, &s);
        }
    }
    listeners_call(as, true, call_commit, NULL);
}

static void address_space_update_topology(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *new = generate_memory_topology(as->root);

    as->current_map = new;
    address_space_update_listeners(as, old, new);
    flatview_unref(old);
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    g_assert(transaction_depth > 0);
    if (--transaction_depth == 0 && topology_changed) {
        topology_changed = false;
        for (GList *l = address_spaces; l; l = l->next) {
            address_space_update_topology(l->data);
        }
    }
}

static void memory_init_once(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    memory_region_init(&system_memory, NULL, "system", INT128_2_64);
    memory_region_init(&system_io, NULL, "io", 65536);
    address_space_init(&address_space_memory, &system_memory, "memory");
    address_space_init(&address_space_io, &system_io, "I/O");
}

void memory_teardown(void)
{
    memory_init_once();
    memory_region_transaction_begin();
    while (!g_queue_is_empty(&system_memory.subregions)) {
        memory_region_del_subregion(&system_memory,
                                    system_memory.subregions.head->data);
    }
    while (!g_queue_is_empty(&system_io.subregions)) {
        memory_region_del_subregion(&system_io,
                                    system_io.subregions.head->data);
    }
    memory_region_transaction_commit();
}

MemoryRegion *get_system_memory(void)
{
    memory_init_once();
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_init_once();
    return &system_io;
}

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
    as->current_map = generate_memory_topology(root);
    address_spaces = g_list_append(address_spaces, as);
}

void address_space_destroy(AddressSpace *as)
{
    address_spaces = g_list_remove(address_spaces, as);
    g_list_free(as->listeners);
    flatview_unref(as->current_map);
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    as->current_map->ref++;
    return as->current_map;
}

static gint listener_cmp(gconstpointer a, gconstpointer b)
{
    return ((const MemoryListener *)a)->priority -
           ((const MemoryListener *)b)->priority;
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    MemoryRegionSection s;
    FlatView *fv;

    /* -M none maps nothing, so nothing has made the system AS yet. */
    memory_init_once();
    fv = as->current_map;

    listener->address_space = as;
    as->listeners = g_list_insert_sorted(as->listeners, listener,
                                         listener_cmp);
    /* Replay the current map so the listener starts in sync. */
    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        section_from_range(&s, as, &fv->ranges[i]);
        if (listener->region_add) {
            listener->region_add(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    FlatView *fv;
    MemoryRegionSection s;

    if (!as) {
        return;
    }
    fv = as->current_map;
    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = fv->nr; i-- > 0;) {
        section_from_range(&s, as, &fv->ranges[i]);
        if (listener->region_del) {
            listener->region_del(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    as->listeners = g_list_remove(as->listeners, listener);
    listener->address_space = NULL;
}

/* --- dispatch ----------------------------------------------------------- */

static const FlatRange *flatview_lookup(FlatView *fv, hwaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const FlatRange *fr = &fv->ranges[mid];

        if ((Int128)addr < fr->addr) {
            hi = mid;
        } else if ((Int128)addr >= fr->addr + fr->size) {
            lo = mid + 1;
        } else {
            return fr;
        }
    }
    return NULL;
}

static uint64_t ldn_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void stn_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint64_t bswap_n(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return GUINT16_SWAP_LE_BE((uint16_t)v);
    case 4:
        return GUINT32_SWAP_LE_BE((uint32_t)v);
    case 8:
        return GUINT64_SWAP_LE_BE(v);
    default:
        return v;
    }
}

/*
 * One I/O access of @size bytes (1, 2, 4 or 8); accesses the device does
 * not take are split into byte accesses.  Buffers are little-endian unless
 * the device is big-endian, matching how guests see the registers.
 */
static void io_access(MemoryRegion *mr, hwaddr addr, uint8_t *buf,
                      unsigned size, bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned min = ops->min_access_size ? ops->min_access_size : 1;
    unsigned max = ops->max_access_size ? ops->max_access_size : 8;
    bool big = ops->endianness == DEVICE_BIG_ENDIAN;

    if (size < min || size > max || (size & (size - 1))) {
        for (unsigned i = 0; i < size; i++) {
            io_access(mr, addr + i, buf + i, 1, is_write);
        }
        return;
    }
    if (is_write) {
        uint64_t v = ldn_le(buf, size);

        if (ops->write) {
            ops->write(mr->opaque, addr, big ? bswap_n(v, size) : v, size);
        }
    } else {
        uint64_t v = ops->read ? ops->read(mr->opaque, addr, size) : 0;

        stn_le(buf, size, big ? bswap_n(v, size) : v);
    }
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write)
{
    FlatView *fv = as->current_map;
    uint8_t *p = buf;
    MemTxResult result = MEMTX_OK;

    while (len > 0) {
        const FlatRange *fr = flatview_lookup(fv, addr);
        hwaddr chunk, offset;

        if (!fr) {
            /* Unassigned: reads as zero, writes are ignored (as QEMU). */
            if (!is_write) {
                *p = 0;
            }
            result = MEMTX_DECODE_ERROR;
            chunk = 1;
        } else {
            offset = addr - (hwaddr)fr->addr + fr->offset_in_region;
            chunk = MIN(len, (hwaddr)(fr->addr + fr->size - addr));
            if (fr->mr->kind == MR_RAM) {
                uint8_t *host = fr->mr->ram_block->host + offset;

                if (!is_write) {
                    memcpy(p, host, chunk);
                } else if (!fr->readonly) {
                    memcpy(host, p, chunk);
                    ram_block_set_dirty(fr->mr->ram_block, offset, chunk);
                }
            } else {
                unsigned size = 8;

                while (size > chunk || (addr & (size - 1))) {
                    size >>= 1;
                }
                chunk = size;
                io_access(fr->mr, offset, p, size, is_write);
            }
        }
        addr += chunk;
        p += chunk;
        len -= chunk;
    }
    return result;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len)
{
    return address_space_rw(as, addr, (void *)buf, len, true);
}

MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len)
{
    uint8_t chunk[4096];
    MemTxResult result = MEMTX_OK;

    memset(chunk, c, sizeof(chunk));
    while (len > 0) {
        hwaddr n = MIN(len, sizeof(chunk));

        result |= address_space_write(as, addr, chunk, n);
        addr += n;
        len -= n;
    }
    return result;
}

void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write)
{
    const FlatRange *fr = flatview_lookup(as->current_map, addr);
    hwaddr offset;

    if (!fr || fr->mr->kind != MR_RAM || (is_write && fr->readonly)) {
        return NULL;
    }
    offset = addr - (hwaddr)fr->addr + fr->offset_in_region;
    *plen = MIN(*plen, (hwaddr)(fr->addr + fr->size - addr));
    return fr->mr->ram_block->host + offset;
}

/* --- info mtree --------------------------------------------------------- */

static const char *region_type(const MemoryRegion *mr)
{
    while (mr->kind == MR_ALIAS) {
        mr = mr->alias;
    }
    /* Flash read straight from RAM ("ROMD mode"), as QEMU labels it. */
    if (mr->rom_device) {
        return "romd";
    }
    if (mr->kind == MR_RAM) {
        return mr->readonly ? "rom" : "ram";
    }
    return "i/o";
}

static gint print_order(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = a, *y = b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    return y->priority - x->priority;
}

static void mtree_queue_alias_target(GPtrArray *queue, MemoryRegion *mr)
{
    if (!g_ptr_array_find(queue, mr, NULL)) {
        g_ptr_array_add(queue, mr);
    }
}

/*
 * A disabled region's own line is not printed, but its subregions are,
 * one level deeper, as QEMU prints them.
 */
static void mtree_print_mr(GString *out, MemoryRegion *mr, unsigned level,
                           hwaddr base, GPtrArray *queue)
{
    hwaddr start = base + mr->addr;
    GList *sorted;

    if (mr->kind == MR_ALIAS) {
        mtree_queue_alias_target(queue, mr->alias);
    }
    if (mr->enabled) {
        g_string_append_printf(out, "%*s%016" PRIx64 "-%016" PRIx64
                               " (prio %d, %s): ", level * 2, "", start,
                               start + MR_SIZE(mr->size), mr->priority,
                               region_type(mr));
        if (mr->kind == MR_ALIAS) {
            g_string_append_printf(out, "alias %s @%s %016" PRIx64 "-%016"
                                   PRIx64, memory_region_name(mr),
                                   memory_region_name(mr->alias),
                                   mr->alias_offset,
                                   mr->alias_offset + MR_SIZE(mr->size));
        } else {
            g_string_append(out, memory_region_name(mr));
        }
        g_string_append_c(out, '\n');
    }

    /* Stable sort keeps insertion order among equal address/priority. */
    sorted = g_list_copy(mr->subregions.head);
    sorted = g_list_sort(sorted, print_order);
    for (GList *l = sorted; l; l = l->next) {
        mtree_print_mr(out, l->data, level + 1, start, queue);
    }
    g_list_free(sorted);
}

static void mtree_print_flatview(GString *out, FlatView *fv)
{
    g_string_append_printf(out, " Root memory region: %s\n",
                           fv->root ? memory_region_name(fv->root)
                                    : "(none)");
    if (!fv->nr) {
        g_string_append(out, "  No rendered FlatView\n\n");
        return;
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];

        g_string_append_printf(out, "  %016" PRIx64 "-%016" PRIx64
                               " (prio %d, %s): %s",
                               (hwaddr)fr->addr,
                               (hwaddr)fr->addr + MR_SIZE(fr->size),
                               fr->mr->priority,
                               fr->readonly && !fr->mr->rom_device ?
                               "rom" : region_type(fr->mr),
                               memory_region_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @%016" PRIx64,
                                   fr->offset_in_region);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void mtree_info(GString *out, bool flatview)
{
    GList *done = NULL;
    unsigned n = 0;

    memory_init_once();
    if (flatview) {
        /* Address spaces with the same root share one view. */
        for (GList *l = address_spaces; l; l = l->next) {
            AddressSpace *as = l->data;

            if (g_list_find(done, as->root)) {
                continue;
            }
            done = g_list_prepend(done, as->root);
            g_string_append_printf(out, "FlatView #%u\n", n++);
            for (GList *m = l; m; m = m->next) {
                AddressSpace *other = m->data;

                if (other->root == as->root) {
                    g_string_append_printf(out, " AS \"%s\", root: %s\n",
                                           other->name,
                                           memory_region_name(other->root));
                }
            }
            mtree_print_flatview(out, as->current_map);
        }
        g_list_free(done);
        return;
    }

    GPtrArray *queue = g_ptr_array_new();

    for (GList *l = address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;
        GPtrArray *names;

        if (g_list_find(done, as->root)) {
            continue;
        }
        done = g_list_prepend(done, as->root);
        names = g_ptr_array_new();
        for (GList *m = l; m; m = m->next) {
            AddressSpace *other = m->data;

            if (other->root == as->root) {
                g_ptr_array_add(names, other->name);
            }
        }
        g_ptr_array_sort(names, cmp_str_ptr);
        for (guint i = 0; i < names->len; i++) {
            g_string_append_printf(out, "address-space: %s\n",
                                   (char *)g_ptr_array_index(names, i));
        }
        g_ptr_array_free(names, TRUE);
        mtree_print_mr(out, as->root, 1, 0, queue);
        g_string_append_c(out, '\n');
    }
    /* Then each region an alias points at, once, in the order met. */
    for (guint i = 0; i < queue->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(queue, i);

        g_string_append_printf(out, "memory-region: %s\n",
                               memory_region_name(mr));
        mtree_print_mr(out, mr, 1, 0, queue);
        g_string_append_c(out, '\n');
    }
    g_ptr_array_free(queue, TRUE);
    g_list_free(done);
}
