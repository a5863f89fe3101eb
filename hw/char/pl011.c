/*
 * Arm PL011 UART (see include/hw/char/pl011.h).
 *
 * Register offsets, bits and reset values are those of the PrimeCell
 * UART (PL011) Technical Reference Manual (Arm DDI 0183).
 */
#include "hw/char/pl011.h"
#include "hw/char/uart-vmstate.h"
#include "migration/register.h"
#include "qom/object.h"

OBJECT_DECLARE_SIMPLE_TYPE(PL011State, PL011)

enum {
    PL011_DR = 0x000,
    PL011_RSR = 0x004,
    PL011_FR = 0x018,
    PL011_ILPR = 0x020,
    PL011_IBRD = 0x024,
    PL011_FBRD = 0x028,
    PL011_LCR_H = 0x02c,
    PL011_CR = 0x030,
    PL011_IFLS = 0x034,
    PL011_IMSC = 0x038,
    PL011_RIS = 0x03c,
    PL011_MIS = 0x040,
    PL011_ICR = 0x044,
    PL011_DMACR = 0x048,
    PL011_ID = 0xfe0,       /* eight identification registers */
};

#define PL011_FR_RXFE 0x10  /* receive FIFO empty */
#define PL011_FR_TXFE 0x80  /* transmit FIFO empty */
#define PL011_INT_RX 0x10
#define PL011_INT_TX 0x20

