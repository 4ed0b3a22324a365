# R_X86_64_NONE does nothing: the bytes under it are left alone and its symbol, if
# undefined, is not looked up.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/none.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/none.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        # In the symbol table (undefined), but only R_X86_64_NONE refers to it.
        .globl  nowhere_defined

        .data
        .p2align 3
# jitlink-check: *{8}untouched = 0x0123456789abcdef
        .globl  untouched
untouched:
        .reloc  ., R_X86_64_NONE, nowhere_defined
        .quad   0x0123456789abcdef
        .size   untouched, 8

# jitlink-check: *{4}untouched_local = 0xdeadbeef
        .globl  untouched_local
untouched_local:
        .reloc  ., R_X86_64_NONE, main
        .long   0xdeadbeef
        .size   untouched_local, 4
