/*
 * accel tcg: dirty tracking of guest CPU stores while a migration runs.
 *
 * Stores the vCPU makes into RAM go straight to the RAM block's host
 * memory, past the memory API that marks pages dirty.  This host has
 * neither soft-dirty nor userfaultfd write-protect, so memvm asks unicorn
 * itself: a UC_HOOK_MEM_WRITE hook, present only from log_start to
 * log_stop, marks the page of every store.  docs/migration-dirty-
 * tracking.md has the measurements that chose it over write-protecting
 * the host pages (mprotect and SIGSEGV) or unicorn's own protections.
 *
 * The hook runs before the store reaches memory.  Marking the RAM block
 * at once could let the migration thread take the bit and send the page
 * before the store lands, losing it; so the hook marks a bitmap of its
 * own, and a sync moves those marks into the RAM blocks only while the
 * vCPU is paused, when every hooked store has landed.
 */
#include <string.h>

#include "accel/tcg/tcg-internal.h"
#include "accel/tcg/tcg-arm64.h"

#define BITS_PER_WORD (sizeof(unsigned long) * 8)

/* The RAM mapping that holds guest address @addr, or NULL (MMIO). */
static TCGMapping *tcg_dirty_lookup(TCGState *s, uint64_t addr)
{
    TCGMapping *m = s->dirty.last;

    if (m && addr - m->start < m->size) {
        return m;
    }
    for (guint i = 0; i < s->maps->len; i++) {
        m = g_ptr_array_index(s->maps, i);
        if (m->kind == TCG_MAP_RAM && addr - m->start < m->size) {
            s->dirty.last = m;
            return m;
        }
    }
    return NULL;
}

static void tcg_dirty_mark(TCGState *s, uint64_t addr, uint64_t len)
{
    while (len) {
        TCGMapping *m = tcg_dirty_lookup(s, addr);
        uint64_t chunk, offset, first, last;

        if (!m) {
            /* Not RAM: address_space_rw() marks what it writes. */
            return;
        }
        chunk = MIN(len, m->start + m->size - addr);
        offset = m->block_offset + (addr - m->start);
        first = (m->block->offset + offset) >> TARGET_PAGE_BITS;
        last = (m->block->offset + offset + chunk - 1) >> TARGET_PAGE_BITS;
        for (uint64_t page = first; page <= last; page++) {
            if (page < s->dirty.pages) {
                s->dirty.bmap[page / BITS_PER_WORD] |=
                    1UL << (page % BITS_PER_WORD);
            } else {
                /* A block added after log_start: mark it directly. */
                ram_block_set_dirty(m->block, offset, chunk);
                break;
            }
        }
        addr += chunk;
        len -= chunk;
    }
}

static void tcg_dirty_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
                           int size, int64_t value, void *opaque)
{
    tcg_dirty_mark(opaque, addr, size > 0 ? size : 1);
}

static int ram_addr_end(RAMBlock *block, void *opaque)
{
    uint64_t *end = opaque;

    *end = MAX(*end, block->offset + block->max_length);
    return 0;
}

bool tcg_dirty_log_start(AccelState *accel, Error **errp)
{
    TCGState *s = TCG_ACCEL(accel);
    TCGDirtyLog *d = &s->dirty;
    uint64_t end = 0;
    uc_err err;

    if (!s->cpu || d->on) {
        return true;
    }
    ram_block_foreach(ram_addr_end, &end);
    d->pages = end >> TARGET_PAGE_BITS;
    d->bmap = g_new0(unsigned long, d->pages / BITS_PER_WORD + 1);
    d->last = NULL;
    tcg_cpu_pause(s->cpu);
    /* The hook runs in unicorn's slow store path only. */
    a64_uc_fast_stores_hooks(true);
    err = uc_hook_add(s->cpu->uc, &d->hook, UC_HOOK_MEM_WRITE,
                      tcg_dirty_hook, s, 1, 0);
    /*
     * Unicorn decides whether a store calls the hooks when it fills a TLB
     * entry or translates a block: drop what it filled without the hook.
     */
    if (err == UC_ERR_OK) {
        err = uc_ctl_flush_tlb(s->cpu->uc);
    }
    if (err != UC_ERR_OK) {
        a64_uc_fast_stores_hooks(false);
    }
    tcg_cpu_resume(s->cpu);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot track guest stores: %s",
                   uc_strerror(err));
        g_clear_pointer(&d->bmap, g_free);
        return false;
    }
    d->on = true;
    return true;
}

/* Move the marks of @block's pages into its dirty bitmap. */
static int tcg_dirty_sync_block(RAMBlock *block, void *opaque)
{
    TCGDirtyLog *d = opaque;
    /* Block offsets are word aligned (physmem), so words map to blocks. */
    uint64_t first = block->offset >> TARGET_PAGE_BITS;
    uint64_t pages = block->used_length >> TARGET_PAGE_BITS;

    /* Alias blocks have RAM addresses of their own: sync them too. */
    if (!block->host || first >= d->pages) {
        return 0;
    }
    pages = MIN(pages, d->pages - first);
    for (uint64_t w = 0; w * BITS_PER_WORD < pages; w++) {
        unsigned long *word = &d->bmap[first / BITS_PER_WORD + w];
        unsigned long bits = *word;

        *word = 0;
        while (bits) {
            uint64_t page = w * BITS_PER_WORD + __builtin_ctzl(bits);

            bits &= bits - 1;
            if (page < pages) {
                ram_block_set_dirty(block, page << TARGET_PAGE_BITS,
                                    TARGET_PAGE_SIZE);
            }
        }
    }
    return 0;
}

static int tcg_dirty_all(RAMBlock *block, void *opaque)
{
    if (!block->alias_of && block->host) {
        ram_block_set_dirty(block, 0, block->used_length);
    }
    return 0;
}

void tcg_dirty_log_sync(AccelState *accel)
{
    TCGState *s = TCG_ACCEL(accel);
    TCGDirtyLog *d = &s->dirty;
    bool translating;

    if (!d->on) {
        return;
    }
    tcg_cpu_pause(s->cpu);
    translating = s->cpu->ops->translating &&
                  s->cpu->ops->translating(s->cpu);
    ram_block_foreach(tcg_dirty_sync_block, d);
    if (translating) {
        /*
         * The hook saw virtual addresses, which memvm cannot map back to
         * RAM: every page may be dirty.  Correct, but it never converges.
         */
        if (!d->warned) {
            warn_report("accel tcg: the guest translates addresses; every "
                        "RAM page counts as dirty in each pass");
            d->warned = true;
        }
        ram_block_foreach(tcg_dirty_all, NULL);
    }
    tcg_cpu_resume(s->cpu);
}

void tcg_dirty_log_stop(AccelState *accel)
{
    TCGState *s = TCG_ACCEL(accel);
    TCGDirtyLog *d = &s->dirty;

    if (!d->on) {
        return;
    }
    tcg_cpu_pause(s->cpu);
    uc_hook_del(s->cpu->uc, d->hook);
    a64_uc_fast_stores_hooks(false);
    d->on = false;
    tcg_cpu_resume(s->cpu);
    g_clear_pointer(&d->bmap, g_free);
    d->pages = 0;
    d->last = NULL;
}

void tcg_dirty_log_maps_changed(TCGState *s)
{
    s->dirty.last = NULL;
}
