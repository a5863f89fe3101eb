/*
 * GICv2 distributor and CPU interface (see include/hw/intc/arm_gic.h).
 *
 * Register offsets and semantics are those of the Arm Generic Interrupt
 * Controller Architecture Specification v2 (Arm IHI 0048B); the
 * identification values are the ones QEMU 7.2's GICv2 model reports.
 */
#include "hw/intc/arm_gic.h"
#include "migration/register.h"
#include "qom/object.h"

OBJECT_DECLARE_SIMPLE_TYPE(GICState, ARM_GIC)

enum {
    GICD_CTLR = 0x000,
    GICD_TYPER = 0x004,
    GICD_IIDR = 0x008,
    GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100,
    GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200,
    GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300,
    GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800,
    GICD_ICFGR = 0xc00,
    GICD_SGIR = 0xf00,
    GICD_PIDR4 = 0xfd0,     /* identification bytes up to 0xffc */
};

enum {
    GICC_CTLR = 0x00,
    GICC_PMR = 0x04,
    GICC_BPR = 0x08,
    GICC_IAR = 0x0c,
    GICC_EOIR = 0x10,
    GICC_RPR = 0x14,
    GICC_HPPIR = 0x18,
    GICC_IIDR = 0xfc,
    GICC_DIR = 0x1000,
};

#define GICC_CTLR_ENABLE 0x001
#define GICC_CTLR_EOIMODE 0x200
/* Implementer Arm (0x43b): the distributor's and CPU interface's IIDR. */
#define GIC_DIST_IIDR 0x0100143b
#define GIC_CPU_IIDR 0x0002043b
#define GIC_IDLE_PRIO 0x100     /* running priority of an idle CPU */

/* PIDR4-7, PIDR0-3, CIDR0-3 (ArchRev 2 in PIDR2). */
static const uint8_t gic_id[12] = {
    0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00,
    0x0d, 0xf0, 0x05, 0xb1,
};

/* One interrupt: a banked SGI/PPI of one CPU, or an SPI. */
typedef struct GICIrq {
    bool enabled;
    bool latched;           /* pending by an edge, ISPENDR or SGIR */
    bool active;
    bool level;             /* the input line */
    bool edge;              /* ICFGR: edge-triggered */
    uint8_t priority;
    uint8_t targets;        /* SPIs: CPU mask */
    uint8_t sgi_sources;    /* SGIs: CPUs that sent it, still pending */
} GICIrq;

typedef struct GICCpu {
    uint32_t ctlr;
    uint8_t pmr, bpr;
    /* Acknowledged, not yet priority-dropped: the running priorities. */
    uint16_t ack_id[GIC_MAX_IRQ];
    uint8_t ack_prio[GIC_MAX_IRQ];
    unsigned ack_depth;
    bool out_level;         /* last level given to the IRQ output */
    qemu_irq irq, fiq;
} GICCpu;

struct GICState {
    Object parent_obj;
    MemoryRegion dist_mr, cpu_mr;
    int num_irq, num_cpu;
    GMutex lock;            /* everything below except the outputs */
    GRecMutex out_lock;     /* orders the calls of the outputs */
    bool dist_enabled;
    GICIrq *irqs;           /* num_cpu * 32 banked, then the SPIs */
    qemu_irq *lines;        /* same order */
    GICCpu cpu[GIC_MAX_CPUS];
};

static __thread int gic_thread_cpu;

void arm_gic_set_thread_cpu(int cpu)
{
    gic_thread_cpu = cpu;
}

static int gic_cur_cpu(GICState *s)
{
    return gic_thread_cpu < s->num_cpu ? gic_thread_cpu : 0;
}

static unsigned gic_slot(GICState *s, int cpu, int intid)
{
    return intid < GIC_INTERNAL ? cpu * GIC_INTERNAL + intid
                                : s->num_cpu * GIC_INTERNAL
                                  + intid - GIC_INTERNAL;
}

