/*
 * Tests for accel tcg: the memory map follows the flat view while a guest
 * runs, stop/start pause and resume the vCPU, and dirty tracking sees the
 * guest's stores while it is on.
 *
 * The guest is a few aarch64 instructions (below, with their encodings)
 * in a RAM region at 0x40000000: it counts loop iterations in RAM and,
 * when the test raises a flag, copies the word at 0x50000000 (mapped and
 * unmapped by the test while the guest runs) into RAM.
 */
#include <string.h>

#include "exec/memory.h"
#include "exec/ramblock.h"
#include "hw/boards.h"
#include "hw/loader.h"
#include "qemu/cutils.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"

#define RAM_BASE 0x40000000
#define PROBE_BASE 0x50000000
#define COUNTER 0x1000          /* offsets in RAM of the guest's data */
#define FLAG 0x1008
#define RESULT 0x1010
#define WAIT_US (10 * G_USEC_PER_SEC)

static const uint32_t guest_code[] = {
    0xd2a80000,     /* mov  x0, #0x40000000 */
    0xd2aa0001,     /* mov  x1, #0x50000000 */
    0xf9480002,     /* loop: ldr x2, [x0, #COUNTER] */
    0x91000442,     /* add  x2, x2, #1 */
    0xf9080002,     /* str  x2, [x0, #COUNTER] */
    0xf9480403,     /* ldr  x3, [x0, #FLAG] */
    0xb4ffff83,     /* cbz  x3, loop */
    0xf9400024,     /* ldr  x4, [x1] */
    0xf9080804,     /* str  x4, [x0, #RESULT] */
    0xf908041f,     /* str  xzr, [x0, #FLAG] */
    0x17fffff8,     /* b    loop */
};

static uint8_t *ram;

static uint64_t guest_word(hwaddr offset)
{
    return __atomic_load_n((uint64_t *)(ram + offset), __ATOMIC_SEQ_CST);
}

static void set_guest_word(hwaddr offset, uint64_t value)
{
    __atomic_store_n((uint64_t *)(ram + offset), value, __ATOMIC_SEQ_CST);
}

