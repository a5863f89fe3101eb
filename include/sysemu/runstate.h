/*
 * VM run state and the main loop.
 *
 * memvm runs one GLib main loop on the main thread (monitors, qtest, timers).
 * vCPU threads (accel tcg) ask the main loop for shutdown/reset through the
 * request functions below, which are thread-safe.  Everything else here is
 * for the main thread only.
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
    RUN_STATE_FINISH_MIGRATE, /* "finish-migrate": last migration pass */
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
/* True for the causes QEMU reports with "guest": true. */
bool shutdown_cause_is_guest(ShutdownCause cause);
/* The VM must be reset before it may run again (QMP cont refuses). */
bool runstate_needs_reset(void);

/*
 * -no-shutdown: a guest-initiated shutdown stops the VM (state "shutdown")
 * instead of ending memvm.  -no-reboot: any reset request becomes a
 * shutdown with the same cause.  Both as in QEMU.
 */
void runstate_set_no_shutdown(bool on);
void runstate_set_no_reboot(bool on);
/*
 * Whether the VM starts when an incoming migration completes; QMP stop and
 * cont change it while the state is "inmigrate".
 */
void runstate_set_autostart(bool on);
bool runstate_get_autostart(void);

/*
 * Stop the vCPUs: sets @state, calls the change-state handlers and emits
 * STOP.  Does nothing when the VM is not running (as QEMU).
 */
void vm_stop(RunState state);
/*
 * Start or resume the vCPUs: emits RESUME, sets "running", calls the
 * change-state handlers.  Does nothing when already running.
 */
void vm_start(void);

/*
 * Reset now: run the reset handlers (in registration order), then emit
 * RESET unless @cause is SHUTDOWN_CAUSE_NONE.  vl.c calls this once with
 * SHUTDOWN_CAUSE_NONE before the VM first starts, as QEMU does, so that
 * boards load their images from their reset handlers.
 */
void qemu_system_reset(ShutdownCause cause);

/*
 * Thread-safe requests, serviced by the main loop (and by the QMP
 * dispatcher right after each command, so that the events they cause come
 * before the command's reply, in QEMU's order).
 */
void qemu_system_shutdown_request(ShutdownCause cause);
void qemu_system_reset_request(ShutdownCause cause);
/* Guest exit with a status (isa-debug-exit, sifive test finisher). */
void qemu_system_exit_request(int status);
/* Stop the VM from a vCPU thread (guest panic, internal error). */
void qemu_system_vmstop_request(RunState state);

/*
 * Service pending requests now (main thread).  Returns true when the main
 * loop is to end.
 */
bool runstate_process_requests(void);

/*
 * Run the main loop until a shutdown or exit request; returns the process
 * exit status: 0 after quit, a signal or a shutdown, the guest's status
 * after qemu_system_exit_request().  SIGINT, SIGTERM and SIGHUP request a
 * shutdown with cause "host-signal".
 */
int qemu_main_loop(void);
/* Wake the main loop from another thread. */
void qemu_notify_event(void);
/* True on the thread that runs main() and the main loop. */
bool qemu_in_main_thread(void);
/*
 * Ignore SIGPIPE: a monitor client that goes away must not kill memvm.
 * Idempotent; the monitors and the main loop call it.
 */
void os_setup_signal_handling(void);

/*
 * Called on state changes (accelerators pause/resume their vCPUs), in
 * registration order when starting and in reverse order when stopping.
 * A reset while running is bracketed by a (false, RUN_STATE_PAUSED) and a
 * (true, RUN_STATE_RUNNING) call without any state change or event, so
 * that reset handlers never race with running vCPUs.
 */
typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
void qemu_add_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque);
void qemu_del_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque);

/* Called on system_reset (the board re-loads its images, CPUs reset). */
void qemu_register_reset(void (*fn)(void *opaque), void *opaque);
void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque);

#endif
