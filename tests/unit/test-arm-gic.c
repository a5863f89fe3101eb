/*
 * Tests for the GICv2 model: registers as the Linux driver programs
 * them, and the interrupt flow enable -> pending -> IAR -> EOIR.
 */
#include "hw/intc/arm_gic.h"
#include "qom/object.h"

#define DIST 0x08000000
#define CPUIF 0x08010000
#define NUM_IRQ 288

typedef struct Fixture {
    MemoryRegion root;
    AddressSpace as;
    GICState *gic;
    int level[2];           /* the IRQ outputs of CPUs 0 and 1 */
    int changes;
    qemu_irq out[2];
} Fixture;

static void out_handler(void *opaque, int n, int level)
{
    Fixture *f = opaque;

    f->level[n] = level;
    f->changes++;
}

static uint32_t rd(Fixture *f, hwaddr addr)
{
    uint32_t v = 0;

    g_assert_cmpint(address_space_read(&f->as, addr, &v, 4), ==, MEMTX_OK);
    return v;
}

static void wr(Fixture *f, hwaddr addr, uint32_t v)
{
    g_assert_cmpint(address_space_write(&f->as, addr, &v, 4), ==, MEMTX_OK);
}

static void wr8(Fixture *f, hwaddr addr, uint8_t v)
{
    g_assert_cmpint(address_space_write(&f->as, addr, &v, 1), ==, MEMTX_OK);
}

static void setup(Fixture *f, int num_cpu)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", 0x10000000);
    address_space_init(&f->as, &f->root, "test");
    f->gic = arm_gic_new(&f->root, DIST, CPUIF, NUM_IRQ, num_cpu,
                         &error_abort);
    for (int i = 0; i < num_cpu; i++) {
        f->out[i] = qemu_allocate_irq(out_handler, f, i);
        arm_gic_connect_cpu(f->gic, i, f->out[i], NULL);
    }
    arm_gic_set_thread_cpu(0);
}

/* What Linux's gic_dist_init/gic_cpu_init leave: all on, PMR 0xf0. */
static void setup_linux(Fixture *f, int num_cpu)
{
    setup(f, num_cpu);
    for (int i = 0; i < NUM_IRQ; i += 4) {
        wr(f, DIST + 0x400 + i, 0xa0a0a0a0);
    }
    wr(f, DIST + 0x000, 1);
    wr(f, CPUIF + 0x04, 0xf0);
    wr(f, CPUIF + 0x00, 1);
}

static void teardown(Fixture *f)
{
    object_unref(f->gic);
    address_space_destroy(&f->as);
    memory_region_finalize(&f->root);
    for (int i = 0; i < 2; i++) {
        qemu_free_irq(f->out[i]);
    }
}

static void test_id_registers(void)
{
    Fixture f;

    setup(&f, 1);
    /* ITLinesNumber 8 (288 = 9 * 32), CPUNumber 0. */
    g_assert_cmphex(rd(&f, DIST + 0x004), ==, 8);
    g_assert_cmphex(rd(&f, DIST + 0x008), ==, 0x0100143b);
    g_assert_cmphex(rd(&f, CPUIF + 0xfc), ==, 0x0002043b);
    g_assert_cmphex(rd(&f, DIST + 0xfe8), ==, 0x2b);   /* ArchRev 2 */
    /* SGIs read as edge, ITARGETSR of a banked one as the own CPU. */
    g_assert_cmphex(rd(&f, DIST + 0xc00), ==, 0xaaaaaaaa);
    g_assert_cmphex(rd(&f, DIST + 0x800), ==, 0x01010101);
    g_assert_cmphex(rd(&f, CPUIF + 0x0c), ==, 1023);   /* spurious */
    teardown(&f);
}

