/*
 * The Arm virt board's devices for an operating system (see
 * include/hw/arm/virt-devices.h).
 */
#include <libfdt.h>

#include "hw/arm/virt-devices.h"
#include "hw/cpu-irq.h"
#include "hw/fdt-mem.h"
#include "hw/intc/arm_gic.h"
#include "hw/misc/unimp.h"
#include "hw/rtc/pl031.h"
#include "hw/timer/arm_generic_timer.h"

#define VIRT_GIC_DIST 0x08000000
#define VIRT_GIC_CPU 0x08010000
#define VIRT_GIC_V2M 0x08020000
#define VIRT_UART 0x09000000
#define VIRT_RTC 0x09010000
#define VIRT_FW_CFG 0x09020000
#define VIRT_FW_CFG_SIZE 0x18
#define VIRT_GPIO 0x09030000
#define VIRT_MMIO 0x0a000000
#define VIRT_MMIO_SIZE 0x200
#define VIRT_MMIO_NUM 32
#define VIRT_PLATFORM_BUS 0x0c000000
#define VIRT_PLATFORM_BUS_SIZE 0x02000000
#define VIRT_PCIE_MMIO 0x10000000
#define VIRT_PCIE_MMIO_SIZE 0x2eff0000
#define VIRT_PCIE_PIO 0x3eff0000
#define VIRT_PCIE_PIO_SIZE 0x10000
#define VIRT_PCIE_ECAM_HIGH 0x4010000000ULL
#define VIRT_PCIE_ECAM_SIZE 0x10000000
#define VIRT_PCIE_MMIO_HIGH 0x8000000000ULL
#define VIRT_PCIE_MMIO_HIGH_SIZE 0x8000000000ULL
#define VIRT_FLASH_BANK 0x04000000
#define VIRT_NUM_IRQS 256           /* SPIs, as QEMU's virt */

/* QEMU's phandles, so that the trees compare equal. */
#define PHANDLE_CLOCK 0x8000
#define PHANDLE_CPU0 0x8001
#define PHANDLE_GIC 0x8002
#define PHANDLE_V2M 0x8003
#define PHANDLE_GPIO 0x8004

/* Device tree interrupt specifiers (GIC binding, three cells). */
#define GIC_FDT_SPI 0
#define GIC_FDT_PPI 1
#define IRQ_TYPE_LEVEL_HIGH 4

/* virt's interrupt map: SPI numbers and timer PPIs (QEMU hw/arm/virt.h) */
#define VIRT_UART_SPI 1
#define VIRT_RTC_SPI 2
#define VIRT_GPIO_SPI 7
#define VIRT_MMIO_SPI 16
#define VIRT_PCIE_SPI 3
#define VIRT_PMU_PPI 7
#define IRQ_TYPE_EDGE_RISING 1
#define GPIO_POWEROFF_LINE 3
#define KEY_POWER 116
#define ARCH_TIMER_S_EL1_PPI 13
#define ARCH_TIMER_NS_EL1_PPI 14
#define ARCH_TIMER_VIRT_PPI 11
#define ARCH_TIMER_NS_EL2_PPI 10

/*
 * The devices live as long as the process; they are held here so that
 * LeakSanitizer sees them (a write-only static would be optimised away).
 */
static GICState *virt_gic;
static GPtrArray *virt_devices;

static bool fdt_cells(void *fdt, int off, const char *name,
                      const uint32_t *cells, int n, Error **errp)
{
    fdt32_t buf[16];

    g_assert(n <= 16);
    for (int i = 0; i < n; i++) {
        buf[i] = cpu_to_fdt32(cells[i]);
    }
    return fdt_check(fdt_setprop(fdt, off, name, buf, n * sizeof(buf[0])),
                     name, errp);
}

static bool fdt_cells_big(void *fdt, int off, const char *name,
                          const uint32_t *cells, int n, Error **errp)
{
    g_autofree fdt32_t *buf = g_new(fdt32_t, n);

    for (int i = 0; i < n; i++) {
        buf[i] = cpu_to_fdt32(cells[i]);
    }
    return fdt_check(fdt_setprop(fdt, off, name, buf, n * sizeof(buf[0])),
                     name, errp);
}