static GICIrq *gic_irq(GICState *s, int cpu, int intid)
{
    return &s->irqs[gic_slot(s, cpu, intid)];
}

static bool gic_pending(const GICIrq *irq)
{
    return irq->latched || (irq->level && !irq->edge);
}

/* The preemption (group) priority under the CPU's binary point. */
static unsigned gic_group_prio(GICCpu *c, unsigned prio)
{
    return prio & (0xffu << (c->bpr + 1)) & 0xff;
}

static unsigned gic_running_prio(GICCpu *c)
{
    return c->ack_depth ? c->ack_prio[c->ack_depth - 1] : GIC_IDLE_PRIO;
}

/*
 * The highest-priority (lowest value, then lowest INTID) enabled,
 * pending, inactive interrupt for @cpu; GIC_SPURIOUS if none.
 */
static int gic_best_locked(GICState *s, int cpu)
{
    int best = GIC_SPURIOUS;
    unsigned best_prio = GIC_IDLE_PRIO;

    if (!s->dist_enabled) {
        return GIC_SPURIOUS;
    }
    for (int id = 0; id < s->num_irq; id++) {
        GICIrq *irq = gic_irq(s, cpu, id);

        if (id >= GIC_INTERNAL && !(irq->targets & (1u << cpu))) {
            continue;
        }
        if (irq->enabled && gic_pending(irq) && !irq->active &&
            irq->priority < best_prio) {
            best = id;
            best_prio = irq->priority;
        }
    }
    return best;
}

/* Is @id, the best pending one, signalled to @cpu (PMR, preemption)? */
static bool gic_can_signal_locked(GICState *s, int cpu, int id)
{
    GICCpu *c = &s->cpu[cpu];
    unsigned prio, running;

    if (id == GIC_SPURIOUS || !(c->ctlr & GICC_CTLR_ENABLE)) {
        return false;
    }
    prio = gic_irq(s, cpu, id)->priority;
    running = gic_running_prio(c);
    if (running != GIC_IDLE_PRIO) {
        running = gic_group_prio(c, running);
    }
    return prio < c->pmr && gic_group_prio(c, prio) < running;
}

/*
 * Bring every CPU's IRQ output to its level.  Called without s->lock
 * (see the header for why the outputs run unlocked).
 */
static void gic_update(GICState *s)
{
    g_rec_mutex_lock(&s->out_lock);
    for (int cpu = 0; cpu < s->num_cpu; cpu++) {
        GICCpu *c = &s->cpu[cpu];
        bool level, changed;

        g_mutex_lock(&s->lock);
        level = gic_can_signal_locked(s, cpu, gic_best_locked(s, cpu));
        changed = level != c->out_level;
        c->out_level = level;
        g_mutex_unlock(&s->lock);
        if (changed) {
            qemu_set_irq(c->irq, level);
        }
    }
    g_rec_mutex_unlock(&s->out_lock);
}

static void gic_set_line(void *opaque, int slot, int level)
{
    GICState *s = opaque;
    GICIrq *irq = &s->irqs[slot];

    g_mutex_lock(&s->lock);
    if (irq->edge && level && !irq->level) {
        irq->latched = true;
    }
    irq->level = level != 0;
    g_mutex_unlock(&s->lock);
    gic_update(s);
}

/* One bit of the set/clear-enable/pending/active registers. */
static bool *gic_bit_field(GICIrq *irq, hwaddr reg)
{
    switch (reg) {
    case GICD_ISENABLER:
    case GICD_ICENABLER:
        return &irq->enabled;
    case GICD_ISPENDR:
    case GICD_ICPENDR:
        return &irq->latched;
    default:
        return &irq->active;
    }
}

