# R_AARCH64_ADR_PREL_PG_HI21 with X = Page(S + A) - Page(P) outside [-2**32, 2**32) fails.
# .text is alone in the slab: the ADRP at 0xfff00004 is on page 0xfff00000. Target
# 0x1_fff0_0000 gives X = 2**32; target 0 - 0x101000 gives X = -2**32 - 0x1000.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/adrp_high.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0x1fff00000 %t/adrp_high.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x1fff00000
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=LOW=1 \
# RUN:     -o %t/adrp_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs target=0 %t/adrp_low.o 2>&1 \
# RUN:   | FileCheck %s -DVALUE=0x0
#
# CHECK: In graph {{.*}}adrp_{{high|low}}.o, section .text: relocation target "target" at address [[VALUE]] {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Page21 fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  page
page:
.ifdef LOW
        adrp    x0, target - 0x101000
.else
        adrp    x0, target
.endif
        .size   page, 4
