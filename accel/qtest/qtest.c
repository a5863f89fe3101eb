/*
 * accel qtest: no vCPU at all; the guest is driven by the qtest protocol.
 */
#include "sysemu/accel.h"

static void qtest_accel_class_init(ObjectClass *oc, void *data)
{
    ACCEL_CLASS(oc)->name = "qtest";
}

static const TypeInfo qtest_accel_info = {
    .name = ACCEL_CLASS_NAME("qtest"),
    .parent = TYPE_ACCEL,
    .class_init = qtest_accel_class_init,
};

static void qtest_accel_register_types(void)
{
    type_register_static(&qtest_accel_info);
}
type_init(qtest_accel_register_types)
