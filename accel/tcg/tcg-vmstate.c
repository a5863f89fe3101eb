/*
 * accel tcg: the vCPU's registers in the migration stream, one FULL
 * section "memvm-cpu" per CPU (instance = CPU index), so that a running
 * guest continues on the destination.
 *
 * QEMU's "cpu" sections carry QEMU's CPUArchState, which unicorn's CPU is
 * not, so memvm writes its own, self-describing layout (docs/migration-
 * devices.md): the architecture's name, then each register as a name and
 * a be64 value.  The destination refuses another architecture or a
 * register it does not know, naming it, instead of loading garbage.
 */
#include <string.h>

#include "accel/tcg/tcg-internal.h"
#include "migration/register.h"

/*
 * Version 2 added FP/SIMD and more system registers.  The layout did not
 * change (named registers), so version 1 streams still load; an older
 * memvm refuses a version 2 stream naming the section, instead of
 * failing on the first register it does not know.
 */
#define TCG_VMSTATE_VERSION 2

/* Which 64 bits of a register unicorn reads as 128 (V, XMM, x87). */
enum {
    TCG_REG_WHOLE,
    TCG_REG_LO,
    TCG_REG_HI,
};

/* A register: by unicorn id, or (aarch64) a system register encoding. */
typedef struct TCGReg {
    const char *name;
    int regid;
    bool cp;                    /* aarch64 UC_ARM64_REG_CP_REG */
    uint8_t op0, op1, crn, crm, op2;
    uint8_t part;               /* TCG_REG_* */
    /*
     * Some CPU models lack it (unicorn refuses it): then it is left out
     * of the stream, and a stream that has it needs a CPU that has it.
     */
    bool optional;
} TCGReg;

#define R(n, id) { .name = (n), .regid = (id) }
#define CP(n, o0, o1, n_, m, o2) \
    { .name = (n), .regid = UC_ARM64_REG_CP_REG, .cp = true, .op0 = (o0), \
      .op1 = (o1), .crn = (n_), .crm = (m), .op2 = (o2) }
#define CPOPT(n, o0, o1, n_, m, o2) \
    { .name = (n), .regid = UC_ARM64_REG_CP_REG, .cp = true, .op0 = (o0), \
      .op1 = (o1), .crn = (n_), .crm = (m), .op2 = (o2), .optional = true }
/* A 128-bit register as two entries, "NAME_lo" and "NAME_hi". */
#define WIDE(n, id) \
    { .name = n "_lo", .regid = (id), .part = TCG_REG_LO }, \
    { .name = n "_hi", .regid = (id), .part = TCG_REG_HI }

/*
 * What a guest can change (docs/migration-devices.md lists what unicorn
 * cannot give out).  Order matters on load: modes first (x86 CR0/CR4,
 * aarch64 PSTATE and the EL2/EL3 configuration), then the rest.
 */
