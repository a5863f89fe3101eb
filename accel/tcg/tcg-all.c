/*
 * accel tcg: guest CPUs through libunicorn, on the guest RAM of the
 * machine's memory backends.
 *
 * Memory: a listener on system memory keeps unicorn's map equal to the
 * flat view.  Every page wholly inside one RAM range is mapped with
 * uc_mem_map_ptr() onto the RAM block's own host memory (so guest stores
 * land in the backend, and aliases map the same host pages again); every
 * other page that holds something (I/O regions, and RAM ranges that do
 * not fill their first or last page) is an MMIO page of unicorn whose
 * accesses go through address_space_rw(), which sorts out what lies where
 * inside the page.  Unicorn only maps whole 4 KiB pages.
 *
 * Threads: one vCPU thread runs uc_emu_start() while the VM runs.  The
 * engine is not thread-safe, so anyone else who must touch it (the map,
 * registers at reset) first gets the vCPU out of uc_emu_start() with
 * a stop request (honoured by a block hook, where the PC is exact) and
 * holds it out (tcg_cpu_pause()).  Map changes, VM stop
 * and reset all go through that.
 *
 * Without -kernel there is nothing to run: no engine is created and the
 * machine stays as the qtest accelerator would leave it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "accel/tcg/tcg-internal.h"
#include "migration/migration.h"
#include "sysemu/runstate.h"

#define TCG_PAGE_SIZE 4096ULL
#define TCG_PAGE_MASK (~(TCG_PAGE_SIZE - 1))

/* How often a pauser repeats a stop request that raced with a restart. */
#define TCG_KICK_RETRY_US 10000

/* The TCGState around one of its listeners. */
#define TCG_STATE_OF(l, field) \
    ((TCGState *)((char *)(l) - offsetof(TCGState, field)))

/* --- pausing the vCPU --------------------------------------------------- */

/* Get the vCPU thread out of the engine; call with cpu->lock held. */
static void tcg_cpu_kick_locked(TCGCPU *cpu)
{
    while (cpu->in_emu) {
        /*
         * The block hook stops the engine at the start of the next block
         * (see stop_wanted); repeat in case the request raced with the
         * vCPU starting a run, which clears it.
         */
        cpu->kicks++;
        __atomic_store_n(&cpu->stop_wanted, 1, __ATOMIC_SEQ_CST);
        g_cond_wait_until(&cpu->cond, &cpu->lock,
                          g_get_monotonic_time() + TCG_KICK_RETRY_US);
    }
}

/*
 * Keep the vCPU out of the engine until tcg_cpu_resume().  From the vCPU
 * thread itself (a hook changed the memory map) there is nothing to wait
 * for: the engine is ours and unicorn allows map changes in hooks.
 */
void tcg_cpu_pause(TCGCPU *cpu)
{
    if (!cpu || !cpu->thread || cpu->thread == g_thread_self()) {
        return;
    }
    g_mutex_lock(&cpu->lock);
    cpu->pauses++;
    tcg_cpu_kick_locked(cpu);
    g_mutex_unlock(&cpu->lock);
}

void tcg_cpu_resume(TCGCPU *cpu)
{
    if (!cpu || !cpu->thread || cpu->thread == g_thread_self()) {
        return;
    }
    g_mutex_lock(&cpu->lock);
    g_assert(cpu->pauses > 0);
    cpu->pauses--;
    g_cond_broadcast(&cpu->cond);
    g_mutex_unlock(&cpu->lock);
}

/* --- the memory map ----------------------------------------------------- */

static uint64_t tcg_dispatch_read(uc_engine *uc, uint64_t offset,
                                  unsigned size, void *opaque)
{
    TCGMapping *m = opaque;
    uint8_t buf[8] = { 0 };
    uint64_t val = 0;

    address_space_rw(&address_space_memory, m->start + offset, buf,
                     MIN(size, sizeof(buf)), false);
    for (unsigned i = 0; i < MIN(size, sizeof(buf)); i++) {
        val |= (uint64_t)buf[i] << (8 * i);
    }
    return val;
}

