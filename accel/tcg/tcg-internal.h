/*
 * accel tcg internals: the vCPU (one libunicorn engine and its thread)
 * and the per-architecture pieces in tcg-cpu.c.
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "accel/tcg/tcg-uc.h"

#include "exec/memory.h"
#include "exec/ramblock.h"
#include "hw/boards.h"
#include "hw/cpu-irq.h"
#include "hw/loader.h"
#include "sysemu/accel.h"

/*
 * Exit status when the guest does something memvm cannot go on from
 * (unmapped access, unknown instruction).  Even, so that it never equals
 * an isa-debug-exit status, which is always odd.
 */
#define TCG_GUEST_ERROR_STATUS 2

typedef struct TCGCPU TCGCPU;

typedef struct TCGArchOps {
    const char *name;           /* "x86_64", as in target_arch_name() */
    uc_arch uc_arch;
    uc_mode uc_mode;
    int pc_reg;                 /* UC_*_REG_PC / RIP */
    /* Exceptions (HVC, ecall, faults), hooked for every architecture. */
    void (*intr)(uc_engine *uc, uint32_t intno, void *opaque);
    /* Further hooks an architecture needs (x86 port I/O), or NULL. */
    bool (*add_hooks)(TCGCPU *cpu, Error **errp);
    /*
     * Right after uc_open(), before anything reads a register: the CPU
     * model (-cpu) and what the architecture keeps per CPU (cpu->arch).
     * NULL when there is nothing to do.
     */
    bool (*setup)(TCGCPU *cpu, MachineState *ms, Error **errp);
    void (*teardown)(TCGCPU *cpu);
    /*
     * Set interrupt input @line (CPU_IRQ_*) of the engine to @level; on
     * the vCPU thread, while it owns the engine.  NULL: no interrupts.
     */
    void (*apply_irq)(TCGCPU *cpu, int line, int level);
    /* Registers at boot, after the engine's own reset (docs/boot.md). */
    bool (*boot_regs)(TCGCPU *cpu, const GuestBootInfo *boot, Error **errp);
    /*
     * After a migration stream's registers were written (vCPU paused):
     * what the engine derives from them.  NULL when nothing is.
     */
    void (*post_load)(TCGCPU *cpu);
    /* Registers in the spirit of QEMU's "info registers". */
    void (*dump_regs)(TCGCPU *cpu, GString *out);
    /*
     * Whether the guest translates addresses (paging, MMU, satp): then
     * the addresses unicorn's memory hooks report are virtual.
     */
    bool (*translating)(TCGCPU *cpu);
} TCGArchOps;

struct TCGCPU {
    uc_engine *uc;
    const TCGArchOps *ops;
    unsigned index;
    uc_context *reset_ctx;      /* the engine's state before first run */
    GThread *thread;

    GMutex lock;                /* protects the fields below */
    GCond cond;                 /* broadcast on every change of them */
    bool running;               /* the VM runs (change-state handler) */
    unsigned pauses;            /* outstanding tcg_cpu_pause() calls */
    bool in_emu;                /* the vCPU thread owns the engine */
    bool halted;                /* the guest stopped itself, or failed */
    bool idle;                  /* waits for an interrupt (WFI, hlt) */
    int irq_level[CPU_IRQ_NUM]; /* the CPU's interrupt inputs */
    unsigned irq_gen;           /* counts changes of irq_level */
    unsigned irq_applied;       /* irq_gen the engine has seen */
    GThread *kick_thread;       /* gets the vCPU out for irq changes */
    bool quit;                  /* end the thread */
    uint64_t kicks;             /* stop requests from other threads */
    /*
     * A stop request for the block hook (atomic): uc_emu_stop() from
     * another thread can leave the engine inside a translated block with
     * the PC at its start and some of its stores done, so that resuming
     * replays them.  The hook stops it where a block begins instead.
     */
    int stop_wanted;

    /*
     * Set by hooks on the vCPU thread (read there once the engine
     * returns): why the guest must not continue.  NULL = it may.
     */
    GString *fault;             /* a guest error, reported and fatal */
    bool guest_done;            /* powered off, reset or CPU_OFF */

