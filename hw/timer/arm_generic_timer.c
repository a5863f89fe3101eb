/*
 * Arm generic timer of one CPU (see include/hw/timer/arm_generic_timer.h).
 */
#include <glib.h>
#include <inttypes.h>
#include <time.h>

#include "hw/timer/arm_generic_timer.h"
#include "migration/register.h"

/* Encoding of the timer registers: op0 3, op1 3, CRn 14, then CRm/op2. */
#define GT_OP0 3
#define GT_OP1 3
#define GT_CRN 14
#define GT_CRM_COUNT 0          /* op2 1 CNTPCT, 2 CNTVCT */
#define GT_CRM_PHYS 2           /* op2 0 TVAL, 1 CTL, 2 CVAL */
#define GT_CRM_VIRT 3
#define GT_OP2_TVAL 0
#define GT_OP2_CTL 1
#define GT_OP2_CVAL 2

typedef struct GTimerState {
    uint32_t ctl;               /* ENABLE and IMASK as written */
    uint64_t cval;              /* in counter ticks */
    int level;                  /* of the output line */
    qemu_irq out;
} GTimerState;

struct ArmGenericTimer {
    GMutex lock;                /* everything below */
    GCond cond;                 /* a timer was reprogrammed, or quit */
    int64_t start_ns;           /* host monotonic time of count 0 */
    GTimerState timer[ARM_GTIMER_NUM];
    bool quit;
    GThread *thread;
    uint32_t instance;          /* of its migration section: the CPU's */
};

static int64_t host_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t count_locked(ArmGenericTimer *t)
{
    return (uint64_t)(host_now_ns() - t->start_ns) / ARM_GTIMER_NS_PER_TICK;
}

uint64_t arm_gtimer_count(ArmGenericTimer *t)
{
    return count_locked(t);
}

static bool istatus(const GTimerState *g, uint64_t now)
{
    return (g->ctl & ARM_GTIMER_CTL_ENABLE) && now >= g->cval;
}

/* Bring every output to its level now; call with the lock held. */
static void update_locked(ArmGenericTimer *t)
{
    uint64_t now = count_locked(t);

    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        GTimerState *g = &t->timer[i];
        int level = istatus(g, now) && !(g->ctl & ARM_GTIMER_CTL_IMASK);

        if (level != g->level) {
            g->level = level;
            qemu_set_irq(g->out, level);
        }
    }
}

/*
 * Sleep until the next compare value of an enabled, unmasked timer that
 * has not fired yet, raise its line, and again; woken early whenever the
 * guest reprograms a timer.
 */
static gpointer gtimer_thread(gpointer opaque)
{
    ArmGenericTimer *t = opaque;

    g_mutex_lock(&t->lock);
    while (!t->quit) {
        uint64_t now = count_locked(t);
        uint64_t next = UINT64_MAX;

        update_locked(t);
        for (int i = 0; i < ARM_GTIMER_NUM; i++) {
            const GTimerState *g = &t->timer[i];

            if ((g->ctl & ARM_GTIMER_CTL_ENABLE) &&
                !(g->ctl & ARM_GTIMER_CTL_IMASK) && g->cval > now) {
                next = MIN(next, g->cval);
            }
        }
        if (next == UINT64_MAX) {
            g_cond_wait(&t->cond, &t->lock);
        } else {
            /* g_cond_wait_until() counts monotonic microseconds. */
            uint64_t wait_ns = (next - now) * ARM_GTIMER_NS_PER_TICK;
            int64_t until = g_get_monotonic_time() + wait_ns / 1000 + 1;

            g_cond_wait_until(&t->cond, &t->lock, until);
        }
    }
    g_mutex_unlock(&t->lock);
    return NULL;
}

/*
 * --- migration: section "memvm-arm-gtimer" (docs/migration-devices.md)
 *
 * The counter's value travels and the destination's counter continues
 * from it: the guest's clock never runs backwards and does not count the
 * time the machine was stopped, as QEMU's virtual clock does not.
 */
#define GTIMER_VMSTATE_VERSION 1

static void gtimer_save(QEMUFile *f, void *opaque)
{
    ArmGenericTimer *t = opaque;

    g_mutex_lock(&t->lock);
    qemu_put_be64(f, count_locked(t));
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        qemu_put_be32(f, t->timer[i].ctl);
        qemu_put_be64(f, t->timer[i].cval);
    }
    g_mutex_unlock(&t->lock);
}