static void tcg_dispatch_write(uc_engine *uc, uint64_t offset,
                               unsigned size, uint64_t value, void *opaque)
{
    TCGMapping *m = opaque;
    uint8_t buf[8];

    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = value >> (8 * i);
    }
    address_space_rw(&address_space_memory, m->start + offset, buf,
                     MIN(size, sizeof(buf)), true);
}

/* A physical access to a hole: as unicorn reports an unmapped one. */
static uint64_t tcg_hole_read(uc_engine *uc, uint64_t offset,
                              unsigned size, void *opaque)
{
    TCGMapping *m = opaque;

    tcg_cpu_stop_from_hook(m->cpu, "read of %u bytes from unmapped address "
                           "0x%" PRIx64 " (in the code block at 0x%" PRIx64
                           ")", size, m->start + offset,
                           tcg_cpu_get_pc(m->cpu));
    return 0;
}

static void tcg_hole_write(uc_engine *uc, uint64_t offset, unsigned size,
                           uint64_t value, void *opaque)
{
    TCGMapping *m = opaque;

    tcg_cpu_stop_from_hook(m->cpu, "write of %u bytes to unmapped address "
                           "0x%" PRIx64 " (in the code block at 0x%" PRIx64
                           ")", size, m->start + offset,
                           tcg_cpu_get_pc(m->cpu));
}

static void tcg_map_add(GPtrArray *maps, hwaddr start, uint64_t size,
                        TCGMapKind kind, void *host, uint32_t perms,
                        RAMBlock *block, uint64_t block_offset)
{
    TCGMapping *last = maps->len ? g_ptr_array_index(maps, maps->len - 1)
                                 : NULL;
    TCGMapping *m;

    if (!size) {
        return;
    }
    /* Neighbouring dispatch pages make one MMIO region. */
    if (kind == TCG_MAP_DISPATCH && last && last->kind == TCG_MAP_DISPATCH &&
        last->start + last->size >= start) {
        uint64_t end = MAX(last->start + last->size, start + size);

        last->size = end - last->start;
        return;
    }
    m = g_new0(TCGMapping, 1);
    m->start = start;
    m->size = size;
    m->kind = kind;
    m->host = host;
    m->perms = perms;
    m->block = block;
    m->block_offset = block_offset;
    g_ptr_array_add(maps, m);
}

/*
 * Unicorn 2.0.1 looks up the *virtual* address of every access that
 * misses its TLB in its map of physical memory, and fails the access as
 * unmapped when nothing is there, even though the page tables translate
 * it to RAM.  An operating system's addresses (Linux's kernel half at
 * 0xffff..., user stacks near 2^48) are far above any physical address,
 * so the space from the first address no CPU model can reach physically
 * up to the top is mapped as well, as I/O that nothing can hit.
 */
#define TCG_A64_VA_ONLY_START (1ULL << 44)      /* cortex-a57's PARange */
/*
 * Holes in the low 4 GiB are mapped too (as TCG_MAP_HOLE): a user
 * program's heap starts up to 1 GiB above its data (Linux's brk
 * randomisation), which on virt is below 4 GiB, between devices.  Holes
 * between there and TCG_A64_VA_ONLY_START stay unmapped, so unicorn
 * reports accesses to them exactly (size and kind) as before.
 */
#define TCG_A64_HOLES_END (1ULL << 32)
#define TCG_VA_ONLY_END (0ULL - TCG_PAGE_SIZE)  /* unicorn needs end > 0 */

static void tcg_fill_holes(GPtrArray *maps, uint64_t va_only_start);

