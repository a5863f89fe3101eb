/*
 * The PC reset control register (see include/hw/misc/reset_control.h).
 */
#include "hw/misc/reset_control.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

OBJECT_DECLARE_SIMPLE_TYPE(ResetControlState, RESET_CONTROL)

/* Bit 1 picks a hard reset, bit 2 starts it; memvm resets the same way. */
#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04

struct ResetControlState {
    Object parent_obj;
    MemoryRegion io;
    uint8_t rcr;
};

static uint64_t reset_control_read(void *opaque, hwaddr addr, unsigned size)
{
    return RESET_CONTROL(opaque)->rcr;
}

static void reset_control_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    ResetControlState *s = RESET_CONTROL(opaque);

    if (val & RCR_RST_CPU) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    }
    s->rcr = val & RCR_SYS_RST;
}

static const MemoryRegionOps reset_control_ops = {
    .read = reset_control_read,
    .write = reset_control_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

ResetControlState *reset_control_create(MemoryRegion *io, hwaddr iobase)
{
    ResetControlState *s = RESET_CONTROL(object_new(TYPE_RESET_CONTROL));

    memory_region_init_io(&s->io, OBJECT(s), &reset_control_ops, s,
                          "reset-control", 1);
    memory_region_add_subregion(io, iobase, &s->io);
    return s;
}

static const TypeInfo reset_control_info = {
    .name = TYPE_RESET_CONTROL,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(ResetControlState),
};

static void reset_control_register_types(void)
{
    type_register_static(&reset_control_info);
}
type_init(reset_control_register_types)