static bool fdt_reg(void *fdt, int off, const uint64_t *pairs, int n,
                    Error **errp)
{
    fdt64_t buf[8];

    g_assert(n <= 8);
    for (int i = 0; i < n; i++) {
        buf[i] = cpu_to_fdt64(pairs[i]);
    }
    return fdt_check(fdt_setprop(fdt, off, "reg", buf, n * sizeof(buf[0])),
                     "reg", errp);
}

static bool fdt_empty(void *fdt, int off, const char *name, Error **errp)
{
    return fdt_check(fdt_setprop(fdt, off, name, NULL, 0), name, errp);
}

static bool fdt_strs(void *fdt, int off, const char *name, const char *strs,
                     size_t len, Error **errp)
{
    return fdt_check(fdt_setprop(fdt, off, name, strs, len), name, errp);
}

/*
 * The nodes of QEMU's virt that memvm has placeholders for (or, for the
 * RTC, a model): the guest sees the same tree, so that the kernel sets
 * aside the same memory for it (/proc/meminfo equal to QEMU's).
 */
static bool virt_fdt_flash(void *fdt, Error **errp)
{
    uint64_t reg[4] = { 0, VIRT_FLASH_BANK, VIRT_FLASH_BANK,
                        VIRT_FLASH_BANK };
    int off = fdt_add_subnode(fdt, 0, "flash@0");

    return fdt_check(off, "/flash@0", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible", "cfi-flash"),
                     "/flash@0", errp) &&
           fdt_reg(fdt, off, reg, 4, errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "bank-width", 4), "/flash@0",
                     errp);
}

static bool virt_fdt_v2m(void *fdt, Error **errp)
{
    uint64_t reg[2] = { VIRT_GIC_V2M, 0x1000 };
    int gic = fdt_path_offset(fdt, "/intc@8000000");
    int off = gic < 0 ? gic : fdt_add_subnode(fdt, gic, "v2m@8020000");

    return fdt_check(off, "/intc/v2m", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "arm,gic-v2m-frame"), "v2m", errp) &&
           fdt_empty(fdt, off, "msi-controller", errp) &&
           fdt_reg(fdt, off, reg, 2, errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "phandle", PHANDLE_V2M),
                     "v2m", errp);
}

static bool virt_fdt_pmu(MachineState *ms, void *fdt, Error **errp)
{
    uint32_t flags = ((1u << ms->smp_cpus) - 1) << 8 | IRQ_TYPE_LEVEL_HIGH;
    uint32_t irq[3] = { GIC_FDT_PPI, VIRT_PMU_PPI, flags };
    int off = fdt_add_subnode(fdt, 0, "pmu");

    return fdt_check(off, "/pmu", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "arm,armv8-pmuv3"), "/pmu", errp) &&
           fdt_cells(fdt, off, "interrupts", irq, 3, errp);
}

/* An AMBA PrimeCell node: compatible, reg, interrupt, apb_pclk. */
static int virt_fdt_primecell(void *fdt, const char *name,
                              const char *compat, size_t compat_len,
                              hwaddr base, int spi, Error **errp)
{
    uint64_t reg[2] = { base, 0x1000 };
    uint32_t irq[3] = { GIC_FDT_SPI, spi, IRQ_TYPE_LEVEL_HIGH };
    int off = fdt_add_subnode(fdt, 0, name);

    if (!fdt_check(off, name, errp) ||
        !fdt_strs(fdt, off, "compatible", compat, compat_len, errp) ||
        !fdt_reg(fdt, off, reg, 2, errp) ||
        !fdt_cells(fdt, off, "interrupts", irq, 3, errp) ||
        !fdt_check(fdt_setprop_cell(fdt, off, "clocks", PHANDLE_CLOCK), name,
                   errp) ||
        !fdt_check(fdt_setprop_string(fdt, off, "clock-names", "apb_pclk"),
                   name, errp)) {
        return -1;
    }
    return off;
}