/* The mappings unicorn should have for the current flat view. */
static GPtrArray *tcg_wanted_maps(AddressSpace *as, uint64_t va_only_start)
{
    GPtrArray *maps = g_ptr_array_new_with_free_func(g_free);
    FlatView *fv = address_space_get_flatview(as);

    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        hwaddr start = (hwaddr)fr->addr;
        hwaddr end = (hwaddr)(fr->addr + fr->size - 1) + 1;
        hwaddr page_lo = start & TCG_PAGE_MASK;
        hwaddr page_hi = end ? ((end - 1) & TCG_PAGE_MASK) + TCG_PAGE_SIZE
                             : 0;

        if (fr->mr->kind == MR_RAM) {
            hwaddr in_lo = (start + TCG_PAGE_SIZE - 1) & TCG_PAGE_MASK;
            hwaddr in_hi = end & TCG_PAGE_MASK;
            uint8_t *host = fr->mr->ram_block->host + fr->offset_in_region;
            /*
             * Read-only RAM (flash) refuses guest writes, except where
             * unicorn's virtual-address check (below) would apply its
             * permissions to virtual addresses that land on it (a user
             * program's data at 0x400000 on Arm virt).
             */
            uint32_t perms = fr->readonly && !va_only_start
                             ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_ALL;

            if (in_lo < in_hi) {
                tcg_map_add(maps, page_lo, in_lo - page_lo,
                            TCG_MAP_DISPATCH, NULL, 0, NULL, 0);
                tcg_map_add(maps, in_lo, in_hi - in_lo, TCG_MAP_RAM,
                            host + (in_lo - start), perms,
                            fr->mr->ram_block,
                            fr->offset_in_region + (in_lo - start));
                tcg_map_add(maps, in_hi, page_hi - in_hi, TCG_MAP_DISPATCH,
                            NULL, 0, NULL, 0);
                continue;
            }
        }
        tcg_map_add(maps, page_lo, page_hi - page_lo, TCG_MAP_DISPATCH,
                    NULL, 0, NULL, 0);
    }
    flatview_unref(fv);
    if (va_only_start) {
        tcg_fill_holes(maps, va_only_start);
    }
    return maps;
}

/*
 * For unicorn's virtual-address check (above): holes below
 * TCG_A64_HOLES_END become TCG_MAP_HOLE, everything from @va_only_start
 * (or the last mapping) up TCG_MAP_VA_ONLY.
 */
static void tcg_fill_holes(GPtrArray *maps, uint64_t va_only_start)
{
    uint64_t at = 0;
    guint n = maps->len;

    for (guint i = 0; i <= n; i++) {
        TCGMapping *m = i < n ? g_ptr_array_index(maps, i) : NULL;
        uint64_t end = m ? MIN(m->start, TCG_A64_HOLES_END)
                         : TCG_A64_HOLES_END;

        if (at < end) {
            TCGMapping *h = g_new0(TCGMapping, 1);

            h->start = at;
            h->size = end - at;
            h->kind = TCG_MAP_HOLE;
            g_ptr_array_add(maps, h);
        }
        if (m) {
            at = MAX(at, m->start + m->size);
        }
    }
    if (n) {
        TCGMapping *last = g_ptr_array_index(maps, n - 1);

        at = last->start + last->size;
    }
    if (at < TCG_VA_ONLY_END) {
        TCGMapping *v = g_new0(TCGMapping, 1);

        v->start = MAX(at, va_only_start);
        v->size = TCG_VA_ONLY_END - v->start;
        v->kind = TCG_MAP_VA_ONLY;
        g_ptr_array_add(maps, v);
    }
}

static bool tcg_map_equal(const TCGMapping *a, const TCGMapping *b)
{
    return a->start == b->start && a->size == b->size &&
           a->kind == b->kind && a->host == b->host && a->perms == b->perms;
}

static bool tcg_map_find(GPtrArray *maps, const TCGMapping *m, guint *index)
{
    for (guint i = 0; i < maps->len; i++) {
        if (tcg_map_equal(g_ptr_array_index(maps, i), m)) {
            *index = i;
            return true;
        }
    }
    return false;
}

static uc_err tcg_map_apply(uc_engine *uc, TCGMapping *m)
{
    uc_err err;

    switch (m->kind) {
    case TCG_MAP_RAM:
        return uc_mem_map_ptr(uc, m->start, m->size, m->perms, m->host);
    case TCG_MAP_HOLE:
        return uc_mmio_map(uc, m->start, m->size, tcg_hole_read, m,
                           tcg_hole_write, m);
    case TCG_MAP_VA_ONLY:
        err = uc_mmio_map(uc, m->start, m->size, tcg_dispatch_read, m,
                          tcg_dispatch_write, m);
        /* Code runs from these (virtual) addresses too. */
        return err != UC_ERR_OK ? err
                                : uc_mem_protect(uc, m->start, m->size,
                                                 UC_PROT_ALL);
    default:
        return uc_mmio_map(uc, m->start, m->size, tcg_dispatch_read, m,
                           tcg_dispatch_write, m);
    }
}

