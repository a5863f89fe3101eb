/*
 * accel kvm: a KVM virtual machine whose memory slots mirror the RAM ranges
 * of the system address space.
 *
 * A memory listener on address_space_memory gets every range of the flat
 * view; RAM ranges become KVM memory slots, cut at the largest slot size
 * (4 TiB on s390 as in QEMU, otherwise unlimited unless x-max-slot-size
 * says so).  Everything else stays out of KVM, so guest accesses there exit
 * to memvm.  vCPUs are not created here yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "sysemu/kvm.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "qemu/cutils.h"
#include "qemu/host-mem.h"

OBJECT_DECLARE_SIMPLE_TYPE(KVMState, KVM_ACCEL)

struct KVMState {
    AccelState parent_obj;
    /* Properties: */
    uint64_t max_slot_size;     /* x-max-slot-size, in bytes; 0 = none */
    bool max_slot_size_set;     /* else the target's default applies */
    /* Set by init_machine(): */
    int fd;                     /* /dev/kvm */
    int vm_fd;
    bool readonly_mem;          /* KVM_CAP_READONLY_MEM */
    KVMSlotTable slots;
    MemoryListener listener;
    bool listening;
    /* First slot failure while the listener replays the initial map. */
    Error *replay_err;
    bool running;               /* init_machine() has succeeded */
};

/* The accelerator in use, if it is this one. */
static KVMState *kvm_state;

bool kvm_enabled(void)
{
    return kvm_state != NULL;
}

static KVMState *kvm_from_listener(MemoryListener *l)
{
    return (KVMState *)((char *)l - offsetof(KVMState, listener));
}

int kvm_open_dev(Error **errp)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int version;

    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot open /dev/kvm");
        return -1;
    }
    version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_EXPECTED_API_VERSION) {
        if (version < 0) {
            error_setg_errno(errp, errno, "/dev/kvm: KVM_GET_API_VERSION "
                             "failed");
        } else {
            error_setg(errp, "/dev/kvm: KVM API version %d, memvm needs "
                       "version %d", version, KVM_EXPECTED_API_VERSION);
        }
        close(fd);
        return -1;
    }
    return fd;
}

bool kvm_set_user_memory(int vm_fd, const KVMSlot *slot, bool add,
                         Error **errp)
{
    struct kvm_userspace_memory_region region = {
        .slot = slot->id,
        .flags = slot->readonly ? KVM_MEM_READONLY : 0,
        .guest_phys_addr = slot->start,
        /* The kernel deletes a slot when it is given size 0. */
        .memory_size = add ? slot->size : 0,
        .userspace_addr = slot->host,
    };

    if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_USER_MEMORY_REGION: cannot "
                         "%s slot %u (guest 0x%" PRIx64 "-0x%" PRIx64 ")",
                         add ? "add" : "delete", slot->id, slot->start,
                         slot->start + slot->size - 1);
        return false;
    }
    return true;
}

/* The architectures whose guests KVM on this host runs, and its name. */
static unsigned kvm_host_arches(const char **name)
{
#if defined(__x86_64__)
    *name = "x86_64";
    return ARCH_X86_64 | ARCH_I386;
#elif defined(__aarch64__)
    *name = "aarch64";
    return ARCH_AARCH64 | ARCH_ARM;
#elif defined(__s390x__)
    *name = "s390x";
    return ARCH_S390X;
#elif defined(__riscv) && __riscv_xlen == 64
    *name = "riscv64";
    return ARCH_RISCV64;
#else
    *name = NULL;
    return 0;
#endif
}

static bool kvm_accel_available(Error **errp)
{
    const char *host;
    int fd = kvm_open_dev(errp);

    if (fd < 0) {
        return false;
    }
    close(fd);
    /* KVM runs guests on the host CPU itself: no other architecture. */
    if (!(kvm_host_arches(&host) & target_arch())) {
        if (!host) {
            error_setg(errp, "memvm does not know KVM on this host's "
                       "architecture");
        } else {
            error_setg(errp, "KVM on %s hosts cannot run %s guests", host,
                       target_arch_name(target_arch()));
        }
        return false;
    }
    return true;
}

