# R_AARCH64_LD_PREL_LO19 outside [-2**20, 2**20), or not a multiple of 4, fails. S = P (the
# load at 0xfff00004), so X = A.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=1 \
# RUN:     -o %t/ld_prel_lo19_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ld_prel_lo19_over.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=2 \
# RUN:     -o %t/ld_prel_lo19_under.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ld_prel_lo19_under.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=3 \
# RUN:     -o %t/ld_prel_lo19_unaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ld_prel_lo19_unaligned.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}.o, section .text: relocation target "load" at address 0xfff00004 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of LDRLiteral19 fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  load
load:
.if CASE == 1
        ldr     x0, load + 0x100000       // X = 2**20
.elseif CASE == 2
        ldr     w0, load - 0x100004       // X = -2**20 - 4
.else
        ldr     x0, load + 2              // X % 4 == 2
.endif
        .size   load, 4
