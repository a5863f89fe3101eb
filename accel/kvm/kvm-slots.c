/*
 * KVM memory slot bookkeeping: which guest range sits in which slot.
 *
 * Nothing here talks to the kernel; accel/kvm/kvm-all.c turns the slots
 * these functions hand out into KVM_SET_USER_MEMORY_REGION calls.
 */
#include <string.h>

#include "sysemu/kvm.h"
#include "qemu/cutils.h"

static uint64_t align_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

static uint64_t align_down(uint64_t v, uint64_t align)
{
    return v & ~(align - 1);
}

bool kvm_slots_init(KVMSlotTable *t, unsigned nr, uint64_t max_size,
                    uint64_t align, Error **errp)
{
    memset(t, 0, sizeof(*t));
    if (!align || (align & (align - 1))) {
        error_setg(errp, "KVM slot alignment 0x%" PRIx64 " is not a power "
                   "of two", align);
        return false;
    }
    if (max_size % align) {
        error_setg(errp, "KVM slot size limit 0x%" PRIx64 " is not a "
                   "multiple of the host page size 0x%" PRIx64, max_size,
                   align);
        return false;
    }
    if (!nr) {
        error_setg(errp, "KVM offers no memory slots");
        return false;
    }
    t->slots = g_new0(KVMSlot, nr);
    for (unsigned i = 0; i < nr; i++) {
        t->slots[i].id = i;
    }
    t->nr = nr;
    t->max_size = max_size;
    t->align = align;
    return true;
}

void kvm_slots_destroy(KVMSlotTable *t)
{
    g_free(t->slots);
    memset(t, 0, sizeof(*t));
}

/*
 * The part of [start, start + size) made of whole pages, as [*lo, *hi).
 * False when not one whole page is left.
 */
static bool trim_range(const KVMSlotTable *t, hwaddr start, uint64_t size,
                       uint64_t *lo, uint64_t *hi)
{
    uint64_t end = start + size;

    /* A range that reaches the top of the address space ends at 2^64. */
    if (end < start) {
        end = UINT64_MAX;
    }
    *lo = align_up(start, t->align);
    *hi = align_down(end, t->align);
    return *lo < *hi && *lo >= start;
}

bool kvm_slots_add(KVMSlotTable *t, hwaddr start, uint64_t size,
                   uintptr_t host, bool readonly, GArray *added,
                   Error **errp)
{
    uint64_t lo, hi, piece, needed;
    unsigned next = 0;

    if (!trim_range(t, start, size, &lo, &hi)) {
        return true;
    }
    host += lo - start;
    /* KVM maps whole host pages onto whole guest pages. */
    if (host & (t->align - 1)) {
        error_setg(errp, "guest range 0x%" PRIx64 "-0x%" PRIx64 ": host "
                   "address 0x%" PRIxPTR " is not aligned to 0x%" PRIx64,
                   lo, hi - 1, host, t->align);
        return false;
    }
    for (unsigned i = 0; i < t->nr; i++) {
        const KVMSlot *s = &t->slots[i];

        if (s->size && s->start < hi && lo < s->start + s->size) {
            error_setg(errp, "guest range 0x%" PRIx64 "-0x%" PRIx64
                       " overlaps KVM memory slot %u (0x%" PRIx64 "-0x%"
                       PRIx64 ")", lo, hi - 1, s->id, s->start,
                       s->start + s->size - 1);
            return false;
        }
    }
    piece = t->max_size ? t->max_size : hi - lo;
    needed = (hi - lo) / piece + ((hi - lo) % piece != 0);
    if (needed > t->nr - t->used) {
        error_setg(errp, "not enough KVM memory slots: guest range 0x%"
                   PRIx64 "-0x%" PRIx64 " needs %" PRIu64 ", %u of %u are "
                   "free", lo, hi - 1, needed, t->nr - t->used, t->nr);
        return false;
    }
    for (uint64_t addr = lo; addr < hi; addr += piece) {
        KVMSlot *s;

        while (t->slots[next].size) {
            next++;
        }
        s = &t->slots[next];
        s->start = addr;
        s->size = MIN(piece, hi - addr);
        s->host = host + (addr - lo);
        s->readonly = readonly;
        t->used++;
        g_array_append_val(added, *s);
    }
    return true;
}

bool kvm_slots_del(KVMSlotTable *t, hwaddr start, uint64_t size,
                   GArray *removed, Error **errp)
{
    uint64_t lo, hi;

    if (!trim_range(t, start, size, &lo, &hi)) {
        return true;
    }
    /* Check every slot first so that an error leaves the table alone. */
    for (unsigned i = 0; i < t->nr; i++) {
        const KVMSlot *s = &t->slots[i];
        bool inside = s->start >= lo && s->start + s->size <= hi;

        if (s->size && s->start < hi && lo < s->start + s->size && !inside) {
            error_setg(errp, "KVM memory slot %u (0x%" PRIx64 "-0x%" PRIx64
                       ") straddles the edge of guest range 0x%" PRIx64
                       "-0x%" PRIx64, s->id, s->start,
                       s->start + s->size - 1, lo, hi - 1);
            return false;
        }
    }
    for (unsigned i = 0; i < t->nr; i++) {
        KVMSlot *s = &t->slots[i];

        if (s->size && s->start >= lo && s->start + s->size <= hi) {
            g_array_append_val(removed, *s);
            kvm_slots_release(t, i);
        }
    }
    return true;
}

void kvm_slots_release(KVMSlotTable *t, unsigned id)
{
    KVMSlot *s;

    g_assert(id < t->nr);
    s = &t->slots[id];
    if (s->size) {
        t->used--;
    }
    memset(s, 0, sizeof(*s));
    s->id = id;
}

const KVMSlot *kvm_slots_lookup(const KVMSlotTable *t, hwaddr addr)
{
    for (unsigned i = 0; i < t->nr; i++) {
        const KVMSlot *s = &t->slots[i];

        if (s->size && addr >= s->start && addr - s->start < s->size) {
            return s;
        }
    }
    return NULL;
}

static gint slot_cmp_start(gconstpointer a, gconstpointer b)
{
    const KVMSlot *x = *(KVMSlot *const *)a, *y = *(KVMSlot *const *)b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return 0;
}

void kvm_slots_format(const KVMSlotTable *t, GString *out)
{
    GPtrArray *used = g_ptr_array_new();
    char *limit = t->max_size ? size_to_str(t->max_size)
                              : g_strdup("none");

    g_string_append_printf(out, "KVM memory slots: %u of %u used, largest "
                           "slot size: %s\n", t->used, t->nr, limit);
    g_free(limit);
    for (unsigned i = 0; i < t->nr; i++) {
        if (t->slots[i].size) {
            g_ptr_array_add(used, &t->slots[i]);
        }
    }
    g_ptr_array_sort(used, slot_cmp_start);
    for (guint i = 0; i < used->len; i++) {
        const KVMSlot *s = g_ptr_array_index(used, i);
        char *size = size_to_str(s->size);

        g_string_append_printf(out, "  slot %u: 0x%016" PRIx64 "-0x%016"
                               PRIx64 " (%s) host 0x%016" PRIxPTR " %s\n",
                               s->id, s->start, s->start + s->size - 1,
                               size, s->host, s->readonly ? "ro" : "rw");
        g_free(size);
    }
    g_ptr_array_free(used, TRUE);
}
