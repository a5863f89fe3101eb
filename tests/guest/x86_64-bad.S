/*
 * x86_64 guest that goes wrong on purpose (tests of guest errors):
 * after one line on COM1 it jumps to BAD_ADDR (default), reads from it
 * (--defsym READ=1) or runs an undefined instruction (--defsym UDF=1).
 */
    .equ COM1, 0x3f8
    .equ BAD_ADDR, 0xdeadbee000     /* nothing is mapped there */

    .section .text.boot, "ax"
    .code64
    .global _start
_start:
    lea     msg(%rip), %rsi
    mov     $COM1, %dx
1:  lodsb
    test    %al, %al
    jz      2f
    out     %al, %dx
    jmp     1b
2:  movabs  $BAD_ADDR, %rbx
.ifdef READ
    mov     (%rbx), %rax
.else
.ifdef UDF
    ud2
.else
    jmp     *%rbx
.endif
.endif
1:  hlt
    jmp     1b

    .section .rodata
msg: .asciz "memvm guest: x86_64, going wrong\n"
    .section .note.GNU-stack, "", @progbits
