# R_AARCH64_CALL26 / R_AARCH64_JUMP26 whose X = S + A - P is outside [-2**27, 2**27) or not
# a multiple of 4 fails with LLVM's out-of-range message and writes nothing. The targets
# are the branches themselves (S = P, X = A), so only the addend decides. .text is alone
# in the slab: the branch is at 0xfff00004.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=1 \
# RUN:     -o %t/call26_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/call26_over.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=2 \
# RUN:     -o %t/call26_under.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/call26_under.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=3 \
# RUN:     -o %t/call26_unaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/call26_unaligned.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=4 \
# RUN:     -o %t/jump26_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/jump26_over.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}.o, section .text: relocation target "branch" at address 0xfff00004 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Branch26PCRel fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

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
        bl      branch + 0x8000000        // X = 2**27
.elseif CASE == 2
        bl      branch - 0x8000004        // X = -2**27 - 4
.elseif CASE == 3
        bl      branch + 2                // X % 4 == 2
.else
        b       branch + 0x8000000        // JUMP26, X = 2**27
.endif
        .size   branch, 4
