# -entry names the symbol to link from (and run) instead of main; the object here has
# no main at all. Without -entry the lookup of main fails.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/entry.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry start_here -check %s %t/entry.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -no-process-syms %t/entry.o 2>&1 | FileCheck %s
#
# CHECK: Symbols not found: [ main ]

        .text
        .globl  start_here
        .p2align 4, 0x90
        .type   start_here,@function
start_here:
        leaq    value(%rip), %rax
        retq
        .size   start_here, .-start_here

# jitlink-check: decode_operand(start_here, 4) = value - next_pc(start_here)
        .data
        .globl  value
value:
        .long   3
        .size   value, 4
