/*
 * RAM blocks: registration, the RAM address space layout, ids, dirty
 * bitmaps and "info ramblock".
 */
#include <string.h>
#include <unistd.h>

#include "exec/ramblock.h"
#include "exec/memory.h"
#include "qemu/cutils.h"

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

/*
 * The block list, largest first: QEMU keeps this order so that migration
 * sends the big blocks' headers first, and "info ramblock" shows it.
 */
static GList *ram_blocks;

#define RAM_ADDR_MAX UINT64_MAX

/* Offsets are rounded so each block's dirty bitmap starts on a word. */
static uint64_t ram_offset_align = (uint64_t)(sizeof(long) * 8) << 12;

void ram_block_set_target_page_bits(unsigned bits)
{
    ram_offset_align = (uint64_t)(sizeof(long) * 8) << bits;
}

static uint64_t host_page_align(uint64_t size)
{
    uint64_t page = (uint64_t)getpagesize();

    return (size + page - 1) / page * page;
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) / align * align;
}

/* Smallest gap after an existing block that fits @size (QEMU's choice). */
static ram_addr_t find_ram_offset(uint64_t size)
{
    ram_addr_t offset = RAM_ADDR_MAX, mingap = RAM_ADDR_MAX;

    if (!ram_blocks) {
        return 0;
    }
    for (GList *l = ram_blocks; l; l = l->next) {
        RAMBlock *block = l->data;
        ram_addr_t candidate, next = RAM_ADDR_MAX;

        candidate = round_up(block->offset + block->max_length,
                             ram_offset_align);
        for (GList *m = ram_blocks; m; m = m->next) {
            RAMBlock *other = m->data;

            if (other->offset >= candidate) {
                next = MIN(next, other->offset);
            }
        }
        if (next - candidate >= size && next - candidate < mingap) {
            offset = candidate;
            mingap = next - candidate;
        }
    }
    /* 2^64 bytes of RAM address space cannot run out in practice. */
    g_assert(offset != RAM_ADDR_MAX);
    return offset;
}

static RAMBlock *block_new(MemoryRegion *mr, uint64_t mapped)
{
    RAMBlock *block = g_new0(RAMBlock, 1);
    /* QEMU keeps block lengths in whole host pages. */
    uint64_t size = host_page_align(mapped);
    uint64_t pages = DIV_ROUND_UP(size, TARGET_PAGE_SIZE);
    GList *l;

    block->mr = mr;
    block->used_length = size;
    block->max_length = size;
    block->mapped_length = mapped;
    block->fd = -1;
    block->offset = find_ram_offset(size);
    block->dirty_bmap = g_new0(unsigned long,
                               DIV_ROUND_UP(pages, sizeof(long) * 8));
    /*
     * Before the first strictly smaller block, so that blocks of equal size
     * keep registration order (g_list_insert_sorted would reverse them).
     */
    for (l = ram_blocks; l; l = l->next) {
        if (((RAMBlock *)l->data)->max_length < size) {
            break;
        }
    }
    ram_blocks = g_list_insert_before(ram_blocks, l, block);
    return block;
}

RAMBlock *ram_block_add(MemoryRegion *mr, void *host, uint64_t size,
                        uint64_t page_size, int fd, uint64_t fd_offset,
                        uint32_t flags)
{
    RAMBlock *block = block_new(mr, size);

    block->host = host;
    block->page_size = page_size;
    block->fd = fd;
    block->fd_offset = fd_offset;
    block->flags = flags;
    return block;
}

RAMBlock *ram_block_add_alias(MemoryRegion *mr, RAMBlock *parent,
                              uint64_t offset, uint64_t size)
{
    RAMBlock *block;

    g_assert(offset + size <= parent->max_length);
    block = block_new(mr, size);
    block->host = parent->host + offset;
    block->page_size = parent->page_size;
    block->fd = parent->fd;
    block->fd_offset = parent->fd_offset + offset;
    /* Only the host mapping is shared: the id and its role are its own. */
    block->flags = parent->flags & ~(RAM_MIGRATABLE | RAM_ALIAS_COVERED);
    block->alias_of = parent;
    block->alias_offset = offset;
    return block;
}

void ram_block_set_used_length(RAMBlock *block, uint64_t used)
{
    block->used_length = MIN(host_page_align(used), block->max_length);
}

void ram_block_remove(RAMBlock *block)
{
    ram_blocks = g_list_remove(ram_blocks, block);
    g_free(block->dirty_bmap);
    g_free(block);
}

