# R_AARCH64_PREL16 (S + A - P, 16 bits) -> Delta16. AAELF64 accepts X in [-2**15, 2**16).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel16.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs hi16=0xfff0ffff -abs lo16=0xffef8002 \
# RUN:     -check %s %t/prel16.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .p2align 1
# .data opens the slab (no read-only section); .text is on the next page.
# jitlink-check: section_addr(prel16.o, .data) = 0xfff00000

# hi16 = 0xfff00000 + 0xffff: X = 2**16 - 1.
# jitlink-check: *{2}delta_max = 0xffff
        .globl  delta_max
delta_max:
        .hword  hi16 - .
        .size   delta_max, 2

# lo16 = 0xfff00002 - 2**15: X = -2**15.
# jitlink-check: *{2}delta_min = 0x8000
        .globl  delta_min
delta_min:
        .hword  lo16 - .
        .size   delta_min, 2

# Forward to the code: main - 0xfff00004 = 0xffc.
# jitlink-check: *{2}delta_main = main - delta_main
# jitlink-check: *{2}delta_main = 0xffc
        .globl  delta_main
delta_main:
        .hword  main - .
        .size   delta_main, 2

# Backward with an addend: delta_max + 2 - 0xfff00006 = -4.
# jitlink-check: *{2}delta_back = 0xfffc
        .globl  delta_back
delta_back:
        .hword  delta_max + 2 - .
        .size   delta_back, 2

# jitlink-check: *{2}guard = 0xa55a
        .globl  guard
guard:
        .hword  0xa55a
        .size   guard, 2
