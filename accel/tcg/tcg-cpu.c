/*
 * accel tcg, per architecture: the hooks a guest needs beyond memory
 * (x86 port I/O, Arm PSCI over HVC, exceptions), the registers at boot,
 * and the register dump printed when a guest fails.
 */
#include "accel/tcg/tcg-internal.h"
#include "accel/tcg/tcg-arm64.h"
#include "exec/memory.h"
#include "hw/timer/arm_generic_timer.h"
#include "hw/boards.h"
#include "sysemu/runstate.h"

uint64_t tcg_reg_read(TCGCPU *cpu, int regid)
{
    uint64_t value = 0;

    uc_reg_read(cpu->uc, regid, &value);
    return value;
}

void tcg_reg_write(TCGCPU *cpu, int regid, uint64_t value)
{
    uc_reg_write(cpu->uc, regid, &value);
}

static bool uc_hook_ok(uc_err err, const char *what, Error **errp)
{
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot hook %s: %s", what,
                   uc_strerror(err));
        return false;
    }
    return true;
}

/* --- x86_64 ------------------------------------------------------------- */

/* Exception numbers as unicorn reports them (the x86 vectors). */
#define X86_EXCP_UD 6
#define X86_MSR_EFER 0xc0000080

static uint32_t x86_port_in(uc_engine *uc, uint32_t port, int size,
                            void *opaque)
{
    uint8_t buf[4] = { 0 };

    address_space_rw(&address_space_io, port, buf, size, false);
    return buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
}

static void x86_port_out(uc_engine *uc, uint32_t port, int size,
                         uint32_t value, void *opaque)
{
    uint8_t buf[4] = { value, value >> 8, value >> 16, value >> 24 };

    address_space_rw(&address_space_io, port, buf, size, true);
}

static bool x86_insn_invalid(uc_engine *uc, void *opaque)
{
    TCGCPU *cpu = opaque;
    uint8_t insn[4] = { 0 };
    uint64_t pc = tcg_cpu_get_pc(cpu);

    uc_mem_read(uc, pc, insn, sizeof(insn));
    tcg_cpu_stop_from_hook(cpu, "unknown instruction at pc 0x%" PRIx64
                           " (bytes %02x %02x %02x %02x)", pc, insn[0],
                           insn[1], insn[2], insn[3]);
    return false;
}

static void x86_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    TCGCPU *cpu = opaque;

    /* No IDT is ever consulted: memvm has no interrupt delivery. */
    if (intno == X86_EXCP_UD) {
        x86_insn_invalid(uc, opaque);
        return;
    }
    tcg_cpu_stop_from_hook(cpu, "unhandled exception or interrupt %u near "
                           "pc 0x%" PRIx64, intno, tcg_cpu_get_pc(cpu));
}

static bool x86_add_hooks(TCGCPU *cpu, Error **errp)
{
    uc_hook h;

    return uc_hook_ok(uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, x86_port_in,
                                  cpu, 1, 0, UC_X86_INS_IN), "in", errp) &&
           uc_hook_ok(uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, x86_port_out,
                                  cpu, 1, 0, UC_X86_INS_OUT), "out", errp) &&
           uc_hook_ok(uc_hook_add(cpu->uc, &h, UC_HOOK_INSN_INVALID,
                                  x86_insn_invalid, cpu, 1, 0),
                      "invalid instructions", errp);
}

/*
 * memvm's x86 boot protocol: unicorn's 64-bit mode is long mode with
 * paging off (virtual = physical); rdi points at the boot table.
 */
static bool x86_boot_regs(TCGCPU *cpu, const GuestBootInfo *boot,
                          Error **errp)
{
    tcg_reg_write(cpu, UC_X86_REG_RIP, boot->entry);
    tcg_reg_write(cpu, UC_X86_REG_RDI, boot->boot_table);
    tcg_reg_write(cpu, UC_X86_REG_RSI, 0);
    tcg_reg_write(cpu, UC_X86_REG_RSP, 0);
    /* Bit 1 is always set; interrupts off. */
    tcg_reg_write(cpu, UC_X86_REG_RFLAGS, 0x2);
    return true;
}