static const TCGReg x86_64_regs[] = {
    R("cr0", UC_X86_REG_CR0), R("cr2", UC_X86_REG_CR2),
    R("cr3", UC_X86_REG_CR3), R("cr4", UC_X86_REG_CR4),
    R("rax", UC_X86_REG_RAX), R("rbx", UC_X86_REG_RBX),
    R("rcx", UC_X86_REG_RCX), R("rdx", UC_X86_REG_RDX),
    R("rsi", UC_X86_REG_RSI), R("rdi", UC_X86_REG_RDI),
    R("rbp", UC_X86_REG_RBP), R("rsp", UC_X86_REG_RSP),
    R("r8", UC_X86_REG_R8), R("r9", UC_X86_REG_R9),
    R("r10", UC_X86_REG_R10), R("r11", UC_X86_REG_R11),
    R("r12", UC_X86_REG_R12), R("r13", UC_X86_REG_R13),
    R("r14", UC_X86_REG_R14), R("r15", UC_X86_REG_R15),
    R("rip", UC_X86_REG_RIP), R("rflags", UC_X86_REG_RFLAGS),
    R("fs_base", UC_X86_REG_FS_BASE), R("gs_base", UC_X86_REG_GS_BASE),
    /* x87 by physical register (FPSW holds TOP), then SSE. */
    R("fpcw", UC_X86_REG_FPCW), R("fpsw", UC_X86_REG_FPSW),
    R("fptag", UC_X86_REG_FPTAG), R("fop", UC_X86_REG_FOP),
    R("fip", UC_X86_REG_FIP), R("fdp", UC_X86_REG_FDP),
    WIDE("fp0", UC_X86_REG_FP0), WIDE("fp1", UC_X86_REG_FP1),
    WIDE("fp2", UC_X86_REG_FP2), WIDE("fp3", UC_X86_REG_FP3),
    WIDE("fp4", UC_X86_REG_FP4), WIDE("fp5", UC_X86_REG_FP5),
    WIDE("fp6", UC_X86_REG_FP6), WIDE("fp7", UC_X86_REG_FP7),
    R("mxcsr", UC_X86_REG_MXCSR),
    WIDE("xmm0", UC_X86_REG_XMM0), WIDE("xmm1", UC_X86_REG_XMM1),
    WIDE("xmm2", UC_X86_REG_XMM2), WIDE("xmm3", UC_X86_REG_XMM3),
    WIDE("xmm4", UC_X86_REG_XMM4), WIDE("xmm5", UC_X86_REG_XMM5),
    WIDE("xmm6", UC_X86_REG_XMM6), WIDE("xmm7", UC_X86_REG_XMM7),
    WIDE("xmm8", UC_X86_REG_XMM8), WIDE("xmm9", UC_X86_REG_XMM9),
    WIDE("xmm10", UC_X86_REG_XMM10), WIDE("xmm11", UC_X86_REG_XMM11),
    WIDE("xmm12", UC_X86_REG_XMM12), WIDE("xmm13", UC_X86_REG_XMM13),
    WIDE("xmm14", UC_X86_REG_XMM14), WIDE("xmm15", UC_X86_REG_XMM15),
    { 0 }
};

