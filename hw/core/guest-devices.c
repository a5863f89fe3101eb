/*
 * The devices a bare-metal guest needs, per board family: where it
 * prints and how it ends (see machine_add_guest_devices() in
 * include/hw/boards.h).  Addresses, region names and device tree nodes
 * are QEMU 7.2's for the same boards.
 *
 * This lives here rather than in the board files so that the boards stay
 * about RAM; a board that creates one of these devices itself keeps it,
 * because a device is only added where nothing is mapped yet.
 */
#include <libfdt.h>

#include "hw/arm/virt-devices.h"
#include "hw/boards.h"
#include "hw/char/pl011.h"
#include "hw/char/serial.h"
#include "hw/misc/debugexit.h"
#include "hw/misc/reset_control.h"
#include "hw/misc/sifive_test.h"
#include "qemu/cutils.h"
#include "sysemu/sysemu.h"

/* Arm virt (hw/arm/virt.c's memory map in QEMU). */
#define ARM_VIRT_UART_BASE 0x09000000
/* PSCI 0.2 function ids, SMC64 flavour where one exists. */
#define PSCI_0_2_FN_CPU_OFF 0x84000002
#define PSCI_0_2_FN64_CPU_SUSPEND 0xc4000001
#define PSCI_0_2_FN64_CPU_ON 0xc4000003
#define PSCI_0_2_FN64_MIGRATE 0xc4000005

/* RISC-V virt. */
#define RISCV_VIRT_UART_BASE 0x10000000
#define RISCV_VIRT_UART_SIZE 0x100
#define RISCV_VIRT_UART_CLOCK 3686400

/* The legacy COM port bases, COM1 first. */
static const hwaddr isa_serial_io[MAX_SERIAL_PORTS] = {
    0x3f8, 0x2f8, 0x3e8, 0x2e8,
};

/*
 * The devices live as long as the process, like the machine.  Once exit
 * has torn the address spaces down nothing else refers to them, so they
 * are held here (LeakSanitizer would report them otherwise).
 */
static GPtrArray *guest_devices;

static void keep_device(void *dev)
{
    if (!guest_devices) {
        guest_devices = g_ptr_array_new();
    }
    g_ptr_array_add(guest_devices, dev);
}

/* Is anything already mapped at @addr of @as? */
static bool addr_taken(AddressSpace *as, hwaddr addr)
{
    FlatView *fv = address_space_get_flatview(as);
    bool taken = false;

    for (unsigned i = 0; i < fv->nr && !taken; i++) {
        const FlatRange *fr = &fv->ranges[i];

        taken = (Int128)addr >= fr->addr && (Int128)addr < fr->addr + fr->size;
    }
    flatview_unref(fv);
    return taken;
}

static bool fdt_ok(int ret, const char *what, Error **errp)
{
    if (ret < 0) {
        error_setg(errp, "device tree: cannot add %s: %s", what,
                   fdt_strerror(ret));
        return false;
    }
    return true;
}

/*
 * Room for more nodes in the board's packed tree: on Arm virt the tree
 * stays the 1 MiB of QEMU's (which Linux sets aside whole, so it counts
 * in /proc/meminfo), elsewhere it is packed again.
 */
#define ARM_VIRT_FDT_SIZE 0x100000

static void *fdt_reopen(MachineState *ms, Error **errp)
{
    size_t size = ms->fdt_size + (ms->fdt_guest_size ?: 4096);
    void *fdt = g_malloc0(size);

    if (!fdt_ok(fdt_open_into(ms->fdt, fdt, size), "(reopening)", errp)) {
        g_free(fdt);
        return NULL;
    }
    return fdt;
}

static bool fdt_close(MachineState *ms, void *fdt, Error **errp)
{
    if (!fdt_ok(fdt_pack(fdt), "(packing)", errp)) {
        g_free(fdt);
        return false;
    }
    g_free(ms->fdt);
    ms->fdt = fdt;
    ms->fdt_size = fdt_totalsize(fdt);
    return true;
}