static void test_bad_config(void)
{
    MemoryRegion root;
    Error *err = NULL;

    memory_region_init(&root, NULL, "root", 0x10000000);
    g_assert_null(arm_gic_new(&root, DIST, CPUIF, 100, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "arm_gic: num-irq 100 is not a multiple of 32 from 64 "
                    "to 1020");
    error_free(err);
    err = NULL;
    g_assert_null(arm_gic_new(&root, DIST, CPUIF, 288, 9, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "arm_gic: num-cpu 9 is not from 1 to 8");
    error_free(err);
    memory_region_finalize(&root);
}

static void test_spi_level_flow(void)
{
    Fixture f;
    qemu_irq line;

    setup_linux(&f, 1);
    line = arm_gic_get_irq(f.gic, 0, 33);
    wr(&f, DIST + 0x820, 0x0100);   /* ITARGETSR: SPI 33 to CPU 0 */
    qemu_set_irq(line, 1);
    /* Not enabled yet: pending, but not signalled. */
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmphex(rd(&f, DIST + 0x204), ==, 1u << 1);
    wr(&f, DIST + 0x104, 1u << 1);  /* ISENABLER1 */
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_cmphex(rd(&f, DIST + 0x104), ==, 1u << 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x18), ==, 33);     /* HPPIR */
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 33);     /* IAR */
    /* Active (and still pending: the line is high), output low. */
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmphex(rd(&f, DIST + 0x304), ==, 1u << 1);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0xa0);    /* RPR */
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 1023);
    /* EOI with the line still high: signalled again. */
    wr(&f, CPUIF + 0x10, 33);
    g_assert_cmphex(rd(&f, DIST + 0x304), ==, 0);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0xff);
    g_assert_cmpint(f.level[0], ==, 1);
    qemu_set_irq(line, 0);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmphex(rd(&f, DIST + 0x204), ==, 0);
    teardown(&f);
}

static void test_edge(void)
{
    Fixture f;
    qemu_irq line;

    setup_linux(&f, 1);
    line = arm_gic_get_irq(f.gic, 0, 40);
    wr8(&f, DIST + 0x800 + 40, 1);
    wr(&f, DIST + 0xc08, 2u << 16); /* ICFGR2: INTID 40 edge */
    g_assert_cmphex(rd(&f, DIST + 0xc08), ==, 2u << 16);
    wr(&f, DIST + 0x104, 1u << 8);
    qemu_set_irq(line, 1);
    qemu_set_irq(line, 0);
    /* The edge was latched although the line is low again. */
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 40);
    g_assert_cmphex(rd(&f, DIST + 0x204), ==, 0);
    wr(&f, CPUIF + 0x10, 40);
    g_assert_cmpint(f.level[0], ==, 0);
    /* A new edge while active: pending again, signalled after EOI. */
    qemu_set_irq(line, 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 40);
    qemu_set_irq(line, 0);
    qemu_set_irq(line, 1);
    g_assert_cmpint(f.level[0], ==, 0);
    wr(&f, CPUIF + 0x10, 40);
    g_assert_cmpint(f.level[0], ==, 1);
    /* ICPENDR drops it. */
    wr(&f, DIST + 0x284, 1u << 8);
    g_assert_cmpint(f.level[0], ==, 0);
    teardown(&f);
}

static void test_priority(void)
{
    Fixture f;

    setup_linux(&f, 1);
    /* PPI 30 (timer) and SPI 34 at different priorities. */
    wr8(&f, DIST + 0x400 + 30, 0x80);
    wr8(&f, DIST + 0x400 + 34, 0x40);
    wr8(&f, DIST + 0x800 + 34, 1);
    wr(&f, DIST + 0x100, 1u << 30);
    wr(&f, DIST + 0x104, 1u << 2);
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 30), 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 30);
    /* A higher priority preempts; the same or lower does not. */
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 34), 1);
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 34);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0x40);
    wr(&f, CPUIF + 0x10, 34);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0x80);
    wr(&f, CPUIF + 0x10, 30);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0xff);
    /* Both lines high: the higher priority is taken first. */
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 34);
    wr(&f, CPUIF + 0x10, 34);
    /* PMR masks priorities at or below it. */
    wr(&f, CPUIF + 0x04, 0x80);
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 34), 0);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 1023);
    g_assert_cmpuint(rd(&f, CPUIF + 0x18), ==, 30);
    wr(&f, CPUIF + 0x04, 0x81);
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_cmphex(rd(&f, CPUIF + 0x04), ==, 0x81);
    /* The distributor's and the interface's enables gate it. */
    wr(&f, CPUIF + 0x00, 0);
    g_assert_cmpint(f.level[0], ==, 0);
    wr(&f, CPUIF + 0x00, 1);
    wr(&f, DIST + 0x000, 0);
    g_assert_cmpint(f.level[0], ==, 0);
    wr(&f, DIST + 0x000, 1);
    g_assert_cmpint(f.level[0], ==, 1);
    /* ICENABLER too. */
    wr(&f, DIST + 0x180, 1u << 30);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmphex(rd(&f, DIST + 0x100), ==, 0);
    teardown(&f);
}

