/* Guest physical addresses and RAM-space offsets are kept apart by name. */
#ifndef EXEC_HWADDR_H
#define EXEC_HWADDR_H

#include <stdint.h>
#include <inttypes.h>

/* A guest physical address (or an offset inside a memory region). */
typedef uint64_t hwaddr;
#define HWADDR_PRIx PRIx64
#define HWADDR_MAX UINT64_MAX

/* An offset in the RAM address space that RAM blocks are laid out in. */
typedef uint64_t ram_addr_t;

/* Sizes up to and including 2^64 (a full address space). */
typedef unsigned __int128 Int128;

#endif
