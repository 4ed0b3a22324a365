# R_X86_64_16 with S + A = 0x10000: too wide for the field.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs16_big.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs maxu16=0xffff %t/abs16_big.o 2>&1 | FileCheck %s
#
# CHECK: relocation target "maxu16" at address 0xffff {{(with addend 0x1 )?}}is out of range of Pointer16 fixup

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movw    half(%rip), %ax
        retq
        .size   main, .-main

        .data
        .globl  half
half:
        .short  maxu16 + 1
        .size   half, 2
