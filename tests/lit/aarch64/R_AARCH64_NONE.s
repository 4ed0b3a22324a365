# R_AARCH64_NONE does nothing: the bytes under it are left alone, on data and on an
# instruction, and its symbol, undefined here, is never looked up (there is no -abs for it).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/none.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/none.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        # In the symbol table (undefined), but only R_AARCH64_NONE refers to it.
        .globl  nowhere_defined

# A BL whose imm26 is nonzero stays as assembled: BL #8 (0x94000002).
# jitlink-check: *{4}test_bl_untouched = 0x94000002
# jitlink-check: decode_operand(test_bl_untouched, 0) = 2
        .globl  test_bl_untouched
test_bl_untouched:
        .reloc  ., R_AARCH64_NONE, nowhere_defined
        bl      . + 8
        .size   test_bl_untouched, 4

        .data
        .p2align 3
# jitlink-check: *{8}untouched = 0x0123456789abcdef
        .globl  untouched
untouched:
        .reloc  ., R_AARCH64_NONE, nowhere_defined
        .xword  0x0123456789abcdef
        .size   untouched, 8

# jitlink-check: *{4}untouched_local = 0xdeadbeef
        .globl  untouched_local
untouched_local:
        .reloc  ., R_AARCH64_NONE, main
        .word   0xdeadbeef
        .size   untouched_local, 4
