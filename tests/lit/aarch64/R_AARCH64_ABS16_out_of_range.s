# R_AARCH64_ABS16 outside [-2**15, 2**16) fails: 0x10000, and -0x8001 (0xffff - 0x18000).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs16_high.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x10000 %t/abs16_high.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x10000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs16_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0xffffffffffff7fff %t/abs16_low.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0xffffffffffff7fff
#
# CHECK: In graph {{.*}}abs16_{{high|low}}.o, section .data: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Pointer16 fixup at 0xfff00000 ({{[^,]+}}, 0xfff00000 + 0x0)

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
        .hword  target
        .size   half, 2
