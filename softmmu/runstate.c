/*
 * VM run state, reset and change-state handlers, and the main loop.
 *
 * Requests (shutdown, reset, guest exit, stop) may come from any thread;
 * they are recorded under a lock and serviced on the main thread, either
 * by the main loop or by the QMP dispatcher right after a command.
 */
#include <signal.h>
#include <glib-unix.h>

#include "sysemu/runstate.h"
#include "monitor/monitor.h"
#include "qapi/error.h"

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_INMIGRATE] = "inmigrate",
    [RUN_STATE_POSTMIGRATE] = "postmigrate",
    [RUN_STATE_FINISH_MIGRATE] = "finish-migrate",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
};

static const char *const shutdown_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
};

typedef struct StateHandler {
    VMChangeStateHandler *cb;
    void *opaque;
} StateHandler;

typedef struct ResetHandler {
    void (*fn)(void *opaque);
    void *opaque;
} ResetHandler;

static RunState current_state = RUN_STATE_PRELAUNCH;
static bool no_shutdown;
static bool no_reboot;
static bool autostart = true;
static GArray *state_handlers;      /* of StateHandler */
static GArray *reset_handlers;      /* of ResetHandler */
static GThread *main_thread;

/* Pending requests; written by any thread, read by the main thread. */
static GMutex request_lock;
static ShutdownCause shutdown_request;
static ShutdownCause reset_request;
static bool exit_request;
static int exit_request_status;
static bool vmstop_request;
static RunState vmstop_request_state;
static int shutdown_signal;         /* for the "terminating" message */

/* The main loop's verdict once a shutdown has been serviced. */
static bool main_loop_done;
static int main_loop_status;

/* Constructors run on the thread that later runs main(). */
static void __attribute__((constructor)) runstate_record_main_thread(void)
{
    main_thread = g_thread_self();
}

bool qemu_in_main_thread(void)
{
    return g_thread_self() == main_thread;
}

RunState runstate_get(void)
{
    return current_state;
}

const char *runstate_name(RunState state)
{
    g_assert(state >= 0 && state < RUN_STATE__MAX);
    return runstate_names[state];
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

void runstate_set(RunState state)
{
    g_assert(state >= 0 && state < RUN_STATE__MAX);
    current_state = state;
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    g_assert(cause >= 0 && cause < SHUTDOWN_CAUSE__MAX);
    return shutdown_cause_names[cause];
}

bool shutdown_cause_is_guest(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN ||
           cause == SHUTDOWN_CAUSE_GUEST_RESET ||
           cause == SHUTDOWN_CAUSE_GUEST_PANIC;
}

bool runstate_needs_reset(void)
{
    /*
     * QEMU lists internal-error and shutdown; guest-panicked is added
     * because QEMU cannot leave that state with cont either.
     */
    return current_state == RUN_STATE_INTERNAL_ERROR ||
           current_state == RUN_STATE_SHUTDOWN ||
           current_state == RUN_STATE_GUEST_PANICKED;
}

void runstate_set_no_shutdown(bool on)
{
    no_shutdown = on;
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

void runstate_set_autostart(bool on)
{
    autostart = on;
}

bool runstate_get_autostart(void)
{
    return autostart;
}

/* --- change-state and reset handlers ------------------------------------ */

void qemu_add_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque)
{
    StateHandler h = { cb, opaque };

    if (!state_handlers) {
        state_handlers = g_array_new(FALSE, FALSE, sizeof(StateHandler));
    }
    g_array_append_val(state_handlers, h);
}

void qemu_del_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque)
{
    for (guint i = 0; state_handlers && i < state_handlers->len; i++) {
        StateHandler *h = &g_array_index(state_handlers, StateHandler, i);

        if (h->cb == cb && h->opaque == opaque) {
            g_array_remove_index(state_handlers, i);
            return;
        }
    }
}

/*
 * Starting walks the handlers forward and stopping walks them backward, so
 * that something registered later (and built on something earlier) is
 * paused first and resumed last.
 */
static void vm_state_notify(bool running, RunState state)
{
    guint n = state_handlers ? state_handlers->len : 0;

    for (guint i = 0; i < n; i++) {
        guint k = running ? i : n - 1 - i;
        StateHandler h = g_array_index(state_handlers, StateHandler, k);

        h.cb(h.opaque, running, state);
    }
}

void qemu_register_reset(void (*fn)(void *opaque), void *opaque)
{
    ResetHandler h = { fn, opaque };

    if (!reset_handlers) {
        reset_handlers = g_array_new(FALSE, FALSE, sizeof(ResetHandler));
    }
    g_array_append_val(reset_handlers, h);
}

void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque)
{
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetHandler *h = &g_array_index(reset_handlers, ResetHandler, i);

        if (h->fn == fn && h->opaque == opaque) {
            g_array_remove_index(reset_handlers, i);
            return;
        }
    }
}

/* --- state changes ------------------------------------------------------ */

void vm_start(void)
{
    g_assert(qemu_in_main_thread());
    if (runstate_is_running()) {
        return;
    }
    /* QEMU sends RESUME before the vCPUs actually run again. */
    qmp_event_emit("RESUME", NULL);
    runstate_set(RUN_STATE_RUNNING);
    vm_state_notify(true, RUN_STATE_RUNNING);
}

void vm_stop(RunState state)
{
    g_assert(qemu_in_main_thread());
    if (!runstate_is_running()) {
        return;
    }
    runstate_set(state);
    vm_state_notify(false, state);
    qmp_event_emit("STOP", NULL);
}

