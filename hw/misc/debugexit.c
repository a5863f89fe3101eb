/*
 * isa-debug-exit (see include/hw/misc/debugexit.h).
 */
#include "hw/misc/debugexit.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

OBJECT_DECLARE_SIMPLE_TYPE(DebugExitState, ISA_DEBUG_EXIT)

struct DebugExitState {
    Object parent_obj;
    MemoryRegion io;
};

static uint64_t debugexit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void debugexit_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    /*
     * QEMU calls exit() right here; memvm asks the main loop, which ends
     * with this status and lets QMP clients see why.  exit() keeps only
     * the low 8 bits, as QEMU's status does.
     */
    qemu_system_exit_request((int)((val << 1) | 1) & 0xff);
}

static const MemoryRegionOps debugexit_ops = {
    .read = debugexit_read,
    .write = debugexit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

DebugExitState *debugexit_create(MemoryRegion *io, hwaddr iobase,
                                 unsigned iosize)
{
    DebugExitState *s = ISA_DEBUG_EXIT(object_new(TYPE_ISA_DEBUG_EXIT));

    memory_region_init_io(&s->io, OBJECT(s), &debugexit_ops, s,
                          "isa-debug-exit", iosize);
    memory_region_add_subregion(io, iobase, &s->io);
    return s;
}

static const TypeInfo debugexit_info = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DebugExitState),
};

static void debugexit_register_types(void)
{
    type_register_static(&debugexit_info);
}
type_init(debugexit_register_types)
