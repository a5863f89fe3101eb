/*
 * Tests for the Arm generic timer model: register semantics as the
 * Linux arch_timer driver uses them, and the output line.
 */
#include <glib.h>

#include "hw/timer/arm_generic_timer.h"

/* The virtual timer's registers: op0 3, op1 3, CRn 14, CRm 3. */
#define V_TVAL 3, 3, 14, 3, 0
#define V_CTL 3, 3, 14, 3, 1
#define V_CVAL 3, 3, 14, 3, 2
#define P_CTL 3, 3, 14, 2, 1
#define P_CVAL 3, 3, 14, 2, 2
#define CNTVCT 3, 3, 14, 0, 2
#define WAIT_US (10 * G_USEC_PER_SEC)

typedef struct Fixture {
    ArmGenericTimer *t;
    qemu_irq out[ARM_GTIMER_NUM];
    GMutex lock;
    int level[ARM_GTIMER_NUM];
} Fixture;

static void out_handler(void *opaque, int n, int level)
{
    Fixture *f = opaque;

    g_mutex_lock(&f->lock);
    f->level[n] = level;
    g_mutex_unlock(&f->lock);
}

static int level_of(Fixture *f, int n)
{
    int v;

    g_mutex_lock(&f->lock);
    v = f->level[n];
    g_mutex_unlock(&f->lock);
    return v;
}

static void setup(Fixture *f, gconstpointer data)
{
    g_mutex_init(&f->lock);
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        f->out[i] = qemu_allocate_irq(out_handler, f, i);
        f->level[i] = 0;
    }
    f->t = arm_gtimer_new(f->out, 0);
}

static void teardown(Fixture *f, gconstpointer data)
{
    arm_gtimer_free(f->t);
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        qemu_free_irq(f->out[i]);
    }
    g_mutex_clear(&f->lock);
}

static uint64_t rd(Fixture *f, unsigned op0, unsigned op1, unsigned crn,
                   unsigned crm, unsigned op2)
{
    uint64_t v = 0;

    g_assert_true(arm_gtimer_sysreg_read(f->t, op0, op1, crn, crm, op2, &v));
    return v;
}

static void wr(Fixture *f, unsigned op0, unsigned op1, unsigned crn,
               unsigned crm, unsigned op2, uint64_t v)
{
    g_assert_true(arm_gtimer_sysreg_write(f->t, op0, op1, crn, crm, op2, v));
}

static bool wait_level(Fixture *f, int n, int want)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    while (g_get_monotonic_time() < deadline) {
        if (level_of(f, n) == want) {
            return true;
        }
        g_usleep(100);
    }
    return level_of(f, n) == want;
}

/* Other system registers are the CPU's. */
static void test_not_ours(Fixture *f, gconstpointer data)
{
    uint64_t v;

    /* CNTFRQ_EL0, CNTKCTL_EL1, TPIDR_EL1 */
    g_assert_false(arm_gtimer_sysreg_read(f->t, 3, 3, 14, 0, 0, &v));
    g_assert_false(arm_gtimer_sysreg_read(f->t, 3, 0, 14, 1, 0, &v));
    g_assert_false(arm_gtimer_sysreg_write(f->t, 3, 0, 13, 0, 4, 1));
}

/* The counter counts up; CTL keeps ENABLE/IMASK, ISTATUS is live. */
static void test_counter_and_ctl(Fixture *f, gconstpointer data)
{
    uint64_t a = rd(f, CNTVCT);

    g_usleep(1000);
    g_assert_cmpuint(rd(f, CNTVCT), >, a);
    wr(f, V_CVAL, UINT64_MAX);
    wr(f, V_CTL, 0xffffffff);
    g_assert_cmphex(rd(f, V_CTL), ==,
                    ARM_GTIMER_CTL_ENABLE | ARM_GTIMER_CTL_IMASK);
    wr(f, V_CVAL, 0);
    g_assert_cmphex(rd(f, V_CTL), ==, ARM_GTIMER_CTL_ENABLE |
                    ARM_GTIMER_CTL_IMASK | ARM_GTIMER_CTL_ISTATUS);
    /* Masked: the line stays low. */
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 0);
    wr(f, V_CTL, 0);
    g_assert_cmphex(rd(f, V_CTL), ==, 0);
}

/* TVAL writes set CVAL relative to now, signed; reads count down. */
static void test_tval(Fixture *f, gconstpointer data)
{
    uint64_t before = rd(f, CNTVCT);
    uint64_t cval;

    wr(f, V_TVAL, 1000000);
    cval = rd(f, V_CVAL);
    g_assert_cmpuint(cval, >=, before + 1000000);
    g_assert_cmpuint(cval, <=, rd(f, CNTVCT) + 1000000);
    g_assert_cmpuint(rd(f, V_TVAL), <=, 1000000);
    /* A negative TVAL puts the compare value in the past. */
    wr(f, V_TVAL, (uint32_t)-5);
    g_assert_cmpuint(rd(f, V_CVAL), <, rd(f, CNTVCT));
    g_assert_cmphex(rd(f, V_TVAL) & 0x80000000, ==, 0x80000000);
}

/* Enabled and unmasked: the line rises at CVAL and stays up. */
static void test_fires(Fixture *f, gconstpointer data)
{
    /* 1 ms from now */
    wr(f, V_TVAL, ARM_GTIMER_FREQ_HZ / 1000);
    wr(f, V_CTL, ARM_GTIMER_CTL_ENABLE);
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 0);
    g_assert_true(wait_level(f, ARM_GTIMER_VIRT, 1));
    g_assert_cmpint(level_of(f, ARM_GTIMER_PHYS), ==, 0);
    /* Masking lowers it, unmasking raises it again (level). */
    wr(f, V_CTL, ARM_GTIMER_CTL_ENABLE | ARM_GTIMER_CTL_IMASK);
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 0);
    wr(f, V_CTL, ARM_GTIMER_CTL_ENABLE);
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 1);
    /* Reprogramming into the future lowers it. */
    wr(f, V_CVAL, UINT64_MAX);
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 0);
    /* The physical timer is separate. */
    wr(f, P_CVAL, 0);
    wr(f, P_CTL, ARM_GTIMER_CTL_ENABLE);
    g_assert_cmpint(level_of(f, ARM_GTIMER_PHYS), ==, 1);
    g_assert_cmpint(level_of(f, ARM_GTIMER_VIRT), ==, 0);
    wr(f, P_CTL, 0);
    g_assert_cmpint(level_of(f, ARM_GTIMER_PHYS), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/arm-gtimer/not-ours", Fixture, NULL, setup, test_not_ours,
               teardown);
    g_test_add("/arm-gtimer/counter-and-ctl", Fixture, NULL, setup,
               test_counter_and_ctl, teardown);
    g_test_add("/arm-gtimer/tval", Fixture, NULL, setup, test_tval,
               teardown);
    g_test_add("/arm-gtimer/fires", Fixture, NULL, setup, test_fires,
               teardown);
    return g_test_run();
}