static void test_eoimode_dir(void)
{
    Fixture f;

    setup_linux(&f, 1);
    wr(&f, CPUIF + 0x00, 0x201);    /* EOImode: EOIR drops, DIR ends */
    wr(&f, DIST + 0x100, 1u << 27);
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 27), 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 27);
    wr(&f, CPUIF + 0x10, 27);
    g_assert_cmphex(rd(&f, CPUIF + 0x14), ==, 0xff);
    g_assert_cmphex(rd(&f, DIST + 0x300), ==, 1u << 27);
    g_assert_cmpint(f.level[0], ==, 0);
    wr(&f, CPUIF + 0x1000, 27);
    g_assert_cmphex(rd(&f, DIST + 0x300), ==, 0);
    g_assert_cmpint(f.level[0], ==, 1);
    teardown(&f);
}

static void test_sgi(void)
{
    Fixture f;

    setup_linux(&f, 2);
    arm_gic_set_thread_cpu(1);
    wr(&f, CPUIF + 0x04, 0xf0);
    wr(&f, CPUIF + 0x00, 1);
    wr(&f, DIST + 0x100, 0xffff);
    arm_gic_set_thread_cpu(0);
    wr(&f, DIST + 0x100, 0xffff);
    g_assert_cmphex(rd(&f, DIST + 0x004), ==, 8 | (1 << 5));
    /* SGI 3 from CPU 0 to CPU 1 (target list). */
    wr(&f, DIST + 0xf00, (2u << 16) | 3);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmpint(f.level[1], ==, 1);
    /* SGI 5 to itself: CPU 0 sees it, CPU 1's IAR shows the sender. */
    wr(&f, DIST + 0xf00, (2u << 24) | 5);
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 5);
    wr(&f, CPUIF + 0x10, 5);
    arm_gic_set_thread_cpu(1);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, 3);
    /* From CPU 1 to all others: CPU 0, source 1 in IAR[12:10]. */
    wr(&f, DIST + 0xf00, (1u << 24) | 7);
    wr(&f, CPUIF + 0x10, 3);
    arm_gic_set_thread_cpu(0);
    g_assert_cmpuint(rd(&f, CPUIF + 0x0c), ==, (1u << 10) | 7);
    wr(&f, CPUIF + 0x10, (1u << 10) | 7);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmpint(f.level[1], ==, 0);
    /* Writing an SGI's ISPENDR bit does nothing. */
    wr(&f, DIST + 0x200, 1);
    g_assert_cmphex(rd(&f, DIST + 0x200), ==, 0);
    teardown(&f);
}

/* A PPI is banked: CPU 1's timer line does not reach CPU 0. */
static void test_ppi_banked(void)
{
    Fixture f;

    setup_linux(&f, 2);
    wr(&f, DIST + 0x100, 1u << 30);
    qemu_set_irq(arm_gic_get_irq(f.gic, 1, 30), 1);
    g_assert_cmpint(f.level[0], ==, 0);
    g_assert_cmphex(rd(&f, DIST + 0x200), ==, 0);
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 30), 1);
    g_assert_cmpint(f.level[0], ==, 1);
    g_assert_null(arm_gic_get_irq(f.gic, 2, 30));
    g_assert_null(arm_gic_get_irq(f.gic, 0, NUM_IRQ));
    teardown(&f);
}

/* An output handler that reads IAR (re-enters the GIC) must not hang. */
static Fixture *reenter_fixture;
static uint32_t reenter_iar;

static void reenter_handler(void *opaque, int n, int level)
{
    if (level) {
        reenter_iar = rd(reenter_fixture, CPUIF + 0x0c);
    }
}

static void test_reentrant_output(void)
{
    Fixture f;
    qemu_irq out;

    setup_linux(&f, 1);
    reenter_fixture = &f;
    out = qemu_allocate_irq(reenter_handler, NULL, 0);
    arm_gic_connect_cpu(f.gic, 0, out, NULL);
    wr(&f, DIST + 0x100, 1u << 27);
    qemu_set_irq(arm_gic_get_irq(f.gic, 0, 27), 1);
    g_assert_cmpuint(reenter_iar, ==, 27);
    g_assert_cmphex(rd(&f, DIST + 0x300), ==, 1u << 27);
    arm_gic_connect_cpu(f.gic, 0, NULL, NULL);
    qemu_free_irq(out);
    teardown(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-gic/id-registers", test_id_registers);
    g_test_add_func("/arm-gic/bad-config", test_bad_config);
    g_test_add_func("/arm-gic/spi-level", test_spi_level_flow);
    g_test_add_func("/arm-gic/edge", test_edge);
    g_test_add_func("/arm-gic/priority", test_priority);
    g_test_add_func("/arm-gic/eoimode-dir", test_eoimode_dir);
    g_test_add_func("/arm-gic/sgi", test_sgi);
    g_test_add_func("/arm-gic/ppi-banked", test_ppi_banked);
    g_test_add_func("/arm-gic/reentrant-output", test_reentrant_output);
    return g_test_run();
}