static void x86_dump_regs(TCGCPU *cpu, GString *out)
{
    static const struct {
        const char *name;
        int reg;
    } gpr[16] = {
        { "RAX", UC_X86_REG_RAX }, { "RBX", UC_X86_REG_RBX },
        { "RCX", UC_X86_REG_RCX }, { "RDX", UC_X86_REG_RDX },
        { "RSI", UC_X86_REG_RSI }, { "RDI", UC_X86_REG_RDI },
        { "RBP", UC_X86_REG_RBP }, { "RSP", UC_X86_REG_RSP },
        { "R8 ", UC_X86_REG_R8 }, { "R9 ", UC_X86_REG_R9 },
        { "R10", UC_X86_REG_R10 }, { "R11", UC_X86_REG_R11 },
        { "R12", UC_X86_REG_R12 }, { "R13", UC_X86_REG_R13 },
        { "R14", UC_X86_REG_R14 }, { "R15", UC_X86_REG_R15 },
    };
    static const struct {
        const char *name;
        int reg;
    } seg[6] = {
        { "ES", UC_X86_REG_ES }, { "CS", UC_X86_REG_CS },
        { "SS", UC_X86_REG_SS }, { "DS", UC_X86_REG_DS },
        { "FS", UC_X86_REG_FS }, { "GS", UC_X86_REG_GS },
    };
    uc_x86_msr efer = { .rid = X86_MSR_EFER };

    for (int i = 0; i < 16; i++) {
        g_string_append_printf(out, "%s=%016" PRIx64 "%c", gpr[i].name,
                               tcg_reg_read(cpu, gpr[i].reg),
                               i % 4 == 3 ? '\n' : ' ');
    }
    g_string_append_printf(out, "RIP=%016" PRIx64 " RFL=%08" PRIx64 "\n",
                           tcg_reg_read(cpu, UC_X86_REG_RIP),
                           tcg_reg_read(cpu, UC_X86_REG_RFLAGS));
    for (int i = 0; i < 6; i++) {
        g_string_append_printf(out, "%s =%04" PRIx64 "%c", seg[i].name,
                               tcg_reg_read(cpu, seg[i].reg),
                               i == 5 ? '\n' : ' ');
    }
    uc_reg_read(cpu->uc, UC_X86_REG_MSR, &efer);
    g_string_append_printf(out, "CR0=%08" PRIx64 " CR2=%016" PRIx64
                           " CR3=%016" PRIx64 " CR4=%08" PRIx64 "\n"
                           "EFER=%016" PRIx64 "\n",
                           tcg_reg_read(cpu, UC_X86_REG_CR0),
                           tcg_reg_read(cpu, UC_X86_REG_CR2),
                           tcg_reg_read(cpu, UC_X86_REG_CR3),
                           tcg_reg_read(cpu, UC_X86_REG_CR4),
                           (uint64_t)efer.value);
}

/* CR0.PG: paging on (long mode always has it on real hardware). */
static bool x86_translating(TCGCPU *cpu)
{
    return tcg_reg_read(cpu, UC_X86_REG_CR0) & (1u << 31);
}

static const TCGArchOps x86_64_ops = {
    .name = "x86_64",
    .uc_arch = UC_ARCH_X86,
    .uc_mode = UC_MODE_64,
    .pc_reg = UC_X86_REG_RIP,
    .intr = x86_intr,
    .add_hooks = x86_add_hooks,
    .boot_regs = x86_boot_regs,
    .dump_regs = x86_dump_regs,
    .translating = x86_translating,
};

/* --- aarch64 ------------------------------------------------------------ */

/* Exception numbers of unicorn's (QEMU's) Arm CPU. */
#define ARM_EXCP_UDEF 1
#define ARM_EXCP_HVC 11
#define ARM_EXCP_SMC 13

/* HVC #0 and SMC #0, the PSCI conduits. */
#define A64_INSN_HVC0 0xd4000002
#define A64_INSN_SMC0 0xd4000003

/* PSCI function ids (Arm DEN 0022), SMC32 flavour. */
#define PSCI_VERSION 0x84000000
#define PSCI_CPU_OFF 0x84000002
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_SYSTEM_RESET 0x84000009
#define PSCI_FEATURES 0x8400000a
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED ((uint64_t)-1)
#define PSCI_VERSION_1_0 0x00010000

