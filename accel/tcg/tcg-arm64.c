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
    ucx.do_interrupt = (uc_cpu_fn)tcg_uc_symbol("arm_cpu_do_interrupt_aarch64");
    ucx.rebuild_hflags = (uc_env_fn)tcg_uc_symbol("arm_rebuild_hflags_aarch64");
    ucx.interrupt_handler = tcg_uc_symbol("cpu_interrupt_handler");
    ucx.reset_interrupt = (uc_cpu_mask_fn)tcg_uc_symbol("cpu_reset_interrupt");
    ucx.cpu_exit = (uc_cpu_fn)tcg_uc_symbol("cpu_exit");
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

/*
 * --- Guest stores at full speed ---------------------------------------
 *
 * Unicorn 2.0.1 keeps no dirty bitmap: its cpu_physical_memory_is_clean()
 * always answers "clean", so every writable RAM page enters the TLB with
 * TLB_NOTDIRTY and every guest store leaves the translated code for the
 * store helper (the virtual-address lookup above, the hook lists, a
 * self-modifying-code check of the page), about 70 ns a store.  That
 * check is only needed on pages that hold translated code.
 *
 * memvm wraps two of the library's functions by defining them here (the
 * library calls them through its PLT, so the executable's definitions
 * win; the wrappers call the library's own, from tcg_uc_symbol()):
 *  - tlb_protect_code_aarch64(), called when a page gets its first
 *    translated block, and tlb_unprotect_code_aarch64(), when it loses
 *    its last: memvm keeps the set of such pages (by host address) and
 *    flushes the TLB when one is added;
 *  - tlb_set_page_with_attrs_aarch64(), which fills a TLB entry: for a
 *    writable RAM page outside the set the entry is made clean at once
 *    with the library's tlb_set_dirty_aarch64(), and stores to it stay in
 *    the translated code, as in QEMU.
 * While a UC_HOOK_MEM_WRITE hook is wanted (dirty tracking for
 * migration) the wrappers leave every entry as unicorn makes it, since
 * the hooks run in the slow path only.
 */
#define UC_PAGE_WRITE 0x0002        /* QEMU's PAGE_WRITE */
#define UC_PAGE_SHIFT 12

typedef void (*uc_set_page_fn)(void *cs, uint64_t vaddr, uint64_t paddr,
                               uint32_t attrs, int prot, int mmu_idx,
                               uint64_t size);
typedef void (*uc_code_fn)(void *uc, uint64_t ram_addr);
typedef void *(*uc_map_ram_fn)(void *uc, void *block, uint64_t ram_addr);
typedef void (*uc_vaddr_fn)(void *cs, uint64_t vaddr);

static struct {
    bool resolved, ok;
    uc_set_page_fn set_page;
    uc_code_fn protect, unprotect;
    uc_map_ram_fn map_ram;
    uc_vaddr_fn set_dirty;
    uc_cpu_fn flush;
} ucs;

/* The one aarch64 vCPU whose stores are sped up, and its RAM map. */
static struct {
    void *uc;
    A64UcCPU *cpu;
    GPtrArray *maps;            /* of TCGMapping *, the accel's */
    bool hooks;                 /* a store hook is wanted: stay slow */
    GHashTable *code_pages;     /* host page number -> present */
    uint64_t fast_fills, slow_fills;
} fast;

static void ucs_resolve(void)
{
    if (ucs.resolved) {
        return;
    }
    ucs.resolved = true;
    ucs.set_page = (uc_set_page_fn)
                   tcg_uc_symbol("tlb_set_page_with_attrs_aarch64");
    ucs.protect = (uc_code_fn)tcg_uc_symbol("tlb_protect_code_aarch64");
    ucs.unprotect = (uc_code_fn)tcg_uc_symbol("tlb_unprotect_code_aarch64");
    ucs.map_ram = (uc_map_ram_fn)tcg_uc_symbol("qemu_map_ram_ptr_aarch64");
    ucs.set_dirty = (uc_vaddr_fn)tcg_uc_symbol("tlb_set_dirty_aarch64");
    ucs.flush = (uc_cpu_fn)tcg_uc_symbol("tlb_flush_aarch64");
    ucs.ok = ucs.set_page && ucs.protect && ucs.unprotect && ucs.map_ram &&
             ucs.set_dirty && ucs.flush;
}