static bool virt_fdt_gpio(void *fdt, Error **errp)
{
    static const char rtc[] = "arm,pl031\0arm,primecell";
    static const char gpio[] = "arm,pl061\0arm,primecell";
    uint32_t key[3] = { PHANDLE_GPIO, GPIO_POWEROFF_LINE, 0 };
    int off, keys, poff;

    if (virt_fdt_primecell(fdt, "pl031@9010000", rtc, sizeof(rtc), VIRT_RTC,
                           VIRT_RTC_SPI, errp) < 0) {
        return false;
    }
    off = virt_fdt_primecell(fdt, "pl061@9030000", gpio, sizeof(gpio),
                             VIRT_GPIO, VIRT_GPIO_SPI, errp);
    if (off < 0 ||
        !fdt_check(fdt_setprop_cell(fdt, off, "#gpio-cells", 2), "pl061",
                   errp) ||
        !fdt_empty(fdt, off, "gpio-controller", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, off, "phandle", PHANDLE_GPIO),
                   "pl061", errp)) {
        return false;
    }
    keys = fdt_add_subnode(fdt, 0, "gpio-keys");
    /* The parent's properties first: they would move the child. */
    if (!fdt_check(keys, "/gpio-keys", errp) ||
        !fdt_check(fdt_setprop_string(fdt, keys, "compatible", "gpio-keys"),
                   "/gpio-keys", errp)) {
        return false;
    }
    poff = fdt_add_subnode(fdt, keys, "poweroff");
    return fdt_check(poff, "/gpio-keys/poweroff", errp) &&
           fdt_check(fdt_setprop_string(fdt, poff, "label",
                                        "GPIO Key Poweroff"), "poweroff",
                     errp) &&
           fdt_check(fdt_setprop_cell(fdt, poff, "linux,code", KEY_POWER),
                     "poweroff", errp) &&
           fdt_cells(fdt, poff, "gpios", key, 3, errp);
}

static bool virt_fdt_pcie(void *fdt, Error **errp)
{
    uint64_t reg[2] = { VIRT_PCIE_ECAM_HIGH, VIRT_PCIE_ECAM_SIZE };
    /* I/O, 32-bit memory, 64-bit memory windows (PCI address = CPU's). */
    uint32_t ranges[21] = {
        0x01000000, 0, 0, 0, VIRT_PCIE_PIO, 0, VIRT_PCIE_PIO_SIZE,
        0x02000000, 0, VIRT_PCIE_MMIO, 0, VIRT_PCIE_MMIO, 0,
        VIRT_PCIE_MMIO_SIZE,
        0x03000000, VIRT_PCIE_MMIO_HIGH >> 32, 0, VIRT_PCIE_MMIO_HIGH >> 32,
        0, VIRT_PCIE_MMIO_HIGH_SIZE >> 32, 0,
    };
    uint32_t map[16 * 10];
    uint32_t mask[4] = { 0x1800, 0, 0, 7 };
    uint32_t msi[4] = { 0, PHANDLE_V2M, 0, 0x10000 };
    uint32_t bus_range[2] = { 0, 0xff };
    int off = fdt_add_subnode(fdt, 0, "pcie@10000000");

    /* INTx of slot s, pin p (1..4) swizzled onto SPIs 3..6, as QEMU. */
    for (int slot = 0; slot < 4; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            uint32_t *e = &map[(slot * 4 + pin) * 10];

            e[0] = slot << 11;
            e[1] = 0;
            e[2] = 0;
            e[3] = pin + 1;
            e[4] = PHANDLE_GIC;
            e[5] = 0;
            e[6] = 0;
            e[7] = GIC_FDT_SPI;
            e[8] = VIRT_PCIE_SPI + (pin + slot) % 4;
            e[9] = IRQ_TYPE_LEVEL_HIGH;
        }
    }
    return fdt_check(off, "/pcie", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "pci-host-ecam-generic"), "/pcie",
                     errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "device_type", "pci"),
                     "/pcie", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#address-cells", 3),
                     "/pcie", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#size-cells", 2), "/pcie",
                     errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "linux,pci-domain", 0),
                     "/pcie", errp) &&
           fdt_cells(fdt, off, "bus-range", bus_range, 2, errp) &&
           fdt_empty(fdt, off, "dma-coherent", errp) &&
           fdt_cells(fdt, off, "msi-map", msi, 4, errp) &&
           fdt_reg(fdt, off, reg, 2, errp) &&
           fdt_cells_big(fdt, off, "ranges", ranges, 21, errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#interrupt-cells", 1),
                     "/pcie", errp) &&
           fdt_cells_big(fdt, off, "interrupt-map", map, 160, errp) &&
           fdt_cells(fdt, off, "interrupt-map-mask", mask, 4, errp);
}

