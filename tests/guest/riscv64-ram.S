/*
 * Bare-metal riscv64 guest for the RISC-V "virt" board (see README.md
 * here).  Runs in M-mode from the start of RAM, as with QEMU's "-bios
 * none": a0 = hart id, a1 = DTB.  The RAM map comes from the DTB.
 *
 * Default build: write one word per 4 KiB page and the last byte of each
 * RAM range (skipping this program's own pages), read them all back,
 * print the sum and PASS, end through the SiFive test finisher (status
 * 0; 1 on failure).  Built with --defsym FILL=1: store a word to every 8
 * bytes of RAM instead (the benchmark); with --defsym EMPTY=1: end at
 * once (the benchmark's baseline).  Built with --defsym LIVE=1 (the live
 * migration test): store (address ^ pattern) + round into every page,
 * round after round, printing every 16th round, until a 'q' arrives on
 * the UART, counting pages that do not hold the previous round's word
 * before the store (stale: a page that a migration lost); then read all
 * pages back, print the rounds, the stale count and the sum, PASS if
 * nothing was stale and every page holds the last round's word.
 */
    .equ UART_BASE, 0x10000000      /* ns16550a */
    .equ UART_LSR, 5
    .equ UART_LSR_THRE, 0x20
    .equ UART_LSR_DR, 0x01
    .equ TEST_BASE, 0x100000        /* SiFive test finisher */
    .equ FINISHER_PASS, 0x5555
    .equ FINISHER_FAIL_1, 0x13333   /* fail, exit code 1 */
    .equ FDT_MAGIC, 0xd00dfeed
    .equ MAX_RANGES, 16
    .equ PATTERN_VALUE, 0x5aa5c33c0ff0e11e  /* stored: address ^ this */

    .section .text.boot, "ax"
    .global _start
_start:
    la      sp, stack_top
    mv      s0, a1                  /* s0 = DTB */

    la      a0, msg_hello
    call    puts
    la      a0, msg_dtb
    call    puts
    mv      a0, s0
    call    puthex
    call    newline

    mv      a0, s0
    call    fdt_scan
    la      t0, nranges
    ld      s1, 0(t0)               /* s1 = number of ranges */
    beqz    s1, fail

    la      s2, ranges              /* s2 = ranges[] */
    li      s3, 0
1:  la      a0, msg_ram
    call    puts
    slli    t0, s3, 4
    add     t0, s2, t0
    ld      a0, 0(t0)
    call    puthex
    li      a0, ' '
    call    putc
    slli    t0, s3, 4
    add     t0, s2, t0
    ld      a0, 8(t0)
    call    puthex
    call    newline
    addi    s3, s3, 1
    bltu    s3, s1, 1b

    la      s4, _start
    li      t0, ~0xfff
    and     s4, s4, t0              /* s4 = first page of the image */
    la      s5, _end
    addi    s5, s5, 0x7ff
    addi    s5, s5, 0x7ff
    addi    s5, s5, 1
    and     s5, s5, t0              /* s5 = end of the image */
    la      a0, msg_image
    call    puts
    mv      a0, s4
    call    puthex
    li      a0, ' '
    call    putc
    mv      a0, s5
    call    puthex
    call    newline

.ifdef EMPTY
    j       pass_exit               /* benchmark baseline: start and stop */
.endif
.ifdef LIVE
    li      s6, PATTERN_VALUE
    li      s7, 0                   /* s7 = round */
    li      s11, 0                  /* s11 = stale pages seen */
1:  addi    s7, s7, 1
    li      t6, 0x1000
    li      s3, 0
2:  slli    t0, s3, 4
    add     t0, s2, t0
    ld      t1, 0(t0)
    ld      t2, 8(t0)
    add     t2, t1, t2
3:  bltu    t1, s4, 4f
    bltu    t1, s5, 5f
4:  xor     t3, t1, s6
    add     t3, t3, s7
    li      t4, 1
    beq     s7, t4, 8f              /* round 1: nothing to check */
    ld      t4, 0(t1)               /* the previous round's word? */
    addi    t5, t3, -1
    beq     t4, t5, 8f
    addi    s11, s11, 1
8:  sd      t3, 0(t1)
5:  add     t1, t1, t6
    bltu    t1, t2, 3b
    addi    s3, s3, 1
    bltu    s3, s1, 2b
    andi    t0, s7, 0xf
    bnez    t0, 6f
    la      a0, msg_round
    call    puts
    mv      a0, s7
    call    puthex
    call    newline
6:  li      t0, UART_BASE           /* a 'q' waiting? */
    lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_DR
    beqz    t1, 1b
    lbu     t1, 0(t0)
    li      t2, 'q'
    bne     t1, t2, 1b
    /* Read back: s9 = sum, s10 = what it must be, s8 = pages. */
    li      s8, 0
    li      s9, 0
    li      s10, 0
    li      t6, 0x1000
    li      s3, 0
