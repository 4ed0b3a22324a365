# R_X86_64_PC16 (S + A - P, signed 16-bit) -> Delta16, forwards and backwards between
# two data sections (the assembler cannot fold differences across sections).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc16.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/pc16.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .section .data.first,"aw",@progbits
        .p2align 3
        .globl  anchor
anchor:
        .quad   0
        .size   anchor, 8

# Backwards: to a symbol at a lower address.
# jitlink-check: *{2}pc16_back = (anchor - pc16_back)[15:0]
        .section .data.second,"aw",@progbits
        .p2align 1
        .globl  pc16_back
pc16_back:
        .short  anchor - .
        .size   pc16_back, 2

# With an addend, and forwards to a higher address (.text lies above the data).
# jitlink-check: *{2}pc16_fwd = (main - pc16_fwd + 4)[15:0]
        .globl  pc16_fwd
pc16_fwd:
        .short  main + 4 - .
        .size   pc16_fwd, 2
