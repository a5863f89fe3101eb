/*
 * The migration state machine: capabilities and parameters, the outgoing
 * thread (setup, passes over dirty RAM until the rest fits the downtime
 * limit, stop, last pass and device state) and the incoming side (listen,
 * load on a thread, then start the guest or exit non-zero).
 *
 * Threads: the QMP commands run on the main thread; the outgoing stream is
 * written on the migration thread and the incoming one read on the loader
 * thread.  Those threads ask the main thread to stop or start the VM
 * (run_on_main), because run-state changes belong to the main loop.
 * Status and counters are read under state_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <glib.h>

#include "migration/channel.h"
#include "migration/cpr.h"
#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "sysemu/runstate.h"

static const char *const status_names[MIGRATION_STATUS__MAX] = {
    [MIGRATION_STATUS_NONE] = "none",
    [MIGRATION_STATUS_SETUP] = "setup",
    [MIGRATION_STATUS_CANCELLING] = "cancelling",
    [MIGRATION_STATUS_CANCELLED] = "cancelled",
    [MIGRATION_STATUS_ACTIVE] = "active",
    [MIGRATION_STATUS_POSTCOPY_ACTIVE] = "postcopy-active",
    [MIGRATION_STATUS_COMPLETED] = "completed",
    [MIGRATION_STATUS_FAILED] = "failed",
    [MIGRATION_STATUS_PRE_SWITCHOVER] = "pre-switchover",
    [MIGRATION_STATUS_DEVICE] = "device",
};

static const char *const capability_names[MIGRATION_CAPABILITY__MAX] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress",
    "events", "postcopy-ram", "x-colo", "release-ram", "block",
    "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
    "postcopy-blocktime", "late-block-activate", "x-ignore-shared",
    "validate-uuid", "background-snapshot", "zero-copy-send",
    "postcopy-preempt",
};

typedef struct MigrationState {
    GMutex lock;
    MigrationStatus status;
    char *error_desc;
    GThread *thread;
    int fd;                     /* the stream's fd while it is open */
    bool cancel;
    bool vm_was_running;
    int64_t start_ms;           /* monotonic, ms */
    int64_t setup_time;         /* ms */
    int64_t total_time;         /* ms, when done */
    int64_t downtime;           /* ms, when done */
    int64_t expected_downtime;  /* ms */
    double mbps;
    MigrationRAMStats ram;
    bool caps[MIGRATION_CAPABILITY__MAX];
    MigrationParameters params;
    char *uri;
    bool incoming;              /* the status is the incoming side's */
} MigrationState;

static MigrationState mig = {
    .fd = -1,
    .params = {
        .max_bandwidth = 128 * 1024 * 1024,
        .downtime_limit = 300,
        .multifd_channels = 2,
    },
};

const char *migration_status_name(MigrationStatus status)
{
    g_assert(status >= 0 && status < MIGRATION_STATUS__MAX);
    return status_names[status];
}

const char *migration_capability_name(MigrationCapability cap)
{
    g_assert(cap >= 0 && cap < MIGRATION_CAPABILITY__MAX);
    return capability_names[cap];
}

int migration_capability_by_name(const char *name)
{
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        if (!strcmp(name, capability_names[i])) {
            return i;
        }
    }
    return -1;
}

bool migrate_cap_enabled(MigrationCapability cap)
{
    return mig.caps[cap];
}

void migrate_set_capability(MigrationCapability cap, bool on)
{
    mig.caps[cap] = on;
}

MigrationParameters migrate_get_parameters(void)
{
    MigrationParameters p;

    g_mutex_lock(&mig.lock);
    p = mig.params;
    g_mutex_unlock(&mig.lock);
    return p;
}

void migrate_set_parameters(const MigrationParameters *p)
{
    g_mutex_lock(&mig.lock);
    mig.params = *p;
    g_mutex_unlock(&mig.lock);
}

MigrationRAMStats *migration_ram_stats(void)
{
    return &mig.ram;
}

MigrationStatus migration_get_status(void)
{
    MigrationStatus s;

    g_mutex_lock(&mig.lock);
    s = mig.status;
    g_mutex_unlock(&mig.lock);
    return s;
}