/*
 * Bring unicorn's map to the flat view: unmap what went away or changed,
 * then map what is new.  Mappings that stay are left alone, so that the
 * translated code for them survives.
 */
static void tcg_sync_maps(TCGState *s)
{
    uc_engine *uc = s->cpu->uc;
    GPtrArray *want = tcg_wanted_maps(&address_space_memory,
                                      s->cpu->ops->uc_arch == UC_ARCH_ARM64
                                      ? TCG_A64_VA_ONLY_START : 0);
    guint idx;

    tcg_dirty_log_maps_changed(s);
    for (guint i = s->maps->len; i-- > 0;) {
        TCGMapping *m = g_ptr_array_index(s->maps, i);

        if (!tcg_map_find(want, m, &idx)) {
            uc_mem_unmap(uc, m->start, m->size);
            g_ptr_array_remove_index(s->maps, i);
        }
    }
    for (guint i = 0; i < want->len; i++) {
        TCGMapping *m = g_ptr_array_index(want, i);
        uc_err err;

        if (tcg_map_find(s->maps, m, &idx)) {
            continue;
        }
        m->cpu = s->cpu;
        err = tcg_map_apply(uc, m);
        if (err != UC_ERR_OK) {
            error_report("accel tcg: cannot map guest %s 0x%" PRIx64
                         "-0x%" PRIx64 ": %s",
                         m->kind == TCG_MAP_RAM ? "RAM" : "I/O", m->start,
                         m->start + m->size - 1, uc_strerror(err));
            s->map_failed = true;
            continue;
        }
        /* The engine now points at this mapping: it moves to s->maps. */
        g_ptr_array_index(want, i) = NULL;
        g_ptr_array_add(s->maps, m);
    }
    g_ptr_array_unref(want);
}

static void tcg_mem_begin(MemoryListener *listener)
{
    TCGState *s = TCG_STATE_OF(listener, mem_listener);

    tcg_cpu_pause(s->cpu);
}

static void tcg_mem_commit(MemoryListener *listener)
{
    TCGState *s = TCG_STATE_OF(listener, mem_listener);

    if (!s->closing) {
        tcg_sync_maps(s);
    }
    tcg_cpu_resume(s->cpu);
}

/*
 * Port I/O needs no mapping, but the vCPU reads the I/O flat view in its
 * in/out hooks: hold it out while the view is replaced.
 */
static void tcg_io_begin(MemoryListener *listener)
{
    TCGState *s = TCG_STATE_OF(listener, io_listener);

    tcg_cpu_pause(s->cpu);
}

static void tcg_io_commit(MemoryListener *listener)
{
    TCGState *s = TCG_STATE_OF(listener, io_listener);

    tcg_cpu_resume(s->cpu);
}

/* --- faults ------------------------------------------------------------- */

void tcg_cpu_stop_from_hook(TCGCPU *cpu, const char *fmt, ...)
{
    if (fmt && !cpu->fault) {
        va_list ap;

        cpu->fault = g_string_new(NULL);
        va_start(ap, fmt);
        g_string_append_vprintf(cpu->fault, fmt, ap);
        va_end(ap);
    }
    cpu->guest_done = true;
    uc_emu_stop(cpu->uc);
}

uint64_t tcg_cpu_get_pc(TCGCPU *cpu)
{
    return tcg_reg_read(cpu, cpu->ops->pc_reg);
}

/* Nothing in the system memory map at @addr? */
static bool tcg_addr_is_hole(uint64_t addr)
{
    FlatView *fv = address_space_get_flatview(&address_space_memory);
    bool hole = true;

    for (unsigned i = 0; i < fv->nr && hole; i++) {
        const FlatRange *fr = &fv->ranges[i];

        hole = !((Int128)addr >= fr->addr &&
                 (Int128)addr < fr->addr + fr->size);
    }
    flatview_unref(fv);
    return hole;
}