void a64_uc_fast_stores_start(TCGCPU *cpu, A64UcCPU *c, GPtrArray *maps)
{
    ucs_resolve();
    if (!ucs.ok || getenv("MEMVM_TCG_SLOW_STORES")) {
        return;
    }
    fast.uc = cpu->uc;
    fast.cpu = c;
    fast.maps = maps;
    fast.code_pages = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void a64_uc_fast_stores_stop(void)
{
    if (fast.code_pages) {
        g_hash_table_destroy(fast.code_pages);
    }
    memset(&fast, 0, sizeof(fast));
}

void a64_uc_fast_stores_hooks(bool hooks)
{
    fast.hooks = hooks;
    if (fast.cpu) {
        /* Entries made clean before now would skip the hooks. */
        ucs.flush(fast.cpu->cs);
    }
}

/* The host address of guest physical @paddr if it is RAM, else NULL. */
static uint8_t *fast_host_of(uint64_t paddr)
{
    for (guint i = 0; i < fast.maps->len; i++) {
        TCGMapping *m = g_ptr_array_index(fast.maps, i);

        if (m->kind == TCG_MAP_RAM && paddr - m->start < m->size) {
            return (uint8_t *)m->host + (paddr - m->start);
        }
    }
    return NULL;
}

static gpointer host_page_key(const void *host)
{
    return GSIZE_TO_POINTER((uintptr_t)host >> UC_PAGE_SHIFT);
}

void tlb_set_page_with_attrs_aarch64(void *cs, uint64_t vaddr,
                                     uint64_t paddr, uint32_t attrs,
                                     int prot, int mmu_idx, uint64_t size);
void tlb_set_page_with_attrs_aarch64(void *cs, uint64_t vaddr,
                                     uint64_t paddr, uint32_t attrs,
                                     int prot, int mmu_idx, uint64_t size)
{
    uint8_t *host;

    ucs_resolve();
    ucs.set_page(cs, vaddr, paddr, attrs, prot, mmu_idx, size);
    if (!fast.cpu || cs != fast.cpu->cs || fast.hooks ||
        !(prot & UC_PAGE_WRITE)) {
        return;
    }
    host = fast_host_of(paddr);
    if (!host || g_hash_table_contains(fast.code_pages, host_page_key(host))) {
        fast.slow_fills++;
        return;
    }
    fast.fast_fills++;
    ucs.set_dirty(cs, vaddr);
}

void tlb_protect_code_aarch64(void *uc, uint64_t ram_addr);
void tlb_protect_code_aarch64(void *uc, uint64_t ram_addr)
{
    ucs_resolve();
    if (fast.cpu && uc == fast.uc) {
        void *host = ucs.map_ram(uc, NULL, ram_addr);

        if (host && !g_hash_table_contains(fast.code_pages,
                                           host_page_key(host))) {
            g_hash_table_add(fast.code_pages, host_page_key(host));
            /* Clean entries for the page may exist: make them refill. */
            ucs.flush(fast.cpu->cs);
        }
    }
    ucs.protect(uc, ram_addr);
}

void tlb_unprotect_code_aarch64(void *uc, uint64_t ram_addr);
void tlb_unprotect_code_aarch64(void *uc, uint64_t ram_addr)
{
    ucs_resolve();
    if (fast.cpu && uc == fast.uc) {
        void *host = ucs.map_ram(uc, NULL, ram_addr);

        if (host) {
            g_hash_table_remove(fast.code_pages, host_page_key(host));
        }
    }
    ucs.unprotect(uc, ram_addr);
}
