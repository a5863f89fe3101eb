/*
 * The RAM section, version 4, as QEMU 7.2 writes and reads it: a MEM_SIZE
 * record listing every migratable RAM block (id, used length), then page
 * records.  A page of zeros is a ZERO record with a fill byte and no page;
 * any other page is a PAGE record with its 4096 bytes, queued from guest
 * memory without a copy.  Records of the block named last carry CONTINUE
 * instead of the id.  Each START/PART/END body ends with EOS.
 *
 * Dirty pages come from each RAM block's dirty bitmap (physmem), which
 * the memory API and the registered dirty tracker (guest CPU stores) fill;
 * the migration keeps its own bitmap per block and folds the blocks' bits
 * into it at each sync.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "exec/memory.h"
#include "exec/ramblock.h"
#include "migration/cpr.h"
#include "migration/migration.h"
#include "migration/register.h"
#include "migration/ram-zero.h"
#include "migration/savevm.h"
#include "qemu/cutils.h"

#define RAM_SAVE_FLAG_FULL      0x01
#define RAM_SAVE_FLAG_ZERO      0x02
#define RAM_SAVE_FLAG_MEM_SIZE  0x04
#define RAM_SAVE_FLAG_PAGE      0x08
#define RAM_SAVE_FLAG_EOS       0x10
#define RAM_SAVE_FLAG_CONTINUE  0x20
#define RAM_SAVE_FLAG_XBZRLE    0x40
#define RAM_SAVE_FLAG_HOOK      0x80
#define RAM_SAVE_FLAG_COMPRESS_PAGE 0x100

#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))
#define BITS_PER_LONG (sizeof(long) * 8)

/* Pages between clock and rate-limit checks. */
#define PAGES_PER_CHECK 256
/* A pass without a rate limit still yields to the thread this often. */
#define ITERATE_MAX_NS (50 * 1000 * 1000LL)

typedef struct RAMMigBlock {
    RAMBlock *rb;
    uint64_t pages;
    unsigned long *bmap;    /* pages still to send */
    bool ignored;           /* x-ignore-shared: listed, no pages */
    RAMZeroProbe zero;
} RAMMigBlock;

typedef struct RAMState {
    GPtrArray *blocks;      /* of RAMMigBlock *, in block-list order */
    RAMBlock *last_sent;    /* for CONTINUE */
    guint cursor_block;
    uint64_t cursor_page;
    uint64_t dirty_pages;   /* bits set in all bmaps */
    int64_t rate_start;     /* for pages-per-second */
    uint64_t rate_pages;
    RAMBlock *load_last;    /* destination: block of the last record */
    RAMZeroProbe load_zero; /* destination: for load_last */
} RAMState;

static RAMState ram_state;
static const MigrationDirtyLogOps *dirty_log_ops;
static void *dirty_log_opaque;

void migration_dirty_log_register(const MigrationDirtyLogOps *ops,
                                  void *opaque)
{
    dirty_log_ops = ops;
    dirty_log_opaque = opaque;
}

static bool block_is_migratable(RAMBlock *rb)
{
    return (rb->flags & RAM_MIGRATABLE) && rb->idstr[0] &&
           !(rb->flags & RAM_ALIAS_COVERED);
}

/* x-ignore-shared as QEMU 7.2 applies it: every shared block. */
static bool block_is_ignored(RAMBlock *rb)
{
    return migrate_cap_enabled(MIGRATION_CAPABILITY_X_IGNORE_SHARED) &&
           (rb->flags & RAM_SHARED);
}

static int collect_block(RAMBlock *rb, void *opaque)
{
    GPtrArray *blocks = opaque;
    RAMMigBlock *b;

    if (!block_is_migratable(rb)) {
        return 0;
    }
    b = g_new0(RAMMigBlock, 1);
    b->rb = rb;
    b->pages = rb->used_length >> TARGET_PAGE_BITS;
    /* cpr-transfer (mig-live): handed over as a descriptor, no pages. */
    b->ignored = block_is_ignored(rb) || cpr_ram_block_handed_over(rb);
    ram_zero_probe_init(&b->zero, rb);
    b->zero.populate = true;
    b->bmap = g_new0(unsigned long, (b->pages + BITS_PER_LONG - 1) /
                                    BITS_PER_LONG);
    g_ptr_array_add(blocks, b);
    return 0;
}

