/*
 * Arm Generic Interrupt Controller v2 (GICv2) without the Security and
 * Virtualization Extensions, as QEMU 7.2's virt board has it by default:
 * a distributor and a CPU interface (4 KiB of registers each, mapped in
 * 64 KiB windows), 32 banked interrupts per CPU (SGIs 0-15, PPIs 16-31)
 * and shared peripheral interrupts (SPIs) from INTID 32.
 *
 * Threads and locking: MMIO comes from vCPU threads, input lines are set
 * from any thread (timer, chardev main loop, vCPU).  All state is under
 * one mutex.  The outputs to the CPUs (arm_gic_connect_cpu()) are called
 * only after that mutex is released, serialised by a second, recursive,
 * lock, and only when a CPU's level changes.  So an output handler may
 * call back into the GIC (set a line, do MMIO) from the same thread, but
 * it must not wait for another thread that is itself inside the GIC (for
 * example block until a vCPU thread finishes an MMIO access): kick the
 * vCPU and return.
 *
 * Which CPU an MMIO access comes from is a per-thread setting: a vCPU
 * thread calls arm_gic_set_thread_cpu() once; the default is CPU 0.
 *
 * Every interrupt is signalled on the IRQ output: without the Security
 * Extensions all interrupts are Group 0 and GICC_CTLR.FIQEn stays 0 (the
 * FIQ output is never raised).
 */
#ifndef HW_INTC_ARM_GIC_H
#define HW_INTC_ARM_GIC_H

#include "exec/memory.h"
#include "hw/irq.h"
#include "qapi/error.h"

#define TYPE_ARM_GIC "arm_gic"

typedef struct GICState GICState;

#define GIC_NR_SGIS 16
#define GIC_INTERNAL 32         /* SGIs and PPIs: banked per CPU */
#define GIC_MAX_IRQ 1020        /* INTIDs 1020-1023 are special */
#define GIC_MAX_CPUS 8
#define GIC_SPURIOUS 1023       /* GICC_IAR when nothing is pending */
#define GIC_DIST_SIZE 0x10000   /* the windows of QEMU's virt board */
#define GIC_CPU_SIZE 0x10000

/*
 * A GICv2 with @num_irq interrupts (a multiple of 32, from 64 to 1020,
 * counting the 32 banked ones) for @num_cpu CPUs (1 to 8), its
 * distributor at @dist_base and CPU interface at @cpu_base of @sysmem.
 * NULL with an error naming the bad value otherwise.
 */
GICState *arm_gic_new(MemoryRegion *sysmem, hwaddr dist_base,
                      hwaddr cpu_base, int num_irq, int num_cpu,
                      Error **errp);

/*
 * The input line of INTID @intid: for an SGI or PPI (below 32) the one
 * banked for @cpu, for an SPI (from 32) the shared one (@cpu ignored).
 * Owned by the GIC.  SGIs are raised by GICD_SGIR, not by lines; their
 * lines exist but are ignored.
 */
qemu_irq arm_gic_get_irq(GICState *s, int cpu, int intid);

/* The lines the GIC drives for CPU @cpu (either may be NULL). */
void arm_gic_connect_cpu(GICState *s, int cpu, qemu_irq irq, qemu_irq fiq);

/* MMIO from the calling thread is done by CPU @cpu (see above). */
void arm_gic_set_thread_cpu(int cpu);

#endif
