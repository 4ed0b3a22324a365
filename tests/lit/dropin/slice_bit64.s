# A bit slice may name bit 64 when it is at most 64 bits wide, as in llvm-jitlink 19:
# [64:12] is an address's 4 KiB page number (what ADRP-style checks compare).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/slice.o %s
# RUN: llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s %t/slice.o
#
# jitlink-check: main[64:12] = 0xfff00
# jitlink-check: (main + 0x1fff)[64:12] = main[64:12] + 1
# jitlink-check: main[64:12] = main >> 12
# Bounds are numbers in any radix; slices of wide constants, one-bit slices.
# jitlink-check: main[0x40:0xc] = main[64:12]
# jitlink-check: 0xfedcba9876543210[64:12] = 0xfedcba9876543
# jitlink-check: 0xfedcba9876543210[64:60] = 0xf
# jitlink-check: 0xfedcba9876543210[63:63] = 1
# jitlink-check: 0xfedcba9876543210[0:0] = 0
# jitlink-check: main[11:0] = 0

        .text
        .globl  main
        .type   main,@function
main:
        retq
        .size   main, .-main