/* Wait until the guest's counter moves past @than; false on timeout. */
static bool counter_passes(uint64_t than)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    while (g_get_monotonic_time() < deadline) {
        if (guest_word(COUNTER) > than) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/* Raise the flag and return what the guest then read at PROBE_BASE. */
static bool probe(uint64_t *value)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    set_guest_word(RESULT, 0);
    set_guest_word(FLAG, 1);
    while (g_get_monotonic_time() < deadline) {
        if (!guest_word(FLAG)) {
            *value = guest_word(RESULT);
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/*
 * An 8-byte read-only register; unicorn splits 8-byte MMIO accesses into
 * two 4-byte ones, so each access returns its part.
 */
#define IO_VALUE 0x10c0ffee0badf00dULL

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = addr < 8 ? IO_VALUE >> (8 * addr) : 0;

    return size < 8 ? v & ((1ULL << (8 * size)) - 1) : v;
}

static void io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* One aarch64 vCPU under accel tcg running guest_code from RAM_BASE. */
typedef struct TCGTest {
    MachineState *ms;
    AccelState *accel;
    AccelClass *ac;
    MemoryRegion ram_mr;
    GuestBootInfo boot;
} TCGTest;

static void tcg_test_start(TCGTest *t)
{
    target_arch_set(ARCH_AARCH64);
    t->boot = (GuestBootInfo) { .entry = RAM_BASE };
    t->ms = MACHINE(object_new(MACHINE_TYPE_NAME("none")));
    t->ms->boot = &t->boot;
    g_assert_true(memory_region_init_device_ram(&t->ram_mr, NULL, "test.ram",
                                                64 * KiB, &error_abort));
    ram = memory_region_get_ram_ptr(&t->ram_mr);
    memcpy(ram, guest_code, sizeof(guest_code));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &t->ram_mr);

    t->accel = accel_create("tcg", &error_abort);
    t->ac = ACCEL_GET_CLASS(t->accel);
    g_assert_true(t->ac->init_machine(t->accel, t->ms, &error_abort));
    g_assert_true(t->ac->start_vcpus(t->accel, t->ms, &error_abort));
    /* Left running by the test before: start it anew. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    vm_start();
    g_assert_true(counter_passes(0));
}

static void tcg_test_end(TCGTest *t)
{
    t->ac->shutdown(t->accel);
    object_unref(t->accel);
    memory_region_del_subregion(get_system_memory(), &t->ram_mr);
    memory_region_finalize(&t->ram_mr);
    t->ms->boot = NULL;
    object_unref(t->ms);
}

static void test_map_changes_while_running(void)
{
    TCGTest t;
    MemoryRegion probe_ram, probe_io;
    uint64_t value, count;

    tcg_test_start(&t);

    /* RAM mapped while the guest runs is visible to it. */
    g_assert_true(memory_region_init_device_ram(&probe_ram, NULL,
                                                "test.probe", 4 * KiB,
                                                &error_abort));
    *(uint64_t *)memory_region_get_ram_ptr(&probe_ram) = 0x1122334455667788;
    memory_region_add_subregion(get_system_memory(), PROBE_BASE, &probe_ram);
    g_assert_true(probe(&value));
    g_assert_cmphex(value, ==, 0x1122334455667788);

    /* An I/O region smaller than a page: dispatched through the page. */
    memory_region_del_subregion(get_system_memory(), &probe_ram);
    memory_region_init_io(&probe_io, NULL, &io_ops, NULL, "test.io", 8);
    memory_region_add_subregion(get_system_memory(), PROBE_BASE, &probe_io);
    g_assert_true(probe(&value));
    g_assert_cmphex(value, ==, IO_VALUE);

    /* Unmapped again: the guest keeps running as long as it stays off. */
    memory_region_del_subregion(get_system_memory(), &probe_io);
    count = guest_word(COUNTER);
    g_assert_true(counter_passes(count));

    /* Stopped, the counter stands still; started, it moves again. */
    vm_stop(RUN_STATE_PAUSED);
    count = guest_word(COUNTER);
    g_usleep(50 * 1000);
    g_assert_cmpuint(guest_word(COUNTER), ==, count);
    vm_start();
    g_assert_true(counter_passes(count));

    tcg_test_end(&t);
    memory_region_finalize(&probe_io);
    memory_region_finalize(&probe_ram);
}

static bool page_dirty(RAMBlock *block, uint64_t page)
{
    const unsigned bits = sizeof(long) * 8;

    return __atomic_load_n(&block->dirty_bmap[page / bits],
                           __ATOMIC_SEQ_CST) & (1UL << (page % bits));
}

static void clear_dirty(RAMBlock *block)
{
    const unsigned bits = sizeof(long) * 8;
    uint64_t pages = block->used_length / TARGET_PAGE_SIZE;

    for (uint64_t w = 0; w * bits < pages; w++) {
        __atomic_store_n(&block->dirty_bmap[w], 0, __ATOMIC_SEQ_CST);
    }
}

/* The guest stores its counter into page 1 of RAM, and nowhere else. */
static void test_dirty_log(void)
{
    TCGTest t;
    RAMBlock *block;
    uint64_t count;

    tcg_test_start(&t);
    block = memory_region_get_ram_block(&t.ram_mr);

    /* Off: guest stores leave the bitmap alone. */
    clear_dirty(block);
    count = guest_word(COUNTER);
    g_assert_true(counter_passes(count));
    g_assert_false(page_dirty(block, 1));

    /* On: after a sync, the page of the counter is dirty, others not. */
    g_assert_true(t.ac->log_start(t.accel, &error_abort));
    count = guest_word(COUNTER);
    g_assert_true(counter_passes(count));
    t.ac->log_sync(t.accel);
    g_assert_true(page_dirty(block, 1));
    g_assert_false(page_dirty(block, 0));
    g_assert_false(page_dirty(block, 2));

    /* Every store after a sync is seen by the next one. */
    clear_dirty(block);
    count = guest_word(COUNTER);
    g_assert_true(counter_passes(count));
    t.ac->log_sync(t.accel);
    g_assert_true(page_dirty(block, 1));

    /* Stopped, the guest stores nothing: a sync finds nothing new. */
    vm_stop(RUN_STATE_PAUSED);
    t.ac->log_sync(t.accel);
    clear_dirty(block);
    t.ac->log_sync(t.accel);
    g_assert_false(page_dirty(block, 1));
    vm_start();

    /* Off again: nothing more is marked. */
    t.ac->log_stop(t.accel);
    clear_dirty(block);
    count = guest_word(COUNTER);
    g_assert_true(counter_passes(count));
    t.ac->log_sync(t.accel);
    g_assert_false(page_dirty(block, 1));

    tcg_test_end(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg/map-changes-while-running",
                    test_map_changes_while_running);
    g_test_add_func("/tcg/dirty-log", test_dirty_log);
    return g_test_run();
}
