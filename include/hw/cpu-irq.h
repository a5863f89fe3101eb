/*
 * Interrupt wiring between a board and the guest CPUs.
 *
 * Boards run before the accelerator creates the CPUs, so the lines are
 * kept here: a board takes a CPU's interrupt inputs (cpu_irq_input())
 * and says where the CPU's own outputs (the Arm generic timer's) go
 * (cpu_irq_connect_timer()); the accelerator later installs the sink that
 * acts on the inputs, which first gets the levels set so far.
 */
#ifndef HW_CPU_IRQ_H
#define HW_CPU_IRQ_H

#include "hw/irq.h"

#define CPU_IRQ_MAX_CPUS 8

/* The inputs of a CPU. */
enum {
    CPU_IRQ_HARD,               /* Arm IRQ */
    CPU_IRQ_FIQ,
    CPU_IRQ_NUM,
};

/* Input @line of CPU @cpu (below CPU_IRQ_MAX_CPUS), owned here. */
qemu_irq cpu_irq_input(unsigned cpu, int line);

typedef void (*CPUIrqSink)(void *opaque, unsigned cpu, int line, int level);

/* Deliver input changes to @sink; NULL removes it.  Replays levels. */
void cpu_irq_set_sink(CPUIrqSink sink, void *opaque);

/* Output @timer (ARM_GTIMER_*) of CPU @cpu drives @irq. */
void cpu_irq_connect_timer(unsigned cpu, int timer, qemu_irq irq);

/* Where output @timer of CPU @cpu goes (NULL: nowhere). */
qemu_irq cpu_irq_timer_output(unsigned cpu, int timer);

#endif
