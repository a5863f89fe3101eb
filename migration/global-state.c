/*
 * The two small sections every QEMU 7.2 stream carries, so that streams
 * go both ways between memvm and QEMU:
 *
 * - "timer" v2: cpu_ticks_offset, 8 unused bytes, cpu_clock_offset.
 *   memvm's clocks do not depend on them; it sends zeros (what a stopped
 *   QEMU that never ran sends) and ignores what it receives.
 * - "globalstate" v1: the source's run state when it stopped, which the
 *   destination takes on unless it was "running".
 */
#include <string.h>
#include <glib.h>

#include "migration/register.h"
#include "migration/savevm.h"
#include "sysemu/runstate.h"

#define GLOBAL_STATE_RUNSTATE_LEN 100

static char global_runstate[GLOBAL_STATE_RUNSTATE_LEN];
static bool global_received;
static char received_runstate[GLOBAL_STATE_RUNSTATE_LEN + 1];

void global_state_store(void)
{
    g_strlcpy(global_runstate, runstate_name(runstate_get()),
              sizeof(global_runstate));
}

const char *global_state_received_runstate(void)
{
    return global_received ? received_runstate : NULL;
}

static void global_state_save(QEMUFile *f, void *opaque)
{
    uint8_t buf[GLOBAL_STATE_RUNSTATE_LEN] = { 0 };

    if (!global_runstate[0]) {
        global_state_store();
    }
    memcpy(buf, global_runstate, strlen(global_runstate));
    qemu_put_be32(f, strlen(global_runstate) + 1);
    qemu_put_buffer(f, buf, sizeof(buf));
}

static bool global_state_load(QEMUFile *f, void *opaque, int version_id,
                              Error **errp)
{
    uint32_t size = qemu_get_be32(f);
    uint8_t buf[GLOBAL_STATE_RUNSTATE_LEN];

    qemu_get_buffer(f, buf, sizeof(buf));
    if (qemu_file_get_error(f)) {
        return false;
    }
    if (size > GLOBAL_STATE_RUNSTATE_LEN) {
        error_setg(errp, "globalstate: run state size %u exceeds %d", size,
                   GLOBAL_STATE_RUNSTATE_LEN);
        return false;
    }
    memcpy(received_runstate, buf, sizeof(buf));
    received_runstate[size ? size - 1 : 0] = '\0';
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        if (!strcmp(received_runstate, runstate_name(s))) {
            global_received = true;
            return true;
        }
    }
    error_setg(errp, "globalstate: unknown run state '%s'",
               received_runstate);
    return false;
}

static const VMStateDescField global_state_fields[] = {
    { "size", "uint32", 4 },
    { "runstate", "buffer", GLOBAL_STATE_RUNSTATE_LEN },
    { NULL },
};

static const SaveVMHandlers global_state_handlers = {
    .save_state = global_state_save,
    .load_state = global_state_load,
    .vmsd_name = "globalstate",
    .fields = global_state_fields,
};

static void timer_save(QEMUFile *f, void *opaque)
{
    qemu_put_be64(f, 0);    /* cpu_ticks_offset */
    qemu_put_be64(f, 0);    /* unused */
    qemu_put_be64(f, 0);    /* cpu_clock_offset */
}

static bool timer_load(QEMUFile *f, void *opaque, int version_id,
                       Error **errp)
{
    qemu_get_be64(f);
    qemu_get_be64(f);
    qemu_get_be64(f);
    return !qemu_file_get_error(f);
}

static const VMStateDescField timer_fields[] = {
    { "cpu_ticks_offset", "int64", 8 },
    { "unused", "unused_buffer", 8 },
    { "cpu_clock_offset", "int64", 8 },
    { NULL },
};

static const SaveVMHandlers timer_handlers = {
    .save_state = timer_save,
    .load_state = timer_load,
    .vmsd_name = "timer",
    .fields = timer_fields,
};

void global_state_register(void)
{
    global_received = false;
    global_runstate[0] = '\0';
    register_savevm_live("globalstate", 0, 1, &global_state_handlers, NULL);
}

void timer_state_register(void)
{
    register_savevm_live("timer", 0, 2, &timer_handlers, NULL);
}
