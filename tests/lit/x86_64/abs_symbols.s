# -abs name=addr defines absolute symbols: the address is read with automatic radix
# (0x hex, leading 0 octal, otherwise decimal), and relocations against them use the
# plain address (no GOT or stub is needed to reach it when it is near).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs_syms.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs hexval=0xfeedf00d -abs decval=4096 \
# RUN:     -abs octval=0755 -abs near_fn=0xffe00000 -check %s %t/abs_syms.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: hexval = 0xfeedf00d
# jitlink-check: decval = 0x1000
# jitlink-check: octval = 493
# jitlink-check: *{8}ptr_hex = 0xfeedf00d
# jitlink-check: *{8}ptr_dec = 4096
# jitlink-check: *{8}ptr_oct = 0x1ed
        .data
        .p2align 3
        .globl  ptr_hex
ptr_hex:
        .quad   hexval
        .size   ptr_hex, 8
        .globl  ptr_dec
ptr_dec:
        .quad   decval
        .size   ptr_dec, 8
        .globl  ptr_oct
ptr_oct:
        .quad   octval
        .size   ptr_oct, 8

# A call to an absolute function 1 MiB below the slab: direct.
# jitlink-check: decode_operand(test_call_abs, 0) = near_fn - next_pc(test_call_abs)
        .text
        .globl  test_call_abs
        .type   test_call_abs,@function
test_call_abs:
        callq   near_fn@PLT
        .size   test_call_abs, .-test_call_abs
