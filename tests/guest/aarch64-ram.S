/*
 * Bare-metal aarch64 guest for the Arm "virt" board (see README.md here).
 *
 * Boot: x0 = DTB address (memvm always; QEMU for raw images).  QEMU
 * leaves x0 = 0 for ELF images and puts the DTB at the start of RAM, so
 * 0 means 0x40000000.  The RAM map comes from the DTB's /memory nodes.
 *
 * Default build: write one word per 4 KiB page and the last byte of each
 * RAM range (skipping this program's own pages), read them all back,
 * print the sum and PASS, power off through PSCI SYSTEM_OFF (HVC).
 * Built with --defsym FILL=1: store a word to every 8 bytes of RAM
 * instead (the benchmark), then power off; with --defsym EMPTY=1: power
 * off at once (the benchmark's baseline).
 * Built with --defsym LIVE=1 (the live migration test): store (address ^
 * pattern) + round into every page, round after round, printing every
 * 16th round, until a 'q' arrives on the UART, counting pages that do not
 * hold the previous round's word before the store (stale: a page that a
 * migration lost); then read all pages back, print the rounds, the
 * stale count and the sum, PASS if nothing was stale and every page
 * holds the last round's word, and power off.
 */
    .equ UART_BASE, 0x09000000      /* PL011 */
    .equ UART_FR, 0x18
    .equ UART_FR_TXFF, 0x20
    .equ UART_FR_RXFE, 0x10
    .equ RAM_START, 0x40000000      /* where QEMU puts the DTB for ELFs */
    .equ PSCI_SYSTEM_OFF, 0x84000008
    .equ FDT_MAGIC, 0xd00dfeed
    .equ MAX_RANGES, 16
    .equ PATTERN_VALUE, 0x5aa5c33c0ff0e11e  /* stored: address ^ this */

    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x1, =stack_top
    mov     sp, x1
    cbnz    x0, 1f
    mov     x0, #RAM_START
1:  mov     x19, x0                 /* x19 = DTB */

    adr     x0, msg_hello
    bl      puts
    adr     x0, msg_dtb
    bl      puts
    mov     x0, x19
    bl      puthex
    bl      newline

    mov     x0, x19
    bl      fdt_scan                /* ranges[], nranges */
    ldr     x1, =nranges
    ldr     x20, [x1]               /* x20 = number of ranges */
    cbz     x20, fail

    /* Print the map, then our own pages, which are left alone. */
    ldr     x21, =ranges
    mov     x22, #0
