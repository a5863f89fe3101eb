/*
 * Interrupt lines between devices: a line is a handler plus an opaque
 * pointer and a line number, and qemu_set_irq() calls that handler.
 *
 * A line carries no state of its own; the receiving device decides what
 * a level means (edge detection, latching).  Handlers run in the thread
 * that sets the line, so a device whose lines are set from several
 * threads (vCPU, timer, chardev main loop) must lock its own state.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IRQState *qemu_irq;

typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* A line that calls @handler(@opaque, @n, level) when set.  Never NULL. */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);

/* Drive @irq to @level (0 low, non-zero high).  A NULL line is ignored. */
void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

/* Free a line from qemu_allocate_irq(); NULL is ignored. */
void qemu_free_irq(qemu_irq irq);

#endif
