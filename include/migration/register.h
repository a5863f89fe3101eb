/*
 * Registering state that travels in a migration stream.
 *
 * A registered entry is a section in QEMU's stream format, keyed by
 * (idstr, instance_id) and carrying a version_id.  Two kinds exist:
 *
 * - device state, written once in a FULL section after the guest has
 *   stopped (save_state / load_state);
 * - iterable ("live") state such as RAM, written as START (setup), PART
 *   (each pass while the guest may still run) and END (completion)
 *   sections, all of which the destination feeds to load_state.
 *
 * Section ids follow registration order, as in QEMU, so register early
 * (machine init) and in a fixed order.  Every callback runs on the
 * migration thread (save) or on the incoming side's loader thread (load);
 * save callbacks of device state run with the vCPUs stopped.
 */
#ifndef MIGRATION_REGISTER_H
#define MIGRATION_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "migration/qemu-file.h"
#include "qapi/error.h"

/*
 * One field of a device section, for the stream's JSON VM description
 * ("fields": [{"name", "type", "size"}]).  Arrays end with a NULL name.
 */
typedef struct VMStateDescField {
    const char *name;
    const char *type;       /* QEMU's type names: "uint64", "int32"... */
    uint32_t size;          /* in bytes */
} VMStateDescField;

typedef struct SaveVMHandlers {
    /* --- device state (FULL section) --------------------------------- */
    /* Write the section's body; errors go to @f's error state. */
    void (*save_state)(QEMUFile *f, void *opaque);
    /*
     * Read a FULL (or START/PART/END) section's body written at
     * @version_id.  Return false with @errp set on bad data.
     */
    bool (*load_state)(QEMUFile *f, void *opaque, int version_id,
                       Error **errp);

    /* --- iterable state (START/PART/END sections) -------------------- */
    /*
     * Start: write the START body (RAM: the block list), begin dirty
     * tracking.  Return false with @errp set to fail the migration.
     */
    bool (*save_setup)(QEMUFile *f, void *opaque, Error **errp);
    /*
     * One pass while the guest may run: write a PART body, sending at
     * most what the rate limit allows (check qemu_file_rate_limit()).
     * Return 1 when nothing is left for now, 0 when more is, <0 on error.
     */
    int (*save_live_iterate)(QEMUFile *f, void *opaque);
    /* With the guest stopped: write the END body with everything left. */
    int (*save_live_complete)(QEMUFile *f, void *opaque);
    /*
     * Bytes still to send.  @exact asks for a fresh count (RAM syncs its
     * dirty bitmaps first); otherwise a cheap estimate.
     */
    uint64_t (*save_pending)(void *opaque, bool exact);
    /* After success or failure: stop dirty tracking, free buffers. */
    void (*save_cleanup)(void *opaque);
    /* When present and false, the entry is left out of the stream. */
    bool (*is_active)(void *opaque);
    /* Destination: before the first / after the last section of it. */
    bool (*load_setup)(void *opaque, Error **errp);
    void (*load_cleanup)(void *opaque);

    /* --- JSON VM description (device state only) --------------------- */
    const char *vmsd_name;          /* NULL: left out of the description */
    const VMStateDescField *fields;
} SaveVMHandlers;

/*
 * Register @ops for (@idstr, @instance_id).  @ops must outlive the
 * registration.  Returns the section id.
 */
int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque);
/* Undo a registration (@opaque identifies it). */
void unregister_savevm(const char *idstr, uint32_t instance_id,
                       void *opaque);

/*
 * Subsections (QEMU's vmstate subsections): optional parts of a section
 * body, each a byte 0x05, a counted name "parent/sub", a be32 version,
 * then its fields; written after the main fields.
 */
void vmstate_put_subsection(QEMUFile *f, const char *name,
                            uint32_t version_id);
/*
 * If the next bytes of @f are a subsection whose name starts with
 * "@parent/", consume its header, copy its name into @name and its
 * version into @version_id, and return true.  False (nothing consumed)
 * when no subsection of @parent follows.
 */
bool vmstate_get_subsection(QEMUFile *f, const char *parent,
                            char name[256], uint32_t *version_id);

#endif
