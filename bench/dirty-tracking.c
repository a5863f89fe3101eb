/*
 * What it costs to see guest stores under libunicorn: the candidates for
 * accel tcg's dirty tracking during live migration, measured on one
 * x86_64 loop that stores one word every STRIDE bytes of a RAM region.
 *
 *   none       no tracking (the baseline)
 *   hook       UC_HOOK_MEM_WRITE on the region; the callback sets a bit
 *   mprotect   the host pages read-only; a SIGSEGV handler records the
 *              page and makes it writable again (one fault per page)
 *   ucprot     uc_mem_protect() read-only; a UC_HOOK_MEM_WRITE_PROT hook
 *              records the page and gives it back its write permission
 *
 * Each round first "syncs" (re-arms the tracking, as a migration pass
 * would) and then runs the loop; the time of both is reported per store
 * and per round.  A benchmark: it asserts nothing.
 *
 * Build and run:  cc -O2 -o /tmp/dt bench/dirty-tracking.c -lunicorn
 *                 /tmp/dt [MiB] [stride] [rounds]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <unicorn/unicorn.h>

#define CODE_ADDR 0x1000
#define RAM_ADDR 0x100000000ULL
#define PAGE 4096UL

/*
 * loop: mov [rax], rcx ; add rax, rdx ; dec rcx ; jnz loop
 * rax = RAM_ADDR, rdx = stride, rcx = number of stores.
 */
static const uint8_t code[] = {
    0x48, 0x89, 0x08, 0x48, 0x01, 0xd0, 0x48, 0xff, 0xc9, 0x75, 0xf5,
};

static uint8_t *ram;
static size_t ram_size;
static unsigned long *bitmap;
static uc_engine *uc;
static unsigned long faults;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void set_bit_page(size_t page)
{
    __atomic_fetch_or(&bitmap[page / 64], 1UL << (page % 64),
                      __ATOMIC_RELAXED);
}

static void hook_write(uc_engine *u, uc_mem_type type, uint64_t addr,
                       int size, int64_t value, void *opaque)
{
    set_bit_page((addr - RAM_ADDR) / PAGE);
}

static void segv(int sig, siginfo_t *si, void *ctx)
{
    uint8_t *a = si->si_addr;

    if (a < ram || a >= ram + ram_size) {
        signal(SIGSEGV, SIG_DFL);
        return;
    }
    faults++;
    set_bit_page((a - ram) / PAGE);
    mprotect((void *)((uintptr_t)a & ~(PAGE - 1)), PAGE,
             PROT_READ | PROT_WRITE);
}

static bool hook_prot(uc_engine *u, uc_mem_type type, uint64_t addr,
                      int size, int64_t value, void *opaque)
{
    uint64_t page = addr & ~(PAGE - 1);

    faults++;
    set_bit_page((page - RAM_ADDR) / PAGE);
    uc_mem_protect(u, page, PAGE, UC_PROT_ALL);
    /* Returning true retries the access with the new permission. */
    return true;
}

static void run_loop(uint64_t stores, uint64_t stride)
{
    uint64_t rax = RAM_ADDR, rcx = stores, rdx = stride;
    uc_err err;

    uc_reg_write(uc, UC_X86_REG_RAX, &rax);
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    err = uc_emu_start(uc, CODE_ADDR, CODE_ADDR + sizeof(code), 0, 0);
    if (err != UC_ERR_OK) {
        fprintf(stderr, "uc_emu_start: %s\n", uc_strerror(err));
        exit(1);
    }
}

static void setup(void)
{
    uc_err err = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);

    if (err == UC_ERR_OK) {
        err = uc_mem_map(uc, CODE_ADDR, PAGE, UC_PROT_ALL);
    }
    if (err == UC_ERR_OK) {
        err = uc_mem_write(uc, CODE_ADDR, code, sizeof(code));
    }
    if (err == UC_ERR_OK) {
        err = uc_mem_map_ptr(uc, RAM_ADDR, ram_size, UC_PROT_ALL, ram);
    }
    if (err != UC_ERR_OK) {
        fprintf(stderr, "unicorn: %s\n", uc_strerror(err));
        exit(1);
    }
}

/* Re-arm: clear the bitmap and protect again (what a sync pass does). */
static void rearm(const char *mode)
{
    memset(bitmap, 0, ram_size / PAGE / 8);
    if (!strcmp(mode, "mprotect")) {
        mprotect(ram, ram_size, PROT_READ);
    } else if (!strcmp(mode, "ucprot")) {
        uc_mem_protect(uc, RAM_ADDR, ram_size, UC_PROT_READ | UC_PROT_EXEC);
    }
}

static void measure(const char *mode, uint64_t stride, int rounds)
{
    uint64_t stores = ram_size / stride;
    double t_sync = 0, t_run = 0, t0;
    uc_hook h;

    setup();
    if (!strcmp(mode, "hook")) {
        uc_hook_add(uc, &h, UC_HOOK_MEM_WRITE, hook_write, NULL, RAM_ADDR,
                    RAM_ADDR + ram_size - 1);
    } else if (!strcmp(mode, "ucprot")) {
        uc_hook_add(uc, &h, UC_HOOK_MEM_WRITE_PROT, hook_prot, NULL, 1, 0);
    }
    /* A first round populates the pages and translates the loop. */
    run_loop(stores, stride);
    faults = 0;
    for (int r = 0; r < rounds; r++) {
        t0 = now();
        rearm(mode);
        t_sync += now() - t0;
        t0 = now();
        run_loop(stores, stride);
        t_run += now() - t0;
    }
    printf("%-9s stride %6lu: %8.1f ns/store, run %8.2f ms/round, "
           "re-arm %7.3f ms/round, %lu faults/round\n", mode,
           (unsigned long)stride, t_run / rounds / stores * 1e9,
           t_run / rounds * 1e3, t_sync / rounds * 1e3,
           faults / rounds);
    mprotect(ram, ram_size, PROT_READ | PROT_WRITE);
    uc_close(uc);
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
    uint64_t strides[2] = { PAGE, 64 };
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    const char *modes[] = { "none", "hook", "mprotect", "ucprot", "none" };
    struct sigaction sa = { .sa_sigaction = segv, .sa_flags = SA_SIGINFO };

    if (argc > 2) {
        strides[0] = strides[1] = strtoul(argv[2], NULL, 0);
    }
    ram_size = mib << 20;
    ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    bitmap = calloc(ram_size / PAGE / 64 + 1, sizeof(long));
    if (ram == MAP_FAILED || !bitmap) {
        perror("memory");
        return 1;
    }
    sigaction(SIGSEGV, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("%zu MiB of guest RAM, %d rounds\n", mib, rounds);
    for (int s = 0; s < (argc > 2 ? 1 : 2); s++) {
        for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
            /*
             * Every page given back its write permission becomes a
             * region of its own, and unicorn 2.0.1 asserts at 4096 of
             * them (phys_section_add: sections_nb < TARGET_PAGE_SIZE).
             */
            if (!strcmp(modes[m], "ucprot") && mib > 8) {
                printf("%-9s stride %6lu: skipped above 8 MiB (unicorn "
                       "aborts at 4096 regions)\n", modes[m],
                       (unsigned long)strides[s]);
                continue;
            }
            measure(modes[m], strides[s], rounds);
        }
    }
    return 0;
}