static bool tcg_mem_unmapped(uc_engine *uc, uc_mem_type type,
                             uint64_t addr, int size, int64_t value,
                             void *opaque)
{
    TCGCPU *cpu = opaque;
    /* Unicorn reports the PC of the start of the translated block. */
    uint64_t pc = tcg_cpu_get_pc(cpu);

    switch (type) {
    case UC_MEM_FETCH_UNMAPPED:
        tcg_cpu_stop_from_hook(cpu, "fetch from unmapped address 0x%" PRIx64,
                               addr);
        break;
    case UC_MEM_WRITE_UNMAPPED:
        tcg_cpu_stop_from_hook(cpu, "write of %d bytes to unmapped address "
                               "0x%" PRIx64 " (in the code block at 0x%"
                               PRIx64 ")", size, addr, pc);
        break;
    case UC_MEM_WRITE_PROT:
        tcg_cpu_stop_from_hook(cpu, "write of %d bytes to read-only memory "
                               "at 0x%" PRIx64 " (in the code block at 0x%"
                               PRIx64 ")", size, addr, pc);
        break;
    case UC_MEM_FETCH_PROT:
        /* Holes are mapped, without execute permission (see above). */
        tcg_cpu_stop_from_hook(cpu, "fetch from %s 0x%" PRIx64,
                               tcg_addr_is_hole(addr)
                               ? "unmapped address" : "non-executable memory at",
                               addr);
        break;
    default:
        tcg_cpu_stop_from_hook(cpu, "read of %d bytes from unmapped address "
                               "0x%" PRIx64 " (in the code block at 0x%"
                               PRIx64 ")", size, addr, pc);
        break;
    }
    return false;
}

/*
 * At the start of every block: honour a stop request from another thread
 * here, where nothing of the block has run, so the PC is exact.
 */
