# R_AARCH64_MOVW_UABS_G0/G1/G2 check 0 <= S + A < 2**16 / 2**32 / 2**48: one past each
# limit, and a negative value, fail. The MOVZ is at 0xfff00004 (.text alone).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=G=0 \
# RUN:     -o %t/movw_g0_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x10000 %t/movw_g0_over.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x10000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=G=0 \
# RUN:     -o %t/movw_g0_negative.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0xffffffffffffffff %t/movw_g0_negative.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0xffffffffffffffff
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=G=1 \
# RUN:     -o %t/movw_g1_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x100000000 %t/movw_g1_over.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x100000000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=G=2 \
# RUN:     -o %t/movw_g2_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x1000000000000 %t/movw_g2_over.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x1000000000000
#
# CHECK: In graph {{.*}}movw_g{{.*}}.o, section .text: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of MoveWide16Checked fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  move
move:
.if G == 0
        movz    x0, #:abs_g0:target
.elseif G == 1
        movz    x0, #:abs_g1:target
.else
        movz    x0, #:abs_g2:target
.endif
        .size   move, 4
