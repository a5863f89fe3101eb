/*
 * The kvm accelerator: a KVM virtual machine whose memory slots follow the
 * RAM ranges of the system address space's flat view.
 *
 * The slot bookkeeping (which guest range sits in which slot, splitting at
 * the largest slot size, running out of slots) is plain data below, kept
 * apart from the ioctls so that it is tested without /dev/kvm.
 */
#ifndef SYSEMU_KVM_H
#define SYSEMU_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "exec/hwaddr.h"
#include "qapi/error.h"
#include "sysemu/accel.h"

#define TYPE_KVM_ACCEL ACCEL_CLASS_NAME("kvm")

/*
 * The largest KVM memory slot QEMU >= 4.2 makes on s390 (its
 * KVM_SLOT_MAX_BYTES): the kernel's limit of 2^31 - 1 pages per slot ends
 * at an odd address, so QEMU splits at the round 4 TiB below it.
 */
#define KVM_S390_SLOT_MAX_BYTES (4ULL << 40)

/* The kernel API version memvm speaks (KVM_GET_API_VERSION). */
#define KVM_EXPECTED_API_VERSION 12

/* True once the kvm accelerator has created its virtual machine. */
bool kvm_enabled(void);

/* --- memory slot bookkeeping -------------------------------------------- */

/* One KVM memory slot: a guest range backed by host memory. */
typedef struct KVMSlot {
    unsigned id;            /* KVM's slot number */
    hwaddr start;           /* guest physical address, in bytes */
    uint64_t size;          /* in bytes; 0 while the slot is free */
    uintptr_t host;         /* host virtual address of the first byte */
    bool readonly;          /* KVM_MEM_READONLY */
} KVMSlot;

/* Every slot a VM has, by slot number. */
typedef struct KVMSlotTable {
    KVMSlot *slots;         /* @nr entries; slots[i].id == i */
    unsigned nr;            /* KVM_CAP_NR_MEMSLOTS */
    unsigned used;
    uint64_t max_size;      /* largest slot, in bytes; 0 means no limit */
    uint64_t align;         /* host page size: start, size, host, in bytes */
} KVMSlotTable;

/*
 * Set up a table of @nr free slots.  @align must be a power of two and
 * @max_size (0 for no limit) a multiple of it; error otherwise.
 */
bool kvm_slots_init(KVMSlotTable *t, unsigned nr, uint64_t max_size,
                    uint64_t align, Error **errp);
void kvm_slots_destroy(KVMSlotTable *t);

/*
 * Take slots for guest range [@start, @start + @size) backed by host
 * memory at @host.  The range is first trimmed inwards to whole pages of
 * @align bytes (a partial page cannot be a slot, so KVM exits to memvm
 * there), then cut into pieces of at most max_size bytes, each in the free
 * slot with the lowest number.  The new slots are appended to @added (a
 * GArray of KVMSlot) for the caller to hand to KVM.
 *
 * Errors, with the table unchanged: not enough free slots, the range
 * overlaps a slot in use, or @host is not aligned like @start.
 */
bool kvm_slots_add(KVMSlotTable *t, hwaddr start, uint64_t size,
                   uintptr_t host, bool readonly, GArray *added,
                   Error **errp);

/*
 * Free every slot inside the guest range [@start, @start + @size) (trimmed
 * as kvm_slots_add() trims it) and append copies of them to @removed.  A
 * range without slots is not an error: it may have been all partial
 * pages.  Error, with the table unchanged, if a slot straddles the edge of
 * the range.
 */
bool kvm_slots_del(KVMSlotTable *t, hwaddr start, uint64_t size,
                   GArray *removed, Error **errp);

/* Free slot @id without looking at ranges (undo after KVM refused it). */
void kvm_slots_release(KVMSlotTable *t, unsigned id);

/* The slot that holds guest address @addr, or NULL. */
const KVMSlot *kvm_slots_lookup(const KVMSlotTable *t, hwaddr addr);

/* "info kvm-memslots": a summary line, then the slots by address. */
void kvm_slots_format(const KVMSlotTable *t, GString *out);

/* --- the accelerator ----------------------------------------------------- */

/*
 * Open /dev/kvm and check that it speaks API version 12.  Returns the
 * file descriptor, or -1 with an error that names /dev/kvm and errno.
 */
int kvm_open_dev(Error **errp);

/*
 * Hand @slot to the VM behind @vm_fd (KVM_SET_USER_MEMORY_REGION), or take
 * it back when @add is false (a slot of size 0 deletes it).
 */
bool kvm_set_user_memory(int vm_fd, const KVMSlot *slot, bool add,
                         Error **errp);

#endif