/* A node with "compatible" (a string list) and a two-cell "reg". */
static int fdt_add_device(void *fdt, int parent, const char *name,
                          const char *compat, size_t compat_len,
                          hwaddr base, uint64_t size)
{
    fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
    int off = fdt_add_subnode(fdt, parent, name);
    int ret;

    if (off < 0) {
        return off;
    }
    ret = fdt_setprop(fdt, off, "compatible", compat, compat_len);
    if (ret < 0) {
        return ret;
    }
    ret = fdt_setprop(fdt, off, "reg", reg, sizeof(reg));
    return ret < 0 ? ret : off;
}

static int fdt_chosen(void *fdt)
{
    int off = fdt_path_offset(fdt, "/chosen");

    return off >= 0 ? off : fdt_add_subnode(fdt, 0, "chosen");
}

/*
 * PCs and microvm: a 16550A on each legacy COM port that has a -serial,
 * and isa-debug-exit at 0xf4.
 */
static bool x86_guest_devices(MachineState *ms, Error **errp)
{
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        if (serial_hd(i) && !addr_taken(&address_space_io, isa_serial_io[i])) {
            keep_device(serial_io_create(get_system_io(), isa_serial_io[i],
                                         serial_hd(i)));
        }
    }
    if (!addr_taken(&address_space_io, DEBUG_EXIT_IOBASE)) {
        keep_device(debugexit_create(get_system_io(), DEBUG_EXIT_IOBASE,
                                     DEBUG_EXIT_IOSIZE));
    }
    /* pc and q35 have it in QEMU too; microvm gets it from memvm only. */
    if (!addr_taken(&address_space_io, RESET_CONTROL_IOBASE)) {
        keep_device(reset_control_create(get_system_io(),
                                         RESET_CONTROL_IOBASE));
    }
    return true;
}

/*
 * Arm virt: the PL011 (always there, as in QEMU) and the PSCI node that
 * tells the guest to power off with HVC.
 */
static bool arm_virt_guest_devices(MachineState *ms, Error **errp)
{
    static const char pl011_compat[] = "arm,pl011\0arm,primecell";
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    g_autofree char *path = NULL;
    PL011State *uart;
    void *fdt;
    int off, chosen;

    if (addr_taken(&address_space_memory, ARM_VIRT_UART_BASE) || !ms->fdt) {
        return true;
    }
    ms->fdt_guest_size = ARM_VIRT_FDT_SIZE;
    uart = pl011_create(get_system_memory(), ARM_VIRT_UART_BASE,
                        serial_hd(0));
    keep_device(uart);
    fdt = fdt_reopen(ms, errp);
    if (!fdt) {
        return false;
    }
    path = g_strdup_printf("/pl011@%x", ARM_VIRT_UART_BASE);
    off = fdt_add_device(fdt, 0, path + 1, pl011_compat,
                         sizeof(pl011_compat), ARM_VIRT_UART_BASE,
                         PL011_MMIO_SIZE);
    chosen = fdt_chosen(fdt);
    if (!fdt_ok(off, path, errp) || !fdt_ok(chosen, "/chosen", errp) ||
        !fdt_ok(fdt_setprop_string(fdt, chosen, "stdout-path", path),
                "/chosen stdout-path", errp)) {
        g_free(fdt);
        return false;
    }
    off = fdt_add_subnode(fdt, 0, "psci");
    if (!fdt_ok(off, "/psci", errp) ||
        !fdt_ok(fdt_setprop(fdt, off, "compatible", psci_compat,
                            sizeof(psci_compat)), "/psci", errp) ||
        !fdt_ok(fdt_setprop_string(fdt, off, "method", "hvc"), "/psci",
                errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, off, "cpu_suspend",
                                PSCI_0_2_FN64_CPU_SUSPEND), "/psci", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, off, "cpu_off", PSCI_0_2_FN_CPU_OFF),
                "/psci", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, off, "cpu_on", PSCI_0_2_FN64_CPU_ON),
                "/psci", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, off, "migrate", PSCI_0_2_FN64_MIGRATE),
                "/psci", errp) ||
        !arm_virt_os_devices(ms, fdt, uart, errp)) {
        g_free(fdt);
        return false;
    }
    return fdt_close(ms, fdt, errp);
}