static bool status_is_active(MigrationStatus s)
{
    return s == MIGRATION_STATUS_SETUP || s == MIGRATION_STATUS_ACTIVE ||
           s == MIGRATION_STATUS_DEVICE || s == MIGRATION_STATUS_CANCELLING;
}

bool migration_is_active(void)
{
    return status_is_active(migration_get_status());
}

/* MIGRATION and MIGRATION_PASS, only with the events capability. */
static void emit_event(const char *event, const char *member,
                       const char *str, int64_t num)
{
    JsonObject *data;

    if (!migrate_cap_enabled(MIGRATION_CAPABILITY_EVENTS)) {
        return;
    }
    data = json_object_new();
    if (str) {
        json_object_set_string_member(data, member, str);
    } else {
        json_object_set_int_member(data, member, num);
    }
    qmp_event_emit(event, data);
    json_object_unref(data);
}

static void emit_status(MigrationStatus s)
{
    emit_event("MIGRATION", "status", migration_status_name(s), 0);
}

static void emit_pass(uint64_t pass)
{
    emit_event("MIGRATION_PASS", "pass", NULL, pass);
}

/* Change status unless it moved on meanwhile (cancel wins over active). */
static bool set_status(MigrationStatus from, MigrationStatus to)
{
    bool ok;

    g_mutex_lock(&mig.lock);
    ok = mig.status == from;
    if (ok) {
        mig.status = to;
    }
    g_mutex_unlock(&mig.lock);
    if (ok) {
        emit_status(to);
    }
    return ok;
}

/* --- running code on the main thread -------------------------------- */

typedef struct MainCall {
    void (*fn)(void *opaque);
    void *opaque;
    GMutex lock;
    GCond cond;
    bool done;
} MainCall;

static gboolean main_call_cb(gpointer opaque)
{
    MainCall *c = opaque;

    c->fn(c->opaque);
    g_mutex_lock(&c->lock);
    c->done = true;
    g_cond_signal(&c->cond);
    g_mutex_unlock(&c->lock);
    return G_SOURCE_REMOVE;
}

static void run_on_main(void (*fn)(void *opaque), void *opaque)
{
    MainCall c = { .fn = fn, .opaque = opaque };

    if (qemu_in_main_thread()) {
        fn(opaque);
        return;
    }
    g_mutex_init(&c.lock);
    g_cond_init(&c.cond);
    g_main_context_invoke(NULL, main_call_cb, &c);
    g_mutex_lock(&c.lock);
    while (!c.done) {
        g_cond_wait(&c.cond, &c.lock);
    }
    g_mutex_unlock(&c.lock);
    g_mutex_clear(&c.lock);
    g_cond_clear(&c.cond);
}

static void stop_for_completion(void *opaque)
{
    mig.vm_was_running = runstate_is_running();
    global_state_store();
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_FINISH_MIGRATE);
    } else {
        runstate_set(RUN_STATE_FINISH_MIGRATE);
    }
}

/* After a failure or cancel: the guest goes on as if nothing happened. */
static void resume_after_failure(void *opaque)
{
    if (runstate_get() != RUN_STATE_FINISH_MIGRATE) {
        return;
    }
    if (mig.vm_was_running) {
        vm_start();
    } else {
        runstate_set(RUN_STATE_POSTMIGRATE);
    }
}

static void set_postmigrate(void *opaque)
{
    runstate_set(RUN_STATE_POSTMIGRATE);
}

/* --- outgoing ------------------------------------------------------- */

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

static bool cancelled(void)
{
    bool c;

    g_mutex_lock(&mig.lock);
    c = mig.cancel;
    g_mutex_unlock(&mig.lock);
    return c;
}

static void fail(const char *desc)
{
    g_mutex_lock(&mig.lock);
    if (mig.cancel) {
        mig.status = MIGRATION_STATUS_CANCELLED;
        g_mutex_unlock(&mig.lock);
        emit_status(MIGRATION_STATUS_CANCELLED);
        return;
    }
    g_free(mig.error_desc);
    mig.error_desc = g_strdup(desc);
    mig.status = MIGRATION_STATUS_FAILED;
    g_mutex_unlock(&mig.lock);
    /* QEMU prints the reason on the source's stderr as well. */
    error_report("%s", desc);
    emit_status(MIGRATION_STATUS_FAILED);
}

