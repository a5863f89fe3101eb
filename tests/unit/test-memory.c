/* Tests for the memory API: flattening, aliases, listeners, dispatch. */
#include <string.h>

#include "exec/memory.h"
#include "exec/ramblock.h"

static char *flat_lines(MemoryRegion *root)
{
    FlatView *fv = generate_memory_topology(root);
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < fv->nr; i++) {
        FlatRange *fr = &fv->ranges[i];

        g_string_append_printf(s, "%" PRIx64 "-%" PRIx64 " %s@%" PRIx64 "%s\n",
                               (uint64_t)fr->addr,
                               (uint64_t)(fr->addr + fr->size - 1),
                               memory_region_name(fr->mr),
                               fr->offset_in_region,
                               fr->readonly ? " ro" : "");
    }
    flatview_unref(fv);
    return g_string_free(s, FALSE);
}

static uint8_t backing[64 * 1024];

static void init_ram(MemoryRegion *mr, const char *name, size_t size)
{
    RAMBlock *b = ram_block_add(mr, backing, size, 4096, -1, 0, 0);

    memory_region_init_ram_from_block(mr, NULL, name, size, b);
}

static void test_priority_and_alias(void)
{
    MemoryRegion root, ram, lo, hi, rom;
    RAMBlock *romblock;
    static uint8_t rombuf[0x1000];
    char *s;

    memory_region_init(&root, NULL, "root", 0x100000);
    init_ram(&ram, "ram", 0x10000);
    memory_region_init_alias(&lo, NULL, "lo", &ram, 0, 0x8000);
    memory_region_init_alias(&hi, NULL, "hi", &ram, 0x8000, 0x8000);
    romblock = ram_block_add(&rom, rombuf, 0x1000, 4096, -1, 0, 0);
    memory_region_init_ram_from_block(&rom, NULL, "rom", 0x1000,
                                      romblock);
    memory_region_set_readonly(&rom, true);
    memory_region_add_subregion(&root, 0, &lo);
    memory_region_add_subregion(&root, 0x40000, &hi);
    memory_region_add_subregion_overlap(&root, 0x2000, &rom, 1);

    s = flat_lines(&root);
    g_assert_cmpstr(s, ==,
                    "0-1fff ram@0\n"
                    "2000-2fff rom@0 ro\n"
                    "3000-7fff ram@3000\n"
                    "40000-47fff ram@8000\n");
    g_free(s);

    /* Adjacent aliases with contiguous offsets merge into one range. */
    memory_region_set_address(&hi, 0x8000);
    memory_region_set_enabled(&rom, false);
    s = flat_lines(&root);
    g_assert_cmpstr(s, ==, "0-ffff ram@0\n");
    g_free(s);

    memory_region_finalize(&rom);
    memory_region_finalize(&hi);
    memory_region_finalize(&lo);
    memory_region_finalize(&root);
    ram_block_remove(romblock);
    ram_block_remove(ram.ram_block);
    ram.ram_block = NULL;
    memory_region_finalize(&ram);
}

typedef struct Counter {
    MemoryListener ml;
    int adds, dels, begins, commits;
    GString *log;
} Counter;

static void c_begin(MemoryListener *l)
{
    ((Counter *)l)->begins++;
}

static void c_commit(MemoryListener *l)
{
    ((Counter *)l)->commits++;
}

static void c_add(MemoryListener *l, MemoryRegionSection *s)
{
    Counter *c = (Counter *)l;

    c->adds++;
    g_string_append_printf(c->log, "+%s@%" PRIx64 " ", memory_region_name(s->mr),
                           s->offset_within_address_space);
}

static void c_del(MemoryListener *l, MemoryRegionSection *s)
{
    Counter *c = (Counter *)l;

    c->dels++;
    g_string_append_printf(c->log, "-%s@%" PRIx64 " ", memory_region_name(s->mr),
                           s->offset_within_address_space);
}

