/*
 * The accelerator base type and selection.
 */
#include "sysemu/accel.h"

AccelState *current_accel;

AccelState *accel_create(const char *name, Error **errp)
{
    g_autofree char *type = g_strconcat(name, ACCEL_CLASS_SUFFIX, NULL);
    ObjectClass *oc = object_class_by_name(type);
    AccelClass *ac;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_ACCEL) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "invalid accelerator %s", name);
        return NULL;
    }
    ac = ACCEL_CLASS(oc);
    if (ac->available && !ac->available(errp)) {
        error_prepend(errp, "accelerator %s is not available: ", name);
        return NULL;
    }
    return ACCEL(object_new(type));
}

const char *accel_name(AccelState *accel)
{
    return ACCEL_GET_CLASS(accel)->name;
}

static const TypeInfo accel_info = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(AccelClass),
    .instance_size = sizeof(AccelState),
};

static void accel_register_types(void)
{
    type_register_static(&accel_info);
}
type_init(accel_register_types)
