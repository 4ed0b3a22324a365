# R_AARCH64_LDSTn_ABS_LO12_NC whose S + A is not a multiple of the access size cannot be
# encoded in the scaled field: the link fails (LLVM: PageOffset12 on a misaligned target)
# and nothing is written. item is the first byte of .data, at 0xfff00000; the load is at
# 0xfff01004.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=16 \
# RUN:     -o %t/ldst16_misaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ldst16_misaligned.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=32 \
# RUN:     -o %t/ldst32_misaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ldst32_misaligned.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=64 \
# RUN:     -o %t/ldst64_misaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ldst64_misaligned.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=128 \
# RUN:     -o %t/ldst128_misaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ldst128_misaligned.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}_misaligned.o, section .text: relocation target "item" at address 0xfff00000 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of PageOffset12 fixup at 0xfff01004 ({{[^,]+}}, 0xfff01000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  access
access:
.if CASE == 16
        ldrh    w0, [x0, :lo12:item + 1]
.elseif CASE == 32
        str     w0, [x0, :lo12:item + 2]
.elseif CASE == 64
        ldr     x0, [x0, :lo12:item + 4]
.else
        ldr     q0, [x0, :lo12:item + 8]
.endif
        .size   access, 4

        .data
        .p2align 4
        .globl  item
item:
        .zero   32
        .size   item, 32