static bool gtimer_load(QEMUFile *f, void *opaque, int version_id,
                        Error **errp)
{
    ArmGenericTimer *t = opaque;
    uint64_t count = qemu_get_be64(f);
    uint32_t ctl[ARM_GTIMER_NUM];
    uint64_t cval[ARM_GTIMER_NUM];

    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        ctl[i] = qemu_get_be32(f);
        cval[i] = qemu_get_be64(f);
    }
    if (qemu_file_get_error(f)) {
        error_setg(errp, "memvm-arm-gtimer %" PRIu32 ": stream ends early",
                   t->instance);
        return false;
    }
    /* The host's monotonic nanoseconds must hold count 0's start. */
    if (count > (uint64_t)INT64_MAX / ARM_GTIMER_NS_PER_TICK / 2) {
        error_setg(errp, "memvm-arm-gtimer %" PRIu32 ": counter 0x%"
                   PRIx64 " is out of range", t->instance, count);
        return false;
    }
    g_mutex_lock(&t->lock);
    t->start_ns = host_now_ns() - (int64_t)(count * ARM_GTIMER_NS_PER_TICK);
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        t->timer[i].ctl = ctl[i] & (ARM_GTIMER_CTL_ENABLE |
                                    ARM_GTIMER_CTL_IMASK);
        t->timer[i].cval = cval[i];
        /* Unknown: the interrupt controller came from another machine. */
        t->timer[i].level = -1;
    }
    update_locked(t);
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
    return true;
}

static const VMStateDescField gtimer_fields[] = {
    { "count", "uint64", 8 },
    { "phys_ctl", "uint32", 4 }, { "phys_cval", "uint64", 8 },
    { "virt_ctl", "uint32", 4 }, { "virt_cval", "uint64", 8 },
    { NULL }
};

static const SaveVMHandlers gtimer_handlers = {
    .save_state = gtimer_save,
    .load_state = gtimer_load,
    .vmsd_name = "memvm-arm-gtimer",
    .fields = gtimer_fields,
};

ArmGenericTimer *arm_gtimer_new(qemu_irq outputs[ARM_GTIMER_NUM],
                                uint32_t instance)
{
    ArmGenericTimer *t = g_new0(ArmGenericTimer, 1);

    g_mutex_init(&t->lock);
    g_cond_init(&t->cond);
    t->start_ns = host_now_ns();
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        t->timer[i].out = outputs ? outputs[i] : NULL;
    }
    t->thread = g_thread_new("arm-gtimer", gtimer_thread, t);
    t->instance = instance;
    register_savevm_live("memvm-arm-gtimer", instance, GTIMER_VMSTATE_VERSION,
                         &gtimer_handlers, t);
    return t;
}

void arm_gtimer_free(ArmGenericTimer *t)
{
    if (!t) {
        return;
    }
    unregister_savevm("memvm-arm-gtimer", t->instance, t);
    g_mutex_lock(&t->lock);
    t->quit = true;
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
    g_thread_join(t->thread);
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->cond);
    g_free(t);
}

/* The timer an encoding names, or NULL (the counters, others). */
static GTimerState *gtimer_of(ArmGenericTimer *t, unsigned crm)
{
    switch (crm) {
    case GT_CRM_PHYS:
        return &t->timer[ARM_GTIMER_PHYS];
    case GT_CRM_VIRT:
        return &t->timer[ARM_GTIMER_VIRT];
    default:
        return NULL;
    }
}

static bool is_gtimer_reg(unsigned op0, unsigned op1, unsigned crn,
                          unsigned crm, unsigned op2)
{
    if (op0 != GT_OP0 || op1 != GT_OP1 || crn != GT_CRN) {
        return false;
    }
    if (crm == GT_CRM_COUNT) {
        return op2 == 1 || op2 == 2;
    }
    return (crm == GT_CRM_PHYS || crm == GT_CRM_VIRT) && op2 <= GT_OP2_CVAL;
}

bool arm_gtimer_sysreg_read(ArmGenericTimer *t, unsigned op0, unsigned op1,
                            unsigned crn, unsigned crm, unsigned op2,
                            uint64_t *val)
{
    GTimerState *g;
    uint64_t now;

    if (!is_gtimer_reg(op0, op1, crn, crm, op2)) {
        return false;
    }
    g_mutex_lock(&t->lock);
    now = count_locked(t);
    g = gtimer_of(t, crm);
    if (!g) {
        *val = now;
    } else if (op2 == GT_OP2_CVAL) {
        *val = g->cval;
    } else if (op2 == GT_OP2_CTL) {
        *val = g->ctl | (istatus(g, now) ? ARM_GTIMER_CTL_ISTATUS : 0);
    } else {
        /* TVAL: the signed 32-bit distance to the compare value. */
        *val = (uint32_t)(g->cval - now);
    }
    g_mutex_unlock(&t->lock);
    return true;
}

bool arm_gtimer_sysreg_write(ArmGenericTimer *t, unsigned op0, unsigned op1,
                             unsigned crn, unsigned crm, unsigned op2,
                             uint64_t val)
{
    GTimerState *g;

    if (!is_gtimer_reg(op0, op1, crn, crm, op2)) {
        return false;
    }
    g = gtimer_of(t, crm);
    if (!g) {
        return true;
    }
    g_mutex_lock(&t->lock);
    if (op2 == GT_OP2_CVAL) {
        g->cval = val;
    } else if (op2 == GT_OP2_CTL) {
        g->ctl = val & (ARM_GTIMER_CTL_ENABLE | ARM_GTIMER_CTL_IMASK);
    } else {
        g->cval = count_locked(t) + (int64_t)(int32_t)val;
    }
    update_locked(t);
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
    return true;
}
