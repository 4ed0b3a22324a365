# R_AARCH64_ABS32 outside [-2**31, 2**32) fails with LLVM's out-of-range message: one past
# the unsigned maximum, and one below the signed minimum.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs32_high.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x100000000 %t/abs32_high.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x100000000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs32_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0xffffffff7fffffff %t/abs32_low.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0xffffffff7fffffff
#
# The block is named by one of its symbols at offset 0 (here "word" or the mapping symbol
# "$d.1"; LLVM picks "word", see out_of_range_block_symbol.s).
# CHECK: In graph {{.*}}abs32_{{high|low}}.o, section .data: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Pointer32 fixup at 0xfff00000 ({{[^,]+}}, 0xfff00000 + 0x0)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .globl  word
word:
        .word   target
        .size   word, 4