/* Counters follow the stream while it is written. */
static void update_transferred(QEMUFile *f)
{
    uint64_t bytes = qemu_file_transferred(f);

    g_mutex_lock(&mig.lock);
    mig.ram.transferred = bytes;
    mig.ram.precopy_bytes = bytes;
    g_mutex_unlock(&mig.lock);
}

/*
 * Precopy: pass over dirty RAM while the guest runs; when what is left
 * can go within downtime-limit at the measured rate, stop the guest and
 * send the rest with the device state.
 */
static bool migration_iterate(QEMUFile *f, Error **errp)
{
    uint64_t pass = 1;
    int64_t window_start = now_ms();
    uint64_t window_bytes = qemu_file_transferred(f);
    double bytes_per_ms = 0;

    emit_pass(pass);
    for (;;) {
        MigrationParameters p = migrate_get_parameters();
        uint64_t threshold, pending;
        int64_t t = now_ms();
        int ret;

        if (cancelled()) {
            error_setg(errp, "migration cancelled");
            return false;
        }
        if (t - window_start >= 100) {
            uint64_t sent = qemu_file_transferred(f);

            bytes_per_ms = (double)(sent - window_bytes) / (t - window_start);
            g_mutex_lock(&mig.lock);
            mig.mbps = bytes_per_ms * 8 * 1000 / 1e6;
            g_mutex_unlock(&mig.lock);
            window_start = t;
            window_bytes = sent;
        }
        /*
         * Until the first 100 ms are measured the threshold is 0, so at
         * least one PART pass goes out first, as in QEMU.
         */
        threshold = bytes_per_ms * p.downtime_limit;
        pending = qemu_savevm_state_pending(false);
        if (pending <= threshold) {
            pending = qemu_savevm_state_pending(true);
            if (pending <= threshold) {
                return true;
            }
            emit_pass(++pass);
        }
        g_mutex_lock(&mig.lock);
        mig.expected_downtime = bytes_per_ms ? pending / bytes_per_ms : 0;
        g_mutex_unlock(&mig.lock);
        qemu_file_set_rate_limit(f, p.max_bandwidth);
        if (qemu_file_rate_limit(f)) {
            qemu_file_rate_wait(f);
            continue;
        }
        ret = qemu_savevm_state_iterate(f);
        update_transferred(f);
        if (ret < 0) {
            qemu_file_get_error_obj(f, errp);
            if (!*errp) {
                error_setg(errp, "migration: %s", g_strerror(-ret));
            }
            return false;
        }
    }
}

static gpointer migration_thread(gpointer opaque)
{
    char *uri = opaque;
    Error *err = NULL;
    QEMUFile *f = NULL;
    GPid pid = 0;
    int64_t stop_ms, setup_start = now_ms();
    bool stopped = false;
    int fd, ret;

    fd = migration_channel_connect(uri, &pid, &err);
    if (fd < 0) {
        goto failed;
    }
    g_mutex_lock(&mig.lock);
    mig.fd = fd;
    g_mutex_unlock(&mig.lock);
    /* cpr-transfer (mig-live): RAM descriptors go ahead of the stream. */
    if (migrate_get_parameters().mode == MIG_MODE_CPR_TRANSFER &&
        !cpr_transfer_send(fd, &err)) {
        goto failed;
    }
    f = qemu_file_new_output(fd, "migration stream");
    qemu_savevm_state_header(f);
    if (!qemu_savevm_state_setup(f, &err)) {
        goto failed;
    }
    g_mutex_lock(&mig.lock);
    mig.setup_time = now_ms() - setup_start;
    g_mutex_unlock(&mig.lock);
    if (!set_status(MIGRATION_STATUS_SETUP, MIGRATION_STATUS_ACTIVE)) {
        error_setg(&err, "migration cancelled");
        goto failed;
    }
    if (!migration_iterate(f, &err)) {
        goto failed;
    }
    run_on_main(stop_for_completion, NULL);
    stopped = true;
    stop_ms = now_ms();
    ret = qemu_savevm_state_complete(f);
    update_transferred(f);
    if (ret < 0 || qemu_file_get_error(f)) {
        qemu_file_get_error_obj(f, &err);
        goto failed;
    }
    qemu_savevm_state_cleanup();
    cpr_transfer_done();
    g_mutex_lock(&mig.lock);
    mig.fd = -1;
    g_mutex_unlock(&mig.lock);
    ret = qemu_fclose(f);
    f = NULL;
    migration_channel_finish(pid);
    if (ret < 0) {
        error_setg(&err, "migration stream: %s", g_strerror(-ret));
        goto failed;
    }
    g_mutex_lock(&mig.lock);
    mig.downtime = now_ms() - stop_ms;
    mig.total_time = now_ms() - mig.start_ms;
    if (mig.total_time) {
        mig.mbps = (double)mig.ram.transferred * 8 / 1e3 / mig.total_time;
    }
    mig.ram.remaining = 0;
    g_mutex_unlock(&mig.lock);
    run_on_main(set_postmigrate, NULL);
    set_status(MIGRATION_STATUS_ACTIVE, MIGRATION_STATUS_COMPLETED);
    g_free(uri);
    return NULL;

failed:
    qemu_savevm_state_cleanup();
    cpr_transfer_done();
    g_mutex_lock(&mig.lock);
    mig.fd = -1;
    mig.total_time = now_ms() - mig.start_ms;
    g_mutex_unlock(&mig.lock);
    if (f) {
        qemu_fclose(f);
    }
    migration_channel_finish(pid);
    if (stopped) {
        run_on_main(resume_after_failure, NULL);
    }
    fail(err ? error_get_pretty(err) : "migration failed");
    error_free(err);
    g_free(uri);
    return NULL;
}