static void tcg_block_hook(uc_engine *uc, uint64_t addr, uint32_t size,
                           void *opaque)
{
    TCGCPU *cpu = opaque;

    if (__atomic_load_n(&cpu->stop_wanted, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(&cpu->stop_wanted, 0, __ATOMIC_SEQ_CST)) {
        uc_emu_stop(uc);
    }
}

/* The guest cannot go on: say why, show its registers, end memvm. */
static void tcg_cpu_report(TCGCPU *cpu, const char *why)
{
    GString *regs = g_string_new(NULL);

    cpu->ops->dump_regs(cpu, regs);
    error_report("guest error on CPU %u (%s): %s", cpu->index,
                 cpu->ops->name, why);
    fputs(regs->str, stderr);
    fflush(stderr);
    g_string_free(regs, TRUE);
    qemu_system_exit_request(TCG_GUEST_ERROR_STATUS);
}

/*
 * After uc_emu_start() returned with @err: report a guest error (the
 * engine is still ours).  True when the CPU must stay stopped.
 */
static bool tcg_cpu_check_stop(TCGCPU *cpu, uc_err err)
{
    g_autofree char *msg = NULL;

    if (cpu->fault) {
        msg = g_string_free(cpu->fault, FALSE);
        cpu->fault = NULL;
    } else if (err != UC_ERR_OK) {
        uint64_t pc = tcg_cpu_get_pc(cpu);

        switch (err) {
        case UC_ERR_INSN_INVALID:
            msg = g_strdup_printf("unknown instruction at pc 0x%" PRIx64, pc);
            break;
        case UC_ERR_EXCEPTION:
            msg = g_strdup_printf("unhandled exception at pc 0x%" PRIx64, pc);
            break;
        default:
            msg = g_strdup_printf("%s at pc 0x%" PRIx64, uc_strerror(err), pc);
            break;
        }
    }
    if (msg) {
        tcg_cpu_report(cpu, msg);
        return true;
    }
    if (cpu->guest_done) {
        cpu->guest_done = false;
        return true;
    }
    return false;
}

/* --- the vCPU thread ---------------------------------------------------- */

/* May the vCPU thread enter the engine?  With cpu->lock held. */
static bool tcg_cpu_may_run(TCGCPU *cpu)
{
    return cpu->running && !cpu->pauses && !cpu->halted &&
           !(cpu->idle && cpu->irq_gen == cpu->irq_applied);
}

/* Hand the interrupt inputs to the engine; vCPU thread, lock held. */
static void tcg_cpu_apply_irqs_locked(TCGCPU *cpu)
{
    if (cpu->irq_gen == cpu->irq_applied) {
        return;
    }
    for (int line = 0; line < CPU_IRQ_NUM; line++) {
        cpu->ops->apply_irq(cpu, line, cpu->irq_level[line]);
    }
    cpu->irq_applied = cpu->irq_gen;
    cpu->idle = false;
}

static gpointer tcg_cpu_thread(gpointer opaque)
{
    TCGCPU *cpu = opaque;

    g_mutex_lock(&cpu->lock);
    for (;;) {
        uint64_t kicks;
        uc_err err;
        bool stop;

        while (!cpu->quit && !tcg_cpu_may_run(cpu)) {
            g_cond_wait(&cpu->cond, &cpu->lock);
        }
        if (cpu->quit) {
            break;
        }
        tcg_cpu_apply_irqs_locked(cpu);
        cpu->in_emu = true;
        kicks = cpu->kicks;
        /* A request left from a run that ended by itself is not for us. */
        __atomic_store_n(&cpu->stop_wanted, 0, __ATOMIC_SEQ_CST);
        g_mutex_unlock(&cpu->lock);

        err = uc_emu_start(cpu->uc, tcg_cpu_get_pc(cpu), 0, 0, 0);
        stop = tcg_cpu_check_stop(cpu, err);

        g_mutex_lock(&cpu->lock);
        if (stop) {
            cpu->halted = true;
        } else if (err == UC_ERR_OK && cpu->kicks == kicks) {
            /*
             * A clean return nobody asked for is the guest waiting for
             * an interrupt (x86 hlt, Arm WFI): it sleeps until an input
             * changes (never, on a CPU without interrupts).
             */
            cpu->idle = true;
        }
        cpu->in_emu = false;
        g_cond_broadcast(&cpu->cond);
    }
    g_mutex_unlock(&cpu->lock);
    return NULL;
}

/*
 * Interrupt input changes from other threads reach the engine when the
 * vCPU next enters it.  This thread gets it out: uc_emu_stop() again
 * every millisecond, since a stop that lands just before uc_emu_start()
 * is lost.  It holds no device lock, so waiting here cannot deadlock
 * with a vCPU that is inside a device.
 */
#define TCG_IRQ_KICK_RETRY_US 1000

static gpointer tcg_kick_thread(gpointer opaque)
{
    TCGCPU *cpu = opaque;

    g_mutex_lock(&cpu->lock);
    while (!cpu->quit) {
        if (cpu->in_emu && cpu->irq_gen != cpu->irq_applied) {
            cpu->kicks++;
            uc_emu_stop(cpu->uc);
            g_cond_wait_until(&cpu->cond, &cpu->lock,
                              g_get_monotonic_time() + TCG_IRQ_KICK_RETRY_US);
        } else {
            g_cond_wait(&cpu->cond, &cpu->lock);
        }
    }
    g_mutex_unlock(&cpu->lock);
    return NULL;
}

/* The sink of hw/cpu-irq.h: a board's device changed a CPU input. */
static void tcg_cpu_irq_sink(void *opaque, unsigned index, int line,
                             int level)
{
    TCGState *s = opaque;
    TCGCPU *cpu = s->cpu;

    if (!cpu || index != cpu->index) {
        return;
    }
    g_mutex_lock(&cpu->lock);
    if (cpu->irq_level[line] != level) {
        cpu->irq_level[line] = level;
        cpu->irq_gen++;
        if (cpu->thread == g_thread_self()) {
            /* From a device the guest is accessing: the engine is ours. */
            tcg_cpu_apply_irqs_locked(cpu);
        }
        g_cond_broadcast(&cpu->cond);
    }
    g_mutex_unlock(&cpu->lock);
}

static void tcg_vm_state_change(void *opaque, bool running, RunState state)
{
    TCGCPU *cpu = opaque;

    g_mutex_lock(&cpu->lock);
    cpu->running = running;
    if (!running && cpu->thread != g_thread_self()) {
        tcg_cpu_kick_locked(cpu);
    }
    g_cond_broadcast(&cpu->cond);
    g_mutex_unlock(&cpu->lock);
}

/* Registers as at boot; the caller keeps the vCPU out of the engine. */
static bool tcg_cpu_boot_state(TCGState *s, Error **errp)
{
    TCGCPU *cpu = s->cpu;
    uc_err err = uc_context_restore(cpu->uc, cpu->reset_ctx);

    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot reset CPU %u: %s", cpu->index,
                   uc_strerror(err));
        return false;
    }
    return cpu->ops->boot_regs(cpu, s->ms->boot, errp);
}

