/*
 * VM run state and the main loop.
 *
 * memvm runs one GLib main loop on the main thread (monitors, qtest, timers).
 * vCPU threads (accel tcg) ask the main loop for shutdown/reset through the
 * request functions below, which are thread-safe.
 */
#ifndef SYSEMU_RUNSTATE_H
#define SYSEMU_RUNSTATE_H

#include <stdbool.h>

/* QMP's RunState names, in QEMU's spelling (query-status "status"). */
typedef enum RunState {
    RUN_STATE_PRELAUNCH,    /* "prelaunch": -S given, not yet started */
    RUN_STATE_RUNNING,      /* "running" */
    RUN_STATE_PAUSED,       /* "paused": stopped by the user */
    RUN_STATE_INMIGRATE,    /* "inmigrate": waiting for -incoming */
    RUN_STATE_POSTMIGRATE,  /* "postmigrate" */
    RUN_STATE_SHUTDOWN,     /* "shutdown" */
    RUN_STATE_INTERNAL_ERROR, /* "internal-error": guest hit a fatal fault */
    RUN_STATE_GUEST_PANICKED, /* "guest-panicked" */
    RUN_STATE__MAX,
} RunState;

/* QMP SHUTDOWN event "reason" values. */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,      /* "host-error" */
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,   /* "host-qmp-quit" */
    SHUTDOWN_CAUSE_HOST_SIGNAL,     /* "host-signal" */
    SHUTDOWN_CAUSE_HOST_UI,         /* "host-ui" */
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,  /* "guest-shutdown" */
    SHUTDOWN_CAUSE_GUEST_RESET,     /* "guest-reset" */
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET, /* "host-qmp-system-reset" */
    SHUTDOWN_CAUSE_GUEST_PANIC,     /* "guest-panic" */
    SHUTDOWN_CAUSE__MAX,
} ShutdownCause;

RunState runstate_get(void);
const char *runstate_name(RunState state);
bool runstate_is_running(void);
void runstate_set(RunState state);
const char *shutdown_cause_name(ShutdownCause cause);

/* Stop the vCPUs (emits STOP when they were running). */
void vm_stop(RunState state);
/* Start or resume the vCPUs (emits RESUME). */
void vm_start(void);

/* Thread-safe requests, serviced by the main loop. */
void qemu_system_shutdown_request(ShutdownCause cause);
void qemu_system_reset_request(ShutdownCause cause);
/* Guest exit with a status (isa-debug-exit, sifive test finisher). */
void qemu_system_exit_request(int status);

/* Run the main loop until a shutdown request; returns the exit status. */
int qemu_main_loop(void);
/* Wake the main loop from another thread. */
void qemu_notify_event(void);

/* Called on state changes (accelerators pause/resume their vCPUs). */
typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
void qemu_add_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque);

/* Called on system_reset (the board re-loads its images, CPUs reset). */
void qemu_register_reset(void (*fn)(void *opaque), void *opaque);

#endif
