# R_X86_64_PC8 from data to code: the segments are a page apart, beyond Delta8's reach.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc8_far.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/pc8_far.o 2>&1 | FileCheck %s
#
# CHECK: relocation target "main" at address 0x{{[0-9a-f]+}} {{(with addend 0x0 )?}}is out of range of Delta8 fixup at 0x{{[0-9a-f]+}} (rel8, 0x{{[0-9a-f]+}} + 0x0)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movb    rel8(%rip), %al
        retq
        .size   main, .-main

        .data
        .globl  rel8
rel8:
        .byte   main - .
        .size   rel8, 1
