/*
 * Bare-metal x86_64 guest for the PC boards and microvm (see README.md
 * here): the same program as aarch64-ram.S and riscv64-ram.S, with the
 * RAM map from memvm's boot table instead of a device tree.
 *
 * Default build: write one word per 4 KiB page and the last byte of each
 * RAM range (skipping this program's own pages), read them all back,
 * print the sum and PASS, and end: on success by a reset through the
 * reset control register at 0xcf9 (run with -no-reboot, memvm then exits
 * with status 0), on failure through isa-debug-exit with value 1 (status
 * (1 << 1) | 1 = 3).
 * Built with -DFILL: store a word to every 8 bytes of RAM instead; with
 * -DEMPTY: end at once (the benchmark's baseline).
 * Built with -DLIVE (the live migration test): store (address ^ pattern)
 * + round into every page, round after round, printing every 16th round,
 * until a 'q' arrives on the UART.  Before each store it checks that the
 * page holds the previous round's word (a page that a migration lost
 * would not) and counts the stale ones.  Then it reads all pages back,
 * prints the rounds, the stale count and the sum, and PASS if nothing
 * was stale and every page holds the last round's word.
 *
 * Freestanding: no libc, general-purpose registers only.
 */
#include <stdint.h>

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define DEBUG_EXIT_PORT 0xf4
#define RESET_CONTROL_PORT 0xcf9
#define RCR_HARD_RESET 0x06
#define PAGE_SIZE 4096ULL
#define PATTERN_VALUE 0x5aa5c33c0ff0e11eULL /* stored: address ^ this */
#define BOOT_MAGIC 0x31544f4f424d564dULL     /* "MVMBOOT1" */
#define MAX_RANGES 64

struct boot_range {
    uint64_t base;
    uint64_t size;
    uint64_t ram_offset;
    uint32_t node;
    uint32_t reserved;
};

struct boot_table {
    uint64_t magic;
    uint32_t version;
    uint32_t nr_ranges;
    uint64_t cmdline;
    uint64_t initrd_start;
    uint64_t initrd_size;
    uint64_t reserved;
    struct boot_range ranges[];
};

extern char _start[], _end[];

/* Copied out of the table: the table's page gets overwritten. */
static struct boot_range ranges[MAX_RANGES];

static inline void outb(uint16_t port, uint8_t val)
{
    __asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
    __asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t val;

    __asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static void putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE)) {
        /* wait for the transmitter */
    }
    outb(COM1, c);
}

static void puts(const char *s)
{
    while (*s) {
        putc(*s++);
    }
}

static void puthex(uint64_t v)
{
    puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        putc("0123456789abcdef"[(v >> shift) & 0xf]);
    }
}

static __attribute__((noreturn)) void finish(int failed)
{
    puts(failed ? "FAIL\n" : "PASS\n");
    /*
     * The reset is carried out by the main loop a moment later: wait for
     * it halted rather than run on into the failure exit.
     */
    if (failed) {
        outl(DEBUG_EXIT_PORT, 1);
    } else {
        outb(RESET_CONTROL_PORT, RCR_HARD_RESET);
    }
    for (;;) {
        __asm__ volatile("hlt");
    }
}

void __attribute__((noreturn)) guest_main(const struct boot_table *table)
{
    uint64_t img_lo = (uint64_t)_start & ~(PAGE_SIZE - 1);
    uint64_t img_hi = ((uint64_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint32_t n;

    puts("memvm guest: x86_64\nboot table ");
    puthex((uint64_t)table);
    putc('\n');
    if (!table || table->magic != BOOT_MAGIC || !table->nr_ranges) {
        finish(1);
    }
    n = table->nr_ranges < MAX_RANGES ? table->nr_ranges : MAX_RANGES;
    for (uint32_t i = 0; i < n; i++) {
        ranges[i] = table->ranges[i];
        puts("ram ");
        puthex(ranges[i].base);
        putc(' ');
        puthex(ranges[i].size);
        puts(" @");
        puthex(ranges[i].ram_offset);
        putc('\n');
    }
    puts("image ");
    puthex(img_lo);
    putc(' ');
    puthex(img_hi);
    putc('\n');

#ifdef EMPTY
    finish(0);      /* benchmark baseline: start and stop */
#endif
#ifdef LIVE
    uint64_t round = 0, pages = 0, sum = 0, want = 0, stale = 0;

    for (;;) {
        round++;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t end = ranges[i].base + ranges[i].size;

            for (uint64_t a = ranges[i].base; a < end; a += PAGE_SIZE) {
                if (a < img_lo || a >= img_hi) {
                    volatile uint64_t *p = (volatile uint64_t *)a;

                    /* A page migration missed holds an older round. */
                    if (round > 1 && *p != (a ^ PATTERN_VALUE) + round - 1) {
                        stale++;
                    }
                    *p = (a ^ PATTERN_VALUE) + round;
                }
            }
        }
        if (!(round % 16)) {
            puts("round ");
            puthex(round);
            putc('\n');
        }
        if ((inb(COM1 + UART_LSR) & UART_LSR_DR) && inb(COM1) == 'q') {
            break;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t end = ranges[i].base + ranges[i].size;

        for (uint64_t a = ranges[i].base; a < end; a += PAGE_SIZE) {
            if (a < img_lo || a >= img_hi) {
                sum += *(volatile uint64_t *)a;
                want += (a ^ PATTERN_VALUE) + round;
                pages++;
            }
        }
    }
    puts("rounds ");
    puthex(round);
    puts("\npages ");
    puthex(pages);
    puts("\nstale ");
    puthex(stale);
    puts("\nchecksum ");
    puthex(sum);
    putc('\n');
    finish(sum != want || stale);
#elif defined(FILL)
    for (uint32_t i = 0; i < n; i++) {
        uint64_t end = ranges[i].base + ranges[i].size;

        for (uint64_t a = ranges[i].base; a < end; a += 8) {
            if (a >= img_lo && a < img_hi) {
                a = img_hi - 8;
                continue;
            }
            *(volatile uint64_t *)a = a;
        }
    }
    puts("filled\n");
    finish(0);
#else
    uint64_t stored = 0, read = 0, pages = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint64_t end = ranges[i].base + ranges[i].size;

        for (uint64_t a = ranges[i].base; a < end; a += PAGE_SIZE) {
            if (a < img_lo || a >= img_hi) {
                *(volatile uint64_t *)a = a ^ PATTERN_VALUE;
                stored += a ^ PATTERN_VALUE;
                pages++;
            }
        }
        if (end - 1 < img_lo || end - 1 >= img_hi) {
            *(volatile uint8_t *)(end - 1) = 0xa5;
            stored += 0xa5;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t end = ranges[i].base + ranges[i].size;

        for (uint64_t a = ranges[i].base; a < end; a += PAGE_SIZE) {
            if (a < img_lo || a >= img_hi) {
                read += *(volatile uint64_t *)a;
            }
        }
        if (end - 1 < img_lo || end - 1 >= img_hi) {
            read += *(volatile uint8_t *)(end - 1);
        }
    }
    puts("pages ");
    puthex(pages);
    puts("\nchecksum ");
    puthex(read);
    putc('\n');
    finish(read != stored);
#endif
}
