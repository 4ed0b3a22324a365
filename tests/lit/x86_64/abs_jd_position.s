# -abs defines its symbol in the JITDylib chosen by position (the last -jd before it, or
# main): after "-jd lib" the symbol is lib's, visible to main only if main links lib.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs_pos.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/abs_pos.o -llib -jd lib -abs placed=0x5000
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/abs_pos.o -jd lib -abs placed=0x5000 2>&1 \
# RUN:   | FileCheck %s
# CHECK: Symbols not found: [ placed ]

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{8}ptr_placed = 0x5000
        .data
        .p2align 3
        .globl  ptr_placed
ptr_placed:
        .quad   placed
        .size   ptr_placed, 8