/* A positive answer means the capability is there (or is a count). */
static int kvm_check_extension(int fd, unsigned cap)
{
    int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return ret < 0 ? 0 : ret;
}

static int kvm_vm_type(int fd)
{
#if defined(__aarch64__)
    int ipa = kvm_check_extension(fd, KVM_CAP_ARM_VM_IPA_SIZE);

    /* The widest guest physical address space the host offers. */
    return ipa > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(ipa) : 0;
#else
    /*
     * 0 is the ordinary VM everywhere else; on s390 the other type,
     * KVM_VM_S390_UCONTROL, is for user-controlled VMs, which QEMU does
     * not create for its machines either.
     */
    return 0;
#endif
}

static uint64_t kvm_effective_max_slot_size(KVMState *k)
{
    if (k->max_slot_size_set) {
        return k->max_slot_size;
    }
    return target_arch() == ARCH_S390X ? KVM_S390_SLOT_MAX_BYTES : 0;
}

/*
 * Errors from listener callbacks have no caller: during the replay in
 * init_machine() they fail it, later ones can only be reported.
 */
static void kvm_listener_error(KVMState *k, Error *err)
{
    if (!k->running) {
        error_propagate(&k->replay_err, err);
        return;
    }
    warn_report("kvm: %s", error_get_pretty(err));
    error_free(err);
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *section)
{
    KVMState *k = kvm_from_listener(l);
    GArray *added;
    Error *err = NULL;
    uintptr_t host;

    /* Only RAM goes into slots; accesses anywhere else exit to memvm. */
    if (!memory_region_is_ram(section->mr)) {
        return;
    }
    /* Without read-only slots a ROM must trap on writes like MMIO. */
    if (section->readonly && !k->readonly_mem) {
        return;
    }
    host = (uintptr_t)memory_region_get_ram_ptr(section->mr) +
           section->offset_within_region;
    added = g_array_new(FALSE, FALSE, sizeof(KVMSlot));
    if (!kvm_slots_add(&k->slots, section->offset_within_address_space,
                       (uint64_t)section->size, host, section->readonly,
                       added, &err)) {
        kvm_listener_error(k, err);
        g_array_free(added, TRUE);
        return;
    }
    for (guint i = 0; i < added->len; i++) {
        if (kvm_set_user_memory(k->vm_fd, &g_array_index(added, KVMSlot, i),
                                true, &err)) {
            continue;
        }
        /* All or nothing: take back the pieces KVM already accepted. */
        for (guint j = 0; j < added->len; j++) {
            const KVMSlot *s = &g_array_index(added, KVMSlot, j);

            if (j < i) {
                kvm_set_user_memory(k->vm_fd, s, false, NULL);
            }
            kvm_slots_release(&k->slots, s->id);
        }
        kvm_listener_error(k, err);
        break;
    }
    g_array_free(added, TRUE);
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *section)
{
    KVMState *k = kvm_from_listener(l);
    GArray *removed;
    Error *err = NULL;

    if (!memory_region_is_ram(section->mr)) {
        return;
    }
    removed = g_array_new(FALSE, FALSE, sizeof(KVMSlot));
    if (!kvm_slots_del(&k->slots, section->offset_within_address_space,
                       (uint64_t)section->size, removed, &err)) {
        kvm_listener_error(k, err);
    }
    for (guint i = 0; i < removed->len; i++) {
        if (!kvm_set_user_memory(k->vm_fd,
                                 &g_array_index(removed, KVMSlot, i), false,
                                 &err)) {
            kvm_listener_error(k, err);
            err = NULL;
        }
    }
    g_array_free(removed, TRUE);
}

static void hmp_info_kvm_memslots(GString *out, const char *args)
{
    if (!kvm_state) {
        g_string_append(out, "KVM is not in use\n");
        return;
    }
    kvm_slots_format(&kvm_state->slots, out);
}

