/*
 * accel tcg, aarch64: what libunicorn 2.0.1 lacks for an operating
 * system, reached through the library's own exported functions.
 *
 * Unicorn hands every guest exception to the UC_HOOK_INTR hook and then
 * drops it: the guest's vector is never entered.  Linux needs its
 * exceptions (system calls, page faults, undefined instructions), so the
 * hook calls the library's arm_cpu_do_interrupt_aarch64(), QEMU's
 * architectural exception entry, on the CPU that raised it.  Interrupts
 * are QEMU's too: a raised IRQ line sets CPU_INTERRUPT_HARD in the CPU's
 * interrupt_request through the exported cpu_interrupt_handler, and the
 * execution loop takes it as soon as PSTATE.I allows, as in QEMU.
 *
 * Those functions want the engine's CPUState, which unicorn's API does
 * not give out.  It is the `cpu` field of struct uc_struct; its offset is
 * computed from unicorn 2.0.1's include/uc_priv.h and checked at run time
 * against two pointers back to the engine (in the memory address space
 * and in the CPUState), so that another build fails with an error
 * instead of crashing.  The CPU's register file (CPUARMState) is found by
 * writing marker values to X0..X3 and looking for them.
 *
 * Stopping the engine from another thread (uc_emu_stop(), which memvm
 * does for every interrupt and pause) is unsafe in unicorn 2.0.1: it
 * checks for a stop request after every guest load and store, in the
 * middle of a translated block, and then resumes at the block's start,
 * so the instructions before the check run twice (a post-indexed load
 * moves its pointer twice; Linux's allocator soon crashes).  Its flag
 * no_exit_request, meant for Thumb IT blocks, stops it from generating
 * those checks; the check at the start of each block stays, and there
 * the PC is exact.  memvm sets it before the first block is translated.
 */
#include <dlfcn.h>
#include <string.h>

#include "accel/tcg/tcg-internal.h"
#include "accel/tcg/tcg-arm64.h"

/* struct uc_struct of unicorn 2.0.1 (x86_64 host): see above. */
#define UC_OFF_AS_MEMORY_UC 64      /* address_space_memory.uc */
#define UC_OFF_CPU 384              /* CPUState *cpu */
#define UC_OFF_NO_EXIT_REQUEST 1930 /* bool no_exit_request */
#define UC_OFF_INIT_DONE 1931       /* bool init_done, true once in use */
/* How far into a CPUState to look for its pointer back to the engine. */
#define UC_CPUSTATE_SCAN 0x10000
/* CPUState.exception_index sits 8 bytes before CPUState.uc. */
#define UC_CS_EXCEPTION_INDEX_FROM_UC (-8)

#define CPU_INTERRUPT_HARD 0x0002
#define CPU_INTERRUPT_FIQ 0x0010

typedef void (*uc_cpu_fn)(void *cs);
typedef void (*uc_cpu_mask_fn)(void *cs, int mask);
typedef void (*uc_env_fn)(void *env);

static struct {
    bool resolved;
    uc_cpu_fn do_interrupt;
    uc_env_fn rebuild_hflags;
    uc_cpu_mask_fn *interrupt_handler;  /* a variable holding a pointer */
    uc_cpu_mask_fn reset_interrupt;
    uc_cpu_fn cpu_exit;
} ucx;

static bool ucx_resolve(Error **errp)
{
    if (ucx.resolved) {
        return true;
    }
    ucx.do_interrupt = (uc_cpu_fn)dlsym(RTLD_DEFAULT,
                                        "arm_cpu_do_interrupt_aarch64");
    ucx.rebuild_hflags = (uc_env_fn)dlsym(RTLD_DEFAULT,
                                          "arm_rebuild_hflags_aarch64");
    ucx.interrupt_handler = dlsym(RTLD_DEFAULT, "cpu_interrupt_handler");
    ucx.reset_interrupt = (uc_cpu_mask_fn)dlsym(RTLD_DEFAULT,
                                                "cpu_reset_interrupt");
    ucx.cpu_exit = (uc_cpu_fn)dlsym(RTLD_DEFAULT, "cpu_exit");
    if (!ucx.do_interrupt || !ucx.rebuild_hflags || !ucx.interrupt_handler ||
        !ucx.reset_interrupt || !ucx.cpu_exit) {
        error_setg(errp, "accel tcg: this libunicorn does not export the "
                   "Arm exception and interrupt functions memvm needs "
                   "(built for unicorn 2.0.1)");
        return false;
    }
    ucx.resolved = true;
    return true;
}

