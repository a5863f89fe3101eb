/*
 * Tests for KVM memory slot bookkeeping (accel/kvm/kvm-slots.c), plus one
 * test that hands slots to a real KVM VM when /dev/kvm is usable.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "sysemu/kvm.h"
#include "qemu/cutils.h"

#define PAGE 0x1000ULL

static GArray *slot_array(void)
{
    return g_array_new(FALSE, FALSE, sizeof(KVMSlot));
}

static KVMSlot *nth(GArray *a, guint i)
{
    return &g_array_index(a, KVMSlot, i);
}

static void check_slot(const KVMSlot *s, unsigned id, hwaddr start,
                       uint64_t size, uintptr_t host)
{
    g_assert_cmpuint(s->id, ==, id);
    g_assert_cmphex(s->start, ==, start);
    g_assert_cmphex(s->size, ==, size);
    g_assert_cmphex(s->host, ==, host);
}

static void test_init_errors(void)
{
    KVMSlotTable t;
    Error *err = NULL;

    g_assert_false(kvm_slots_init(&t, 32, 0, 3000, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "KVM slot alignment 0xbb8 is not a power of two");
    error_free_or_abort(&err);
    g_assert_false(kvm_slots_init(&t, 32, GiB + 1, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "KVM slot size limit 0x40000001 is not a multiple of the "
                    "host page size 0x1000");
    error_free_or_abort(&err);
    g_assert_false(kvm_slots_init(&t, 0, 0, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "KVM offers no memory slots");
    error_free_or_abort(&err);
}

/* No limit: one range is one slot, however large. */
static void test_no_limit(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();

    g_assert_true(kvm_slots_init(&t, 32, 0, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 9 * TiB, 0x10000000000ULL, false,
                                added, &error_abort));
    g_assert_cmpuint(added->len, ==, 1);
    check_slot(nth(added, 0), 0, 0, 9 * TiB, 0x10000000000ULL);
    g_assert_cmpuint(t.used, ==, 1);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

/* s390's 4 TiB: 9 TiB at 0 is 4 + 4 + 1, each piece's host in step. */
static void test_split_at_slot_size(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    uintptr_t host = 0x7f0000000000ULL;

    g_assert_true(kvm_slots_init(&t, 32, KVM_S390_SLOT_MAX_BYTES, PAGE,
                                 &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 9 * TiB, host, false, added,
                                &error_abort));
    g_assert_cmpuint(added->len, ==, 3);
    check_slot(nth(added, 0), 0, 0, 4 * TiB, host);
    check_slot(nth(added, 1), 1, 4 * TiB, 4 * TiB, host + 4 * TiB);
    check_slot(nth(added, 2), 2, 8 * TiB, 1 * TiB, host + 8 * TiB);
    g_assert_cmpuint(t.used, ==, 3);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

/* An exact multiple leaves no short tail piece. */
static void test_split_exact_multiple(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();

    g_assert_true(kvm_slots_init(&t, 8, GiB, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 4 * GiB, 2 * GiB, 0x100000000ULL, false,
                                added, &error_abort));
    g_assert_cmpuint(added->len, ==, 2);
    check_slot(nth(added, 0), 0, 4 * GiB, GiB, 0x100000000ULL);
    check_slot(nth(added, 1), 1, 5 * GiB, GiB, 0x140000000ULL);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

/* Partial pages at both ends are left to MMIO exits, as QEMU does. */
static void test_alignment_trim(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    Error *err = NULL;

    g_assert_true(kvm_slots_init(&t, 8, 0, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0x1800, 0x3000, 0x20800, false, added,
                                &error_abort));
    g_assert_cmpuint(added->len, ==, 1);
    check_slot(nth(added, 0), 0, 0x2000, 0x2000, 0x21000);
    /* Less than one whole page: nothing to map, and no error. */
    g_assert_true(kvm_slots_add(&t, 0x10800, 0x1000, 0x30800, false, added,
                                &error_abort));
    g_assert_cmpuint(added->len, ==, 1);
    /* Host and guest out of step within a page cannot be a slot. */
    g_assert_false(kvm_slots_add(&t, 0x20000, 0x2000, 0x40800, false, added,
                                 &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "guest range 0x20000-0x21fff: host address 0x40800 is "
                    "not aligned to 0x1000");
    error_free_or_abort(&err);
    g_assert_cmpuint(t.used, ==, 1);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

static void test_overlap_refused(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    Error *err = NULL;

    g_assert_true(kvm_slots_init(&t, 8, 0, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0x100000, 0x100000, 0x100000, false,
                                added, &error_abort));
    g_assert_false(kvm_slots_add(&t, 0x1ff000, 0x2000, 0x1ff000, false,
                                 added, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "guest range 0x1ff000-0x200fff overlaps KVM memory slot "
                    "0 (0x100000-0x1fffff)");
    error_free_or_abort(&err);
    g_assert_cmpuint(added->len, ==, 1);
    g_assert_cmpuint(t.used, ==, 1);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

/* Running out: the error says how many, and the table is unchanged. */
static void test_exhaustion(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    Error *err = NULL;

    g_assert_true(kvm_slots_init(&t, 4, GiB, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 2 * GiB, 0x100000000ULL, false,
                                added, &error_abort));
    g_assert_false(kvm_slots_add(&t, 4 * GiB, 3 * GiB, 0x200000000ULL,
                                 false, added, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "not enough KVM memory slots: guest range "
                    "0x100000000-0x1bfffffff needs 3, 2 of 4 are free");
    error_free_or_abort(&err);
    g_assert_cmpuint(added->len, ==, 2);
    g_assert_cmpuint(t.used, ==, 2);
    g_assert_null(kvm_slots_lookup(&t, 4 * GiB));
    /* Exactly the free ones still fit. */
    g_assert_true(kvm_slots_add(&t, 4 * GiB, 2 * GiB, 0x200000000ULL, false,
                                added, &error_abort));
    g_assert_cmpuint(t.used, ==, 4);
    g_assert_false(kvm_slots_add(&t, 8 * GiB, PAGE, 0x300000000ULL, false,
                                 added, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "not enough KVM memory slots: guest range "
                    "0x200000000-0x200000fff needs 1, 0 of 4 are free");
    error_free_or_abort(&err);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

static void test_removal(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    GArray *removed = slot_array();

    g_assert_true(kvm_slots_init(&t, 8, GiB, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 3 * GiB, 0x100000000ULL, false,
                                added, &error_abort));
    g_assert_true(kvm_slots_add(&t, 4 * GiB, GiB, 0x300000000ULL, true,
                                added, &error_abort));
    g_assert_cmpuint(t.used, ==, 4);
    g_assert_cmpuint(kvm_slots_lookup(&t, 4 * GiB + 5)->id, ==, 3);
    g_assert_true(kvm_slots_lookup(&t, 4 * GiB)->readonly);

    /* Removing the first range frees its three pieces, and only them. */
    g_assert_true(kvm_slots_del(&t, 0, 3 * GiB, removed, &error_abort));
    g_assert_cmpuint(removed->len, ==, 3);
    check_slot(nth(removed, 0), 0, 0, GiB, 0x100000000ULL);
    check_slot(nth(removed, 2), 2, 2 * GiB, GiB, 0x180000000ULL);
    g_assert_cmpuint(t.used, ==, 1);
    g_assert_null(kvm_slots_lookup(&t, 0));
    g_assert_nonnull(kvm_slots_lookup(&t, 4 * GiB));

    /* Freed numbers are reused lowest first. */
    g_array_set_size(added, 0);
    g_assert_true(kvm_slots_add(&t, 8 * GiB, 2 * GiB, 0x400000000ULL, false,
                                added, &error_abort));
    g_assert_cmpuint(nth(added, 0)->id, ==, 0);
    g_assert_cmpuint(nth(added, 1)->id, ==, 1);

    /* A range that has no slots removes nothing and is not an error. */
    g_array_set_size(removed, 0);
    g_assert_true(kvm_slots_del(&t, 16 * GiB, GiB, removed, &error_abort));
    g_assert_cmpuint(removed->len, ==, 0);
    g_assert_cmpuint(t.used, ==, 3);
    g_array_free(added, TRUE);
    g_array_free(removed, TRUE);
    kvm_slots_destroy(&t);
}

static void test_removal_straddle_refused(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    GArray *removed = slot_array();
    Error *err = NULL;

    g_assert_true(kvm_slots_init(&t, 8, GiB, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 2 * GiB, 0x100000000ULL, false,
                                added, &error_abort));
    g_assert_false(kvm_slots_del(&t, 0, GiB + PAGE, removed, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "KVM memory slot 1 (0x40000000-0x7fffffff) straddles the "
                    "edge of guest range 0x0-0x40000fff");
    error_free_or_abort(&err);
    g_assert_cmpuint(removed->len, ==, 0);
    g_assert_cmpuint(t.used, ==, 2);
    g_array_free(added, TRUE);
    g_array_free(removed, TRUE);
    kvm_slots_destroy(&t);
}

static void test_release(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();

    g_assert_true(kvm_slots_init(&t, 4, 0, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, GiB, 0x100000000ULL, false, added,
                                &error_abort));
    kvm_slots_release(&t, 0);
    g_assert_cmpuint(t.used, ==, 0);
    g_assert_null(kvm_slots_lookup(&t, 0));
    /* Releasing a free slot changes nothing. */
    kvm_slots_release(&t, 0);
    g_assert_cmpuint(t.used, ==, 0);
    g_assert_cmpuint(t.slots[0].id, ==, 0);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

static void test_format(void)
{
    KVMSlotTable t;
    GArray *added = slot_array();
    GString *out = g_string_new(NULL);

    g_assert_true(kvm_slots_init(&t, 32, KVM_S390_SLOT_MAX_BYTES, PAGE,
                                 &error_abort));
    g_assert_true(kvm_slots_add(&t, 8 * TiB, GiB, 0x7f0000000000ULL, true,
                                added, &error_abort));
    g_assert_true(kvm_slots_add(&t, 0, 5 * TiB, 0x10000000000ULL, false,
                                added, &error_abort));
    kvm_slots_format(&t, out);
    g_assert_cmpstr(out->str, ==,
        "KVM memory slots: 3 of 32 used, largest slot size: 4 TiB\n"
        "  slot 1: 0x0000000000000000-0x000003ffffffffff (4 TiB) "
        "host 0x0000010000000000 rw\n"
        "  slot 2: 0x0000040000000000-0x000004ffffffffff (1 TiB) "
        "host 0x0000050000000000 rw\n"
        "  slot 0: 0x0000080000000000-0x000008003fffffff (1 GiB) "
        "host 0x00007f0000000000 ro\n");
    g_string_free(out, TRUE);
    g_array_free(added, TRUE);
    kvm_slots_destroy(&t);
}

/*
 * The ioctl side: split 16 MiB of anonymous memory at 4 MiB and give the
 * pieces to a real VM, then take them back.  Needs a usable /dev/kvm.
 */
static void test_real_kvm(void)
{
    const uint64_t size = 16 * MiB;
    KVMSlotTable t;
    GArray *added = slot_array();
    GArray *removed = slot_array();
    Error *err = NULL;
    int fd, vm_fd;
    void *host;

    fd = kvm_open_dev(&err);
    if (fd < 0) {
        g_autofree char *why = g_strdup_printf("KVM unusable: %s",
                                               error_get_pretty(err));

        error_free(err);
        g_test_skip(why);
        return;
    }
    vm_fd = ioctl(fd, KVM_CREATE_VM, 0);
    if (vm_fd < 0) {
        g_autofree char *why = g_strdup_printf("KVM_CREATE_VM: %s",
                                               g_strerror(errno));

        close(fd);
        g_test_skip(why);
        return;
    }
    /* Private anonymous memory, as a RAM backend would map it. */
    host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(host != MAP_FAILED);

    g_assert_true(kvm_slots_init(&t, 8, 4 * MiB, PAGE, &error_abort));
    g_assert_true(kvm_slots_add(&t, GiB, size, (uintptr_t)host, false, added,
                                &error_abort));
    g_assert_cmpuint(added->len, ==, 4);
    for (guint i = 0; i < added->len; i++) {
        g_assert_true(kvm_set_user_memory(vm_fd, nth(added, i), true,
                                          &error_abort));
    }
    /* KVM itself refuses a second slot over the same guest pages. */
    {
        KVMSlot clash = *nth(added, 0);

        clash.id = 7;
        g_assert_false(kvm_set_user_memory(vm_fd, &clash, true, &err));
        g_assert_nonnull(strstr(error_get_pretty(err),
                                "KVM_SET_USER_MEMORY_REGION: cannot add "
                                "slot 7 (guest 0x40000000-0x403fffff): "));
        error_free_or_abort(&err);
    }
    g_assert_true(kvm_slots_del(&t, GiB, size, removed, &error_abort));
    g_assert_cmpuint(removed->len, ==, 4);
    for (guint i = 0; i < removed->len; i++) {
        g_assert_true(kvm_set_user_memory(vm_fd, nth(removed, i), false,
                                          &error_abort));
    }
    g_assert_cmpuint(t.used, ==, 0);

    kvm_slots_destroy(&t);
    g_array_free(added, TRUE);
    g_array_free(removed, TRUE);
    munmap(host, size);
    close(vm_fd);
    close(fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm-slots/init-errors", test_init_errors);
    g_test_add_func("/kvm-slots/no-limit", test_no_limit);
    g_test_add_func("/kvm-slots/split-at-slot-size",
                    test_split_at_slot_size);
    g_test_add_func("/kvm-slots/split-exact-multiple",
                    test_split_exact_multiple);
    g_test_add_func("/kvm-slots/alignment-trim", test_alignment_trim);
    g_test_add_func("/kvm-slots/overlap-refused", test_overlap_refused);
    g_test_add_func("/kvm-slots/exhaustion", test_exhaustion);
    g_test_add_func("/kvm-slots/removal", test_removal);
    g_test_add_func("/kvm-slots/removal-straddle-refused",
                    test_removal_straddle_refused);
    g_test_add_func("/kvm-slots/release", test_release);
    g_test_add_func("/kvm-slots/format", test_format);
    g_test_add_func("/kvm-slots/real-kvm", test_real_kvm);
    return g_test_run();
}