static bool kvm_init_machine(AccelState *accel, MachineState *ms,
                             Error **errp)
{
    KVMState *k = KVM_ACCEL(accel);
    int nr_slots;

    k->fd = kvm_open_dev(errp);
    if (k->fd < 0) {
        return false;
    }
    if (!kvm_check_extension(k->fd, KVM_CAP_USER_MEMORY)) {
        error_setg(errp, "/dev/kvm: the kernel lacks KVM_CAP_USER_MEMORY");
        return false;
    }
    nr_slots = kvm_check_extension(k->fd, KVM_CAP_NR_MEMSLOTS);
    /* Kernels that do not say have 32 slots (QEMU assumes the same). */
    if (nr_slots <= 0) {
        nr_slots = 32;
    }
    k->readonly_mem = kvm_check_extension(k->fd, KVM_CAP_READONLY_MEM) > 0;
    do {
        k->vm_fd = ioctl(k->fd, KVM_CREATE_VM, kvm_vm_type(k->fd));
    } while (k->vm_fd < 0 && errno == EINTR);
    if (k->vm_fd < 0) {
        error_setg_errno(errp, errno, "/dev/kvm: KVM_CREATE_VM failed");
        return false;
    }
    if (!kvm_slots_init(&k->slots, nr_slots, kvm_effective_max_slot_size(k),
                        host_mem_host_page_size(), errp)) {
        return false;
    }
    k->listener = (MemoryListener) {
        .name = "kvm-memory",
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .priority = 10,
    };
    /* Registering replays the map the board built: every RAM range now. */
    memory_listener_register(&k->listener, &address_space_memory);
    k->listening = true;
    if (k->replay_err) {
        error_propagate(errp, k->replay_err);
        k->replay_err = NULL;
        return false;
    }
    k->running = true;
    kvm_state = k;
    return true;
}

static uint64_t kvm_get_max_slot_size(Object *obj, Error **errp)
{
    return kvm_effective_max_slot_size(KVM_ACCEL(obj));
}

static bool kvm_set_max_slot_size(Object *obj, uint64_t value, Error **errp)
{
    KVMState *k = KVM_ACCEL(obj);
    uint64_t page = host_mem_host_page_size();

    if (k->vm_fd >= 0) {
        error_setg(errp, "x-max-slot-size cannot change once the VM exists");
        return false;
    }
    if (value % page) {
        error_setg(errp, "x-max-slot-size %" PRIu64 " is not a multiple of "
                   "the host page size %" PRIu64, value, page);
        return false;
    }
    k->max_slot_size = value;
    k->max_slot_size_set = true;
    return true;
}

static void kvm_accel_instance_init(Object *obj)
{
    KVMState *k = KVM_ACCEL(obj);

    k->fd = -1;
    k->vm_fd = -1;
}

static void kvm_accel_instance_finalize(Object *obj)
{
    KVMState *k = KVM_ACCEL(obj);

    if (k->listening) {
        memory_listener_unregister(&k->listener);
    }
    if (kvm_state == k) {
        kvm_state = NULL;
    }
    error_free(k->replay_err);
    kvm_slots_destroy(&k->slots);
    if (k->vm_fd >= 0) {
        close(k->vm_fd);
    }
    if (k->fd >= 0) {
        close(k->fd);
    }
}

static void kvm_accel_class_init(ObjectClass *oc, void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "kvm";
    ac->available = kvm_accel_available;
    ac->init_machine = kvm_init_machine;
    object_class_property_add_size(oc, "x-max-slot-size",
                                   kvm_get_max_slot_size,
                                   kvm_set_max_slot_size);
    object_class_property_set_description(oc, "x-max-slot-size",
        "Largest KVM memory slot in bytes, 0 for no limit (experimental; "
        "default: 4 TiB on s390x, no limit elsewhere)");
}

static const TypeInfo kvm_accel_info = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(KVMState),
    .instance_init = kvm_accel_instance_init,
    .instance_finalize = kvm_accel_instance_finalize,
    .class_init = kvm_accel_class_init,
};

static void kvm_accel_register_types(void)
{
    type_register_static(&kvm_accel_info);
    /* Always there, so that asking without KVM gets an answer. */
    hmp_register_info("kvm-memslots", "",
                      "show the KVM memory slots and the guest RAM in them",
                      hmp_info_kvm_memslots);
}
type_init(kvm_accel_register_types)
