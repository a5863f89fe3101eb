/*
 * RAM blocks: the host memory behind RAM regions, laid out in one RAM
 * address space (ram_addr_t) that migration and dirty tracking index.
 *
 * A RAM block never allocates: its owner (a host memory backend, or a
 * device ROM) maps the memory and registers it here.  A block may instead
 * be a window onto part of another block's memory (an "alias block"),
 * which lets one backend appear as several blocks in a migration stream.
 */
#ifndef EXEC_RAMBLOCK_H
#define EXEC_RAMBLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "exec/hwaddr.h"
#include "qapi/error.h"

typedef struct MemoryRegion MemoryRegion;

#define RAM_BLOCK_IDSTR_MAX 256

typedef enum RAMBlockFlags {
    RAM_SHARED = 1 << 0,    /* MAP_SHARED: others see our stores */
    RAM_NORESERVE = 1 << 1, /* no swap/hugepage reservation */
    RAM_READONLY = 1 << 2,  /* mapped read-only (readonly file) */
    RAM_PMEM = 1 << 3,
    RAM_MIGRATABLE = 1 << 4,/* has an id and travels in the stream */
    /*
     * Alias blocks carry all of this block's memory in migration streams
     * (an old machine's layout); the block itself is neither migrated nor
     * listed by "info ramblock".
     */
    RAM_ALIAS_COVERED = 1 << 5,
} RAMBlockFlags;

typedef struct RAMBlock {
    char idstr[RAM_BLOCK_IDSTR_MAX];   /* "" until migratable */
    MemoryRegion *mr;
    uint8_t *host;
    ram_addr_t offset;          /* in the RAM address space */
    uint64_t used_length;       /* in bytes, host-page rounded */
    uint64_t max_length;        /* in bytes, host-page rounded */
    uint64_t mapped_length;     /* in bytes, what the owner mapped */
    uint64_t page_size;         /* host page size backing it, in bytes */
    int fd;                     /* -1 for anonymous memory */
    uint64_t fd_offset;         /* in bytes */
    uint32_t flags;             /* RAMBlockFlags */
    /* Alias blocks: a window into @alias_of's memory, no memory of own. */
    struct RAMBlock *alias_of;
    uint64_t alias_offset;      /* in bytes, inside alias_of */
    /* Dirty pages (one bit per target page), for migration. */
    unsigned long *dirty_bmap;
} RAMBlock;

/* Target page size used for dirty tracking and the migration stream. */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)

/*
 * Register memory the caller mapped at @host.  The block gets an offset in
 * the RAM address space and no id.  Never fails for valid arguments.
 */
RAMBlock *ram_block_add(MemoryRegion *mr, void *host, uint64_t size,
                        uint64_t page_size, int fd, uint64_t fd_offset,
                        uint32_t flags);
/* Register a window [offset, offset + size) of @parent as its own block. */
RAMBlock *ram_block_add_alias(MemoryRegion *mr, RAMBlock *parent,
                              uint64_t offset, uint64_t size);
/*
 * Set the used part of a block (at most max_length), rounded up to the
 * host page as QEMU rounds it.
 */
void ram_block_set_used_length(RAMBlock *block, uint64_t used);

/*
 * Blocks start at offsets aligned to one bitmap word of target pages
 * (64 << TARGET_PAGE_BITS), so the target's page size shapes the layout
 * "info ramblock" shows.  Set before the first block is added.
 */
void ram_block_set_target_page_bits(unsigned bits);

/* Unregister (does not unmap: the owner does). */
void ram_block_remove(RAMBlock *block);

/*
 * Give @block the id it has in migration streams and "info ramblock".
 * Error if another block already has it.
 */
bool ram_block_set_idstr(RAMBlock *block, const char *idstr, Error **errp);
void ram_block_unset_idstr(RAMBlock *block);

/*
 * Hand @block's place in migration streams to its alias blocks: @block
 * loses its id and gets RAM_ALIAS_COVERED.  Error (and no change) unless
 * its alias blocks cover every byte of it exactly once.  Guest writes
 * that dirty @block then dirty the alias blocks over the same bytes.
 */
bool ram_block_set_alias_covered(RAMBlock *block, Error **errp);

RAMBlock *ram_block_by_name(const char *idstr);
/* Iterate in list order (largest first, as QEMU keeps them). */
int ram_block_foreach(int (*fn)(RAMBlock *block, void *opaque), void *opaque);

/* "info ramblock" in QEMU 7.2's format (alias-covered blocks left out). */
void ram_block_format(GString *out);

/* Dirty tracking: mark [start, start+len) of @block dirty. */
void ram_block_set_dirty(RAMBlock *block, uint64_t start, uint64_t len);

#endif