/* EL1h with D, A, I, F masked: where QEMU's virt starts an aarch64 CPU. */
#define A64_PSTATE_BOOT 0x3c5
/*
 * SCR_EL3: EL1 and EL2 non-secure and AArch64 (NS, RW), HVC enabled (HCE)
 * so that it reaches the exception hook as HVC whatever the MMU does;
 * HCR_EL2.RW.
 */
#define A64_SCR_NS 0x1
#define A64_SCR_HCE 0x100
#define A64_SCR_RW 0x400
#define A64_HCR_RW (1ULL << 31)
/* QEMU's virt board default is cortex-a15, a 32-bit CPU unicorn lacks. */
#define A64_DEFAULT_CPU "cortex-a57"

static uint32_t a64_insn_at(TCGCPU *cpu, uint64_t pc)
{
    uint32_t insn = 0;

    uc_mem_read(cpu->uc, pc, &insn, sizeof(insn));
    return GUINT32_FROM_LE(insn);
}

/*
 * QEMU's virt implements PSCI in the emulator ("hvc" conduit, no EL2
 * firmware); memvm answers the calls a bare-metal guest or Linux makes
 * to shut down or restart.
 */
static void a64_psci(TCGCPU *cpu)
{
    uint64_t fn = tcg_reg_read(cpu, UC_ARM64_REG_X0) & 0xffffffff;
    uint64_t ret = PSCI_RET_NOT_SUPPORTED;

    switch (fn) {
    case PSCI_VERSION:
        ret = PSCI_VERSION_1_0;
        break;
    case PSCI_FEATURES:
        switch (tcg_reg_read(cpu, UC_ARM64_REG_X1) & 0xffffffff) {
        case PSCI_VERSION:
        case PSCI_CPU_OFF:
        case PSCI_SYSTEM_OFF:
        case PSCI_SYSTEM_RESET:
        case PSCI_FEATURES:
            ret = PSCI_RET_SUCCESS;
            break;
        }
        break;
    case PSCI_SYSTEM_OFF:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        tcg_cpu_stop_from_hook(cpu, NULL);
        return;
    case PSCI_SYSTEM_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        tcg_cpu_stop_from_hook(cpu, NULL);
        return;
    case PSCI_CPU_OFF:
        tcg_cpu_stop_from_hook(cpu, NULL);
        return;
    }
    tcg_reg_write(cpu, UC_ARM64_REG_X0, ret);
}

/* What the aarch64 vCPU keeps beside the engine. */
typedef struct A64CPU {
    A64UcCPU uc;
    ArmGenericTimer *gtimer;
    bool fast_stores;           /* a64_uc_fast_stores_start() was called */
} A64CPU;

static void a64_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    TCGCPU *cpu = opaque;
    A64CPU *a = cpu->arch;
    uint64_t pc = tcg_cpu_get_pc(cpu);
    uint32_t insn;

    switch (intno) {
    case ARM_EXCP_UDEF:
        /*
         * Without EL2 unicorn's CPU takes HVC as undefined, with the PC
         * still on it; QEMU's virt would have handled it as PSCI.
         */
        insn = a64_insn_at(cpu, pc);
        if (insn == A64_INSN_HVC0 || insn == A64_INSN_SMC0) {
            tcg_reg_write(cpu, UC_ARM64_REG_PC, pc + 4);
            a64_psci(cpu);
            return;
        }
        break;
    case ARM_EXCP_HVC:
    case ARM_EXCP_SMC:
        /* Taken as an exception, the PC is already past the call. */
        a64_psci(cpu);
        return;
    }
    /*
     * A guest that has installed its exception vectors (an operating
     * system) takes the exception as on hardware.  One that has not (the
     * bare-metal test programs) would only loop through zeros at
     * VBAR_EL1 = 0: report it instead.
     */
    if (tcg_reg_read(cpu, UC_ARM64_REG_VBAR_EL1)) {
        a64_uc_take_exception(&a->uc);
        return;
    }
    if (intno == ARM_EXCP_UDEF) {
        tcg_cpu_stop_from_hook(cpu, "unknown instruction 0x%08x at pc 0x%"
                               PRIx64, a64_insn_at(cpu, pc), pc);
        return;
    }
    tcg_cpu_stop_from_hook(cpu, "unhandled exception %u at pc 0x%" PRIx64,
                           intno, pc);
}

