# R_X86_64_PC16 to a target 1 MiB away: out of range of Delta16.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc16_far.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs away=0xffe00000 %t/pc16_far.o 2>&1 | FileCheck %s
#
# CHECK: relocation target "away" at address 0xffe00000 {{(with addend 0x0 )?}}is out of range of Delta16 fixup at 0x{{[0-9a-f]+}} (rel, 0x{{[0-9a-f]+}} + 0x0)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movw    rel(%rip), %ax
        retq
        .size   main, .-main

        .data
        .globl  rel
rel:
        .short  away - .
        .size   rel, 2
