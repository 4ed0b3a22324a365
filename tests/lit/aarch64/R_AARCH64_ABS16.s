# R_AARCH64_ABS16 (S + A, 16 bits) -> Pointer16. AAELF64 accepts X in [-2**15, 2**16).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs16.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs port=0x1234 -abs maxu16=0xffff \
# RUN:     -abs mins16=0xffffffffffff8000 -check %s %t/abs16.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .p2align 1
# jitlink-check: *{2}half_port = port
        .globl  half_port
half_port:
        .hword  port
        .size   half_port, 2

# jitlink-check: *{2}half_addend = 0x1240
        .globl  half_addend
half_addend:
        .hword  port + 12
        .size   half_addend, 2

# The largest unsigned value and the smallest signed one (-2**15).
# jitlink-check: *{2}half_max = 0xffff
        .globl  half_max
half_max:
        .hword  maxu16
        .size   half_max, 2

# jitlink-check: *{2}half_min = 0x8000
        .globl  half_min
half_min:
        .hword  mins16
        .size   half_min, 2

# 0x1234 - 0x2234 = -0x1000 fits sign-extended.
# jitlink-check: *{2}half_negative = 0xf000
        .globl  half_negative
half_negative:
        .hword  port - 0x2234
        .size   half_negative, 2

# jitlink-check: *{2}guard = 0xa55a
        .globl  guard
guard:
        .hword  0xa55a
        .size   guard, 2