/* -cpu names (QEMU's) of the models libunicorn has. */
static const struct {
    const char *name;
    int model;
} a64_models[] = {
    { "cortex-a53", UC_CPU_ARM64_A53 },
    { "cortex-a57", UC_CPU_ARM64_A57 },
    { "cortex-a72", UC_CPU_ARM64_A72 },
    { "max", UC_CPU_ARM64_MAX },
};

static bool a64_setup(TCGCPU *cpu, MachineState *ms, Error **errp)
{
    const char *name = ms->cpu_model ? ms->cpu_model : A64_DEFAULT_CPU;
    qemu_irq timer_out[ARM_GTIMER_NUM];
    A64CPU *a;
    uc_err err = UC_ERR_ARG;

    for (size_t i = 0; i < G_N_ELEMENTS(a64_models); i++) {
        if (!strcmp(name, a64_models[i].name)) {
            err = uc_ctl_set_cpu_model(cpu->uc, a64_models[i].model);
            break;
        }
    }
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot create CPU model '%s': %s", name,
                   uc_strerror(err));
        return false;
    }
    a = g_new0(A64CPU, 1);
    cpu->arch = a;
    if (!a64_uc_bind(cpu, &a->uc, errp)) {
        return false;
    }
    for (int i = 0; i < ARM_GTIMER_NUM; i++) {
        timer_out[i] = cpu_irq_timer_output(cpu->index, i);
    }
    a->gtimer = arm_gtimer_new(timer_out, cpu->index);
    return true;
}

static void a64_teardown(TCGCPU *cpu)
{
    A64CPU *a = cpu->arch;

    if (a) {
        if (a->fast_stores) {
            a64_uc_fast_stores_stop();
        }
        arm_gtimer_free(a->gtimer);
        g_free(a);
        cpu->arch = NULL;
    }
}

static void a64_apply_irq(TCGCPU *cpu, int line, int level)
{
    A64CPU *a = cpu->arch;

    a64_uc_set_irq(&a->uc, line, level);
}

/* MRS and MSR: the generic timer's registers go to its model. */
static uint32_t a64_mrs(uc_engine *uc, uc_arm64_reg reg,
                        const uc_arm64_cp_reg *cp, void *opaque)
{
    TCGCPU *cpu = opaque;
    A64CPU *a = cpu->arch;
    uint64_t val;

    if (!arm_gtimer_sysreg_read(a->gtimer, cp->op0, cp->op1, cp->crn,
                                cp->crm, cp->op2, &val)) {
        return 0;
    }
    if (reg != UC_ARM64_REG_XZR) {
        tcg_reg_write(cpu, reg, val);
    }
    return 1;
}

static uint32_t a64_msr(uc_engine *uc, uc_arm64_reg reg,
                        const uc_arm64_cp_reg *cp, void *opaque)
{
    TCGCPU *cpu = opaque;
    A64CPU *a = cpu->arch;

    return arm_gtimer_sysreg_write(a->gtimer, cp->op0, cp->op1, cp->crn,
                                   cp->crm, cp->op2, cp->val);
}

static bool a64_add_hooks(TCGCPU *cpu, Error **errp)
{
    uc_hook h;

    return uc_hook_ok(uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, a64_mrs, cpu,
                                  1, 0, UC_ARM64_INS_MRS), "MRS", errp) &&
           uc_hook_ok(uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, a64_msr, cpu,
                                  1, 0, UC_ARM64_INS_MSR), "MSR", errp);
}

/* A system register by encoding, through unicorn's CP_REG access. */
static void a64_sysreg_write(TCGCPU *cpu, unsigned op0, unsigned op1,
                             unsigned crn, unsigned crm, unsigned op2,
                             uint64_t val)
{
    uc_arm64_cp_reg cp = {
        .op0 = op0, .op1 = op1, .crn = crn, .crm = crm, .op2 = op2,
        .val = val,
    };

    uc_reg_write(cpu->uc, UC_ARM64_REG_CP_REG, &cp);
}

