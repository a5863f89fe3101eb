/*
 * The Arm virt board's devices for an operating system (see
 * include/hw/arm/virt-devices.h).
 */
#include <libfdt.h>

#include "hw/arm/virt-devices.h"
#include "hw/cpu-irq.h"
#include "hw/fdt-mem.h"
#include "hw/intc/arm_gic.h"
#include "hw/timer/arm_generic_timer.h"

#define VIRT_GIC_DIST 0x08000000
#define VIRT_GIC_CPU 0x08010000
#define VIRT_UART 0x09000000
#define VIRT_NUM_IRQS 256           /* SPIs, as QEMU's virt */

/* QEMU's phandles, so that the trees compare equal. */
#define PHANDLE_CLOCK 0x8000
#define PHANDLE_CPU0 0x8001
#define PHANDLE_GIC 0x8002

/* Device tree interrupt specifiers (GIC binding, three cells). */
#define GIC_FDT_SPI 0
#define GIC_FDT_PPI 1
#define IRQ_TYPE_LEVEL_HIGH 4

/* virt's interrupt map: SPI numbers and timer PPIs (QEMU hw/arm/virt.h) */
#define VIRT_UART_SPI 1
#define ARCH_TIMER_S_EL1_PPI 13
#define ARCH_TIMER_NS_EL1_PPI 14
#define ARCH_TIMER_VIRT_PPI 11
#define ARCH_TIMER_NS_EL2_PPI 10

/* The one GIC of the process, kept for LeakSanitizer as the devices. */
static GICState *virt_gic;

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
    return "arm,arm-v8";
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
    }
    return virt_fdt_gic(fdt, errp) && virt_fdt_cpus(ms, fdt, errp) &&
           virt_fdt_timer(ms, fdt, errp) && virt_fdt_clock(fdt, errp) &&
           virt_fdt_uart_irq(fdt, errp);
}
