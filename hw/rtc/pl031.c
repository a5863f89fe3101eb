/*
 * Arm PL031 real-time clock (see include/hw/rtc/pl031.h).  Registers as
 * in the PrimeCell RTC (PL031) Technical Reference Manual, Arm DDI 0224.
 */
#include <time.h>

#include "hw/rtc/pl031.h"
#include "migration/register.h"
#include "qom/object.h"

OBJECT_DECLARE_SIMPLE_TYPE(PL031State, PL031)

enum {
    PL031_DR = 0x00,        /* data: the counter, read-only */
    PL031_MR = 0x04,        /* match */
    PL031_LR = 0x08,        /* load: sets the counter */
    PL031_CR = 0x0c,        /* control: bit 0 starts it, reads as 1 */
    PL031_IMSC = 0x10,
    PL031_RIS = 0x14,
    PL031_MIS = 0x18,
    PL031_ICR = 0x1c,
    PL031_ID = 0xfe0,       /* eight identification registers */
};

static const uint8_t pl031_id[8] = {
    0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

struct PL031State {
    Object parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    GMutex lock;            /* everything below */
    int64_t offset;         /* counter minus host realtime, in seconds */
    uint32_t mr, imsc, ris;
};

static uint32_t pl031_count_locked(PL031State *s)
{
    return (uint32_t)(time(NULL) + s->offset);
}

/* The match interrupt is checked on access; Linux polls on alarms. */
static void pl031_update_locked(PL031State *s)
{
    if (pl031_count_locked(s) == s->mr) {
        s->ris |= 1;
    }
    qemu_set_irq(s->irq, (s->ris & s->imsc) != 0);
}

static uint64_t pl031_read(void *opaque, hwaddr addr, unsigned size)
{
    PL031State *s = opaque;
    uint64_t val = 0;

    if (addr >= PL031_ID && addr < PL031_ID + 8 * 4) {
        return pl031_id[(addr - PL031_ID) / 4];
    }
    g_mutex_lock(&s->lock);
    pl031_update_locked(s);
    switch (addr) {
    case PL031_DR:
        val = pl031_count_locked(s);
        break;
    case PL031_MR:
        val = s->mr;
        break;
    case PL031_CR:
        val = 1;
        break;
    case PL031_IMSC:
        val = s->imsc;
        break;
    case PL031_RIS:
        val = s->ris;
        break;
    case PL031_MIS:
        val = s->ris & s->imsc;
        break;
    }
    g_mutex_unlock(&s->lock);
    return val;
}

static void pl031_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PL031State *s = opaque;

    g_mutex_lock(&s->lock);
    switch (addr) {
    case PL031_MR:
        s->mr = val;
        break;
    case PL031_LR:
        s->offset = (int64_t)(uint32_t)val - time(NULL);
        break;
    case PL031_IMSC:
        s->imsc = val & 1;
        break;
    case PL031_ICR:
        s->ris &= ~val;
        break;
    }
    pl031_update_locked(s);
    g_mutex_unlock(&s->lock);
}

static const MemoryRegionOps pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* --- migration: section "memvm-pl031" (docs/migration-devices.md) --- */

#define PL031_VMSTATE_VERSION 1

/*
 * The offset to host UTC travels, not the count: a real RTC keeps
 * counting while its machine is moved, and both hosts' clocks are UTC.
 */
static void pl031_save(QEMUFile *f, void *opaque)
{
    PL031State *s = opaque;

    g_mutex_lock(&s->lock);
    qemu_put_be64(f, s->offset);
    qemu_put_be32(f, s->mr);
    qemu_put_be32(f, s->imsc);
    qemu_put_be32(f, s->ris);
    g_mutex_unlock(&s->lock);
}

static bool pl031_load(QEMUFile *f, void *opaque, int version_id,
                       Error **errp)
{
    PL031State *s = opaque;
    int64_t offset = qemu_get_be64(f);
    uint32_t mr = qemu_get_be32(f);
    uint32_t imsc = qemu_get_be32(f);
    uint32_t ris = qemu_get_be32(f);

    if (qemu_file_get_error(f)) {
        error_setg(errp, "memvm-pl031: stream ends early");
        return false;
    }
    g_mutex_lock(&s->lock);
    s->offset = offset;
    s->mr = mr;
    s->imsc = imsc & 1;
    s->ris = ris & 1;
    pl031_update_locked(s);
    g_mutex_unlock(&s->lock);
    return true;
}

static const VMStateDescField pl031_fields[] = {
    { "offset", "int64", 8 }, { "mr", "uint32", 4 },
    { "imsc", "uint32", 4 }, { "ris", "uint32", 4 },
    { NULL }
};

static const SaveVMHandlers pl031_handlers = {
    .save_state = pl031_save,
    .load_state = pl031_load,
    .vmsd_name = "memvm-pl031",
    .fields = pl031_fields,
};

static void pl031_instance_init(Object *obj)
{
    g_mutex_init(&PL031(obj)->lock);
}

PL031State *pl031_create(MemoryRegion *sysmem, hwaddr base, qemu_irq irq)
{
    PL031State *s = PL031(object_new(TYPE_PL031));

    s->irq = irq;
    memory_region_init_io(&s->iomem, OBJECT(s), &pl031_ops, s, "pl031",
                          PL031_MMIO_SIZE);
    memory_region_add_subregion(sysmem, base, &s->iomem);
    register_savevm_live("memvm-pl031", 0, PL031_VMSTATE_VERSION,
                         &pl031_handlers, s);
    return s;
}

static const TypeInfo pl031_info = {
    .name = TYPE_PL031,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(PL031State),
    .instance_init = pl031_instance_init,
};

static void pl031_register_types(void)
{
    type_register_static(&pl031_info);
}
type_init(pl031_register_types)
