# R_AARCH64_PREL16 outside [-2**15, 2**16) fails. The field is the first of .data, at
# 0xfff00000: target 0xfff10000 gives X = 2**16, target 0xffef7fff gives X = -2**15 - 1.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel16_high.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0xfff10000 %t/prel16_high.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0xfff10000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel16_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0xffef7fff %t/prel16_low.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0xffef7fff
#
# CHECK: In graph {{.*}}prel16_{{high|low}}.o, section .data: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Delta16 fixup at 0xfff00000 ({{[^,]+}}, 0xfff00000 + 0x0)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .globl  half
half:
        .hword  target - .
        .size   half, 2
