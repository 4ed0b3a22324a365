# R_AARCH64_CONDBR19 outside [-2**20, 2**20), or not a multiple of 4, fails. S = P (the
# branch at 0xfff00004), so X = A.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=1 \
# RUN:     -o %t/condbr19_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/condbr19_over.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=2 \
# RUN:     -o %t/condbr19_under.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/condbr19_under.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=3 \
# RUN:     -o %t/condbr19_unaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/condbr19_unaligned.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}.o, section .text: relocation target "branch" at address 0xfff00004 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of CondBranch19PCRel fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  branch
branch:
.if CASE == 1
        b.eq    branch + 0x100000         // X = 2**20
.elseif CASE == 2
        cbz     x0, branch - 0x100004     // X = -2**20 - 4
.else
        cbnz    w1, branch + 6            // X % 4 == 2
.endif
        .size   branch, 4
