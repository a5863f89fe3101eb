/*
 * aarch64 guest that goes wrong on purpose (tests of guest errors):
 * after one line on the PL011 it jumps to BAD_ADDR (default), reads from
 * it (--defsym READ=1) or runs an undefined instruction (--defsym UDF=1).
 */
    .equ UART_BASE, 0x09000000
    .equ BAD_ADDR, 0xdeadbee000     /* nothing is mapped there */

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x9, #UART_BASE
    adr     x1, msg
1:  ldrb    w0, [x1], #1
    cbz     w0, 2f
    strb    w0, [x9]
    b       1b
2:  ldr     x2, =BAD_ADDR
.ifdef READ
    ldr     x3, [x2]
.else
.ifdef UDF
    udf     #0
.else
    br      x2
.endif
.endif
    b       .

    .section .rodata
msg: .asciz "memvm guest: aarch64, going wrong\n"
