/*
 * Device trees for boards that describe their RAM to the guest (arm and
 * riscv "virt"): an empty tree, /memory nodes built from the machine's
 * RAM layout and NUMA configuration, and the finished blob stored in
 * MachineState::fdt (which -machine dumpdtb=FILE writes out).
 *
 * Trees use two address and two size cells at the root, as QEMU's do.
 */
#ifndef HW_FDT_MEM_H
#define HW_FDT_MEM_H

#include "hw/boards.h"

/*
 * Turn a libfdt return value into an error naming @what ("/chosen",
 * "memory@40000000 reg", ...).  True when @ret is not negative.
 */
bool fdt_check(int ret, const char *what, Error **errp);

/*
 * A new tree of at most @size bytes with the root's #address-cells,
 * #size-cells, "compatible" and "model" set.  Free with g_free() on error.
 */
void *fdt_mem_create(size_t size, const char *compatible,
                     const char *model, Error **errp);

/*
 * Add one /memory@ADDR node for main RAM mapped contiguously from @base,
 * or, with -numa, one per node that has memory, in node order, each with
 * its "numa-node-id".  The ranges are the nodes' shares of the RAM, laid
 * out as hw/core/numa.c lays them out.
 */
bool fdt_add_memory_nodes(void *fdt, MachineState *ms, hwaddr base,
                          Error **errp);

/* Shrink the tree to its contents and hand it to @ms (which frees it). */
bool fdt_mem_finish(MachineState *ms, void *fdt, Error **errp);

/*
 * The whole tree of a "virt"-style board: a root with @model and
 * @compatible, /chosen (with bootargs from -append), the memory nodes of
 * RAM at @ram_base, stored in ms->fdt.  Devices add their nodes later.
 */
bool fdt_build_virt_tree(MachineState *ms, size_t max_size,
                         const char *compatible, const char *model,
                         hwaddr ram_base, Error **errp);

#endif
