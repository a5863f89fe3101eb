/*
 * The incoming side: -incoming URI (or "defer" then migrate-incoming)
 * listens at once, then a loader thread accepts the source, reads the
 * stream into this machine and hands the result to the main thread,
 * which starts the guest or, on failure, prints QEMU's lines and ends
 * memvm with exit status 1 (what QEMU's destination does).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "migration/channel.h"
#include "migration/cpr.h"
#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "sysemu/runstate.h"

static MigrationListener listener;
static bool deferred;
static bool started;
static GThread *loader;

typedef struct IncomingResult {
    int ret;
    Error *err;
} IncomingResult;

void migration_incoming_set_deferred(bool on)
{
    deferred = on;
}

bool migration_incoming_is_deferred(void)
{
    return deferred;
}

static void incoming_done(void *opaque)
{
    IncomingResult *r = opaque;
    const char *state;

    if (r->ret < 0) {
        gchar **lines = g_strsplit(error_get_pretty(r->err), "\n", -1);

        for (gchar **l = lines; *l; l++) {
            error_report("%s", *l);
        }
        g_strfreev(lines);
        error_report("load of migration failed: %s", g_strerror(-r->ret));
        migration_set_incoming_status(MIGRATION_STATUS_FAILED);
        qemu_system_exit_request(1);
        return;
    }
    migration_set_incoming_status(MIGRATION_STATUS_COMPLETED);
    /* As QEMU: a source that was not running leaves us in its state. */
    state = global_state_received_runstate();
    if (!state || !strcmp(state, "running")) {
        if (runstate_get_autostart()) {
            vm_start();
        } else {
            runstate_set(RUN_STATE_PAUSED);
        }
        return;
    }
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        if (!strcmp(state, runstate_name(s))) {
            runstate_set(s);
        }
    }
}

static gpointer incoming_thread(gpointer opaque)
{
    IncomingResult r = { 0 };
    QEMUFile *f;
    int fd;

    fd = migration_channel_accept(&listener, &r.err);
    if (fd < 0) {
        r.ret = -EIO;
    } else if (!cpr_transfer_recv(fd, &r.err)) {
        /* cpr-transfer (mig-live): the source's RAM could not be mapped. */
        r.ret = -EINVAL;
        close(fd);
    } else {
        migration_set_incoming_status(MIGRATION_STATUS_ACTIVE);
        f = qemu_file_new_input(fd, "migration stream");
        r.ret = qemu_loadvm_state(f, &r.err);
        qemu_fclose(f);
    }
    migration_channel_finish(listener.pid);
    migration_listener_close(&listener);
    migration_run_on_main(incoming_done, &r);
    error_free(r.err);
    return NULL;
}

bool migration_incoming_start(const char *uri, Error **errp)
{
    if (started) {
        error_setg(errp, "The incoming migration has already been started");
        return false;
    }
    if (!migration_channel_listen(uri, &listener, errp)) {
        return false;
    }
    started = true;
    deferred = false;
    runstate_set(RUN_STATE_INMIGRATE);
    migration_set_incoming_status(MIGRATION_STATUS_SETUP);
    loader = g_thread_new("mig/dst", incoming_thread, NULL);
    return true;
}

bool migration_incoming_was_started(void)
{
    return started;
}