bool ram_block_set_idstr(RAMBlock *block, const char *idstr, Error **errp)
{
    RAMBlock *other = ram_block_by_name(idstr);

    if (other && other != block) {
        error_setg(errp, "RAMBlock \"%s\" already registered", idstr);
        return false;
    }
    if (strlen(idstr) >= sizeof(block->idstr)) {
        error_setg(errp, "RAMBlock id \"%s\" is too long", idstr);
        return false;
    }
    g_strlcpy(block->idstr, idstr, sizeof(block->idstr));
    block->flags |= RAM_MIGRATABLE;
    return true;
}

void ram_block_unset_idstr(RAMBlock *block)
{
    block->idstr[0] = '\0';
    block->flags &= ~RAM_MIGRATABLE;
}

static gint block_cmp_alias_offset(gconstpointer a, gconstpointer b)
{
    const RAMBlock *x = a, *y = b;

    if (x->alias_offset != y->alias_offset) {
        return x->alias_offset < y->alias_offset ? -1 : 1;
    }
    return 0;
}

bool ram_block_set_alias_covered(RAMBlock *block, Error **errp)
{
    GList *aliases = NULL;
    uint64_t covered = 0;

    for (GList *l = ram_blocks; l; l = l->next) {
        RAMBlock *other = l->data;

        if (other->alias_of == block) {
            aliases = g_list_insert_sorted(aliases, other,
                                           block_cmp_alias_offset);
        }
    }
    /* Sorted by offset, the windows must follow each other with no gap. */
    for (GList *l = aliases; l; l = l->next) {
        RAMBlock *alias = l->data;

        if (alias->alias_offset != covered) {
            break;
        }
        covered += alias->used_length;
    }
    g_list_free(aliases);
    if (covered != block->used_length) {
        error_setg(errp, "RAM block of '%s': alias blocks cover 0x%" PRIx64
                   " of 0x%" PRIx64 " bytes without gap or overlap",
                   block->mr ? memory_region_name(block->mr) : block->idstr,
                   covered, block->used_length);
        return false;
    }
    ram_block_unset_idstr(block);
    block->flags |= RAM_ALIAS_COVERED;
    return true;
}

RAMBlock *ram_block_by_name(const char *idstr)
{
    for (GList *l = ram_blocks; l; l = l->next) {
        RAMBlock *block = l->data;

        if (block->idstr[0] && !strcmp(block->idstr, idstr)) {
            return block;
        }
    }
    return NULL;
}

int ram_block_foreach(int (*fn)(RAMBlock *block, void *opaque), void *opaque)
{
    for (GList *l = ram_blocks; l; l = l->next) {
        int ret = fn(l->data, opaque);

        if (ret) {
            return ret;
        }
    }
    return 0;
}

void ram_block_format(GString *out)
{
    g_string_append_printf(out, "%24s %8s  %18s %18s %18s\n",
                           "Block Name", "PSize", "Offset", "Used", "Total");
    for (GList *l = ram_blocks; l; l = l->next) {
        RAMBlock *block = l->data;
        char *psize;

        if (block->flags & RAM_ALIAS_COVERED) {
            continue;
        }
        psize = size_to_str(block->page_size);
        g_string_append_printf(out, "%24s %8s  0x%016" PRIx64 " 0x%016"
                               PRIx64 " 0x%016" PRIx64 "\n", block->idstr,
                               psize, block->offset, block->used_length,
                               block->max_length);
        g_free(psize);
    }
}

void ram_block_set_dirty(RAMBlock *block, uint64_t start, uint64_t len)
{
    const unsigned bits = sizeof(long) * 8;
    uint64_t first, last;

    if (!len) {
        return;
    }
    first = start >> TARGET_PAGE_BITS;
    last = (start + len - 1) >> TARGET_PAGE_BITS;
    /* Atomic: the migration thread takes bits out while others set them. */
    for (uint64_t page = first; page <= last; page++) {
        __atomic_fetch_or(&block->dirty_bmap[page / bits],
                          1UL << (page % bits), __ATOMIC_RELAXED);
    }
    if (!(block->flags & RAM_ALIAS_COVERED)) {
        return;
    }
    /* Guest writes reach the covered block; migration reads its aliases. */
    for (GList *l = ram_blocks; l; l = l->next) {
        RAMBlock *alias = l->data;
        uint64_t lo, hi;

        if (alias->alias_of != block) {
            continue;
        }
        lo = MAX(start, alias->alias_offset);
        hi = MIN(start + len, alias->alias_offset + alias->used_length);
        if (lo < hi) {
            ram_block_set_dirty(alias, lo - alias->alias_offset, hi - lo);
        }
    }
}

