# R_X86_64_32 whose S + A does not fit an unsigned 32-bit field (here 0x100000000).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs32_big.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs top=0xffffffff %t/abs32_big.o 2>&1 \
# RUN:   | FileCheck %s
#
# CHECK: In graph {{.*}}abs32_big.o, section .data: relocation target "top" at address 0xffffffff {{(with addend 0x1 )?}}is out of range of Pointer32 fixup at 0x{{[0-9a-f]+}} (word_over, 0x{{[0-9a-f]+}} + 0x0)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    word_over(%rip), %eax
        retq
        .size   main, .-main

        .data
        .globl  word_over
word_over:
        .long   top + 1
        .size   word_over, 4
