# R_AARCH64_PREL32 outside [-2**31, 2**32) fails. The word is the first of .data, at
# 0xfff00000 (no read-only section): target 0x1fff00000 gives X = 2**32, target 0x7fefffff
# gives X = -2**31 - 1.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel32_high.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x1fff00000 %t/prel32_high.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x1fff00000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/prel32_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x7fefffff %t/prel32_low.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x7fefffff
#
# CHECK: In graph {{.*}}prel32_{{high|low}}.o, section .data: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Delta32 fixup at 0xfff00000 ({{[^,]+}}, 0xfff00000 + 0x0)

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
        .word   target - .
        .size   word, 4
