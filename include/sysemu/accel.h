/*
 * Accelerators: what runs the guest (or, for qtest, nothing does).
 *
 * An accelerator is a QOM type "NAME-accel".  init_machine() runs after
 * the board has built its memory map (so a listener registered there sees
 * every RAM range at once); start_vcpus() runs when the VM first starts.
 */
#ifndef SYSEMU_ACCEL_H
#define SYSEMU_ACCEL_H

#include "qom/object.h"

typedef struct MachineState MachineState;

#define TYPE_ACCEL "accel"
#define ACCEL_CLASS_SUFFIX "-accel"
#define ACCEL_CLASS_NAME(a) (a ACCEL_CLASS_SUFFIX)

OBJECT_DECLARE_TYPE(AccelState, AccelClass, ACCEL)

struct AccelState {
    Object parent_obj;
};

struct AccelClass {
    ObjectClass parent_class;
    const char *name;
    /* Can this host use it at all? (KVM: /dev/kvm opens) */
    bool (*available)(Error **errp);
    bool (*init_machine)(AccelState *accel, MachineState *ms, Error **errp);
    /* Create and start vCPU threads (paused until vm_start()). */
    bool (*start_vcpus)(AccelState *accel, MachineState *ms, Error **errp);
    /* Stop vCPU threads for good (at exit). */
    void (*shutdown)(AccelState *accel);
    /*
     * Dirty tracking of guest CPU stores that bypass the memory API, for
     * migration (NULL: the accelerator has none to track).  log_start
     * begins it, log_sync folds what was seen since the last sync into
     * the RAM blocks' dirty bitmaps (ram_block_set_dirty()), log_stop
     * ends it.  Called from the migration thread, never the vCPU's.
     */
    bool (*log_start)(AccelState *accel, Error **errp);
    void (*log_sync)(AccelState *accel);
    void (*log_stop)(AccelState *accel);
};

extern AccelState *current_accel;

/* Create the accelerator named @name ("qtest", "tcg", "kvm"). */
AccelState *accel_create(const char *name, Error **errp);
const char *accel_name(AccelState *accel);

#endif
