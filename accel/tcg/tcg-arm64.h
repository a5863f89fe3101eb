/*
 * accel tcg, aarch64: QEMU's exception entry and interrupt lines inside
 * libunicorn (see tcg-arm64.c for how and why).
 */
#ifndef ACCEL_TCG_ARM64_H
#define ACCEL_TCG_ARM64_H

#include "hw/cpu-irq.h"

typedef struct A64UcCPU {
    void *cs;                   /* the engine's CPUState */
    void *env;                  /* its CPUARMState */
    int32_t *exception_index;   /* CPUState.exception_index */
} A64UcCPU;

/* Find the engine's CPU (after uc_open and the CPU model). */
bool a64_uc_bind(TCGCPU *cpu, A64UcCPU *out, Error **errp);

/* From the UC_HOOK_INTR hook: enter the guest's exception vector. */
void a64_uc_take_exception(A64UcCPU *c);

/* After PSTATE or system registers were written from outside. */
void a64_uc_rebuild_hflags(A64UcCPU *c);

/* Line CPU_IRQ_HARD/FIQ to @level; on the vCPU thread only. */
void a64_uc_set_irq(A64UcCPU *c, int line, int level);

/*
 * Guest stores to RAM without unicorn's slow path (tcg-arm64.c): from
 * start to stop, for the CPU @c whose accel map is @maps.  While @hooks
 * (store hooks wanted, for dirty tracking) it steps aside.
 */
void a64_uc_fast_stores_start(TCGCPU *cpu, A64UcCPU *c, GPtrArray *maps);
void a64_uc_fast_stores_stop(void);
void a64_uc_fast_stores_hooks(bool hooks);

#endif