/* System reset: the loader has re-copied the images; restart the CPU. */
static void tcg_cpu_reset(void *opaque)
{
    TCGState *s = opaque;
    TCGCPU *cpu = s->cpu;
    Error *err = NULL;

    tcg_cpu_pause(cpu);
    /*
     * The loader has just copied the images back from the host side,
     * which unicorn does not see: drop code translated from what the
     * guest may have changed there.
     */
    uc_ctl_flush_tlb(cpu->uc);
    if (!tcg_cpu_boot_state(s, &err)) {
        error_report_err(err);
    }
    g_mutex_lock(&cpu->lock);
    cpu->halted = false;
    cpu->idle = false;
    cpu->guest_done = false;
    g_mutex_unlock(&cpu->lock);
    tcg_cpu_resume(cpu);
}

/* --- the accelerator ---------------------------------------------------- */

/* The migration core's view of our dirty tracking. */
static void tcg_mig_log_start(void *opaque)
{
    Error *err = NULL;

    if (!tcg_dirty_log_start(opaque, &err)) {
        error_report_err(err);
    }
}

static void tcg_mig_log_sync(void *opaque)
{
    tcg_dirty_log_sync(opaque);
}

static void tcg_mig_log_stop(void *opaque)
{
    tcg_dirty_log_stop(opaque);
}

static const MigrationDirtyLogOps tcg_mig_dirty_log = {
    .log_start = tcg_mig_log_start,
    .log_sync = tcg_mig_log_sync,
    .log_stop = tcg_mig_log_stop,
};

static bool tcg_init_machine(AccelState *accel, MachineState *ms,
                             Error **errp)
{
    TCGState *s = TCG_ACCEL(accel);
    const TCGArchOps *ops = tcg_arch_ops(target_arch());
    TCGCPU *cpu;
    uc_hook h;
    uc_err err;

    s->ms = ms;
    if (!ms->boot) {
        return true;
    }
    if (!ops) {
        error_setg(errp, "accel tcg: memvm cannot run %s guests",
                   target_arch_name(target_arch()));
        return false;
    }
    if (!tcg_uc_load(errp)) {
        return false;
    }
    cpu = g_new0(TCGCPU, 1);
    cpu->ops = ops;
    g_mutex_init(&cpu->lock);
    g_cond_init(&cpu->cond);
    err = uc_open(ops->uc_arch, ops->uc_mode, &cpu->uc);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot create a %s CPU: %s", ops->name,
                   uc_strerror(err));
        g_free(cpu);
        return false;
    }
    s->cpu = cpu;
    if (ops->setup && !ops->setup(cpu, ms, errp)) {
        return false;
    }
    /*
     * With exits enabled and none set, uc_emu_start() runs until it is
     * stopped, instead of until a PC we would have to pick.
     */
    err = uc_ctl_exits_enable(cpu->uc);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: unicorn exits: %s", uc_strerror(err));
        return false;
    }
    err = uc_hook_add(cpu->uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                      tcg_mem_unmapped, cpu, 1, 0);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot hook unmapped accesses: %s",
                   uc_strerror(err));
        return false;
    }
    err = uc_hook_add(cpu->uc, &h, UC_HOOK_BLOCK, tcg_block_hook, cpu, 1, 0);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot hook blocks: %s",
                   uc_strerror(err));
        return false;
    }
    err = uc_hook_add(cpu->uc, &h, UC_HOOK_INTR, ops->intr, cpu, 1, 0);
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot hook exceptions: %s",
                   uc_strerror(err));
        return false;
    }
    if (ops->add_hooks && !ops->add_hooks(cpu, errp)) {
        return false;
    }
    err = uc_context_alloc(cpu->uc, &cpu->reset_ctx);
    if (err == UC_ERR_OK) {
        err = uc_context_save(cpu->uc, cpu->reset_ctx);
    }
    if (err != UC_ERR_OK) {
        error_setg(errp, "accel tcg: cannot save the CPU reset state: %s",
                   uc_strerror(err));
        return false;
    }
    tcg_vmstate_register(cpu);

    s->maps = g_ptr_array_new_with_free_func(g_free);
    cpu->maps = s->maps;
    s->mem_listener = (MemoryListener) {
        .name = "tcg",
        .begin = tcg_mem_begin,
        .commit = tcg_mem_commit,
        .priority = 10,
    };
    s->io_listener = (MemoryListener) {
        .name = "tcg-io",
        .begin = tcg_io_begin,
        .commit = tcg_io_commit,
        .priority = 10,
    };
    memory_listener_register(&s->mem_listener, &address_space_memory);
    memory_listener_register(&s->io_listener, &address_space_io);
    if (s->map_failed) {
        error_setg(errp, "accel tcg: the guest memory map does not fit "
                   "the CPU (see above)");
        return false;
    }
    return tcg_cpu_boot_state(s, errp);
}

