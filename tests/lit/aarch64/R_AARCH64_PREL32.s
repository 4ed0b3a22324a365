# R_AARCH64_PREL32 (S + A - P, 32 bits) -> Delta32. AAELF64 accepts X in [-2**31, 2**32)
# (a signed or unsigned 32-bit offset; LLVM's Delta32 takes only the signed half).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs hi32=0x1ffefffff -abs lo32=0x7ff00004 \
# RUN:     -check %s %t/prel32.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .p2align 2
# The object has no read-only section, so .data opens the slab and .text follows on the
# next page.
# jitlink-check: section_addr(prel32.o, .data) = 0xfff00000
# jitlink-check: main = 0xfff01000

# The largest value: hi32 = 0xfff00000 + 0xffffffff, so X = 2**32 - 1.
# jitlink-check: *{4}delta_max = 0xffffffff
        .globl  delta_max
delta_max:
        .word   hi32 - .
        .size   delta_max, 4

# The smallest: lo32 = 0xfff00004 - 2**31, so X = -2**31.
# jitlink-check: *{4}delta_min = 0x80000000
        .globl  delta_min
delta_min:
        .word   lo32 - .
        .size   delta_min, 4

# Forward to the code.
# jitlink-check: *{4}delta_main = main - delta_main
# jitlink-check: *{4}delta_main = 0xff8
        .globl  delta_main
delta_main:
        .word   main - .
        .size   delta_main, 4

# Backward, with a negative addend: delta_max - 4 - 0xfff0000c = -0x10.
# jitlink-check: *{4}delta_back = (delta_max - delta_back - 4)[31:0]
# jitlink-check: *{4}delta_back = 0xfffffff0
        .globl  delta_back
delta_back:
        .word   delta_max - 4 - .
        .size   delta_back, 4

# jitlink-check: *{4}guard = 0xa55aa55a
        .globl  guard
guard:
        .word   0xa55aa55a
        .size   guard, 4
