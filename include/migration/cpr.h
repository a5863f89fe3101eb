/*
 * cpr-transfer (QEMU 10's name): a local migration over a unix socket
 * that hands guest RAM to the new process instead of copying it.
 *
 * With migrate-set-parameters mode=cpr-transfer, the source sends the
 * file descriptors of its shared, fd-backed RAM blocks (memfd, file with
 * share=on) with SCM_RIGHTS before the stream starts; the RAM section
 * then lists those blocks without sending their pages.  The destination
 * sees the hand-over message ahead of the stream, maps each descriptor
 * over the host memory of the block of the same name (same address, so
 * nothing that points into it changes) and loads the rest of the stream
 * as usual.  Blocks without a descriptor (anonymous RAM, device ROMs)
 * travel as pages.  docs/migration-cpr.md compares it with QEMU 10.
 */
#ifndef MIGRATION_CPR_H
#define MIGRATION_CPR_H

#include <stdbool.h>

#include "exec/ramblock.h"
#include "qapi/error.h"

/* MigMode, QEMU's names (migrate-set-parameters "mode"). */
typedef enum MigMode {
    MIG_MODE_NORMAL,            /* "normal" */
    MIG_MODE_CPR_TRANSFER,      /* "cpr-transfer" */
    MIG_MODE__MAX,
} MigMode;

const char *mig_mode_name(MigMode mode);
/* The mode named @name, or -1. */
int mig_mode_by_name(const char *name);

/* Before a migration starts: error unless @uri suits @mode. */
bool cpr_check_uri(MigMode mode, const char *uri, Error **errp);

/*
 * Source, on the connected socket @fd before any stream byte: send the
 * descriptors of the blocks that can be handed over.  Error if @fd is
 * not a unix socket or the send fails.
 */
bool cpr_transfer_send(int fd, Error **errp);
/* Whether @rb went over as a descriptor (its pages are not sent). */
bool cpr_ram_block_handed_over(const RAMBlock *rb);
/* After the migration, failed or not: forget the handed-over blocks. */
void cpr_transfer_done(void);

/*
 * Destination, on the accepted socket @fd before the stream is read: if
 * the source starts with a hand-over message, take the descriptors and
 * map them over the blocks of the same name.  Nothing happens for a
 * normal stream.  Error naming the block when one is missing here, has
 * another size, or cannot be mapped.
 */
bool cpr_transfer_recv(int fd, Error **errp);

#endif
