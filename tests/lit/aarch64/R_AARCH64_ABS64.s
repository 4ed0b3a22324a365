# R_AARCH64_ABS64 (S + A, 64 bits; AAELF64 checks nothing: the value wraps) -> Pointer64.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abcdef0 \
# RUN:     -abs top=0xfffffffffffffff0 -check %s %t/abs64.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .p2align 3
# A function, a data symbol plus an addend, an external, an external minus 16.
# jitlink-check: *{8}ptr_main = main
        .globl  ptr_main
ptr_main:
        .xword  main
        .size   ptr_main, 8

# jitlink-check: *{8}ptr_data_addend = ptr_main + 24
        .globl  ptr_data_addend
ptr_data_addend:
        .xword  ptr_main + 24
        .size   ptr_data_addend, 8

# jitlink-check: *{8}ptr_ext = ext
# jitlink-check: *{8}ptr_ext = 0x123456789abcdef0
        .globl  ptr_ext
ptr_ext:
        .xword  ext
        .size   ptr_ext, 8

# jitlink-check: *{8}ptr_ext_negative = ext - 16
# jitlink-check: *{8}ptr_ext_negative = 0x123456789abcdee0
        .globl  ptr_ext_negative
ptr_ext_negative:
        .xword  ext - 16
        .size   ptr_ext_negative, 8

# S + A wraps at 64 bits: 0xfffffffffffffff0 + 0x20 = 0x10.
# jitlink-check: *{8}ptr_wrap = 0x10
        .globl  ptr_wrap
ptr_wrap:
        .xword  top + 0x20
        .size   ptr_wrap, 8

# An unaligned field (ABS64 has no alignment requirement): 1 + 8 bytes, then a guard.
# jitlink-check: *{1}unaligned = 0x5a
# jitlink-check: *{8}(unaligned + 1) = ext
# jitlink-check: *{1}(unaligned + 9) = 0xa5
        .globl  unaligned
unaligned:
        .byte   0x5a
        .xword  ext
        .byte   0xa5
        .size   unaligned, 10