/* Linux's arm64 boot protocol: x0 = DTB, x1..x3 = 0, at EL1 here. */
static bool a64_boot_regs(TCGCPU *cpu, const GuestBootInfo *boot,
                          Error **errp)
{
    A64CPU *a = cpu->arch;

    /*
     * Unicorn's CPU has EL2 and EL3 and resets into EL3 with SCR_EL3 = 0,
     * which would make EL1 secure and AArch32.  Start as QEMU's boot code
     * does for a kernel at EL1: non-secure, every level AArch64.
     */
    a64_sysreg_write(cpu, 3, 6, 1, 1, 0, A64_SCR_NS | A64_SCR_HCE | A64_SCR_RW);
    a64_sysreg_write(cpu, 3, 4, 1, 1, 0, A64_HCR_RW);
    tcg_reg_write(cpu, UC_ARM64_REG_PSTATE, A64_PSTATE_BOOT);
    /* The engine caches the EL in its translation flags. */
    a64_uc_rebuild_hflags(&a->uc);
    if (!a->fast_stores) {
        a64_uc_fast_stores_start(cpu, &a->uc, cpu->maps);
        a->fast_stores = true;
    }
    tcg_reg_write(cpu, UC_ARM64_REG_PC, boot->entry);
    tcg_reg_write(cpu, UC_ARM64_REG_X0, boot->fdt_addr);
    tcg_reg_write(cpu, UC_ARM64_REG_X1, 0);
    tcg_reg_write(cpu, UC_ARM64_REG_X2, 0);
    tcg_reg_write(cpu, UC_ARM64_REG_X3, 0);
    return true;
}

/*
 * The engine caches the EL, the MMU's state and more in its translation
 * flags, which raw register writes do not update.
 */
static void a64_post_load(TCGCPU *cpu)
{
    A64CPU *a = cpu->arch;

    a64_uc_rebuild_hflags(&a->uc);
}

static void a64_dump_regs(TCGCPU *cpu, GString *out)
{
    uint64_t pstate = tcg_reg_read(cpu, UC_ARM64_REG_PSTATE);

    g_string_append_printf(out, " PC=%016" PRIx64 " ",
                           tcg_reg_read(cpu, UC_ARM64_REG_PC));
    for (int i = 0; i < 31; i++) {
        /* X0..X28 are contiguous in unicorn's enum; X29, X30 are not. */
        int reg = i < 29 ? UC_ARM64_REG_X0 + i
                         : (i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30);

        g_string_append_printf(out, "X%02d=%016" PRIx64 "%c", i,
                               tcg_reg_read(cpu, reg),
                               i % 4 == 2 ? '\n' : ' ');
    }
    g_string_append_printf(out, " SP=%016" PRIx64 "\n",
                           tcg_reg_read(cpu, UC_ARM64_REG_SP));
    g_string_append_printf(out, "PSTATE=%08" PRIx64 " %c%c%c%c EL%u%c\n",
                           pstate, pstate & (1u << 31) ? 'N' : '-',
                           pstate & (1u << 30) ? 'Z' : '-',
                           pstate & (1u << 29) ? 'C' : '-',
                           pstate & (1u << 28) ? 'V' : '-',
                           (unsigned)(pstate >> 2) & 3,
                           pstate & 1 ? 'h' : 't');
}

/* SCTLR_EL1.M: the stage 1 MMU of EL1&0 is on. */
static bool a64_translating(TCGCPU *cpu)
{
    uc_arm64_cp_reg sctlr = { .op0 = 3, .op1 = 0, .crn = 1, .crm = 0,
                              .op2 = 0 };

    if (uc_reg_read(cpu->uc, UC_ARM64_REG_CP_REG, &sctlr) != UC_ERR_OK) {
        return false;
    }
    return sctlr.val & 1;
}

static const TCGArchOps aarch64_ops = {
    .name = "aarch64",
    .uc_arch = UC_ARCH_ARM64,
    .uc_mode = UC_MODE_ARM,
    .pc_reg = UC_ARM64_REG_PC,
    .intr = a64_intr,
    .add_hooks = a64_add_hooks,
    .setup = a64_setup,
    .teardown = a64_teardown,
    .apply_irq = a64_apply_irq,
    .boot_regs = a64_boot_regs,
    .post_load = a64_post_load,
    .dump_regs = a64_dump_regs,
    .translating = a64_translating,
};

/* --- riscv64 ------------------------------------------------------------ */

