/*
 * Start-up checks for guest RAM: before any backend maps a page, compare
 * what the backends will need with what the host and memvm's cgroups can
 * give, so that a guest that cannot get its memory fails at start with
 * one error that says why and how to fix it, instead of SIGBUS later.
 *
 * The facts come from sysfs, /proc and cgroupfs below @root ("" on a real
 * host; unit tests pass a directory that mimics them).  A fact that
 * cannot be read is a warning ("cannot check ..."), never an error: the
 * check is skipped and the start goes on.
 */
#ifndef QEMU_HOST_MEM_CHECK_H
#define QEMU_HOST_MEM_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

/* What one backend will take from the host. */
typedef struct HostMemRequest {
    const char *id;             /* backend id, for messages */
    uint64_t size;              /* in bytes */
    uint64_t page_size;         /* in bytes; the huge page size if hugetlb */
    bool hugetlb;               /* from the huge page pool */
    bool prealloc;              /* every page is populated at start */
    bool bind;                  /* policy=bind: only @nodes may give pages */
    const uint64_t *nodes;      /* host-nodes, sorted */
    unsigned n_nodes;
    /*
     * A file that preallocation fills on a normal file system (tmpfs,
     * disk): the file system must have @size free.  NULL otherwise.
     */
    const char *fs_path;
} HostMemRequest;

/*
 * Check @n requests together (pages come from shared pools):
 *  - the file system of each fs_path has room for the file;
 *  - hugetlb: free pages of each size, in the bound nodes for
 *    policy=bind, else in the whole host;
 *  - memvm's cgroups (v2, and v1 controllers of a hybrid host), from its
 *    own cgroup up: hugetlb.<size>.max against the hugetlb requests,
 *    memory.max (v1: memory.limit_in_bytes) against the preallocated
 *    normal-page requests.
 * The first shortfall is the error; its text names the backend(s), the
 * page size, the need, what is free, where (node, cgroup, file system)
 * and the command that fixes it.  Unreadable facts give a warning.
 */
bool host_mem_check_requests(const char *root, const HostMemRequest *reqs,
                             unsigned n, Error **errp);

#endif
