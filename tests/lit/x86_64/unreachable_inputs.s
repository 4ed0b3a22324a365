# Only what the entry point reaches is linked: an input that nothing references is
# never materialized, so its unresolvable reference is not an error. Once the entry
# point reaches it, the error appears.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/reach_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=ISLAND=1 \
# RUN:     -o %t/island.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/reach_main.o %t/island.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry island_fn %t/reach_main.o %t/island.o 2>&1 \
# RUN:   | FileCheck %s
#
# CHECK: Symbols not found: [ nobody_defines_this ]

        .text
.ifndef ISLAND
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main
# jitlink-check: *{1}main = 0xc3
.else
        .globl  island_fn
        .p2align 4, 0x90
        .type   island_fn,@function
island_fn:
        jmp     nobody_defines_this@PLT
        .size   island_fn, .-island_fn
.endif