static const TCGReg aarch64_regs[] = {
    R("pstate", UC_ARM64_REG_PSTATE),
    /* What memvm's boot code sets for an EL1 kernel (tcg-cpu.c). */
    CP("scr_el3", 3, 6, 1, 1, 0), CP("hcr_el2", 3, 4, 1, 1, 0),
    CP("sctlr_el1", 3, 0, 1, 0, 0), CP("tcr_el1", 3, 0, 2, 0, 2),
    R("ttbr0_el1", UC_ARM64_REG_TTBR0_EL1),
    R("ttbr1_el1", UC_ARM64_REG_TTBR1_EL1),
    R("mair_el1", UC_ARM64_REG_MAIR_EL1),
    R("vbar_el1", UC_ARM64_REG_VBAR_EL1),
    R("cpacr_el1", UC_ARM64_REG_CPACR_EL1),
    R("elr_el1", UC_ARM64_REG_ELR_EL1), R("esr_el1", UC_ARM64_REG_ESR_EL1),
    R("far_el1", UC_ARM64_REG_FAR_EL1),
    CP("spsr_el1", 3, 0, 4, 0, 0),
    R("sp_el0", UC_ARM64_REG_SP_EL0), R("sp_el1", UC_ARM64_REG_SP_EL1),
    R("tpidr_el0", UC_ARM64_REG_TPIDR_EL0),
    R("tpidr_el1", UC_ARM64_REG_TPIDR_EL1),
    R("fpcr", UC_ARM64_REG_FPCR), R("fpsr", UC_ARM64_REG_FPSR),
    R("tpidrro_el0", UC_ARM64_REG_TPIDRRO_EL0),
    R("par_el1", UC_ARM64_REG_PAR_EL1),
    CP("contextidr_el1", 3, 0, 13, 0, 1), CP("cntkctl_el1", 3, 0, 14, 1, 0),
    CP("csselr_el1", 3, 2, 0, 0, 0), CP("mdscr_el1", 2, 0, 0, 2, 2),
    CPOPT("oslsr_el1", 2, 0, 1, 1, 4),
    CPOPT("zcr_el1", 3, 0, 1, 2, 0),
    /* The PMU's configuration (Linux resets it at boot, perf uses it). */
    CPOPT("pmcr_el0", 3, 3, 9, 12, 0), CPOPT("pmcntenset_el0", 3, 3, 9, 12, 1),
    CPOPT("pmselr_el0", 3, 3, 9, 12, 5), CPOPT("pmuserenr_el0", 3, 3, 9, 14, 0),
    CPOPT("pmintenset_el1", 3, 0, 9, 14, 1),
    CPOPT("pmovsset_el0", 3, 3, 9, 14, 3),
    CPOPT("pmccfiltr_el0", 3, 3, 14, 15, 7),
    WIDE("v0", UC_ARM64_REG_V0), WIDE("v1", UC_ARM64_REG_V1),
    WIDE("v2", UC_ARM64_REG_V2), WIDE("v3", UC_ARM64_REG_V3),
    WIDE("v4", UC_ARM64_REG_V4), WIDE("v5", UC_ARM64_REG_V5),
    WIDE("v6", UC_ARM64_REG_V6), WIDE("v7", UC_ARM64_REG_V7),
    WIDE("v8", UC_ARM64_REG_V8), WIDE("v9", UC_ARM64_REG_V9),
    WIDE("v10", UC_ARM64_REG_V10), WIDE("v11", UC_ARM64_REG_V11),
    WIDE("v12", UC_ARM64_REG_V12), WIDE("v13", UC_ARM64_REG_V13),
    WIDE("v14", UC_ARM64_REG_V14), WIDE("v15", UC_ARM64_REG_V15),
    WIDE("v16", UC_ARM64_REG_V16), WIDE("v17", UC_ARM64_REG_V17),
    WIDE("v18", UC_ARM64_REG_V18), WIDE("v19", UC_ARM64_REG_V19),
    WIDE("v20", UC_ARM64_REG_V20), WIDE("v21", UC_ARM64_REG_V21),
    WIDE("v22", UC_ARM64_REG_V22), WIDE("v23", UC_ARM64_REG_V23),
    WIDE("v24", UC_ARM64_REG_V24), WIDE("v25", UC_ARM64_REG_V25),
    WIDE("v26", UC_ARM64_REG_V26), WIDE("v27", UC_ARM64_REG_V27),
    WIDE("v28", UC_ARM64_REG_V28), WIDE("v29", UC_ARM64_REG_V29),
    WIDE("v30", UC_ARM64_REG_V30), WIDE("v31", UC_ARM64_REG_V31),
    R("x0", UC_ARM64_REG_X0), R("x1", UC_ARM64_REG_X1),
    R("x2", UC_ARM64_REG_X2), R("x3", UC_ARM64_REG_X3),
    R("x4", UC_ARM64_REG_X4), R("x5", UC_ARM64_REG_X5),
    R("x6", UC_ARM64_REG_X6), R("x7", UC_ARM64_REG_X7),
    R("x8", UC_ARM64_REG_X8), R("x9", UC_ARM64_REG_X9),
    R("x10", UC_ARM64_REG_X10), R("x11", UC_ARM64_REG_X11),
    R("x12", UC_ARM64_REG_X12), R("x13", UC_ARM64_REG_X13),
    R("x14", UC_ARM64_REG_X14), R("x15", UC_ARM64_REG_X15),
    R("x16", UC_ARM64_REG_X16), R("x17", UC_ARM64_REG_X17),
    R("x18", UC_ARM64_REG_X18), R("x19", UC_ARM64_REG_X19),
    R("x20", UC_ARM64_REG_X20), R("x21", UC_ARM64_REG_X21),
    R("x22", UC_ARM64_REG_X22), R("x23", UC_ARM64_REG_X23),
    R("x24", UC_ARM64_REG_X24), R("x25", UC_ARM64_REG_X25),
    R("x26", UC_ARM64_REG_X26), R("x27", UC_ARM64_REG_X27),
    R("x28", UC_ARM64_REG_X28), R("x29", UC_ARM64_REG_X29),
    R("x30", UC_ARM64_REG_X30), R("sp", UC_ARM64_REG_SP),
    R("pc", UC_ARM64_REG_PC),
    { 0 }
};