static void ram_block_list_free(GPtrArray *blocks)
{
    for (guint i = 0; blocks && i < blocks->len; i++) {
        RAMMigBlock *b = g_ptr_array_index(blocks, i);

        g_free(b->bmap);
        g_free(b);
    }
    if (blocks) {
        g_ptr_array_free(blocks, TRUE);
    }
}

/* Move the blocks' dirty bits into the migration's bitmaps. */
static void ram_sync_dirty(RAMState *rs)
{
    MigrationRAMStats *stats = migration_ram_stats();
    uint64_t newly = 0;

    if (dirty_log_ops && dirty_log_ops->log_sync) {
        dirty_log_ops->log_sync(dirty_log_opaque);
    }
    for (guint i = 0; i < rs->blocks->len; i++) {
        RAMMigBlock *b = g_ptr_array_index(rs->blocks, i);
        uint64_t words = (b->pages + BITS_PER_LONG - 1) / BITS_PER_LONG;

        for (uint64_t w = 0; w < words; w++) {
            unsigned long bits;

            if (!b->rb->dirty_bmap[w]) {
                continue;
            }
            bits = __atomic_exchange_n(&b->rb->dirty_bmap[w], 0,
                                       __ATOMIC_RELAXED);
            if (b->ignored) {
                continue;
            }
            newly += __builtin_popcountl(bits & ~b->bmap[w]);
            b->bmap[w] |= bits;
        }
    }
    rs->dirty_pages += newly;
    stats->dirty_sync_count++;
    stats->remaining = rs->dirty_pages * TARGET_PAGE_SIZE;
}