static bool virt_fdt_mmio_and_fw_cfg(void *fdt, Error **errp)
{
    static const char bus_compat[] = "qemu,platform\0simple-bus";
    uint64_t fw_reg[2] = { VIRT_FW_CFG, VIRT_FW_CFG_SIZE };
    uint32_t bus_ranges[4] = { 0, 0, VIRT_PLATFORM_BUS,
                               VIRT_PLATFORM_BUS_SIZE };
    int off;

    /* QEMU adds them from the top down; the order shows in /proc. */
    for (int i = VIRT_MMIO_NUM - 1; i >= 0; i--) {
        hwaddr base = VIRT_MMIO + i * VIRT_MMIO_SIZE;
        g_autofree char *name = g_strdup_printf("virtio_mmio@%" PRIx64,
                                                (uint64_t)base);
        uint64_t reg[2] = { base, VIRT_MMIO_SIZE };
        uint32_t irq[3] = { GIC_FDT_SPI, VIRT_MMIO_SPI + i,
                            IRQ_TYPE_EDGE_RISING };

        off = fdt_add_subnode(fdt, 0, name);
        if (!fdt_check(off, name, errp) ||
            !fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                          "virtio,mmio"), name, errp) ||
            !fdt_reg(fdt, off, reg, 2, errp) ||
            !fdt_cells(fdt, off, "interrupts", irq, 3, errp) ||
            !fdt_empty(fdt, off, "dma-coherent", errp)) {
            return false;
        }
    }
    off = fdt_add_subnode(fdt, 0, "fw-cfg@9020000");
    if (!fdt_check(off, "/fw-cfg", errp) ||
        !fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                      "qemu,fw-cfg-mmio"), "/fw-cfg", errp) ||
        !fdt_reg(fdt, off, fw_reg, 2, errp) ||
        !fdt_empty(fdt, off, "dma-coherent", errp)) {
        return false;
    }
    off = fdt_add_subnode(fdt, 0, "platform-bus@c000000");
    return fdt_check(off, "/platform-bus", errp) &&
           fdt_strs(fdt, off, "compatible", bus_compat, sizeof(bus_compat),
                    errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#size-cells", 1),
                     "/platform-bus", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#address-cells", 1),
                     "/platform-bus", errp) &&
           fdt_cells(fdt, off, "ranges", bus_ranges, 4, errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "interrupt-parent",
                                      PHANDLE_GIC), "/platform-bus", errp);
}

/* QEMU's random seeds for the guest's RNG and KASLR. */
static bool virt_fdt_seeds(void *fdt, Error **errp)
{
    uint32_t rng[8], kaslr[2];
    int chosen = fdt_path_offset(fdt, "/chosen");

    for (int i = 0; i < 8; i++) {
        rng[i] = g_random_int();
    }
    kaslr[0] = g_random_int();
    kaslr[1] = g_random_int();
    return fdt_check(chosen, "/chosen", errp) &&
           fdt_cells(fdt, chosen, "rng-seed", rng, 8, errp) &&
           fdt_cells(fdt, chosen, "kaslr-seed", kaslr, 2, errp);
}

/* The placeholders behind the nodes above (hw/misc/unimp.h). */
static void virt_unimp_devices(void)
{
    MemoryRegion *sysmem = get_system_memory();

    unimp_create(sysmem, "gicv2m", VIRT_GIC_V2M, 0x1000);
    unimp_create(sysmem, "fwcfg", VIRT_FW_CFG, VIRT_FW_CFG_SIZE);
    unimp_create(sysmem, "pl061", VIRT_GPIO, 0x1000);
    unimp_create(sysmem, "virtio-mmio", VIRT_MMIO,
                 VIRT_MMIO_NUM * VIRT_MMIO_SIZE);
    unimp_create(sysmem, "pcie-ecam-high", VIRT_PCIE_ECAM_HIGH,
                 VIRT_PCIE_ECAM_SIZE);
}

/* The model QEMU puts in a cpu node's "compatible" for each -cpu. */
static const char *virt_cpu_compatible(const char *model)
{
    if (!model || !strcmp(model, "cortex-a57")) {
        return "arm,cortex-a57";
    }
    if (!strcmp(model, "cortex-a53")) {
        return "arm,cortex-a53";
    }
    if (!strcmp(model, "cortex-a72")) {
        return "arm,cortex-a72";
    }
    /* QEMU's max CPU is a cortex-a57 with every feature added. */
    return "arm,cortex-a57";
}

