/*
 * Interrupt wiring between a board and the guest CPUs (hw/cpu-irq.h).
 */
#include <glib.h>
#include <string.h>

#include "hw/cpu-irq.h"
#include "hw/timer/arm_generic_timer.h"

static GMutex cpu_irq_lock;     /* the sink and the levels */
static CPUIrqSink cpu_irq_sink;
static void *cpu_irq_opaque;
static int cpu_irq_level[CPU_IRQ_MAX_CPUS][CPU_IRQ_NUM];
static qemu_irq cpu_irq_lines[CPU_IRQ_MAX_CPUS][CPU_IRQ_NUM];
static qemu_irq cpu_irq_timers[CPU_IRQ_MAX_CPUS][ARM_GTIMER_NUM];

static void cpu_irq_handler(void *opaque, int n, int level)
{
    unsigned cpu = n / CPU_IRQ_NUM;
    int line = n % CPU_IRQ_NUM;
    CPUIrqSink sink;
    void *sink_opaque;

    g_mutex_lock(&cpu_irq_lock);
    cpu_irq_level[cpu][line] = !!level;
    sink = cpu_irq_sink;
    sink_opaque = cpu_irq_opaque;
    g_mutex_unlock(&cpu_irq_lock);
    if (sink) {
        sink(sink_opaque, cpu, line, !!level);
    }
}

qemu_irq cpu_irq_input(unsigned cpu, int line)
{
    g_assert(cpu < CPU_IRQ_MAX_CPUS && line >= 0 && line < CPU_IRQ_NUM);
    g_mutex_lock(&cpu_irq_lock);
    if (!cpu_irq_lines[cpu][line]) {
        cpu_irq_lines[cpu][line] =
            qemu_allocate_irq(cpu_irq_handler, NULL, cpu * CPU_IRQ_NUM + line);
    }
    g_mutex_unlock(&cpu_irq_lock);
    return cpu_irq_lines[cpu][line];
}

void cpu_irq_set_sink(CPUIrqSink sink, void *opaque)
{
    int level[CPU_IRQ_MAX_CPUS][CPU_IRQ_NUM];

    g_mutex_lock(&cpu_irq_lock);
    cpu_irq_sink = sink;
    cpu_irq_opaque = opaque;
    memcpy(level, cpu_irq_level, sizeof(level));
    g_mutex_unlock(&cpu_irq_lock);
    for (unsigned cpu = 0; sink && cpu < CPU_IRQ_MAX_CPUS; cpu++) {
        for (int line = 0; line < CPU_IRQ_NUM; line++) {
            if (level[cpu][line]) {
                sink(opaque, cpu, line, 1);
            }
        }
    }
}

void cpu_irq_connect_timer(unsigned cpu, int timer, qemu_irq irq)
{
    g_assert(cpu < CPU_IRQ_MAX_CPUS && timer >= 0 && timer < ARM_GTIMER_NUM);
    cpu_irq_timers[cpu][timer] = irq;
}

qemu_irq cpu_irq_timer_output(unsigned cpu, int timer)
{
    g_assert(cpu < CPU_IRQ_MAX_CPUS && timer >= 0 && timer < ARM_GTIMER_NUM);
    return cpu_irq_timers[cpu][timer];
}