/* Exception causes (RISC-V privileged spec) as unicorn reports them. */
#define RISCV_EXCP_ILLEGAL_INST 2
#define RISCV_EXCP_U_ECALL 8
#define RISCV_EXCP_M_ECALL 11

static void rv_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    TCGCPU *cpu = opaque;
    /*
     * Unicorn steps the PC over the trapping instruction before calling
     * the hook (so that an ecall handler resumes after it); all of ours
     * are 4 bytes long.
     */
    uint64_t pc = tcg_cpu_get_pc(cpu) - 4;
    uint32_t insn = 0;

    /* There is no trap handler to run: memvm has no M-mode firmware. */
    switch (intno) {
    case RISCV_EXCP_ILLEGAL_INST:
        uc_mem_read(uc, pc, &insn, sizeof(insn));
        tcg_cpu_stop_from_hook(cpu, "unknown instruction 0x%08x at pc 0x%"
                               PRIx64, GUINT32_FROM_LE(insn), pc);
        return;
    case RISCV_EXCP_U_ECALL ... RISCV_EXCP_M_ECALL:
        tcg_cpu_stop_from_hook(cpu, "ecall at pc 0x%" PRIx64 " (memvm has "
                               "no SBI firmware)", pc);
        return;
    }
    tcg_cpu_stop_from_hook(cpu, "unhandled exception %u at pc 0x%" PRIx64,
                           intno, pc);
}

/* What QEMU's reset vector hands over: a0 = hart id, a1 = DTB. */
static bool rv_boot_regs(TCGCPU *cpu, const GuestBootInfo *boot,
                         Error **errp)
{
    tcg_reg_write(cpu, UC_RISCV_REG_PC, boot->entry);
    tcg_reg_write(cpu, UC_RISCV_REG_A0, cpu->index);
    tcg_reg_write(cpu, UC_RISCV_REG_A1, boot->fdt_addr);
    tcg_reg_write(cpu, UC_RISCV_REG_A2, 0);
    return true;
}

static void rv_dump_regs(TCGCPU *cpu, GString *out)
{
    static const char *const abi[32] = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
        "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4",
        "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    };
    static const struct {
        const char *name;
        int reg;
    } csr[] = {
        { "mhartid", UC_RISCV_REG_MHARTID },
        { "mstatus", UC_RISCV_REG_MSTATUS },
        { "mtvec", UC_RISCV_REG_MTVEC },
        { "mepc", UC_RISCV_REG_MEPC },
        { "mcause", UC_RISCV_REG_MCAUSE },
        { "mtval", UC_RISCV_REG_MTVAL },
    };

    g_string_append_printf(out, " pc       %016" PRIx64 "\n",
                           tcg_reg_read(cpu, UC_RISCV_REG_PC));
    for (size_t i = 0; i < G_N_ELEMENTS(csr); i++) {
        g_string_append_printf(out, " %-8s %016" PRIx64 "\n", csr[i].name,
                               tcg_reg_read(cpu, csr[i].reg));
    }
    for (int i = 0; i < 32; i++) {
        g_autofree char *name = g_strdup_printf("x%d/%s", i, abi[i]);

        g_string_append_printf(out, " %-8s %016" PRIx64 "%s", name,
                               tcg_reg_read(cpu, UC_RISCV_REG_X0 + i),
                               i % 4 == 3 ? "\n" : "");
    }
}

/* satp.MODE other than Bare (M-mode itself never translates). */
static bool rv_translating(TCGCPU *cpu)
{
    return tcg_reg_read(cpu, UC_RISCV_REG_SATP) >> 60;
}

static const TCGArchOps riscv64_ops = {
    .name = "riscv64",
    .uc_arch = UC_ARCH_RISCV,
    .uc_mode = UC_MODE_RISCV64,
    .pc_reg = UC_RISCV_REG_PC,
    .intr = rv_intr,
    .boot_regs = rv_boot_regs,
    .dump_regs = rv_dump_regs,
    .translating = rv_translating,
};

const TCGArchOps *tcg_arch_ops(unsigned arch)
{
    switch (arch) {
    case ARCH_X86_64:
        return &x86_64_ops;
    case ARCH_AARCH64:
        return &aarch64_ops;
    case ARCH_RISCV64:
        return &riscv64_ops;
    default:
        return NULL;
    }
}