bool migration_start(const char *uri, Error **errp)
{
    MigrationStatus s = migration_get_status();

    if (status_is_active(s)) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    if (runstate_get() == RUN_STATE_POSTMIGRATE) {
        error_setg(errp, "Can't migrate the vm that was paused due to "
                   "previous migration");
        return false;
    }
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return false;
    }
    if (!migration_uri_check(uri, errp) ||
        !cpr_check_uri(migrate_get_parameters().mode, uri, errp)) {
        return false;
    }
    if (mig.thread) {
        g_thread_join(mig.thread);
        mig.thread = NULL;
    }
    g_mutex_lock(&mig.lock);
    memset(&mig.ram, 0, sizeof(mig.ram));
    g_free(mig.error_desc);
    mig.error_desc = NULL;
    mig.cancel = false;
    mig.vm_was_running = false;
    mig.start_ms = now_ms();
    mig.setup_time = mig.total_time = mig.downtime = 0;
    mig.expected_downtime = 0;
    mig.mbps = 0;
    mig.status = MIGRATION_STATUS_SETUP;
    mig.incoming = false;
    g_free(mig.uri);
    mig.uri = g_strdup(uri);
    g_mutex_unlock(&mig.lock);
    emit_status(MIGRATION_STATUS_SETUP);
    mig.thread = g_thread_new("migration", migration_thread, g_strdup(uri));
    return true;
}

void migration_cancel(void)
{
    g_mutex_lock(&mig.lock);
    if (!status_is_active(mig.status) ||
        mig.status == MIGRATION_STATUS_CANCELLING) {
        g_mutex_unlock(&mig.lock);
        return;
    }
    mig.cancel = true;
    mig.status = MIGRATION_STATUS_CANCELLING;
    /* A thread blocked on a slow peer gets its write failed at once. */
    if (mig.fd >= 0) {
        shutdown(mig.fd, SHUT_RDWR);
    }
    g_mutex_unlock(&mig.lock);
    emit_status(MIGRATION_STATUS_CANCELLING);
}

void migration_get_info(MigrationInfo *info)
{
    g_mutex_lock(&mig.lock);
    info->status = mig.status;
    info->incoming = mig.incoming;
    info->error_desc = g_strdup(mig.error_desc);
    info->setup_time = mig.setup_time;
    info->total_time = status_is_active(mig.status) ?
        now_ms() - mig.start_ms : mig.total_time;
    info->downtime = mig.downtime;
    info->expected_downtime = mig.expected_downtime;
    info->mbps = mig.mbps;
    info->ram = mig.ram;
    g_mutex_unlock(&mig.lock);
}

void migration_set_incoming_status(MigrationStatus status)
{
    g_mutex_lock(&mig.lock);
    mig.incoming = true;
    mig.status = status;
    g_mutex_unlock(&mig.lock);
    emit_status(status);
}

void migration_run_on_main(void (*fn)(void *opaque), void *opaque)
{
    run_on_main(fn, opaque);
}