static bool virt_fdt_cpus(MachineState *ms, void *fdt, Error **errp)
{
    int cpus = fdt_add_subnode(fdt, 0, "cpus");
    int map, sock, clus, core, cpu;

    if (!fdt_check(cpus, "/cpus", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, cpus, "#address-cells", 1),
                   "/cpus", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, cpus, "#size-cells", 0), "/cpus",
                   errp)) {
        return false;
    }
    cpu = fdt_add_subnode(fdt, cpus, "cpu@0");
    if (!fdt_check(cpu, "/cpus/cpu@0", errp) ||
        !fdt_check(fdt_setprop_string(fdt, cpu, "device_type", "cpu"),
                   "cpu@0", errp) ||
        !fdt_check(fdt_setprop_string(fdt, cpu, "compatible",
                                      virt_cpu_compatible(ms->cpu_model)),
                   "cpu@0", errp) ||
        !fdt_check(fdt_setprop_cell(fdt, cpu, "reg", 0), "cpu@0", errp) ||
        (ms->numa.num_nodes &&
         !fdt_check(fdt_setprop_cell(fdt, cpu, "numa-node-id", 0), "cpu@0",
                    errp)) ||
        !fdt_check(fdt_setprop_cell(fdt, cpu, "phandle", PHANDLE_CPU0),
                   "cpu@0", errp)) {
        return false;
    }
    map = fdt_add_subnode(fdt, cpus, "cpu-map");
    sock = map < 0 ? map : fdt_add_subnode(fdt, map, "socket0");
    clus = sock < 0 ? sock : fdt_add_subnode(fdt, sock, "cluster0");
    core = clus < 0 ? clus : fdt_add_subnode(fdt, clus, "core0");
    return fdt_check(core, "/cpus/cpu-map", errp) &&
           fdt_check(fdt_setprop_cell(fdt, core, "cpu", PHANDLE_CPU0),
                     "/cpus/cpu-map", errp);
}

static bool virt_fdt_gic(void *fdt, Error **errp)
{
    fdt64_t reg[4] = {
        cpu_to_fdt64(VIRT_GIC_DIST), cpu_to_fdt64(GIC_DIST_SIZE),
        cpu_to_fdt64(VIRT_GIC_CPU), cpu_to_fdt64(GIC_CPU_SIZE),
    };
    int off = fdt_add_subnode(fdt, 0, "intc@8000000");

    return fdt_check(off, "/intc", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#interrupt-cells", 3),
                     "/intc", errp) &&
           fdt_check(fdt_setprop(fdt, off, "interrupt-controller", NULL, 0),
                     "/intc", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#address-cells", 2),
                     "/intc", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#size-cells", 2), "/intc",
                     errp) &&
           fdt_check(fdt_setprop(fdt, off, "ranges", NULL, 0), "/intc",
                     errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "arm,cortex-a15-gic"), "/intc",
                     errp) &&
           fdt_check(fdt_setprop(fdt, off, "reg", reg, sizeof(reg)), "/intc",
                     errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "phandle", PHANDLE_GIC),
                     "/intc", errp) &&
           fdt_check(fdt_setprop_cell(fdt, 0, "interrupt-parent",
                                      PHANDLE_GIC), "/interrupt-parent",
                     errp);
}

static bool virt_fdt_timer(MachineState *ms, void *fdt, Error **errp)
{
    static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
    /* PPIs go to the CPUs in the mask of bits 8..15 of the flags. */
    uint32_t flags = ((1u << ms->smp_cpus) - 1) << 8 | IRQ_TYPE_LEVEL_HIGH;
    uint32_t irqs[12] = {
        GIC_FDT_PPI, ARCH_TIMER_S_EL1_PPI, flags,
        GIC_FDT_PPI, ARCH_TIMER_NS_EL1_PPI, flags,
        GIC_FDT_PPI, ARCH_TIMER_VIRT_PPI, flags,
        GIC_FDT_PPI, ARCH_TIMER_NS_EL2_PPI, flags,
    };
    int off = fdt_add_subnode(fdt, 0, "timer");

    return fdt_check(off, "/timer", errp) &&
           fdt_check(fdt_setprop(fdt, off, "compatible", compat,
                                 sizeof(compat)), "/timer", errp) &&
           fdt_check(fdt_setprop(fdt, off, "always-on", NULL, 0), "/timer",
                     errp) &&
           fdt_cells(fdt, off, "interrupts", irqs, 12, errp);
}

