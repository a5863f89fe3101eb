/*
 * Small commands a management tool's capability probe sends first
 * (libvirt: query-target, query-kvm, device-list-properties), answered
 * from what this binary really is.
 */
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "qom/object.h"
#include "sysemu/accel.h"
#include "sysemu/kvm.h"

static JsonNode *qmp_query_target(JsonObject *args, Error **errp)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "arch",
                                  target_arch_name(target_arch()));
    return qmp_node_new_object(info);
}

/*
 * "present": this binary has a KVM accelerator (QEMU: built with KVM);
 * "enabled": the running VM uses it.
 */
static JsonNode *qmp_query_kvm(JsonObject *args, Error **errp)
{
    JsonObject *info = json_object_new();

    json_object_set_boolean_member(info, "enabled", kvm_enabled());
    json_object_set_boolean_member(info, "present",
        object_class_by_name(ACCEL_CLASS_NAME("kvm")) != NULL);
    return qmp_node_new_object(info);
}

/*
 * memvm's few device models (serial ports, interrupt controllers) are
 * part of their boards, not user-creatable devices: no type is a device
 * that -device could create, and the errors say so in QEMU's words.
 */
static JsonNode *qmp_device_list_properties(JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "typename");

    if (!object_class_by_name(name)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", name);
    } else {
        error_setg(errp, "Parameter 'typename' expects device");
    }
    return NULL;
}

static void __attribute__((constructor)) qmp_probe_register(void)
{
    qmp_register_command_args("query-target", "", qmp_query_target, 0);
    qmp_register_command_args("query-kvm", "", qmp_query_kvm, 0);
    qmp_register_command_args("device-list-properties", "typename:str",
                              qmp_device_list_properties, 0);
}