/* Peripheral and PrimeCell identification, PeriphID0 first. */
static const uint8_t pl011_id[8] = {
    0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* Input buffer; see the 16550A model for why it exceeds the FIFO. */
#define PL011_RX_SIZE 4096

struct PL011State {
    Object parent_obj;
    MemoryRegion iomem;
    Chardev *chr;
    qemu_irq irq;           /* set once, before the guest runs */
    GMutex lock;            /* everything below */
    int irq_level;
    uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
    uint8_t rx[PL011_RX_SIZE];
    unsigned rx_head, rx_count;
};

static uint32_t pl011_ris_locked(PL011State *s)
{
    /* The transmitter is always ready; input is ready when queued. */
    return PL011_INT_TX | (s->rx_count ? PL011_INT_RX : 0);
}

/*
 * The interrupt line is RIS & IMSC, a level.  Set with the lock held:
 * the interrupt controller never calls back into the UART.
 */
static void pl011_update_locked(PL011State *s)
{
    int level = (pl011_ris_locked(s) & s->imsc) != 0;

    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

static uint64_t pl011_read(void *opaque, hwaddr addr, unsigned size)
{
    PL011State *s = opaque;
    uint64_t val = 0;

    g_mutex_lock(&s->lock);
    if (addr >= PL011_ID && addr < PL011_ID + 8 * 4) {
        val = pl011_id[(addr - PL011_ID) / 4];
        g_mutex_unlock(&s->lock);
        return val;
    }
    switch (addr) {
    case PL011_DR:
        if (s->rx_count) {
            val = s->rx[s->rx_head];
            s->rx_head = (s->rx_head + 1) % PL011_RX_SIZE;
            s->rx_count--;
            pl011_update_locked(s);
        }
        break;
    case PL011_FR:
        val = PL011_FR_TXFE | (s->rx_count ? 0 : PL011_FR_RXFE);
        break;
    case PL011_ILPR:
        val = s->ilpr;
        break;
    case PL011_IBRD:
        val = s->ibrd;
        break;
    case PL011_FBRD:
        val = s->fbrd;
        break;
    case PL011_LCR_H:
        val = s->lcr_h;
        break;
    case PL011_CR:
        val = s->cr;
        break;
    case PL011_IFLS:
        val = s->ifls;
        break;
    case PL011_IMSC:
        val = s->imsc;
        break;
    case PL011_RIS:
        val = pl011_ris_locked(s);
        break;
    case PL011_MIS:
        val = pl011_ris_locked(s) & s->imsc;
        break;
    case PL011_DMACR:
        val = s->dmacr;
        break;
    }
    g_mutex_unlock(&s->lock);
    return val;
}

static void pl011_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PL011State *s = opaque;
    uint8_t byte = val;

    if (addr == PL011_DR) {
        if (s->chr) {
            chr_write(s->chr, &byte, 1);
        }
        return;
    }
    g_mutex_lock(&s->lock);
    switch (addr) {
    case PL011_ILPR:
        s->ilpr = val & 0xff;
        break;
    case PL011_IBRD:
        s->ibrd = val & 0xffff;
        break;
    case PL011_FBRD:
        s->fbrd = val & 0x3f;
        break;
    case PL011_LCR_H:
        s->lcr_h = val & 0xff;
        break;
    case PL011_CR:
        s->cr = val & 0xffff;
        break;
    case PL011_IFLS:
        s->ifls = val & 0x3f;
        break;
    case PL011_IMSC:
        s->imsc = val & 0x7ff;
        pl011_update_locked(s);
        break;
    case PL011_DMACR:
        s->dmacr = val & 0x7;
        break;
    }
    /* RSR/ECR and ICR writes clear error and interrupt state we lack. */
    g_mutex_unlock(&s->lock);
}

static const MemoryRegionOps pl011_ops = {
    .read = pl011_read,
    .write = pl011_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

static void pl011_chr_read(void *opaque, const char *buf, size_t len)
{
    PL011State *s = opaque;

    g_mutex_lock(&s->lock);
    for (size_t i = 0; i < len && s->rx_count < PL011_RX_SIZE; i++) {
        s->rx[(s->rx_head + s->rx_count) % PL011_RX_SIZE] = buf[i];
        s->rx_count++;
    }
    pl011_update_locked(s);
    g_mutex_unlock(&s->lock);
}

static void pl011_instance_init(Object *obj)
{
    PL011State *s = PL011(obj);

    g_mutex_init(&s->lock);
    /* Reset: transmitter and receiver enabled, FIFO levels at half. */
    s->cr = 0x300;
    s->ifls = 0x12;
}

/* --- migration: section "memvm-pl011" (docs/migration-devices.md) --- */

#define PL011_VMSTATE_VERSION 1

static void pl011_save(QEMUFile *f, void *opaque)
{
    PL011State *s = opaque;

    g_mutex_lock(&s->lock);
    qemu_put_be32(f, s->ilpr);
    qemu_put_be32(f, s->ibrd);
    qemu_put_be32(f, s->fbrd);
    qemu_put_be32(f, s->lcr_h);
    qemu_put_be32(f, s->cr);
    qemu_put_be32(f, s->ifls);
    qemu_put_be32(f, s->imsc);
    qemu_put_be32(f, s->dmacr);
    uart_rx_save(f, s->rx, PL011_RX_SIZE, s->rx_head, s->rx_count);
    g_mutex_unlock(&s->lock);
}

static bool pl011_load(QEMUFile *f, void *opaque, int version_id,
                       Error **errp)
{
    PL011State *s = opaque;
    bool ok;

    g_mutex_lock(&s->lock);
    s->ilpr = qemu_get_be32(f) & 0xff;
    s->ibrd = qemu_get_be32(f) & 0xffff;
    s->fbrd = qemu_get_be32(f) & 0x3f;
    s->lcr_h = qemu_get_be32(f) & 0xff;
    s->cr = qemu_get_be32(f) & 0xffff;
    s->ifls = qemu_get_be32(f) & 0x3f;
    s->imsc = qemu_get_be32(f) & 0x7ff;
    s->dmacr = qemu_get_be32(f) & 0x7;
    ok = uart_rx_load(f, "memvm-pl011", s->rx, PL011_RX_SIZE, &s->rx_head,
                      &s->rx_count, errp);
    if (ok) {
        /*
         * The line is RIS & IMSC, a function of what was just loaded;
         * drive it even if our idea of its level agrees, since the
         * interrupt controller's state came from another machine.
         */
        s->irq_level = (pl011_ris_locked(s) & s->imsc) != 0;
        qemu_set_irq(s->irq, s->irq_level);
    }
    g_mutex_unlock(&s->lock);
    return ok;
}

static const VMStateDescField pl011_fields[] = {
    { "ilpr", "uint32", 4 }, { "ibrd", "uint32", 4 },
    { "fbrd", "uint32", 4 }, { "lcr_h", "uint32", 4 },
    { "cr", "uint32", 4 }, { "ifls", "uint32", 4 },
    { "imsc", "uint32", 4 }, { "dmacr", "uint32", 4 },
    { "rx", "buffer", 0 },
    { NULL }
};

static const SaveVMHandlers pl011_handlers = {
    .save_state = pl011_save,
    .load_state = pl011_load,
    .vmsd_name = "memvm-pl011",
    .fields = pl011_fields,
};

PL011State *pl011_create(MemoryRegion *sysmem, hwaddr base, Chardev *chr)
{
    PL011State *s = PL011(object_new(TYPE_PL011));

    s->chr = chr;
    memory_region_init_io(&s->iomem, OBJECT(s), &pl011_ops, s, "pl011",
                          PL011_MMIO_SIZE);
    memory_region_add_subregion(sysmem, base, &s->iomem);
    if (chr) {
        chr_set_handlers(chr, pl011_chr_read, NULL, s);
    }
    register_savevm_live("memvm-pl011",
                         uart_vmstate_next_instance("memvm-pl011"),
                         PL011_VMSTATE_VERSION, &pl011_handlers, s);
    return s;
}

void pl011_connect_irq(PL011State *s, qemu_irq irq)
{
    g_mutex_lock(&s->lock);
    s->irq = irq;
    s->irq_level = 0;
    pl011_update_locked(s);
    g_mutex_unlock(&s->lock);
}

static const TypeInfo pl011_info = {
    .name = TYPE_PL011,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(PL011State),
    .instance_init = pl011_instance_init,
};

static void pl011_register_types(void)
{
    type_register_static(&pl011_info);
}
type_init(pl011_register_types)
