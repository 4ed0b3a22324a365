# REQUIRES: x86_64-host
#
# Run linked code natively: main follows PC-relative, GOT, absolute-pointer and PLT
# references at run time and returns 0 only if each one lands on the expected value.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/exec_relocs.o %s
# RUN: pyjitlink %t/exec_relocs.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        # PC32: load a value directly.
        movl    magic(%rip), %eax
        cmpl    $0x600d, %eax
        jne     .Lfail
        # REX_GOTPCRELX (relaxed or not): the address of magic.
        movq    magic@GOTPCREL(%rip), %rcx
        cmpl    $0x600d, (%rcx)
        jne     .Lfail
        # R_X86_64_64: a pointer in data to magic.
        movq    ptr_magic(%rip), %rdx
        cmpq    %rdx, %rcx
        jne     .Lfail
        # PLT32 to a function in another section; it returns 7.
        callq   seven@PLT
        cmpl    $7, %eax
        jne     .Lfail
        # An indirect call through the GOT (GOTPCRELX).
        callq   *seven@GOTPCREL(%rip)
        cmpl    $7, %eax
        jne     .Lfail
        # R_X86_64_PC64 from data to magic.
        leaq    pc64_magic(%rip), %rsi
        movq    (%rsi), %rdi
        addq    %rsi, %rdi
        cmpq    %rdi, %rcx
        jne     .Lfail
        xorl    %eax, %eax
        retq
.Lfail:
        movl    $1, %eax
        retq
        .size   main, .-main

        .section .text.other,"ax",@progbits
        .globl  seven
        .type   seven,@function
seven:
        movl    $7, %eax
        retq
        .size   seven, .-seven

        .data
        .p2align 3
        .globl  magic
magic:
        .long   0x600d
        .long   0
        .size   magic, 8
ptr_magic:
        .quad   magic
pc64_magic:
        .quad   magic - .