bool a64_uc_bind(TCGCPU *cpu, A64UcCPU *out, Error **errp)
{
    uint8_t *uc = (uint8_t *)cpu->uc;
    uint8_t *cs;
    size_t uc_off = 0;
    static const uint64_t marker[4] = {
        0x6d656d766d000001ULL, 0x6d656d766d000002ULL,
        0x6d656d766d000003ULL, 0x6d656d766d000004ULL,
    };
    uint64_t saved[4];

    if (!ucx_resolve(errp)) {
        return false;
    }
    /* Reading a register makes unicorn create its CPU. */
    saved[0] = tcg_reg_read(cpu, UC_ARM64_REG_X0);
    if (*(void **)(uc + UC_OFF_AS_MEMORY_UC) != (void *)uc) {
        goto bad;
    }
    cs = *(uint8_t **)(uc + UC_OFF_CPU);
    if (!cs || uc[UC_OFF_INIT_DONE] != 1 || uc[UC_OFF_NO_EXIT_REQUEST] > 1) {
        goto bad;
    }
    for (size_t off = 0; off < UC_CPUSTATE_SCAN; off += sizeof(void *)) {
        if (*(void **)(cs + off) == (void *)uc) {
            uc_off = off;
            break;
        }
    }
    if (!uc_off) {
        goto bad;
    }
    for (int i = 0; i < 4; i++) {
        saved[i] = tcg_reg_read(cpu, UC_ARM64_REG_X0 + i);
        tcg_reg_write(cpu, UC_ARM64_REG_X0 + i, marker[i]);
    }
    out->env = NULL;
    /*
     * CPUARMState follows the CPUState in ARMCPU and starts with
     * uint32_t regs[16], then uint64_t xregs[32].
     */
    for (size_t off = uc_off; off < uc_off + UC_CPUSTATE_SCAN; off += 8) {
        if (!memcmp(cs + off, marker, sizeof(marker))) {
            out->env = cs + off - 16 * sizeof(uint32_t);
            break;
        }
    }
    for (int i = 0; i < 4; i++) {
        tcg_reg_write(cpu, UC_ARM64_REG_X0 + i, saved[i]);
    }
    if (!out->env) {
        goto bad;
    }
    uc[UC_OFF_NO_EXIT_REQUEST] = 1;
    out->cs = cs;
    out->exception_index = (int32_t *)(cs + uc_off +
                                       UC_CS_EXCEPTION_INDEX_FROM_UC);
    return true;

bad:
    error_setg(errp, "accel tcg: cannot find the CPU inside this libunicorn "
               "(memvm knows the layout of unicorn 2.0.1)");
    return false;
}

void a64_uc_take_exception(A64UcCPU *c)
{
    ucx.do_interrupt(c->cs);
}

void a64_uc_rebuild_hflags(A64UcCPU *c)
{
    ucx.rebuild_hflags(c->env);
}

void a64_uc_set_irq(A64UcCPU *c, int line, int level)
{
    int mask = line == CPU_IRQ_FIQ ? CPU_INTERRUPT_FIQ : CPU_INTERRUPT_HARD;

    if (level) {
        (*ucx.interrupt_handler)(c->cs, mask);
        /* End the chain of translated blocks so that the loop sees it. */
        ucx.cpu_exit(c->cs);
    } else {
        ucx.reset_interrupt(c->cs, mask);
    }
}