static const TCGReg riscv64_regs[] = {
    R("mstatus", UC_RISCV_REG_MSTATUS), R("satp", UC_RISCV_REG_SATP),
    R("mtvec", UC_RISCV_REG_MTVEC), R("mepc", UC_RISCV_REG_MEPC),
    R("mcause", UC_RISCV_REG_MCAUSE), R("mtval", UC_RISCV_REG_MTVAL),
    R("mscratch", UC_RISCV_REG_MSCRATCH), R("mie", UC_RISCV_REG_MIE),
    R("stvec", UC_RISCV_REG_STVEC), R("sepc", UC_RISCV_REG_SEPC),
    R("scause", UC_RISCV_REG_SCAUSE), R("stval", UC_RISCV_REG_STVAL),
    R("sscratch", UC_RISCV_REG_SSCRATCH),
    R("ra", UC_RISCV_REG_X1), R("sp", UC_RISCV_REG_X2),
    R("gp", UC_RISCV_REG_X3), R("tp", UC_RISCV_REG_X4),
    R("t0", UC_RISCV_REG_X5), R("t1", UC_RISCV_REG_X6),
    R("t2", UC_RISCV_REG_X7), R("s0", UC_RISCV_REG_X8),
    R("s1", UC_RISCV_REG_X9), R("a0", UC_RISCV_REG_X10),
    R("a1", UC_RISCV_REG_X11), R("a2", UC_RISCV_REG_X12),
    R("a3", UC_RISCV_REG_X13), R("a4", UC_RISCV_REG_X14),
    R("a5", UC_RISCV_REG_X15), R("a6", UC_RISCV_REG_X16),
    R("a7", UC_RISCV_REG_X17), R("s2", UC_RISCV_REG_X18),
    R("s3", UC_RISCV_REG_X19), R("s4", UC_RISCV_REG_X20),
    R("s5", UC_RISCV_REG_X21), R("s6", UC_RISCV_REG_X22),
    R("s7", UC_RISCV_REG_X23), R("s8", UC_RISCV_REG_X24),
    R("s9", UC_RISCV_REG_X25), R("s10", UC_RISCV_REG_X26),
    R("s11", UC_RISCV_REG_X27), R("t3", UC_RISCV_REG_X28),
    R("t4", UC_RISCV_REG_X29), R("t5", UC_RISCV_REG_X30),
    R("t6", UC_RISCV_REG_X31), R("pc", UC_RISCV_REG_PC),
    { 0 }
};

static const TCGReg *tcg_vmstate_regs(TCGCPU *cpu)
{
    switch (cpu->ops->uc_arch) {
    case UC_ARCH_X86:
        return x86_64_regs;
    case UC_ARCH_ARM64:
        return aarch64_regs;
    case UC_ARCH_RISCV:
        return riscv64_regs;
    default:
        return NULL;
    }
}

/* Read @r into *@v; false if unicorn refuses it (this CPU lacks it). */
static bool tcg_vmstate_read(TCGCPU *cpu, const TCGReg *r, uint64_t *v)
{
    uint64_t wide[2] = { 0, 0 };
    uc_err err;

    if (r->cp) {
        uc_arm64_cp_reg cp = { .op0 = r->op0, .op1 = r->op1, .crn = r->crn,
                               .crm = r->crm, .op2 = r->op2 };

        err = uc_reg_read(cpu->uc, r->regid, &cp);
        *v = cp.val;
        return err == UC_ERR_OK;
    }
    if (r->part == TCG_REG_WHOLE) {
        *v = tcg_reg_read(cpu, r->regid);
        return true;
    }
    err = uc_reg_read(cpu->uc, r->regid, wide);
    *v = wide[r->part == TCG_REG_HI];
    return err == UC_ERR_OK;
}

static bool tcg_vmstate_write(TCGCPU *cpu, const TCGReg *r, uint64_t v)
{
    uint64_t wide[2] = { 0, 0 };

    if (r->cp) {
        uc_arm64_cp_reg cp = { .op0 = r->op0, .op1 = r->op1, .crn = r->crn,
                               .crm = r->crm, .op2 = r->op2, .val = v };

        return uc_reg_write(cpu->uc, r->regid, &cp) == UC_ERR_OK;
    }
    if (r->part == TCG_REG_WHOLE) {
        tcg_reg_write(cpu, r->regid, v);
        return true;
    }
    /* The other half is kept: the two entries arrive one at a time. */
    if (uc_reg_read(cpu->uc, r->regid, wide) != UC_ERR_OK) {
        return false;
    }
    wide[r->part == TCG_REG_HI] = v;
    return uc_reg_write(cpu->uc, r->regid, wide) == UC_ERR_OK;
}

