/*
 * Tests for the PL011's interrupt line: the OR of RIS & IMSC, as the
 * Linux amba-pl011 driver expects of its transmit interrupt.
 */
#include "hw/char/pl011.h"
#include "qom/object.h"

#define BASE 0x09000000
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define INT_TX 0x20
#define INT_RX 0x10

typedef struct Fixture {
    MemoryRegion root;
    AddressSpace as;
    PL011State *uart;
    qemu_irq irq;
    int level, changes;
} Fixture;

static void irq_handler(void *opaque, int n, int level)
{
    Fixture *f = opaque;

    f->level = level;
    f->changes++;
}

static uint32_t rd(Fixture *f, hwaddr off)
{
    uint32_t v = 0;

    g_assert_cmpint(address_space_read(&f->as, BASE + off, &v, 4), ==,
                    MEMTX_OK);
    return v;
}

static void wr(Fixture *f, hwaddr off, uint32_t v)
{
    g_assert_cmpint(address_space_write(&f->as, BASE + off, &v, 4), ==,
                    MEMTX_OK);
}

static void setup(Fixture *f, gconstpointer data)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", 0x10000000);
    address_space_init(&f->as, &f->root, "test");
    f->uart = pl011_create(&f->root, BASE, NULL);
    f->irq = qemu_allocate_irq(irq_handler, f, 0);
    pl011_connect_irq(f->uart, f->irq);
}

static void teardown(Fixture *f, gconstpointer data)
{
    address_space_destroy(&f->as);
    memory_region_finalize(&f->root);
    qemu_free_irq(f->irq);
}

/* Masked at reset: the transmit interrupt is raw only. */
static void test_reset_masked(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(rd(f, RIS), ==, INT_TX);
    g_assert_cmphex(rd(f, MIS), ==, 0);
    g_assert_cmpint(f->level, ==, 0);
    g_assert_cmpint(f->changes, ==, 0);
}

/* TXIM raises the line (the transmitter is always ready); clearing it,
 * as the driver does once its buffer is empty, lowers it. */
static void test_tx_interrupt(Fixture *f, gconstpointer data)
{
    wr(f, IMSC, INT_TX);
    g_assert_cmpint(f->level, ==, 1);
    g_assert_cmphex(rd(f, MIS), ==, INT_TX);
    wr(f, IMSC, INT_TX | INT_RX);
    g_assert_cmpint(f->changes, ==, 1);
    /* No input: RX unmasked alone keeps the line low. */
    wr(f, IMSC, INT_RX);
    g_assert_cmpint(f->level, ==, 0);
    g_assert_cmphex(rd(f, MIS), ==, 0);
    g_assert_cmpint(f->changes, ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/pl011/reset-masked", Fixture, NULL, setup,
               test_reset_masked, teardown);
    g_test_add("/pl011/tx-interrupt", Fixture, NULL, setup,
               test_tx_interrupt, teardown);
    return g_test_run();
}