2:  slli    t0, s3, 4
    add     t0, s2, t0
    ld      t1, 0(t0)
    ld      t2, 8(t0)
    add     t2, t1, t2
3:  bltu    t1, s4, 4f
    bltu    t1, s5, 5f
4:  ld      t3, 0(t1)
    add     s9, s9, t3
    xor     t3, t1, s6
    add     t3, t3, s7
    add     s10, s10, t3
    addi    s8, s8, 1
5:  add     t1, t1, t6
    bltu    t1, t2, 3b
    addi    s3, s3, 1
    bltu    s3, s1, 2b
    la      a0, msg_rounds
    call    puts
    mv      a0, s7
    call    puthex
    call    newline
    la      a0, msg_pages
    call    puts
    mv      a0, s8
    call    puthex
    call    newline
    la      a0, msg_stale
    call    puts
    mv      a0, s11
    call    puthex
    call    newline
    la      a0, msg_sum
    call    puts
    mv      a0, s9
    call    puthex
    call    newline
    bnez    s11, fail
    bne     s9, s10, fail
    la      a0, msg_pass
    call    puts
    j       pass_exit
.endif
.ifdef FILL
    li      s3, 0
2:  slli    t0, s3, 4
    add     t0, s2, t0
    ld      t1, 0(t0)               /* t1 = cursor */
    ld      t2, 8(t0)
    add     t2, t1, t2              /* t2 = end */
3:  bltu    t1, s4, 4f
    bgeu    t1, s5, 4f
    mv      t1, s5                  /* jump over the image */
    j       5f
4:  sd      t1, 0(t1)
    addi    t1, t1, 8
5:  bltu    t1, t2, 3b
    addi    s3, s3, 1
    bltu    s3, s1, 2b
    la      a0, msg_filled
    call    puts
    j       pass_exit
.else
    li      s6, PATTERN_VALUE
    li      s7, 0                   /* sum of what is stored */
    li      s8, 0                   /* pages touched */
    li      t6, 0x1000
    li      s3, 0
2:  slli    t0, s3, 4
    add     t0, s2, t0
    ld      t1, 0(t0)
    ld      t2, 8(t0)
    add     t2, t1, t2
3:  bltu    t1, s4, 4f
    bltu    t1, s5, 5f
4:  xor     t3, t1, s6
    sd      t3, 0(t1)
    add     s7, s7, t3
    addi    s8, s8, 1
5:  add     t1, t1, t6
    bltu    t1, t2, 3b
    addi    t1, t2, -1              /* last byte of the range */
    bltu    t1, s4, 6f
    bltu    t1, s5, 7f
6:  li      t3, 0xa5
    sb      t3, 0(t1)
    add     s7, s7, t3
7:  addi    s3, s3, 1
    bltu    s3, s1, 2b

    li      s9, 0                   /* sum of what is read back */
    li      s3, 0
2:  slli    t0, s3, 4
    add     t0, s2, t0
    ld      t1, 0(t0)
    ld      t2, 8(t0)
    add     t2, t1, t2
3:  bltu    t1, s4, 4f
    bltu    t1, s5, 5f
4:  ld      t3, 0(t1)
    add     s9, s9, t3
5:  add     t1, t1, t6
    bltu    t1, t2, 3b
    addi    t1, t2, -1
    bltu    t1, s4, 6f
    bltu    t1, s5, 7f
6:  lbu     t3, 0(t1)
    add     s9, s9, t3
7:  addi    s3, s3, 1
    bltu    s3, s1, 2b

    la      a0, msg_pages
    call    puts
    mv      a0, s8
    call    puthex
    call    newline
    la      a0, msg_sum
    call    puts
    mv      a0, s9
    call    puthex
    call    newline
    bne     s7, s9, fail
    la      a0, msg_pass
    call    puts
.endif

pass_exit:
    li      t0, TEST_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
    j       .

fail:
    la      a0, msg_fail
    call    puts
    li      t0, TEST_BASE
    li      t1, FINISHER_FAIL_1
    sw      t1, 0(t0)
    j       .

/* putc(a0): wait for the transmit holding register to be empty. */
putc:
    li      t0, UART_BASE
1:  lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_THRE
    beqz    t1, 1b
    sb      a0, 0(t0)
    ret

/* puts(a0 = NUL-terminated string) */
puts:
    addi    sp, sp, -16
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    mv      s0, a0
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    call    putc
    addi    s0, s0, 1
    j       1b
2:  ld      ra, 0(sp)
    ld      s0, 8(sp)
    addi    sp, sp, 16
    ret

newline:
    li      a0, '\n'
    j       putc

/* puthex(a0): "0x" and 16 hex digits */
puthex:
    addi    sp, sp, -32
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    sd      s1, 16(sp)
    mv      s0, a0
    li      a0, '0'
    call    putc
    li      a0, 'x'
    call    putc
    li      s1, 60
1:  srl     a0, s0, s1
    andi    a0, a0, 0xf
    li      t0, 10
    bltu    a0, t0, 2f
    addi    a0, a0, 'a' - 10 - '0'