static bool virt_fdt_clock(void *fdt, Error **errp)
{
    int off = fdt_add_subnode(fdt, 0, "apb-pclk");

    return fdt_check(off, "/apb-pclk", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "compatible",
                                        "fixed-clock"), "/apb-pclk", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "#clock-cells", 0),
                     "/apb-pclk", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "clock-frequency", 24000000),
                     "/apb-pclk", errp) &&
           fdt_check(fdt_setprop_string(fdt, off, "clock-output-names",
                                        "clk24mhz"), "/apb-pclk", errp) &&
           fdt_check(fdt_setprop_cell(fdt, off, "phandle", PHANDLE_CLOCK),
                     "/apb-pclk", errp);
}

static bool virt_fdt_uart_irq(void *fdt, Error **errp)
{
    static const char names[] = "uartclk\0apb_pclk";
    uint32_t irq[3] = { GIC_FDT_SPI, VIRT_UART_SPI, IRQ_TYPE_LEVEL_HIGH };
    uint32_t clocks[2] = { PHANDLE_CLOCK, PHANDLE_CLOCK };
    int off = fdt_path_offset(fdt, "/pl011@9000000");

    return fdt_check(off, "/pl011@9000000", errp) &&
           fdt_cells(fdt, off, "interrupts", irq, 3, errp) &&
           fdt_cells(fdt, off, "clocks", clocks, 2, errp) &&
           fdt_check(fdt_setprop(fdt, off, "clock-names", names,
                                 sizeof(names)), "/pl011 clock-names",
                     errp);
}

bool arm_virt_os_devices(MachineState *ms, void *fdt, PL011State *uart,
                         Error **errp)
{
    /* -smp N still runs one vCPU (docs/differences.md). */
    int ncpu = 1;

    if (!virt_gic) {
        virt_gic = arm_gic_new(get_system_memory(), VIRT_GIC_DIST,
                               VIRT_GIC_CPU, GIC_INTERNAL + VIRT_NUM_IRQS,
                               ncpu, errp);
        if (!virt_gic) {
            return false;
        }
        arm_gic_connect_cpu(virt_gic, 0, cpu_irq_input(0, CPU_IRQ_HARD),
                            cpu_irq_input(0, CPU_IRQ_FIQ));
        cpu_irq_connect_timer(0, ARM_GTIMER_PHYS,
                              arm_gic_get_irq(virt_gic, 0, 16 +
                                              ARCH_TIMER_NS_EL1_PPI));
        cpu_irq_connect_timer(0, ARM_GTIMER_VIRT,
                              arm_gic_get_irq(virt_gic, 0, 16 +
                                              ARCH_TIMER_VIRT_PPI));
        if (uart) {
            pl011_connect_irq(uart, arm_gic_get_irq(virt_gic, 0,
                                                    GIC_INTERNAL +
                                                    VIRT_UART_SPI));
        }
        virt_devices = g_ptr_array_new();
        g_ptr_array_add(virt_devices,
                        pl031_create(get_system_memory(), VIRT_RTC,
                                     arm_gic_get_irq(virt_gic, 0,
                                                     GIC_INTERNAL +
                                                     VIRT_RTC_SPI)));
        virt_unimp_devices();
    }
    return virt_fdt_gic(fdt, errp) && virt_fdt_cpus(ms, fdt, errp) &&
           virt_fdt_timer(ms, fdt, errp) && virt_fdt_clock(fdt, errp) &&
           virt_fdt_uart_irq(fdt, errp) && virt_fdt_flash(fdt, errp) &&
           virt_fdt_v2m(fdt, errp) && virt_fdt_pmu(ms, fdt, errp) &&
           virt_fdt_gpio(fdt, errp) && virt_fdt_pcie(fdt, errp) &&
           virt_fdt_mmio_and_fw_cfg(fdt, errp) && virt_fdt_seeds(fdt, errp);
}
