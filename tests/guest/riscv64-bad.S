/*
 * riscv64 guest that goes wrong on purpose (tests of guest errors):
 * after one line on the UART it jumps to BAD_ADDR (default), reads from
 * it (--defsym READ=1) or runs an illegal instruction (--defsym UDF=1).
 */
    .equ UART_BASE, 0x10000000
    .equ BAD_ADDR, 0xdeadbee000     /* nothing is mapped there */

    .section .text.boot, "ax"
    .global _start
_start:
    li      t0, UART_BASE
    la      t1, msg
1:  lbu     t2, 0(t1)
    beqz    t2, 2f
    sb      t2, 0(t0)
    addi    t1, t1, 1
    j       1b
2:  li      t3, BAD_ADDR
.ifdef READ
    ld      t4, 0(t3)
.else
.ifdef UDF
    .word   0xffffffff
.else
    jr      t3
.endif
.endif
    j       .

    .section .rodata
msg: .asciz "memvm guest: riscv64, going wrong\n"