2:  adr     x0, msg_ram
    bl      puts
    add     x1, x21, x22, lsl #4
    ldr     x0, [x1]
    bl      puthex
    mov     w0, #' '
    bl      putc
    add     x1, x21, x22, lsl #4
    ldr     x0, [x1, #8]
    bl      puthex
    bl      newline
    add     x22, x22, #1
    cmp     x22, x20
    b.lo    2b

    ldr     x23, =_start
    and     x23, x23, #~0xfff       /* x23 = first page of the image */
    ldr     x24, =_end
    add     x24, x24, #0xfff
    and     x24, x24, #~0xfff       /* x24 = end of the image */
    adr     x0, msg_image
    bl      puts
    mov     x0, x23
    bl      puthex
    mov     w0, #' '
    bl      putc
    mov     x0, x24
    bl      puthex
    bl      newline

.ifdef EMPTY
    b       poweroff                /* benchmark baseline: start and stop */
.endif
.ifdef LIVE
    ldr     x25, =PATTERN_VALUE     /* x25 = pattern */
    mov     x26, #0                 /* x26 = round */
    mov     x18, #0                 /* x18 = stale pages seen */
1:  add     x26, x26, #1
    mov     x22, #0
2:  add     x1, x21, x22, lsl #4
    ldp     x2, x3, [x1]
    add     x3, x2, x3              /* x3 = end */
3:  cmp     x2, x23
    b.lo    4f
    cmp     x2, x24
    b.lo    5f
4:  eor     x4, x2, x25
    add     x4, x4, x26
    ldr     x5, [x2]                /* the previous round's word? */
    sub     x6, x4, #1
    cmp     x26, #1
    ccmp    x5, x6, #4, ne          /* round 1: as if equal */
    cinc    x18, x18, ne
    str     x4, [x2]
5:  add     x2, x2, #0x1000
    cmp     x2, x3
    b.lo    3b
    add     x22, x22, #1
    cmp     x22, x20
    b.lo    2b
    tst     x26, #0xf
    b.ne    6f
    adr     x0, msg_round
    bl      puts
    mov     x0, x26
    bl      puthex
    bl      newline
6:  mov     x9, #UART_BASE          /* a 'q' waiting? */
    ldr     w10, [x9, #UART_FR]
    tst     w10, #UART_FR_RXFE
    b.ne    1b
    ldr     w10, [x9]
    and     w10, w10, #0xff
    cmp     w10, #'q'
    b.ne    1b
    /* Read back: x28 = sum, x27 = what it must be, x19 = pages. */
    mov     x27, #0
    mov     x28, #0
    mov     x19, #0
    mov     x22, #0
2:  add     x1, x21, x22, lsl #4
    ldp     x2, x3, [x1]
    add     x3, x2, x3
3:  cmp     x2, x23
    b.lo    4f
    cmp     x2, x24
    b.lo    5f
4:  ldr     x4, [x2]
    add     x28, x28, x4
    eor     x4, x2, x25
    add     x4, x4, x26
    add     x27, x27, x4
    add     x19, x19, #1
5:  add     x2, x2, #0x1000
    cmp     x2, x3
    b.lo    3b
    add     x22, x22, #1
    cmp     x22, x20
    b.lo    2b
    adr     x0, msg_rounds
    bl      puts
    mov     x0, x26
    bl      puthex
    bl      newline
    adr     x0, msg_pages
    bl      puts
    mov     x0, x19
    bl      puthex
    bl      newline
    adr     x0, msg_stale
    bl      puts
    mov     x0, x18
    bl      puthex
    bl      newline
    adr     x0, msg_sum
    bl      puts
    mov     x0, x28
    bl      puthex
    bl      newline
    cbnz    x18, fail
    cmp     x27, x28
    b.ne    fail
    adr     x0, msg_pass
    bl      puts
    b       poweroff
.endif
.ifdef FILL
    /* Benchmark: a word to every 8 bytes outside the image. */
    mov     x22, #0
3:  add     x1, x21, x22, lsl #4
    ldp     x2, x3, [x1]            /* x2 = base, x3 = size */
    add     x3, x2, x3              /* x3 = end */
4:  cmp     x2, x23
    b.lo    5f
    cmp     x2, x24
    b.hs    5f
    mov     x2, x24                 /* jump over the image */
    b       6f
5:  str     x2, [x2], #8
6:  cmp     x2, x3
    b.lo    4b
    add     x22, x22, #1
    cmp     x22, x20
    b.lo    3b
    adr     x0, msg_filled
    bl      puts
    b       poweroff
.else
    ldr     x25, =PATTERN_VALUE     /* x25 = pattern */
    /* Pass 1: store, and add up what we store (x26). */
    mov     x26, #0
    mov     x27, #0                 /* pages touched */
    mov     x22, #0
3:  add     x1, x21, x22, lsl #4
    ldp     x2, x3, [x1]
    add     x3, x2, x3              /* x3 = end */
4:  cmp     x2, x23
    b.lo    5f
    cmp     x2, x24
    b.lo    6f
5:  eor     x4, x2, x25
    str     x4, [x2]
    add     x26, x26, x4
    add     x27, x27, #1
6:  add     x2, x2, #0x1000
    cmp     x2, x3
    b.lo    4b
    sub     x2, x3, #1              /* last byte of the range */
    cmp     x2, x23
    b.lo    7f
    cmp     x2, x24
    b.lo    8f
7:  mov     w4, #0xa5
    strb    w4, [x2]
    add     x26, x26, #0xa5
8:  add     x22, x22, #1
    cmp     x22, x20
    b.lo    3b

    /* Pass 2: read everything back (x28). */
    mov     x28, #0
    mov     x22, #0
3:  add     x1, x21, x22, lsl #4
    ldp     x2, x3, [x1]
    add     x3, x2, x3
4:  cmp     x2, x23
    b.lo    5f
    cmp     x2, x24
    b.lo    6f
5:  ldr     x4, [x2]
    add     x28, x28, x4
6:  add     x2, x2, #0x1000
    cmp     x2, x3
    b.lo    4b
    sub     x2, x3, #1
    cmp     x2, x23
    b.lo    7f
    cmp     x2, x24
    b.lo    8f
7:  ldrb    w4, [x2]
    add     x28, x28, x4
8:  add     x22, x22, #1
    cmp     x22, x20
    b.lo    3b

    adr     x0, msg_pages
    bl      puts
    mov     x0, x27
    bl      puthex
    bl      newline
    adr     x0, msg_sum
    bl      puts
    mov     x0, x28
    bl      puthex
    bl      newline
    cmp     x26, x28
    b.ne    fail
    adr     x0, msg_pass
    bl      puts
.endif

poweroff:
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
    b       .

fail:
    adr     x0, msg_fail
    bl      puts
    /* An undefined instruction: memvm reports it and exits non-zero. */
    udf     #0
    b       .

/* putc(w0): wait while the transmit FIFO is full. */
putc:
    mov     x9, #UART_BASE
1:  ldr     w10, [x9, #UART_FR]
    tst     w10, #UART_FR_TXFF
    b.ne    1b
    strb    w0, [x9]
    ret

/* puts(x0 = NUL-terminated string) */
puts:
    stp     x29, x30, [sp, #-32]!
    str     x19, [sp, #16]
    mov     x19, x0
1:  ldrb    w0, [x19], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ldr     x19, [sp, #16]
    ldp     x29, x30, [sp], #32
    ret

newline:
    mov     w0, #'\n'
    b       putc

/* puthex(x0): "0x" and 16 hex digits */
puthex:
    stp     x29, x30, [sp, #-32]!
    stp     x19, x20, [sp, #16]
    mov     x19, x0
    mov     w0, #'0'
    bl      putc
    mov     w0, #'x'
    bl      putc
    mov     x20, #60
1:  lsr     x0, x19, x20
    and     x0, x0, #0xf
    cmp     x0, #10
    add     x1, x0, #'0'
    add     x2, x0, #('a' - 10)
    csel    x0, x1, x2, lo
    bl      putc
    subs    x20, x20, #4
    b.pl    1b
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #32
    ret

/* Big-endian 32-bit load: w0 = *(x0) */
.macro  ldbe32 dst, addr
    ldr     \dst, [\addr]
    rev     \dst, \dst
.endm

/*
 * fdt_scan(x0 = DTB): (base, size) of every reg entry of the root's
 * memory nodes into ranges[], count into nranges.  Assumes the root's
 * #address-cells = #size-cells = 2, as QEMU's virt trees have.
 */
fdt_scan:
    ldr     x9, =nranges
    str     xzr, [x9]
    ldbe32  w1, x0
    ldr     w2, =FDT_MAGIC
    cmp     w1, w2
    b.ne    9f
    add     x1, x0, #8
    ldbe32  w1, x1
    add     x10, x0, x1             /* x10 = structure block cursor */
    add     x1, x0, #12
    ldbe32  w1, x1
    add     x11, x0, x1             /* x11 = strings block */
    mov     x12, #0                 /* depth */
    mov     x13, #0                 /* inside a memory node */
1:  ldbe32  w1, x10
    add     x10, x10, #4
    cmp     w1, #1
    b.eq    2f
    cmp     w1, #2
    b.eq    3f
    cmp     w1, #3
    b.eq    4f
    cmp     w1, #4
    b.eq    1b
    b       9f                      /* FDT_END or garbage */

2:  /* FDT_BEGIN_NODE: name follows, NUL-terminated, padded to 4 */
    add     x12, x12, #1
    mov     x13, #0
    cmp     x12, #2
    b.ne    21f
    /* Byte loads only: with the MMU off, unaligned loads may fault. */
    adr     x1, str_memory
    mov     x2, x10
22: ldrb    w3, [x1], #1
    cbz     w3, 23f
    ldrb    w4, [x2], #1
    cmp     w3, w4
    b.ne    21f
    b       22b
23: ldrb    w4, [x2]                /* "memory" or "memory@..." */
    cbz     w4, 20f
    cmp     w4, #'@'
    b.ne    21f
20: mov     x13, #1
21: ldrb    w1, [x10], #1
    cbnz    w1, 21b
    add     x10, x10, #3
    and     x10, x10, #~3
    b       1b

3:  /* FDT_END_NODE */
    sub     x12, x12, #1
    mov     x13, #0
    b       1b

4:  /* FDT_PROP: len, nameoff, value padded to 4 */
    ldbe32  w14, x10                /* w14 = len */
    add     x1, x10, #4
    ldbe32  w1, x1
    add     x15, x11, x1            /* x15 = property name */
    add     x10, x10, #8
    cbz     x13, 5f
    ldrb    w1, [x15]
    cmp     w1, #'r'
    b.ne    5f
    ldrb    w1, [x15, #1]
    cmp     w1, #'e'
    b.ne    5f
    ldrb    w1, [x15, #2]
    cmp     w1, #'g'
    b.ne    5f
    ldrb    w1, [x15, #3]
    cbnz    w1, 5f
    mov     x16, x10                /* x16 = cursor in the value */
    add     x17, x10, x14           /* x17 = end of the value */
41: add     x1, x16, #16
    cmp     x1, x17
    b.hi    5f
    ldr     x2, [x9]
    cmp     x2, #MAX_RANGES
    b.hs    5f
    /* Cells are big-endian and only 4-byte aligned. */
    ldbe32  w3, x16
    add     x1, x16, #4
    ldbe32  w6, x1
    orr     x3, x6, x3, lsl #32     /* base */
    add     x1, x16, #8
    ldbe32  w4, x1
    add     x1, x16, #12
    ldbe32  w6, x1
    orr     x4, x6, x4, lsl #32     /* size */
    ldr     x5, =ranges
    add     x5, x5, x2, lsl #4
    stp     x3, x4, [x5]
    add     x2, x2, #1
    str     x2, [x9]
    add     x16, x16, #16
    b       41b
5:  add     x10, x10, x14
    add     x10, x10, #3
    and     x10, x10, #~3
    b       1b

9:  ret

    .section .rodata
str_memory: .asciz "memory"
msg_hello:  .asciz "memvm guest: aarch64\n"
msg_dtb:    .asciz "dtb "
msg_ram:    .asciz "ram "
msg_image:  .asciz "image "
msg_pages:  .asciz "pages "
msg_sum:    .asciz "checksum "
msg_pass:   .asciz "PASS\n"
msg_fail:   .asciz "FAIL\n"
msg_filled: .asciz "filled\n"
msg_round:  .asciz "round "
msg_rounds: .asciz "rounds "
msg_stale:  .asciz "stale "

    .bss
    .balign 16
nranges:    .skip 8
    .balign 16
ranges:     .skip 16 * MAX_RANGES
    .balign 16
stack:      .skip 4096
stack_top:
