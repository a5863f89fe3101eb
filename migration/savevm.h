/*
 * Between the files of migration/ only: the stream's section layer
 * (savevm.c), the RAM section (ram.c), the transports (channel.c).
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include "migration/qemu-file.h"
#include "qapi/error.h"

#define QEMU_VM_FILE_MAGIC          0x5145564d
#define QEMU_VM_FILE_VERSION_COMPAT 0x00000002
#define QEMU_VM_FILE_VERSION        0x00000003

#define QEMU_VM_EOF                 0x00
#define QEMU_VM_SECTION_START       0x01
#define QEMU_VM_SECTION_PART        0x02
#define QEMU_VM_SECTION_END         0x03
#define QEMU_VM_SECTION_FULL        0x04
#define QEMU_VM_SUBSECTION          0x05
#define QEMU_VM_VMDESCRIPTION       0x06
#define QEMU_VM_CONFIGURATION       0x07
#define QEMU_VM_COMMAND             0x08
#define QEMU_VM_SECTION_FOOTER      0x7e

/* --- writer, in stream order (the migration thread calls these) ----- */
/* Magic, version and the configuration section (machine type). */
void qemu_savevm_state_header(QEMUFile *f);
/* A START section per active iterable entry. */
bool qemu_savevm_state_setup(QEMUFile *f, Error **errp);
/*
 * A PART section per iterable entry not yet done.  Returns 1 when every
 * entry has nothing left for now, 0 when more is (or the rate limit hit),
 * <0 on error.
 */
int qemu_savevm_state_iterate(QEMUFile *f);
/* Bytes left to send (@exact: sync dirty bitmaps first). */
uint64_t qemu_savevm_state_pending(bool exact);
/* END sections, FULL device sections, EOF and the JSON description. */
int qemu_savevm_state_complete(QEMUFile *f);
void qemu_savevm_state_cleanup(void);
/* Everything at once with the guest stopped (tests, snapshots). */
bool qemu_savevm_state(QEMUFile *f, Error **errp);

/*
 * Read a whole stream into this machine.  Returns 0, or a negative errno
 * (what QEMU's "load of migration failed: %s" names) with @errp holding
 * the lines QEMU prints, innermost first, separated by "\n".
 */
int qemu_loadvm_state(QEMUFile *f, Error **errp);

/* The RunState name the stream's globalstate section carried, or NULL. */
const char *global_state_received_runstate(void);
/* Record the state to send (before the guest is stopped for good). */
void global_state_store(void);

/* Sections "globalstate" and "timer" (global-state.c). */
void global_state_register(void);
void timer_state_register(void);

/* RAM section (ram.c). */
void ram_mig_init(void);
/* Zero pages found and pages sent, for query-migrate. */
void ram_stats_reset(void);
/* Keep QEMU's section ids: ids of sections memvm does not have. */
void savevm_skip_section_id(void);


/* --- migration.c, for the commands (migration-cmds.c, incoming.c) -- */
#include "migration/migration.h"

int migration_capability_by_name(const char *name);     /* -1: unknown */
void migrate_set_capability(MigrationCapability cap, bool on);
void migrate_set_parameters(const MigrationParameters *p);

/* query-migrate's view; the caller frees error_desc. */
typedef struct MigrationInfo {
    MigrationStatus status;
    bool incoming;          /* the destination's: status only */
    char *error_desc;
    int64_t setup_time, total_time, downtime, expected_downtime; /* ms */
    double mbps;
    MigrationRAMStats ram;
} MigrationInfo;
void migration_get_info(MigrationInfo *info);
/* The incoming side's status (query-migrate on the destination). */
void migration_set_incoming_status(MigrationStatus status);
/* migrate-incoming was run or -incoming URI given. */
bool migration_incoming_was_started(void);
/* Run @fn on the main thread and wait for it. */
void migration_run_on_main(void (*fn)(void *opaque), void *opaque);

#endif
