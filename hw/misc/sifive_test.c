/*
 * SiFive test finisher (see include/hw/misc/sifive_test.h).
 */
#include "hw/misc/sifive_test.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

OBJECT_DECLARE_SIMPLE_TYPE(SiFiveTestState, SIFIVE_TEST)

struct SiFiveTestState {
    Object parent_obj;
    MemoryRegion mmio;
};

static uint64_t sifive_test_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    int code = (val >> 16) & 0xffff;

    if (addr != 0) {
        return;
    }
    switch (val & 0xffff) {
    case FINISHER_PASS:
    case FINISHER_FAIL:
        /* exit() keeps the low 8 bits of the code, as in QEMU. */
        qemu_system_exit_request(code & 0xff);
        break;
    case FINISHER_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    }
}

static const MemoryRegionOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

SiFiveTestState *sifive_test_create(MemoryRegion *sysmem, hwaddr base)
{
    SiFiveTestState *s = SIFIVE_TEST(object_new(TYPE_SIFIVE_TEST));

    memory_region_init_io(&s->mmio, OBJECT(s), &sifive_test_ops, s,
                          "riscv.sifive.test", SIFIVE_TEST_SIZE);
    memory_region_add_subregion(sysmem, base, &s->mmio);
    return s;
}

static const TypeInfo sifive_test_info = {
    .name = TYPE_SIFIVE_TEST,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(SiFiveTestState),
};

static void sifive_test_register_types(void)
{
    type_register_static(&sifive_test_info);
}
type_init(sifive_test_register_types)