/* A byte of a register that has one or more bytes per INTID. */
static uint8_t gic_dist_read_byte_locked(GICState *s, int cpu, hwaddr addr)
{
    uint8_t val = 0;

    if (addr >= GICD_ISENABLER && addr < GICD_IPRIORITYR) {
        hwaddr reg = addr & ~0x7fULL;
        int id = (addr - reg) * 8;

        for (int i = 0; i < 8 && id + i < s->num_irq; i++) {
            GICIrq *irq = gic_irq(s, cpu, id + i);
            bool bit = *gic_bit_field(irq, reg);

            if (reg == GICD_ISPENDR || reg == GICD_ICPENDR) {
                bit = gic_pending(irq);
            }
            val |= bit << i;
        }
    } else if (addr >= GICD_IPRIORITYR && addr < GICD_IPRIORITYR + 1020) {
        int id = addr - GICD_IPRIORITYR;

        val = id < s->num_irq ? gic_irq(s, cpu, id)->priority : 0;
    } else if (addr >= GICD_ITARGETSR && addr < GICD_ITARGETSR + 1020) {
        int id = addr - GICD_ITARGETSR;

        if (id < GIC_INTERNAL) {
            val = 1u << cpu;
        } else if (id < s->num_irq) {
            val = gic_irq(s, cpu, id)->targets;
        }
    } else if (addr >= GICD_ICFGR && addr < GICD_ICFGR + 0x100) {
        int id = (addr - GICD_ICFGR) * 4;

        for (int i = 0; i < 4 && id + i < s->num_irq; i++) {
            val |= gic_irq(s, cpu, id + i)->edge << (2 * i + 1);
        }
    } else if (addr >= GICD_PIDR4 && addr < GICD_PIDR4 + 0x30 &&
               !(addr & 3)) {
        val = gic_id[(addr - GICD_PIDR4) / 4];
    }
    return val;
}

static void gic_dist_write_byte_locked(GICState *s, int cpu, hwaddr addr,
                                       uint8_t val)
{
    if (addr >= GICD_ISENABLER && addr < GICD_IPRIORITYR) {
        hwaddr reg = addr & ~0x7fULL;
        bool set = !(reg & 0x80);
        int id = (addr - reg) * 8;

        for (int i = 0; i < 8 && id + i < s->num_irq; i++) {
            GICIrq *irq = gic_irq(s, cpu, id + i);

            /* SGIs are made pending by GICD_SGIR only. */
            if ((val & (1u << i)) && !(id + i < GIC_NR_SGIS &&
                                        reg == GICD_ISPENDR)) {
                *gic_bit_field(irq, reg) = set;
                if (reg == GICD_ICPENDR && id + i < GIC_NR_SGIS) {
                    irq->sgi_sources = 0;
                }
            }
        }
    } else if (addr >= GICD_IPRIORITYR && addr < GICD_IPRIORITYR + 1020) {
        int id = addr - GICD_IPRIORITYR;

        if (id < s->num_irq) {
            gic_irq(s, cpu, id)->priority = val;
        }
    } else if (addr >= GICD_ITARGETSR + GIC_INTERNAL &&
               addr < GICD_ITARGETSR + 1020) {
        int id = addr - GICD_ITARGETSR;

        if (id < s->num_irq) {
            gic_irq(s, cpu, id)->targets = val & ((1u << s->num_cpu) - 1);
        }
    } else if (addr >= GICD_ICFGR && addr < GICD_ICFGR + 0x100) {
        int id = (addr - GICD_ICFGR) * 4;

        /* SGIs are always edge-triggered. */
        for (int i = 0; i < 4 && id + i < s->num_irq; i++) {
            if (id + i >= GIC_NR_SGIS) {
                gic_irq(s, cpu, id + i)->edge = val & (2u << (2 * i));
            }
        }
    }
}

/* GICD_SGIR: raise SGI @val[3:0] on the CPUs its filter selects. */
static void gic_sgir_locked(GICState *s, int cpu, uint32_t val)
{
    int id = val & 0xf;
    unsigned mask = (val >> 16) & 0xff;

    switch ((val >> 24) & 3) {
    case 1:
        mask = ((1u << s->num_cpu) - 1) & ~(1u << cpu);
        break;
    case 2:
        mask = 1u << cpu;
        break;
    case 3:
        return;             /* reserved */
    }
    for (int t = 0; t < s->num_cpu; t++) {
        if (mask & (1u << t)) {
            GICIrq *irq = gic_irq(s, t, id);

            irq->sgi_sources |= 1u << cpu;
            irq->latched = true;
        }
    }
}