static void tcg_vmstate_save(QEMUFile *f, void *opaque)
{
    TCGCPU *cpu = opaque;
    const TCGReg *regs = tcg_vmstate_regs(cpu);
    uint32_t n = 0, sent = 0;
    g_autofree uint64_t *vals = NULL;
    g_autofree bool *have = NULL;

    while (regs[n].name) {
        n++;
    }
    vals = g_new0(uint64_t, n);
    have = g_new0(bool, n);
    tcg_cpu_pause(cpu);
    for (uint32_t i = 0; i < n; i++) {
        have[i] = tcg_vmstate_read(cpu, &regs[i], &vals[i]) ||
                  !regs[i].optional;
        sent += have[i];
    }
    tcg_cpu_resume(cpu);
    qemu_put_counted_string(f, cpu->ops->name);
    qemu_put_byte(f, cpu->halted);
    qemu_put_be32(f, sent);
    for (uint32_t i = 0; i < n; i++) {
        if (have[i]) {
            qemu_put_counted_string(f, regs[i].name);
            qemu_put_be64(f, vals[i]);
        }
    }
}

static const TCGReg *tcg_vmstate_find(const TCGReg *regs, const char *name)
{
    for (const TCGReg *r = regs; r->name; r++) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

static bool tcg_vmstate_load(QEMUFile *f, void *opaque, int version_id,
                             Error **errp)
{
    TCGCPU *cpu = opaque;
    const TCGReg *regs = tcg_vmstate_regs(cpu);
    char name[256];
    uint32_t n;
    uint8_t halted;
    bool ok = false;

    if (!qemu_get_counted_string(f, name)) {
        error_setg(errp, "memvm-cpu %u: stream ends early", cpu->index);
        return false;
    }
    if (strcmp(name, cpu->ops->name)) {
        error_setg(errp, "memvm-cpu %u: the stream's CPU is %s, this "
                   "machine's is %s", cpu->index, name, cpu->ops->name);
        return false;
    }
    halted = qemu_get_byte(f);
    n = qemu_get_be32(f);
    tcg_cpu_pause(cpu);
    for (uint32_t i = 0; i < n; i++) {
        const TCGReg *r;
        uint64_t v;

        if (!qemu_get_counted_string(f, name)) {
            error_setg(errp, "memvm-cpu %u: stream ends early", cpu->index);
            goto out;
        }
        v = qemu_get_be64(f);
        r = tcg_vmstate_find(regs, name);
        if (!r) {
            error_setg(errp, "memvm-cpu %u: unknown %s register '%s'",
                       cpu->index, cpu->ops->name, name);
            goto out;
        }
        if (!tcg_vmstate_write(cpu, r, v)) {
            error_setg(errp, "memvm-cpu %u: this %s CPU has no register "
                       "'%s' (another -cpu model?)", cpu->index,
                       cpu->ops->name, name);
            goto out;
        }
    }
    if (qemu_file_get_error(f)) {
        error_setg(errp, "memvm-cpu %u: stream ends early", cpu->index);
        goto out;
    }
    /*
     * RAM arrived behind unicorn's back: drop any code it translated
     * from what was there before.
     */
    uc_ctl_flush_tlb(cpu->uc);
    if (cpu->ops->post_load) {
        cpu->ops->post_load(cpu);
    }
    g_mutex_lock(&cpu->lock);
    cpu->halted = halted;
    cpu->guest_done = false;
    g_mutex_unlock(&cpu->lock);
    ok = true;
out:
    tcg_cpu_resume(cpu);
    return ok;
}

static const VMStateDescField tcg_vmstate_fields[] = {
    { "arch", "string", 0 },
    { "halted", "uint8", 1 },
    { "regs", "named-uint64", 0 },
    { NULL }
};

static const SaveVMHandlers tcg_vmstate_handlers = {
    .save_state = tcg_vmstate_save,
    .load_state = tcg_vmstate_load,
    .vmsd_name = "memvm-cpu",
    .fields = tcg_vmstate_fields,
};

void tcg_vmstate_register(TCGCPU *cpu)
{
    register_savevm_live("memvm-cpu", cpu->index, TCG_VMSTATE_VERSION,
                         &tcg_vmstate_handlers, cpu);
}

void tcg_vmstate_unregister(TCGCPU *cpu)
{
    unregister_savevm("memvm-cpu", cpu->index, cpu);
}
