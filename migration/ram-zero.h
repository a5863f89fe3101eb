/*
 * Zero-page detection for the RAM section (ram-zero.c): without reading
 * the page when the kernel can tell, else by scanning it.
 */
#ifndef MIGRATION_RAM_ZERO_H
#define MIGRATION_RAM_ZERO_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/ramblock.h"

#define RAM_ZERO_PM_BATCH 512

/* Per-block lookup state; one per block being sent or received. */
typedef struct RAMZeroProbe {
    RAMBlock *rb;
    bool use_pagemap;                   /* anonymous memory */
    bool use_holes;                     /* shared file or memfd */
    uint64_t pm_start, pm_count;        /* cached pagemap window, pages */
    uint64_t pm[RAM_ZERO_PM_BATCH];
    uint64_t hole_end;                  /* bytes below: known hole */
    uint64_t data_until;                /* bytes below: known data */
    bool populate;                      /* map data ahead (source side) */
    uint64_t populated_until;           /* bytes below: mapped ahead */
} RAMZeroProbe;

void ram_zero_probe_init(RAMZeroProbe *p, RAMBlock *rb);
/*
 * True when the page at @offset of the block is zero for sure without
 * reading it (never touched, or a hole of its file).  False means
 * "unknown": scan it with ram_page_is_zero().
 */
bool ram_zero_probe_known_zero(RAMZeroProbe *p, uint64_t offset);
/* Scan one target page for non-zero bytes. */
bool ram_page_is_zero(const uint8_t *page);

#endif