static uint64_t gic_dist_read(void *opaque, hwaddr addr, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_cur_cpu(s);
    uint64_t val = 0;

    g_mutex_lock(&s->lock);
    if (addr == GICD_CTLR) {
        val = s->dist_enabled;
    } else if (addr == GICD_TYPER) {
        val = (s->num_irq / 32 - 1) | ((s->num_cpu - 1) << 5);
    } else if (addr == GICD_IIDR) {
        val = GIC_DIST_IIDR;
    } else if (addr >= GICD_ISENABLER) {
        /* Without the Security Extensions IGROUPR reads as zero. */
        for (unsigned i = 0; i < size; i++) {
            val |= (uint64_t)gic_dist_read_byte_locked(s, cpu, addr + i)
                   << (8 * i);
        }
    }
    g_mutex_unlock(&s->lock);
    return val;
}

static void gic_dist_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_cur_cpu(s);

    g_mutex_lock(&s->lock);
    if (addr == GICD_CTLR) {
        s->dist_enabled = val & 1;
    } else if (addr == GICD_SGIR) {
        gic_sgir_locked(s, cpu, val);
    } else if (addr >= GICD_ISENABLER && addr < GICD_SGIR) {
        for (unsigned i = 0; i < size; i++) {
            gic_dist_write_byte_locked(s, cpu, addr + i, val >> (8 * i));
        }
    }
    g_mutex_unlock(&s->lock);
    gic_update(s);
}

/* GICC_IAR: acknowledge the best interrupt, make it active. */
static uint32_t gic_ack_locked(GICState *s, int cpu)
{
    GICCpu *c = &s->cpu[cpu];
    int id = gic_best_locked(s, cpu);
    uint32_t val = id;
    GICIrq *irq;

    if (!gic_can_signal_locked(s, cpu, id)) {
        return GIC_SPURIOUS;
    }
    irq = gic_irq(s, cpu, id);
    if (id < GIC_NR_SGIS) {
        int src = __builtin_ctz(irq->sgi_sources);

        /* Each sender's SGI is acknowledged on its own. */
        irq->sgi_sources &= ~(1u << src);
        irq->latched = irq->sgi_sources != 0;
        val |= src << 10;
    } else {
        irq->latched = false;
    }
    irq->active = true;
    c->ack_id[c->ack_depth] = id;
    c->ack_prio[c->ack_depth] = irq->priority;
    c->ack_depth++;
    return val;
}

/* GICC_EOIR: drop the running priority of @id; deactivate it too. */
static void gic_eoi_locked(GICState *s, int cpu, uint32_t val)
{
    GICCpu *c = &s->cpu[cpu];
    int id = val & 0x3ff;

    if (id >= s->num_irq) {
        return;
    }
    /* The spec wants the last one acknowledged; accept any in the list. */
    for (unsigned i = c->ack_depth; i-- > 0;) {
        if (c->ack_id[i] == id) {
            memmove(&c->ack_id[i], &c->ack_id[i + 1],
                    (c->ack_depth - i - 1) * sizeof(c->ack_id[0]));
            memmove(&c->ack_prio[i], &c->ack_prio[i + 1],
                    (c->ack_depth - i - 1) * sizeof(c->ack_prio[0]));
            c->ack_depth--;
            break;
        }
    }
    if (!(c->ctlr & GICC_CTLR_EOIMODE)) {
        gic_irq(s, cpu, id)->active = false;
    }
}