static void emit_cause_event(const char *event, ShutdownCause cause)
{
    JsonObject *data = json_object_new();

    json_object_set_boolean_member(data, "guest",
                                   shutdown_cause_is_guest(cause));
    json_object_set_string_member(data, "reason", shutdown_cause_name(cause));
    qmp_event_emit(event, data);
    json_object_unref(data);
}

void qemu_system_reset(ShutdownCause cause)
{
    bool was_running = runstate_is_running();

    g_assert(qemu_in_main_thread());
    /* Reset handlers rewrite guest RAM and CPU state: no vCPU may run. */
    if (was_running) {
        vm_state_notify(false, RUN_STATE_PAUSED);
    }
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetHandler h = g_array_index(reset_handlers, ResetHandler, i);

        h.fn(h.opaque);
    }
    if (cause != SHUTDOWN_CAUSE_NONE) {
        emit_cause_event("RESET", cause);
    }
    if (was_running) {
        vm_state_notify(true, RUN_STATE_RUNNING);
    }
}

/* --- requests ----------------------------------------------------------- */

void qemu_notify_event(void)
{
    g_main_context_wakeup(NULL);
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    g_assert(cause != SHUTDOWN_CAUSE_NONE);
    g_mutex_lock(&request_lock);
    shutdown_request = cause;
    g_mutex_unlock(&request_lock);
    qemu_notify_event();
}

void qemu_system_reset_request(ShutdownCause cause)
{
    g_assert(cause != SHUTDOWN_CAUSE_NONE);
    g_mutex_lock(&request_lock);
    /* QEMU's -no-reboot turns every reset into a shutdown. */
    if (no_reboot) {
        shutdown_request = cause;
    } else {
        reset_request = cause;
    }
    g_mutex_unlock(&request_lock);
    qemu_notify_event();
}

void qemu_system_exit_request(int status)
{
    g_mutex_lock(&request_lock);
    if (!exit_request) {
        exit_request = true;
        exit_request_status = status;
    }
    g_mutex_unlock(&request_lock);
    qemu_notify_event();
}

void qemu_system_vmstop_request(RunState state)
{
    g_mutex_lock(&request_lock);
    vmstop_request = true;
    vmstop_request_state = state;
    g_mutex_unlock(&request_lock);
    qemu_notify_event();
}

static void finish_main_loop(int status)
{
    main_loop_done = true;
    main_loop_status = status;
}

bool runstate_process_requests(void)
{
    ShutdownCause shutdown, reset;
    bool exit_now, stop_now;
    int status, sig;
    RunState stop_state;

    g_assert(qemu_in_main_thread());
    if (main_loop_done) {
        return true;
    }
    g_mutex_lock(&request_lock);
    exit_now = exit_request;
    status = exit_request_status;
    shutdown = shutdown_request;
    reset = reset_request;
    stop_now = vmstop_request;
    stop_state = vmstop_request_state;
    sig = shutdown_signal;
    exit_request = false;
    shutdown_request = SHUTDOWN_CAUSE_NONE;
    reset_request = SHUTDOWN_CAUSE_NONE;
    vmstop_request = false;
    shutdown_signal = 0;
    g_mutex_unlock(&request_lock);

    if (exit_now) {
        /*
         * QEMU's exit devices call exit() at once; memvm tells QMP clients
         * why it is going away before it does.
         */
        emit_cause_event("SHUTDOWN", SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        finish_main_loop(status);
        return true;
    }
    if (shutdown != SHUTDOWN_CAUSE_NONE) {
        if (sig) {
            error_report("terminating on signal %d", sig);
        }
        emit_cause_event("SHUTDOWN", shutdown);
        if (no_shutdown && shutdown_cause_is_guest(shutdown)) {
            vm_stop(RUN_STATE_SHUTDOWN);
        } else {
            finish_main_loop(0);
            return true;
        }
    }
    if (reset != SHUTDOWN_CAUSE_NONE) {
        qemu_system_reset(reset);
        /* A reset VM that is not running waits to be started afresh. */
        if (!runstate_is_running() && current_state != RUN_STATE_INMIGRATE) {
            runstate_set(RUN_STATE_PRELAUNCH);
        }
    }
    if (stop_now) {
        vm_stop(stop_state);
    }
    return false;
}

/* --- the main loop ------------------------------------------------------ */

void os_setup_signal_handling(void)
{
    /* Writes to a vanished monitor client then fail with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);
}

static gboolean termination_signal(gpointer opaque)
{
    g_mutex_lock(&request_lock);
    shutdown_signal = GPOINTER_TO_INT(opaque);
    g_mutex_unlock(&request_lock);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

int qemu_main_loop(void)
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
    guint sources[G_N_ELEMENTS(signals)];

    g_assert(qemu_in_main_thread());
    os_setup_signal_handling();
    /* GLib turns the signals into main-loop callbacks on this thread. */
    for (guint i = 0; i < G_N_ELEMENTS(signals); i++) {
        sources[i] = g_unix_signal_add(signals[i], termination_signal,
                                       GINT_TO_POINTER(signals[i]));
    }
    while (!runstate_process_requests()) {
        g_main_context_iteration(NULL, TRUE);
    }
    for (guint i = 0; i < G_N_ELEMENTS(signals); i++) {
        g_source_remove(sources[i]);
    }
    return main_loop_status;
}
