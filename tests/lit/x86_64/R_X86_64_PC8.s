# R_X86_64_PC8 (S + A - P, signed 8-bit) -> Delta8, between two sections of the same
# segment, a few bytes apart.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc8.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/pc8.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .section .data.first,"aw",@progbits
        .globl  near_a
near_a:
        .byte   0x11
        .size   near_a, 1

        .section .data.second,"aw",@progbits
# jitlink-check: *{1}pc8_back = (near_a - pc8_back)[7:0]
        .globl  pc8_back
pc8_back:
        .byte   near_a - .
        .size   pc8_back, 1

# jitlink-check: *{1}pc8_fwd = (near_b - pc8_fwd + 2)[7:0]
        .globl  pc8_fwd
pc8_fwd:
        .byte   near_b + 2 - .
        .size   pc8_fwd, 1

        .section .data.third,"aw",@progbits
        .globl  near_b
near_b:
        .byte   0x22
        .size   near_b, 1
