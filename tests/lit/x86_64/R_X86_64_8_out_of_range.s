# R_X86_64_8 with S + A = -0x81: below what the 8-bit field holds.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs8_low.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs tag=0x5a %t/abs8_low.o 2>&1 | FileCheck %s
#
# CHECK: relocation target "tag" at address 0x5a {{(with addend -0xdb )?}}is out of range of Pointer8 fixup at 0x{{[0-9a-f]+}} (byte_low, 0x{{[0-9a-f]+}} + 0x0)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movb    byte_low(%rip), %al
        retq
        .size   main, .-main

        .data
        .globl  byte_low
byte_low:
        .byte   tag - 0xdb
        .size   byte_low, 1
