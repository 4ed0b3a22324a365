# R_X86_64_PC64 (S + A - P, 64-bit) -> Delta64: no range limit, wraps modulo 2^64.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -abs zero=0 \
# RUN:     -check %s %t/pc64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .data
        .p2align 3
# jitlink-check: *{8}pc64_far = far - pc64_far
        .globl  pc64_far
pc64_far:
        .quad   far - .
        .size   pc64_far, 8

# Negative: 0 - P wraps to 2^64 - P.
# jitlink-check: *{8}pc64_zero = zero - pc64_zero
        .globl  pc64_zero
pc64_zero:
        .quad   zero - .
        .size   pc64_zero, 8

# jitlink-check: *{8}pc64_main = main - pc64_main + 0x100
        .globl  pc64_main
pc64_main:
        .quad   main + 0x100 - .
        .size   pc64_main, 8