static uint64_t gic_cpu_read(void *opaque, hwaddr addr, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_cur_cpu(s);
    GICCpu *c = &s->cpu[cpu];
    uint64_t val = 0;
    bool acked = false;

    g_mutex_lock(&s->lock);
    switch (addr) {
    case GICC_CTLR:
        val = c->ctlr;
        break;
    case GICC_PMR:
        val = c->pmr;
        break;
    case GICC_BPR:
        val = c->bpr;
        break;
    case GICC_IAR:
        val = gic_ack_locked(s, cpu);
        acked = true;
        break;
    case GICC_RPR:
        val = c->ack_depth ? gic_running_prio(c) : 0xff;
        break;
    case GICC_HPPIR:
        val = gic_best_locked(s, cpu);
        break;
    case GICC_IIDR:
        val = GIC_CPU_IIDR;
        break;
    }
    g_mutex_unlock(&s->lock);
    if (acked) {
        gic_update(s);
    }
    return val;
}

static void gic_cpu_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_cur_cpu(s);
    GICCpu *c = &s->cpu[cpu];

    g_mutex_lock(&s->lock);
    switch (addr) {
    case GICC_CTLR:
        c->ctlr = val & 0x3ff;
        break;
    case GICC_PMR:
        c->pmr = val & 0xff;
        break;
    case GICC_BPR:
        c->bpr = val & 7;
        break;
    case GICC_EOIR:
        gic_eoi_locked(s, cpu, val);
        break;
    case GICC_DIR:
        if ((val & 0x3ff) < (uint64_t)s->num_irq) {
            gic_irq(s, cpu, val & 0x3ff)->active = false;
        }
        break;
    }
    g_mutex_unlock(&s->lock);
    gic_update(s);
}