    void *arch;                 /* per-architecture state (setup) */
    GPtrArray *maps;            /* the accel's TCGState.maps */
};

#define TYPE_TCG_ACCEL ACCEL_CLASS_NAME("tcg")
OBJECT_DECLARE_SIMPLE_TYPE(TCGState, TCG_ACCEL)

typedef enum TCGMapKind {
    TCG_MAP_RAM,            /* host memory of a RAM block */
    TCG_MAP_DISPATCH,       /* MMIO through address_space_rw() */
    TCG_MAP_HOLE,           /* nothing there: an access is a guest error */
    TCG_MAP_VA_ONLY,        /* above physical addresses (tcg-all.c) */
} TCGMapKind;

/* One mapping in unicorn's address space. */
typedef struct TCGMapping {
    hwaddr start;           /* page aligned */
    uint64_t size;          /* whole pages, in bytes */
    TCGMapKind kind;
    void *host;             /* TCG_MAP_RAM */
    uint32_t perms;         /* TCG_MAP_RAM: UC_PROT_* */
    RAMBlock *block;        /* TCG_MAP_RAM: the block behind @host */
    uint64_t block_offset;  /* TCG_MAP_RAM: of @start in @block, bytes */
    TCGCPU *cpu;            /* TCG_MAP_HOLE: whose error it is */
} TCGMapping;

/* Dirty tracking of guest stores while a migration runs (tcg-dirty.c). */
typedef struct TCGDirtyLog {
    bool on;
    uc_hook hook;
    /*
     * Pages stored to since the last sync, one bit per target page of
     * the RAM address space (ram_addr_t >> TARGET_PAGE_BITS).  Only the
     * vCPU thread sets bits; a sync reads them with the vCPU paused.
     */
    unsigned long *bmap;
    uint64_t pages;         /* bits in @bmap */
    TCGMapping *last;       /* the mapping of the last store (a cache) */
    bool warned;            /* the "translating" warning was printed */
} TCGDirtyLog;

struct TCGState {
    AccelState parent_obj;
    MachineState *ms;
    TCGCPU *cpu;            /* one vCPU; -smp N runs N = 1 */
    MemoryListener mem_listener;
    MemoryListener io_listener;
    GPtrArray *maps;        /* of TCGMapping *, what unicorn has now */
    bool map_failed;        /* an error was reported from the listener */
    bool closing;
    TCGDirtyLog dirty;
};

/* Keep the vCPU out of the engine until tcg_cpu_resume() (any thread). */
void tcg_cpu_pause(TCGCPU *cpu);
void tcg_cpu_resume(TCGCPU *cpu);

/*
 * Dirty tracking (AccelClass log_*): from log_start to log_stop, every
 * guest store into RAM marks its page; log_sync moves the marks into the
 * RAM blocks' dirty bitmaps.  Called from any thread but the vCPU's.
 */
bool tcg_dirty_log_start(AccelState *accel, Error **errp);
void tcg_dirty_log_sync(AccelState *accel);
void tcg_dirty_log_stop(AccelState *accel);
/* The memory map is about to change (vCPU paused): forget cached maps. */
void tcg_dirty_log_maps_changed(TCGState *s);

/* The vCPU's section "memvm-cpu" in migration streams (tcg-vmstate.c). */
void tcg_vmstate_register(TCGCPU *cpu);
void tcg_vmstate_unregister(TCGCPU *cpu);

/* The architecture memvm-system-<arch> runs, or NULL if unsupported. */
const TCGArchOps *tcg_arch_ops(unsigned arch);

/*
 * From a hook: the guest may not continue.  @fmt describes a guest error
 * (reported with a register dump, memvm exits with TCG_GUEST_ERROR_STATUS);
 * NULL just parks the CPU (poweroff, reset, CPU_OFF).
 */
void tcg_cpu_stop_from_hook(TCGCPU *cpu, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* PC of the CPU (RIP on x86). */
uint64_t tcg_cpu_get_pc(TCGCPU *cpu);

/* One register by unicorn id (0 when unicorn refuses). */
uint64_t tcg_reg_read(TCGCPU *cpu, int regid);
void tcg_reg_write(TCGCPU *cpu, int regid, uint64_t value);

#endif
