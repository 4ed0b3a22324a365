# R_AARCH64_ADR_PREL_LO21 outside [-2**20, 2**20) fails. S = P (the ADR at 0xfff00004),
# so X = A.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=1 \
# RUN:     -o %t/adr_over.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/adr_over.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=2 \
# RUN:     -o %t/adr_under.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/adr_under.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}.o, section .text: relocation target "address" at address 0xfff00004 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of ADRLiteral21 fixup at 0xfff00004 ({{[^,]+}}, 0xfff00000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  address
address:
.if CASE == 1
        adr     x0, address + 0x100000    // X = 2**20
.else
        adr     x0, address - 0x100001    // X = -2**20 - 1
.endif
        .size   address, 4