static void test_listener(void)
{
    MemoryRegion root, ram, alias;
    AddressSpace as;
    Counter c = {
        .ml = { .begin = c_begin, .commit = c_commit, .region_add = c_add,
                .region_del = c_del },
        .log = g_string_new(NULL),
    };

    memory_region_init(&root, NULL, "root", 0x100000);
    init_ram(&ram, "ram", 0x4000);
    memory_region_add_subregion(&root, 0x1000, &ram);
    address_space_init(&as, &root, "test");
    memory_listener_register(&c.ml, &as);
    g_assert_cmpstr(c.log->str, ==, "+ram@1000 ");
    g_string_truncate(c.log, 0);

    memory_region_init_alias(&alias, NULL, "alias", &ram, 0, 0x1000);
    memory_region_add_subregion(&root, 0x80000, &alias);
    g_assert_cmpstr(c.log->str, ==, "+ram@80000 ");
    g_string_truncate(c.log, 0);

    /* A batch: both changes reach the listener in one begin/commit. */
    c.begins = c.commits = 0;
    memory_region_transaction_begin();
    memory_region_del_subregion(&root, &alias);
    memory_region_set_address(&ram, 0x2000);
    memory_region_transaction_commit();
    g_assert_cmpint(c.begins, ==, 1);
    g_assert_cmpint(c.commits, ==, 1);
    g_assert_cmpstr(c.log->str, ==, "-ram@1000 -ram@80000 +ram@2000 ");

    memory_listener_unregister(&c.ml);
    address_space_destroy(&as);
    memory_region_finalize(&alias);
    memory_region_finalize(&root);
    ram_block_remove(ram.ram_block);
    ram.ram_block = NULL;
    memory_region_finalize(&ram);
    g_string_free(c.log, TRUE);
}

static uint64_t last_write, last_addr;
static unsigned last_size;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x11223344 + addr;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    last_write = val;
    last_addr = addr;
    last_size = size;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .min_access_size = 1,
    .max_access_size = 4,
};

static void test_dispatch(void)
{
    MemoryRegion root, ram, dev;
    AddressSpace as;
    uint32_t v = 0xdeadbeef, r = 0;
    uint8_t buf[8];

    memory_region_init(&root, NULL, "root", 0x100000);
    init_ram(&ram, "ram", 0x4000);
    memory_region_init_io(&dev, NULL, &dev_ops, NULL, "dev", 0x100);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, 0x10000, &dev);
    address_space_init(&as, &root, "test");

    g_assert_cmpint(address_space_write(&as, 0x100, &v, 4), ==, MEMTX_OK);
    g_assert_cmpuint(*(uint32_t *)(backing + 0x100), ==, 0xdeadbeef);
    g_assert_cmpint(address_space_read(&as, 0x100, &r, 4), ==, MEMTX_OK);
    g_assert_cmpuint(r, ==, 0xdeadbeef);
    g_assert_cmpint(address_space_write(&as, 0x10004, &v, 4), ==, MEMTX_OK);
    g_assert_cmpuint(last_write, ==, 0xdeadbeef);
    g_assert_cmpuint(last_addr, ==, 4);
    g_assert_cmpuint(last_size, ==, 4);
    g_assert_cmpint(address_space_read(&as, 0x10000, &r, 4), ==, MEMTX_OK);
    g_assert_cmpuint(r, ==, 0x11223344);
    /* Unassigned reads return zero and report a decode error. */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(address_space_read(&as, 0x90000, buf, 8), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[7], ==, 0);
    /* A read across the end of RAM: RAM part then unassigned. */
    g_assert_cmpint(address_space_read(&as, 0x3ffc, buf, 8), ==,
                    MEMTX_DECODE_ERROR);

    address_space_destroy(&as);
    memory_region_finalize(&dev);
    memory_region_finalize(&root);
    ram_block_remove(ram.ram_block);
    ram.ram_block = NULL;
    memory_region_finalize(&ram);
}

