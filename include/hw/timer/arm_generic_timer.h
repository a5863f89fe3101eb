/*
 * The Arm generic timer of one CPU (Arm ARM D11): the system counter and
 * the EL1 physical and virtual timers, as a guest reaches them with
 * MRS/MSR on CNTPCT, CNTVCT and the CNTP_ and CNTV_
 * registers (EL0 names).
 *
 * libunicorn 2.0.1 reads the counter but keeps no timer state (its
 * compare and control writes are no-ops) and has no timer interrupts, so
 * accel tcg hands these registers to this model from its MRS/MSR hooks.
 * The counter runs at 62.5 MHz (QEMU's CNTFRQ) from the host's monotonic
 * clock; a thread of the model raises a timer's output line when its
 * compare value is reached, and the line stays up (level-triggered) until
 * the guest reprograms or masks the timer.
 *
 * Threads: the register accessors are called from the vCPU thread, the
 * outputs are set from it and from the model's thread; state is under
 * one mutex, and the outputs are set with it held (a handler must not
 * call back into the timer).
 */
#ifndef HW_TIMER_ARM_GENERIC_TIMER_H
#define HW_TIMER_ARM_GENERIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/irq.h"

/* Timer numbers, QEMU's (and so the order of the device tree's PPIs). */
enum {
    ARM_GTIMER_PHYS,            /* EL1 physical timer: PPI 14 on virt */
    ARM_GTIMER_VIRT,            /* EL1 virtual timer: PPI 11 on virt */
    ARM_GTIMER_NUM,
};

#define ARM_GTIMER_FREQ_HZ 62500000ULL
#define ARM_GTIMER_NS_PER_TICK 16ULL  /* 1e9 / ARM_GTIMER_FREQ_HZ */

/* CNTx_CTL_EL0 bits */
#define ARM_GTIMER_CTL_ENABLE 1u
#define ARM_GTIMER_CTL_IMASK 2u
#define ARM_GTIMER_CTL_ISTATUS 4u

typedef struct ArmGenericTimer ArmGenericTimer;

/*
 * A timer whose outputs are @outputs[ARM_GTIMER_PHYS] and [VIRT] (either
 * may be NULL); starts its thread.  The counter starts at 0 now.  Its
 * state migrates as section "memvm-arm-gtimer" @instance (the CPU index).
 */
ArmGenericTimer *arm_gtimer_new(qemu_irq outputs[ARM_GTIMER_NUM],
                                uint32_t instance);

/* Stop the thread and free the timer; NULL is ignored. */
void arm_gtimer_free(ArmGenericTimer *t);

/* The counter now (CNTPCT_EL0; CNTVCT_EL0 too, CNTVOFF being 0). */
uint64_t arm_gtimer_count(ArmGenericTimer *t);

/*
 * MRS/MSR of the system register with encoding @op0, @op1, @crn, @crm,
 * @op2: true if it is one of the model's (the value read is in *@val),
 * false to let the CPU handle it.  Writes to the counters are ignored
 * (they are read-only) but claimed.
 */
bool arm_gtimer_sysreg_read(ArmGenericTimer *t, unsigned op0, unsigned op1,
                            unsigned crn, unsigned crm, unsigned op2,
                            uint64_t *val);
bool arm_gtimer_sysreg_write(ArmGenericTimer *t, unsigned op0, unsigned op1,
                             unsigned crn, unsigned crm, unsigned op2,
                             uint64_t val);

#endif