static const MemoryRegionOps gic_dist_ops = {
    .read = gic_dist_read,
    .write = gic_dist_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

static const MemoryRegionOps gic_cpu_ops = {
    .read = gic_cpu_read,
    .write = gic_cpu_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

/* --- migration: section "memvm-arm-gic" (docs/migration-devices.md) -- */

#define GIC_VMSTATE_VERSION 1

enum {
    GIC_VM_ENABLED = 1,
    GIC_VM_LATCHED = 2,
    GIC_VM_ACTIVE = 4,
    GIC_VM_LEVEL = 8,
    GIC_VM_EDGE = 16,
};

static unsigned gic_nslots(GICState *s)
{
    return s->num_cpu * GIC_INTERNAL + s->num_irq - GIC_INTERNAL;
}

static void gic_save(QEMUFile *f, void *opaque)
{
    GICState *s = opaque;

    g_mutex_lock(&s->lock);
    qemu_put_be32(f, s->num_irq);
    qemu_put_be32(f, s->num_cpu);
    qemu_put_byte(f, s->dist_enabled);
    for (unsigned i = 0; i < gic_nslots(s); i++) {
        GICIrq *irq = &s->irqs[i];

        qemu_put_byte(f, (irq->enabled ? GIC_VM_ENABLED : 0) |
                         (irq->latched ? GIC_VM_LATCHED : 0) |
                         (irq->active ? GIC_VM_ACTIVE : 0) |
                         (irq->level ? GIC_VM_LEVEL : 0) |
                         (irq->edge ? GIC_VM_EDGE : 0));
        qemu_put_byte(f, irq->priority);
        qemu_put_byte(f, irq->targets);
        qemu_put_byte(f, irq->sgi_sources);
    }
    for (int cpu = 0; cpu < s->num_cpu; cpu++) {
        GICCpu *c = &s->cpu[cpu];

        qemu_put_be32(f, c->ctlr);
        qemu_put_byte(f, c->pmr);
        qemu_put_byte(f, c->bpr);
        qemu_put_be32(f, c->ack_depth);
        for (unsigned i = 0; i < c->ack_depth; i++) {
            qemu_put_be16(f, c->ack_id[i]);
            qemu_put_byte(f, c->ack_prio[i]);
        }
    }
    g_mutex_unlock(&s->lock);
}

static bool gic_load_locked(GICState *s, QEMUFile *f, Error **errp)
{
    uint32_t num_irq = qemu_get_be32(f);
    uint32_t num_cpu = qemu_get_be32(f);

    if (qemu_file_get_error(f)) {
        goto short_stream;
    }
    if (num_irq != (uint32_t)s->num_irq || num_cpu != (uint32_t)s->num_cpu) {
        error_setg(errp, "memvm-arm-gic: the stream's GIC has %" PRIu32
                   " interrupts and %" PRIu32 " CPUs, this machine's %d "
                   "and %d", num_irq, num_cpu, s->num_irq, s->num_cpu);
        return false;
    }
    s->dist_enabled = qemu_get_byte(f) & 1;
    for (unsigned i = 0; i < gic_nslots(s); i++) {
        GICIrq *irq = &s->irqs[i];
        uint8_t flags = qemu_get_byte(f);

        irq->enabled = flags & GIC_VM_ENABLED;
        irq->latched = flags & GIC_VM_LATCHED;
        irq->active = flags & GIC_VM_ACTIVE;
        irq->level = flags & GIC_VM_LEVEL;
        irq->edge = flags & GIC_VM_EDGE;
        irq->priority = qemu_get_byte(f);
        irq->targets = qemu_get_byte(f) & ((1u << s->num_cpu) - 1);
        irq->sgi_sources = qemu_get_byte(f) & ((1u << s->num_cpu) - 1);
    }
    for (int cpu = 0; cpu < s->num_cpu; cpu++) {
        GICCpu *c = &s->cpu[cpu];
        uint32_t depth;

        c->ctlr = qemu_get_be32(f) & 0x3ff;
        c->pmr = qemu_get_byte(f);
        c->bpr = qemu_get_byte(f) & 7;
        depth = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            goto short_stream;
        }
        if (depth > (uint32_t)s->num_irq) {
            error_setg(errp, "memvm-arm-gic: CPU %d has %" PRIu32 " active "
                       "priorities, at most %d can be", cpu, depth,
                       s->num_irq);
            return false;
        }
        for (uint32_t i = 0; i < depth; i++) {
            uint16_t id = qemu_get_be16(f);

            if (id >= s->num_irq) {
                error_setg(errp, "memvm-arm-gic: CPU %d: active interrupt "
                           "%u is not one of the %d", cpu, id, s->num_irq);
                return false;
            }
            c->ack_id[i] = id;
            c->ack_prio[i] = qemu_get_byte(f);
        }
        c->ack_depth = depth;
        /* The CPU's input is low on a new machine: raise it again. */
        c->out_level = false;
    }
    if (qemu_file_get_error(f)) {
        goto short_stream;
    }
    return true;

short_stream:
    error_setg(errp, "memvm-arm-gic: stream ends early");
    return false;
}

static bool gic_load(QEMUFile *f, void *opaque, int version_id,
                     Error **errp)
{
    GICState *s = opaque;
    bool ok;

    g_mutex_lock(&s->lock);
    ok = gic_load_locked(s, f, errp);
    g_mutex_unlock(&s->lock);
    if (ok) {
        gic_update(s);
    }
    return ok;
}

static const VMStateDescField gic_fields[] = {
    { "num_irq", "uint32", 4 }, { "num_cpu", "uint32", 4 },
    { "dist_enabled", "uint8", 1 }, { "irq_state", "buffer", 0 },
    { "cpu_state", "buffer", 0 },
    { NULL }
};

static const SaveVMHandlers gic_handlers = {
    .save_state = gic_save,
    .load_state = gic_load,
    .vmsd_name = "memvm-arm-gic",
    .fields = gic_fields,
};

GICState *arm_gic_new(MemoryRegion *sysmem, hwaddr dist_base,
                      hwaddr cpu_base, int num_irq, int num_cpu,
                      Error **errp)
{
    GICState *s;
    unsigned nslots;

    if (num_irq < 64 || num_irq > GIC_MAX_IRQ || num_irq % 32) {
        error_setg(errp, "arm_gic: num-irq %d is not a multiple of 32 "
                   "from 64 to 1020", num_irq);
        return NULL;
    }
    if (num_cpu < 1 || num_cpu > GIC_MAX_CPUS) {
        error_setg(errp, "arm_gic: num-cpu %d is not from 1 to %d",
                   num_cpu, GIC_MAX_CPUS);
        return NULL;
    }
    s = ARM_GIC(object_new(TYPE_ARM_GIC));
    s->num_irq = num_irq;
    s->num_cpu = num_cpu;
    nslots = num_cpu * GIC_INTERNAL + num_irq - GIC_INTERNAL;
    s->irqs = g_new0(GICIrq, nslots);
    s->lines = g_new0(qemu_irq, nslots);
    for (unsigned i = 0; i < nslots; i++) {
        s->lines[i] = qemu_allocate_irq(gic_set_line, s, i);
    }
    for (int cpu = 0; cpu < num_cpu; cpu++) {
        for (int id = 0; id < GIC_NR_SGIS; id++) {
            gic_irq(s, cpu, id)->edge = true;
        }
    }
    memory_region_init_io(&s->dist_mr, OBJECT(s), &gic_dist_ops, s,
                          "gic_dist", GIC_DIST_SIZE);
    memory_region_init_io(&s->cpu_mr, OBJECT(s), &gic_cpu_ops, s,
                          "gic_cpu", GIC_CPU_SIZE);
    memory_region_add_subregion(sysmem, dist_base, &s->dist_mr);
    memory_region_add_subregion(sysmem, cpu_base, &s->cpu_mr);
    register_savevm_live("memvm-arm-gic", 0, GIC_VMSTATE_VERSION,
                         &gic_handlers, s);
    return s;
}

qemu_irq arm_gic_get_irq(GICState *s, int cpu, int intid)
{
    if (intid < 0 || intid >= s->num_irq ||
        (intid < GIC_INTERNAL && (cpu < 0 || cpu >= s->num_cpu))) {
        return NULL;
    }
    return s->lines[gic_slot(s, cpu, intid)];
}

void arm_gic_connect_cpu(GICState *s, int cpu, qemu_irq irq, qemu_irq fiq)
{
    if (cpu >= 0 && cpu < s->num_cpu) {
        g_rec_mutex_lock(&s->out_lock);
        s->cpu[cpu].irq = irq;
        s->cpu[cpu].fiq = fiq;
        g_rec_mutex_unlock(&s->out_lock);
    }
}

static void gic_instance_init(Object *obj)
{
    GICState *s = ARM_GIC(obj);

    g_mutex_init(&s->lock);
    g_rec_mutex_init(&s->out_lock);
}

static void gic_instance_finalize(Object *obj)
{
    GICState *s = ARM_GIC(obj);
    unsigned nslots = s->num_cpu * GIC_INTERNAL + s->num_irq - GIC_INTERNAL;

    /* The regions exist once arm_gic_new() got past its checks. */
    if (s->dist_mr.container) {
        unregister_savevm("memvm-arm-gic", 0, s);
        memory_region_del_subregion(s->dist_mr.container, &s->dist_mr);
        memory_region_del_subregion(s->cpu_mr.container, &s->cpu_mr);
        memory_region_finalize(&s->dist_mr);
        memory_region_finalize(&s->cpu_mr);
    }
    for (unsigned i = 0; s->lines && i < nslots; i++) {
        qemu_free_irq(s->lines[i]);
    }
    g_free(s->lines);
    g_free(s->irqs);
    g_rec_mutex_clear(&s->out_lock);
    g_mutex_clear(&s->lock);
}

static const TypeInfo gic_info = {
    .name = TYPE_ARM_GIC,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(GICState),
    .instance_init = gic_instance_init,
    .instance_finalize = gic_instance_finalize,
};

static void gic_register_types(void)
{
    type_register_static(&gic_info);
}
type_init(gic_register_types)