/* RISC-V virt: the ns16550a and the SiFive test finisher under /soc. */
static bool riscv_virt_guest_devices(MachineState *ms, Error **errp)
{
    static const char uart_compat[] = "ns16550a";
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
    g_autofree char *uart = NULL;
    g_autofree char *test = NULL;
    void *fdt;
    int soc, off, chosen;

    if (!ms->fdt) {
        return true;
    }
    fdt = fdt_reopen(ms, errp);
    if (!fdt) {
        return false;
    }
    soc = fdt_path_offset(fdt, "/soc");
    if (soc < 0) {
        soc = fdt_add_subnode(fdt, 0, "soc");
        if (!fdt_ok(soc, "/soc", errp) ||
            !fdt_ok(fdt_setprop_string(fdt, soc, "compatible", "simple-bus"),
                    "/soc", errp) ||
            !fdt_ok(fdt_setprop_cell(fdt, soc, "#address-cells", 2), "/soc",
                    errp) ||
            !fdt_ok(fdt_setprop_cell(fdt, soc, "#size-cells", 2), "/soc",
                    errp) ||
            !fdt_ok(fdt_setprop(fdt, soc, "ranges", NULL, 0), "/soc",
                    errp)) {
            g_free(fdt);
            return false;
        }
    }
    if (!addr_taken(&address_space_memory, SIFIVE_TEST_BASE)) {
        keep_device(sifive_test_create(get_system_memory(),
                                       SIFIVE_TEST_BASE));
        test = g_strdup_printf("test@%x", SIFIVE_TEST_BASE);
        off = fdt_add_device(fdt, soc, test, test_compat,
                             sizeof(test_compat), SIFIVE_TEST_BASE,
                             SIFIVE_TEST_SIZE);
        if (!fdt_ok(off, "/soc/test", errp)) {
            g_free(fdt);
            return false;
        }
    }
    if (!addr_taken(&address_space_memory, RISCV_VIRT_UART_BASE)) {
        keep_device(serial_mm_create(get_system_memory(),
                                     RISCV_VIRT_UART_BASE, 0, serial_hd(0)));
        uart = g_strdup_printf("/soc/serial@%x", RISCV_VIRT_UART_BASE);
        off = fdt_add_device(fdt, soc, uart + strlen("/soc/"), uart_compat,
                             sizeof(uart_compat), RISCV_VIRT_UART_BASE,
                             RISCV_VIRT_UART_SIZE);
        if (!fdt_ok(off, uart, errp) ||
            !fdt_ok(fdt_setprop_cell(fdt, off, "clock-frequency",
                                     RISCV_VIRT_UART_CLOCK), uart, errp)) {
            g_free(fdt);
            return false;
        }
        /* Looked up last: adding /chosen would move the nodes after it. */
        chosen = fdt_chosen(fdt);
        if (!fdt_ok(chosen, "/chosen", errp) ||
            !fdt_ok(fdt_setprop_string(fdt, chosen, "stdout-path", uart),
                    "/chosen stdout-path", errp)) {
            g_free(fdt);
            return false;
        }
    }
    return fdt_close(ms, fdt, errp);
}

typedef struct GuestDeviceSetup {
    const char *type;       /* machine type (or a parent type) */
    unsigned arches;        /* ArchTarget mask it applies to */
    bool (*setup)(MachineState *ms, Error **errp);
} GuestDeviceSetup;

static const GuestDeviceSetup guest_device_setups[] = {
    { "x86-machine", ARCH_X86_64 | ARCH_I386, x86_guest_devices },
    { MACHINE_TYPE_NAME("virt-7.2"), ARCH_AARCH64 | ARCH_ARM,
      arm_virt_guest_devices },
    { MACHINE_TYPE_NAME("virt"), ARCH_RISCV64, riscv_virt_guest_devices },
};

bool machine_add_guest_devices(MachineState *ms, Error **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(guest_device_setups); i++) {
        const GuestDeviceSetup *s = &guest_device_setups[i];

        if ((s->arches & target_arch()) &&
            object_dynamic_cast(OBJECT(ms), s->type)) {
            return s->setup(ms, errp);
        }
    }
    return true;
}