static bool tcg_start_vcpus(AccelState *accel, MachineState *ms,
                            Error **errp)
{
    TCGState *s = TCG_ACCEL(accel);
    TCGCPU *cpu = s->cpu;

    if (!cpu) {
        return true;
    }
    qemu_add_vm_change_state_handler(tcg_vm_state_change, cpu);
    qemu_register_reset(tcg_cpu_reset, s);
    if (cpu->ops->apply_irq) {
        cpu->kick_thread = g_thread_new("CPU 0/kick", tcg_kick_thread, cpu);
        cpu_irq_set_sink(tcg_cpu_irq_sink, s);
    }
    migration_dirty_log_register(&tcg_mig_dirty_log, accel);
    cpu->thread = g_thread_new("CPU 0/TCG", tcg_cpu_thread, cpu);
    return true;
}

static void tcg_shutdown(AccelState *accel)
{
    TCGState *s = TCG_ACCEL(accel);
    TCGCPU *cpu = s->cpu;

    if (!cpu) {
        return;
    }
    tcg_dirty_log_stop(accel);
    if (cpu->thread) {
        migration_dirty_log_register(NULL, NULL);
        g_mutex_lock(&cpu->lock);
        cpu->quit = true;
        tcg_cpu_kick_locked(cpu);
        g_cond_broadcast(&cpu->cond);
        g_mutex_unlock(&cpu->lock);
        g_thread_join(cpu->thread);
        cpu->thread = NULL;
        if (cpu->kick_thread) {
            cpu_irq_set_sink(NULL, NULL);
            g_thread_join(cpu->kick_thread);
            cpu->kick_thread = NULL;
        }
        qemu_del_vm_change_state_handler(tcg_vm_state_change, cpu);
        qemu_unregister_reset(tcg_cpu_reset, s);
    }
    if (s->maps) {
        s->closing = true;
        memory_listener_unregister(&s->io_listener);
        memory_listener_unregister(&s->mem_listener);
        g_ptr_array_unref(s->maps);
        s->maps = NULL;
    }
    tcg_vmstate_unregister(cpu);
    if (cpu->reset_ctx) {
        uc_context_free(cpu->reset_ctx);
    }
    if (cpu->ops->teardown) {
        cpu->ops->teardown(cpu);
    }
    uc_close(cpu->uc);
    g_mutex_clear(&cpu->lock);
    g_cond_clear(&cpu->cond);
    g_free(cpu);
    s->cpu = NULL;
}

static void tcg_accel_class_init(ObjectClass *oc, void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "tcg";
    ac->init_machine = tcg_init_machine;
    ac->start_vcpus = tcg_start_vcpus;
    ac->shutdown = tcg_shutdown;
    ac->log_start = tcg_dirty_log_start;
    ac->log_sync = tcg_dirty_log_sync;
    ac->log_stop = tcg_dirty_log_stop;
}

static const TypeInfo tcg_accel_info = {
    .name = TYPE_TCG_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(TCGState),
    .class_init = tcg_accel_class_init,
};

static void tcg_accel_register_types(void)
{
    type_register_static(&tcg_accel_info);
}
type_init(tcg_accel_register_types)