static bool ram_save_setup(QEMUFile *f, void *opaque, Error **errp)
{
    RAMState *rs = opaque;
    MigrationRAMStats *stats = migration_ram_stats();
    uint64_t total = 0;

    ram_block_list_free(rs->blocks);
    memset(rs, 0, sizeof(*rs));
    rs->blocks = g_ptr_array_new();
    ram_block_foreach(collect_block, rs->blocks);
    for (guint i = 0; i < rs->blocks->len; i++) {
        RAMMigBlock *b = g_ptr_array_index(rs->blocks, i);

        total += b->rb->used_length;
        if (!b->ignored) {
            /* Everything is to be sent once; the tail word stays clean. */
            for (uint64_t p = 0; p < b->pages; p++) {
                b->bmap[p / BITS_PER_LONG] |= 1UL << (p % BITS_PER_LONG);
            }
            rs->dirty_pages += b->pages;
        }
        /* What was dirtied before now is covered by the full pass. */
        for (uint64_t w = 0; w < (b->pages + BITS_PER_LONG - 1) /
                               BITS_PER_LONG; w++) {
            __atomic_store_n(&b->rb->dirty_bmap[w], 0, __ATOMIC_RELAXED);
        }
    }
    if (dirty_log_ops && dirty_log_ops->log_start) {
        dirty_log_ops->log_start(dirty_log_opaque);
    }
    stats->total = total;
    stats->remaining = rs->dirty_pages * TARGET_PAGE_SIZE;
    stats->page_size = TARGET_PAGE_SIZE;

    qemu_put_be64(f, total | RAM_SAVE_FLAG_MEM_SIZE);
    for (guint i = 0; i < rs->blocks->len; i++) {
        RAMMigBlock *b = g_ptr_array_index(rs->blocks, i);

        qemu_put_counted_string(f, b->rb->idstr);
        qemu_put_be64(f, b->rb->used_length);
        if (migrate_cap_enabled(MIGRATION_CAPABILITY_X_IGNORE_SHARED)) {
            qemu_put_be64(f, b->rb->mr ? b->rb->mr->addr : 0);
        }
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    rs->rate_start = g_get_monotonic_time();
    return true;
}

static void save_page_header(QEMUFile *f, RAMState *rs, RAMBlock *rb,
                             uint64_t offset, uint64_t flags)
{
    if (rb == rs->last_sent) {
        flags |= RAM_SAVE_FLAG_CONTINUE;
    }
    qemu_put_be64(f, offset | flags);
    if (rb != rs->last_sent) {
        qemu_put_counted_string(f, rb->idstr);
        rs->last_sent = rb;
    }
}

static void save_one_page(QEMUFile *f, RAMState *rs, RAMMigBlock *b,
                          uint64_t page)
{
    MigrationRAMStats *stats = migration_ram_stats();
    uint64_t offset = page << TARGET_PAGE_BITS;
    const uint8_t *host = b->rb->host + offset;

    if (ram_zero_probe_known_zero(&b->zero, offset) ||
        ram_page_is_zero(host)) {
        save_page_header(f, rs, b->rb, offset, RAM_SAVE_FLAG_ZERO);
        qemu_put_byte(f, 0);
        stats->duplicate++;
    } else {
        save_page_header(f, rs, b->rb, offset, RAM_SAVE_FLAG_PAGE);
        qemu_put_buffer_async(f, host, TARGET_PAGE_SIZE);
        stats->normal++;
        stats->normal_bytes += TARGET_PAGE_SIZE;
    }
}

/* Next dirty page at or after (block, page); false when none is left. */
static bool find_dirty(RAMState *rs, guint *bi, uint64_t *page)
{
    for (; *bi < rs->blocks->len; (*bi)++, *page = 0) {
        RAMMigBlock *b = g_ptr_array_index(rs->blocks, *bi);

        while (*page < b->pages) {
            unsigned long w = b->bmap[*page / BITS_PER_LONG] >>
                              (*page % BITS_PER_LONG);

            if (w) {
                *page += __builtin_ctzl(w);
                return *page < b->pages;
            }
            *page = (*page / BITS_PER_LONG + 1) * BITS_PER_LONG;
        }
    }
    return false;
}

/*
 * Send dirty pages from the cursor on.  @limited: stop at the rate limit
 * and after ITERATE_MAX_NS.  Returns 1 when the end of the block list was
 * reached (cursor back at the start), 0 when stopped early.
 */
static int ram_send_dirty(QEMUFile *f, RAMState *rs, bool limited)
{
    MigrationRAMStats *stats = migration_ram_stats();
    int64_t start = g_get_monotonic_time();
    unsigned n = 0;

    for (;;) {
        RAMMigBlock *b;

        if (!find_dirty(rs, &rs->cursor_block, &rs->cursor_page)) {
            rs->cursor_block = 0;
            rs->cursor_page = 0;
            return 1;
        }
        b = g_ptr_array_index(rs->blocks, rs->cursor_block);
        b->bmap[rs->cursor_page / BITS_PER_LONG] &=
            ~(1UL << (rs->cursor_page % BITS_PER_LONG));
        rs->dirty_pages--;
        save_one_page(f, rs, b, rs->cursor_page);
        rs->cursor_page++;
        rs->rate_pages++;
        if (++n % PAGES_PER_CHECK) {
            continue;
        }
        stats->remaining = rs->dirty_pages * TARGET_PAGE_SIZE;
        if (qemu_file_get_error(f)) {
            return 0;
        }
        if (limited && (qemu_file_rate_limit(f) ||
            (g_get_monotonic_time() - start) * 1000 > ITERATE_MAX_NS)) {
            return 0;
        }
    }
}

static void ram_update_rate(RAMState *rs)
{
    MigrationRAMStats *stats = migration_ram_stats();
    int64_t now = g_get_monotonic_time();

    if (now - rs->rate_start >= G_USEC_PER_SEC) {
        stats->pages_per_second = rs->rate_pages * G_USEC_PER_SEC /
                                  (now - rs->rate_start);
        rs->rate_start = now;
        rs->rate_pages = 0;
    }
    stats->remaining = rs->dirty_pages * TARGET_PAGE_SIZE;
}

static int ram_save_iterate(QEMUFile *f, void *opaque)
{
    RAMState *rs = opaque;
    int done = ram_send_dirty(f, rs, true);

    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    ram_update_rate(rs);
    migration_ram_stats()->iterations++;
    return qemu_file_get_error(f) ? qemu_file_get_error(f) : done;
}

static int ram_save_complete(QEMUFile *f, void *opaque)
{
    RAMState *rs = opaque;

    ram_sync_dirty(rs);
    rs->cursor_block = 0;
    rs->cursor_page = 0;
    ram_send_dirty(f, rs, false);
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    ram_update_rate(rs);
    qemu_fflush(f);
    return qemu_file_get_error(f);
}

static uint64_t ram_save_pending(void *opaque, bool exact)
{
    RAMState *rs = opaque;

    if (exact) {
        ram_sync_dirty(rs);
    }
    return rs->dirty_pages * TARGET_PAGE_SIZE;
}

static void ram_save_cleanup(void *opaque)
{
    RAMState *rs = opaque;

    if (rs->blocks && dirty_log_ops && dirty_log_ops->log_stop) {
        dirty_log_ops->log_stop(dirty_log_opaque);
    }
    ram_block_list_free(rs->blocks);
    rs->blocks = NULL;
}

/* --- loader --------------------------------------------------------- */

/* "s390.ram (8 GiB), s390.ram.1 (2 GiB)": a layout for messages. */
static int describe_block(RAMBlock *rb, void *opaque)
{
    GString *out = opaque;
    char *size;

    if (!block_is_migratable(rb)) {
        return 0;
    }
    size = size_to_str(rb->used_length);
    g_string_append_printf(out, "%s%s (%s)", out->len ? ", " : "",
                           rb->idstr, size);
    g_free(size);
    return 0;
}

static void layout_hint(Error **errp, GString *stream)
{
    GString *local = g_string_new(NULL);
    Error *err = *errp;

    ram_block_foreach(describe_block, local);
    *errp = NULL;
    error_setg(errp, "%s\nRAM blocks in the stream: %s; on this machine: %s",
               error_get_pretty(err), stream->str, local->str);
    error_free(err);
    g_string_free(local, TRUE);
}

static bool ram_load_mem_size(QEMUFile *f, uint64_t total, Error **errp)
{
    GString *stream = g_string_new(NULL);
    GPtrArray *pending = g_ptr_array_new_with_free_func(g_free);
    bool ok = false;
    uint64_t left = total;

    /*
     * Read the whole list first so that a mismatch can name both
     * layouts, then check each entry.
     */
    while (left && !qemu_file_get_error(f)) {
        char id[256], *size;
        uint64_t length;

        qemu_get_counted_string(f, id);
        length = qemu_get_be64(f);
        if (migrate_cap_enabled(MIGRATION_CAPABILITY_X_IGNORE_SHARED)) {
            uint64_t gpa = qemu_get_be64(f);
            RAMBlock *rb = ram_block_by_name(id);

            if (rb && block_is_ignored(rb) && rb->mr && rb->mr->addr != gpa) {
                error_setg(errp, "Mismatched GPAs for block %s %" PRId64
                           "!= %" PRId64, id, (int64_t)gpa,
                           (int64_t)rb->mr->addr);
                goto out;
            }
        }
        if (qemu_file_get_error(f)) {
            break;
        }
        if (length > left) {
            error_setg(errp, "RAM block list: block \"%s\" of 0x%" PRIx64
                       " bytes exceeds the 0x%" PRIx64 " bytes announced",
                       id, length, total);
            goto out;
        }
        left -= length;
        size = size_to_str(length);
        g_string_append_printf(stream, "%s%s (%s)", stream->len ? ", " : "",
                               id, size);
        g_free(size);
        g_ptr_array_add(pending, g_strdup(id));
        g_ptr_array_add(pending, g_memdup2(&length, sizeof(length)));
    }
    if (qemu_file_get_error(f)) {
        goto out;
    }
    for (guint i = 0; i < pending->len; i += 2) {
        const char *id = g_ptr_array_index(pending, i);
        uint64_t length = *(uint64_t *)g_ptr_array_index(pending, i + 1);
        RAMBlock *rb = ram_block_by_name(id);

        if (!rb || !block_is_migratable(rb)) {
            error_setg(errp, "Unknown ramblock \"%s\", cannot accept "
                       "migration", id);
            layout_hint(errp, stream);
            goto out;
        }
        if (length != rb->used_length) {
            error_setg(errp, "Size mismatch: %s: 0x%" PRIx64 " != 0x%"
                       PRIx64 ": Invalid argument", id, length,
                       rb->used_length);
            layout_hint(errp, stream);
            goto out;
        }
    }
    ok = true;
out:
    g_string_free(stream, TRUE);
    g_ptr_array_free(pending, TRUE);
    return ok;
}

static uint8_t *host_from_record(QEMUFile *f, RAMState *ls,
                                 uint64_t offset, uint64_t flags,
                                 Error **errp)
{
    RAMBlock *rb;

    if (!(flags & RAM_SAVE_FLAG_CONTINUE)) {
        char id[256];

        if (!qemu_get_counted_string(f, id)) {
            return NULL;
        }
        rb = ram_block_by_name(id);
        if (!rb || !block_is_migratable(rb)) {
            error_setg(errp, "Can't find block %s", id);
            return NULL;
        }
        if (rb != ls->load_last) {
            ram_zero_probe_init(&ls->load_zero, rb);
        }
        ls->load_last = rb;
    } else if (!ls->load_last) {
        error_setg(errp, "Ack, bad migration stream!");
        return NULL;
    }
    rb = ls->load_last;
    if (offset >= rb->used_length) {
        error_setg(errp, "Illegal RAM offset %" PRIx64, offset);
        return NULL;
    }
    return rb->host + offset;
}

static bool ram_load(QEMUFile *f, void *opaque, int version_id,
                     Error **errp)
{
    RAMState *ls = opaque;

    if (version_id != 4) {
        error_setg(errp, "savevm: unsupported version %d for 'ram' v4",
                   version_id);
        return false;
    }
    for (;;) {
        uint64_t addr = qemu_get_be64(f);
        uint64_t flags = addr & ~TARGET_PAGE_MASK;
        uint8_t *host;

        if (qemu_file_get_error(f)) {
            return false;
        }
        addr &= TARGET_PAGE_MASK;
        switch (flags & ~RAM_SAVE_FLAG_CONTINUE) {
        case RAM_SAVE_FLAG_MEM_SIZE:
            if (!ram_load_mem_size(f, addr, errp)) {
                return false;
            }
            break;
        case RAM_SAVE_FLAG_ZERO: {
            uint8_t ch;

            host = host_from_record(f, ls, addr, flags, errp);
            if (!host) {
                return false;
            }
            ch = qemu_get_byte(f);
            /*
             * Untouched destination pages stay untouched (no shmem page
             * allocated); others are read before a write is risked.
             */
            if (ch || (!ram_zero_probe_known_zero(&ls->load_zero,
                                                 host - ls->load_last->host)
                       && !ram_page_is_zero(host))) {
                memset(host, ch, TARGET_PAGE_SIZE);
            }
            break;
        }
        case RAM_SAVE_FLAG_PAGE:
            host = host_from_record(f, ls, addr, flags, errp);
            if (!host) {
                return false;
            }
            qemu_get_buffer(f, host, TARGET_PAGE_SIZE);
            break;
        case RAM_SAVE_FLAG_EOS:
            return true;
        default:
            error_setg(errp, "Unknown combination of migration flags: 0x%"
                       PRIx64, flags);
            return false;
        }
    }
}

static bool ram_load_setup(void *opaque, Error **errp)
{
    RAMState *ls = opaque;

    ls->load_last = NULL;
    return true;
}

static const SaveVMHandlers savevm_ram_handlers = {
    .save_setup = ram_save_setup,
    .save_live_iterate = ram_save_iterate,
    .save_live_complete = ram_save_complete,
    .save_pending = ram_save_pending,
    .save_cleanup = ram_save_cleanup,
    .load_setup = ram_load_setup,
    .load_state = ram_load,
};

void ram_mig_init(void)
{
    register_savevm_live("ram", 0, 4, &savevm_ram_handlers, &ram_state);
}
