/*
 * Migration: the state machine of the outgoing side, the incoming side,
 * capabilities and parameters, as QMP names them (QEMU 7.2).
 *
 * The outgoing side runs in its own thread (migration_start() returns at
 * once); the main loop and the guest keep running.  A failure leaves the
 * source running with its RAM intact and status "failed" with an
 * error-desc.  Status changes emit the MIGRATION event.
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include <stdbool.h>
#include <stdint.h>

#include "qapi/error.h"

/* MigrationStatus, QEMU's names (query-migrate "status", the event). */
typedef enum MigrationStatus {
    MIGRATION_STATUS_NONE,          /* "none" */
    MIGRATION_STATUS_SETUP,         /* "setup" */
    MIGRATION_STATUS_CANCELLING,    /* "cancelling" */
    MIGRATION_STATUS_CANCELLED,     /* "cancelled" */
    MIGRATION_STATUS_ACTIVE,        /* "active" */
    MIGRATION_STATUS_POSTCOPY_ACTIVE, /* "postcopy-active" (unused) */
    MIGRATION_STATUS_COMPLETED,     /* "completed" */
    MIGRATION_STATUS_FAILED,        /* "failed" */
    MIGRATION_STATUS_PRE_SWITCHOVER, /* "pre-switchover" (unused) */
    MIGRATION_STATUS_DEVICE,        /* "device": guest stopped, last pass */
    MIGRATION_STATUS__MAX,
} MigrationStatus;

const char *migration_status_name(MigrationStatus status);

/* MigrationCapability, in QEMU 7.2's order (query-migrate-capabilities). */
typedef enum MigrationCapability {
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    MIGRATION_CAPABILITY_ZERO_BLOCKS,
    MIGRATION_CAPABILITY_COMPRESS,
    MIGRATION_CAPABILITY_EVENTS,
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_X_COLO,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_BLOCK,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_DIRTY_BITMAPS,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_X_IGNORE_SHARED,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
    MIGRATION_CAPABILITY_POSTCOPY_PREEMPT,
    MIGRATION_CAPABILITY__MAX,
} MigrationCapability;

const char *migration_capability_name(MigrationCapability cap);
bool migrate_cap_enabled(MigrationCapability cap);

/*
 * The parameters memvm uses (query-migrate-parameters lists QEMU's full
 * set, with QEMU's defaults for the rest).
 */
typedef struct MigrationParameters {
    uint64_t max_bandwidth;     /* bytes/s; default 128 MiB/s, 0: none */
    uint64_t downtime_limit;    /* ms; default 300 */
    uint64_t multifd_channels;  /* default 2 */
    int mode;                   /* MigMode (migration/cpr.h), "normal" */
} MigrationParameters;

/* Current parameters (a snapshot; read on the migration thread too). */
MigrationParameters migrate_get_parameters(void);

/*
 * Counters of the running or last migration, query-migrate's "ram"
 * member in QEMU's names.  Updated by the RAM section and the thread.
 */
typedef struct MigrationRAMStats {
    uint64_t transferred;       /* bytes of the whole stream so far */
    uint64_t total;             /* bytes of migratable RAM */
    uint64_t remaining;         /* bytes of RAM still dirty */
    uint64_t duplicate;         /* zero pages sent as ZERO records */
    uint64_t normal;            /* pages sent with their bytes */
    uint64_t normal_bytes;
    uint64_t dirty_sync_count;  /* bitmap syncs */
    uint64_t dirty_pages_rate;  /* pages/s dirtied, last pass */
    uint64_t postcopy_requests;
    uint64_t page_size;
    uint64_t multifd_bytes;
    uint64_t pages_per_second;
    uint64_t precopy_bytes;
    uint64_t downtime_bytes;
    uint64_t iterations;        /* passes over dirty pages */
} MigrationRAMStats;

/* The stats of the running (or last) outgoing migration; thread-safe. */
MigrationRAMStats *migration_ram_stats(void);

/*
 * Outgoing: start migrating to @uri (exec:CMD, unix:PATH, tcp:HOST:PORT,
 * fd:NAME) in a new thread.  Errors found before the thread starts (bad
 * URI, one already running) come back here; later ones make the status
 * "failed".
 */
bool migration_start(const char *uri, Error **errp);
/* migrate_cancel: ask the thread to stop; the source keeps running. */
void migration_cancel(void);
MigrationStatus migration_get_status(void);
/* Whether the stream writer is still at work (setup/active/device). */
bool migration_is_active(void);

/*
 * Incoming: load a stream from @uri (same syntax; unix/tcp listen), then
 * start the guest if autostart (-S not given).  Run from vl.c for
 * "-incoming URI", from QMP migrate-incoming after "-incoming defer".
 * A failed load ends memvm with exit status 1 and the reason on stderr,
 * as QEMU's destination does.
 */
bool migration_incoming_start(const char *uri, Error **errp);
/* "-incoming defer": waiting for migrate-incoming. */
void migration_incoming_set_deferred(bool deferred);
bool migration_incoming_is_deferred(void);

/*
 * Dirty tracking of guest stores that bypass the memory API (tcg):
 * log_start when a migration begins, log_sync before each bitmap scan
 * (fold what was recorded into ram_block_set_dirty()), log_stop at the
 * end.  At most one tracker; NULL to unregister.
 */
typedef struct MigrationDirtyLogOps {
    void (*log_start)(void *opaque);
    void (*log_sync)(void *opaque);
    void (*log_stop)(void *opaque);
} MigrationDirtyLogOps;
void migration_dirty_log_register(const MigrationDirtyLogOps *ops,
                                  void *opaque);

/* Register QMP and HMP commands (called once from main). */
void migration_commands_register(void);
/* Register the always-present sections (timer, ram, globalstate). */
void migration_object_init(void);

#endif