static void test_ramblock_layout(void)
{
    static uint8_t a[0x10000], b[0x40000];
    MemoryRegion ma, mb;
    RAMBlock *ba, *bb;
    GString *out = g_string_new(NULL);
    Error *err = NULL;

    ba = ram_block_add(&ma, a, sizeof(a), 4096, -1, 0, 0);
    bb = ram_block_add(&mb, b, sizeof(b), 4096, -1, 0, 0);
    /* First block at 0; the next after it, rounded to 256 KiB. */
    g_assert_cmpuint(ba->offset, ==, 0);
    g_assert_cmpuint(bb->offset, ==, 0x40000);
    g_assert_true(ram_block_set_idstr(ba, "a", &error_abort));
    g_assert_false(ram_block_set_idstr(bb, "a", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "RAMBlock \"a\" already registered");
    error_free_or_abort(&err);
    g_assert_true(ram_block_set_idstr(bb, "b", &error_abort));
    ram_block_format(out);
    /* Largest first, QEMU's columns. */
    g_assert_cmpstr(out->str, ==,
        "              Block Name    PSize              Offset"
        "               Used              Total\n"
        "                       b    4 KiB  0x0000000000040000"
        " 0x0000000000040000 0x0000000000040000\n"
        "                       a    4 KiB  0x0000000000000000"
        " 0x0000000000010000 0x0000000000010000\n");
    g_string_free(out, TRUE);
    ram_block_remove(ba);
    ram_block_remove(bb);
}

static bool page_dirty(RAMBlock *b, uint64_t offset)
{
    uint64_t page = offset >> TARGET_PAGE_BITS;
    const unsigned bits = sizeof(long) * 8;

    return b->dirty_bmap[page / bits] & (1UL << (page % bits));
}

/*
 * One RAM region seen as two migratable alias blocks (the s390 old-layout
 * case): the aliases take over the block's place, writes reach them.
 */
static void test_alias_ram_blocks(void)
{
    static uint8_t mem[0x20000];
    MemoryRegion root, ram, a0, a1;
    AddressSpace as;
    RAMBlock *parent;
    GString *out = g_string_new(NULL);
    Error *err = NULL;
    uint32_t v = 0x12345678;

    memory_region_init(&root, NULL, "root", 0x100000);
    parent = ram_block_add(&ram, mem, sizeof(mem), 4096, -1, 0, 0);
    memory_region_init_ram_from_block(&ram, NULL, "s390.ram", sizeof(mem),
                                      parent);
    memory_region_init_alias(&a0, NULL, "a0", &ram, 0, 0x10000);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0x10000, 0x8000);
    g_assert_true(memory_region_alias_add_ram_block(&a0, "s390.ram",
                                                    &error_abort));
    g_assert_true(memory_region_alias_add_ram_block(&a1, "s390.ram.1",
                                                    &error_abort));
    /* Not every byte is covered yet: refused, nothing changes. */
    g_assert_false(ram_block_set_alias_covered(parent, &err));
    g_assert_nonnull(err);
    error_free_or_abort(&err);
    g_assert_false(parent->flags & RAM_ALIAS_COVERED);

    memory_region_finalize(&a1);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0x10000, 0x10000);
    g_assert_true(memory_region_alias_add_ram_block(&a1, "s390.ram.1",
                                                    &error_abort));
    g_assert_true(ram_block_set_alias_covered(parent, &error_abort));
    g_assert_true(parent->flags & RAM_ALIAS_COVERED);
    /* The windows share the parent's memory: no copy. */
    g_assert_true(a1.ram_block->host == mem + 0x10000);

    ram_block_format(out);
    g_assert_cmpstr(out->str, ==,
        "              Block Name    PSize              Offset"
        "               Used              Total\n"
        "                s390.ram    4 KiB  0x0000000000040000"
        " 0x0000000000010000 0x0000000000010000\n"
        "              s390.ram.1    4 KiB  0x0000000000080000"
        " 0x0000000000010000 0x0000000000010000\n");

    memory_region_add_subregion(&root, 0, &a0);
    memory_region_add_subregion(&root, 0x10000, &a1);
    address_space_init(&as, &root, "test");
    g_assert_false(page_dirty(a1.ram_block, 0x3000));
    address_space_write(&as, 0x13000, &v, sizeof(v));
    g_assert_cmpuint(*(uint32_t *)(mem + 0x13000), ==, 0x12345678);
    /* Migration reads the alias block: the write made it dirty there. */
    g_assert_true(page_dirty(a1.ram_block, 0x3000));
    g_assert_false(page_dirty(a0.ram_block, 0x3000));

    address_space_destroy(&as);
    memory_region_finalize(&a0);
    memory_region_finalize(&a1);
    memory_region_finalize(&root);
    ram_block_remove(parent);
    ram.ram_block = NULL;
    memory_region_finalize(&ram);
    g_string_free(out, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/priority-alias", test_priority_and_alias);
    g_test_add_func("/memory/listener", test_listener);
    g_test_add_func("/memory/dispatch", test_dispatch);
    g_test_add_func("/memory/ramblock-layout", test_ramblock_layout);
    g_test_add_func("/memory/alias-ram-blocks", test_alias_ram_blocks);
    return g_test_run();
}