2:  addi    a0, a0, '0'
    call    putc
    addi    s1, s1, -4
    bgez    s1, 1b
    ld      ra, 0(sp)
    ld      s0, 8(sp)
    ld      s1, 16(sp)
    addi    sp, sp, 32
    ret

/* rd = big-endian 32 bits at 0(rs), by bytes (rs may be unaligned) */
.macro  ldbe32 rd, rs, tmp
    lbu     \rd, 0(\rs)
    lbu     \tmp, 1(\rs)
    slli    \rd, \rd, 8
    or      \rd, \rd, \tmp
    lbu     \tmp, 2(\rs)
    slli    \rd, \rd, 8
    or      \rd, \rd, \tmp
    lbu     \tmp, 3(\rs)
    slli    \rd, \rd, 8
    or      \rd, \rd, \tmp
.endm

/*
 * fdt_scan(a0 = DTB): (base, size) of every reg entry of the root's
 * memory nodes into ranges[], count into nranges.  Assumes the root's
 * #address-cells = #size-cells = 2, as QEMU's virt trees have.
 */
fdt_scan:
    la      a7, nranges
    sd      zero, 0(a7)
    ldbe32  t0, a0, t1
    li      t1, FDT_MAGIC
    bne     t0, t1, 9f
    addi    t2, a0, 8
    ldbe32  t0, t2, t1
    add     a1, a0, t0              /* a1 = structure block cursor */
    addi    t2, a0, 12
    ldbe32  t0, t2, t1
    add     a2, a0, t0              /* a2 = strings block */
    li      a3, 0                   /* depth */
    li      a4, 0                   /* inside a memory node */
1:  ldbe32  t0, a1, t1
    addi    a1, a1, 4
    li      t1, 1
    beq     t0, t1, 2f
    li      t1, 2
    beq     t0, t1, 3f
    li      t1, 3
    beq     t0, t1, 4f
    li      t1, 4
    beq     t0, t1, 1b
    j       9f                      /* FDT_END or garbage */

2:  /* FDT_BEGIN_NODE: name follows, NUL-terminated, padded to 4 */
    addi    a3, a3, 1
    li      a4, 0
    li      t1, 2
    bne     a3, t1, 21f
    la      t2, str_memory
    mv      t3, a1
22: lbu     t4, 0(t2)
    beqz    t4, 23f
    lbu     t5, 0(t3)
    bne     t4, t5, 21f
    addi    t2, t2, 1
    addi    t3, t3, 1
    j       22b
23: lbu     t5, 0(t3)               /* "memory" or "memory@..." */
    beqz    t5, 20f
    li      t4, '@'
    bne     t5, t4, 21f
20: li      a4, 1
21: lbu     t0, 0(a1)
    addi    a1, a1, 1
    bnez    t0, 21b
    addi    a1, a1, 3
    andi    a1, a1, -4
    j       1b

3:  /* FDT_END_NODE */
    addi    a3, a3, -1
    li      a4, 0
    j       1b

4:  /* FDT_PROP: len, nameoff, value padded to 4 */
    ldbe32  a5, a1, t1              /* a5 = len */
    addi    t2, a1, 4
    ldbe32  t0, t2, t1
    add     a6, a2, t0              /* a6 = property name */
    addi    a1, a1, 8
    beqz    a4, 5f
    lbu     t0, 0(a6)
    li      t1, 'r'
    bne     t0, t1, 5f
    lbu     t0, 1(a6)
    li      t1, 'e'
    bne     t0, t1, 5f
    lbu     t0, 2(a6)
    li      t1, 'g'
    bne     t0, t1, 5f
    lbu     t0, 3(a6)
    bnez    t0, 5f
    mv      t2, a1                  /* t2 = cursor in the value */
    add     t3, a1, a5              /* t3 = end of the value */
41: addi    t0, t2, 16
    bgtu    t0, t3, 5f
    ld      t4, 0(a7)
    li      t0, MAX_RANGES
    bgeu    t4, t0, 5f
    ldbe32  t5, t2, t1
    addi    t0, t2, 4
    ldbe32  t6, t0, t1
    slli    t5, t5, 32
    or      t5, t5, t6              /* base */
    slli    t0, t4, 4
    la      t6, ranges
    add     t6, t6, t0
    sd      t5, 0(t6)
    addi    t0, t2, 8
    ldbe32  t5, t0, t1
    addi    t0, t2, 12
    ldbe32  a6, t0, t1
    slli    t5, t5, 32
    or      t5, t5, a6              /* size */
    sd      t5, 8(t6)
    addi    t4, t4, 1
    sd      t4, 0(a7)
    addi    t2, t2, 16
    j       41b
5:  add     a1, a1, a5
    addi    a1, a1, 3
    andi    a1, a1, -4
    j       1b

9:  ret

    .section .rodata
str_memory: .asciz "memory"
msg_hello:  .asciz "memvm guest: riscv64\n"
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
