# R_AARCH64_PREL64 (S + A - P, 64 bits; no check: the value wraps) -> Delta64.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -abs zero=0 \
# RUN:     -check %s %t/prel64.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .section .rodata,"a",@progbits
        .globl  ro
ro:
        .xword  1
        .size   ro, 8

        .data
        .p2align 3
# To the code (forward: .text follows .data in the slab).
# jitlink-check: *{8}delta_main = main - delta_main
        .globl  delta_main
delta_main:
        .xword  main - .
        .size   delta_main, 8

# Backward to .rodata (a negative value, two's complement in 64 bits), with an addend.
# jitlink-check: *{8}delta_ro = ro - delta_ro + 4
        .globl  delta_ro
delta_ro:
        .xword  ro + 4 - .
        .size   delta_ro, 8

# A target farther than 32 bits reach.
# jitlink-check: *{8}delta_far = far - delta_far
        .globl  delta_far
delta_far:
        .xword  far - .
        .size   delta_far, 8

# Address 0 from the slab: -P, wrapping.
# jitlink-check: *{8}delta_zero = zero - delta_zero
        .globl  delta_zero
delta_zero:
        .xword  zero - .
        .size   delta_zero, 8
