/*
 * Entry of the x86_64 guest, memvm's x86 boot protocol (docs/boot.md):
 * 64-bit mode, paging off, rdi = the boot table.  Set up a stack in our
 * own image and call guest_main(table); it never returns.
 */
    .section .text.boot, "ax"
    .code64
    .global _start
_start:
    lea     stack_top(%rip), %rsp
    call    guest_main
1:  hlt
    jmp     1b

    .bss
    .balign 16
stack:
    .skip 8192
stack_top:
    .section .note.GNU-stack, "", @progbits
