# R_X86_64_GOT64 (G + A, 64-bit) -> RequestGOTAndTransformToDelta64FromGOT: the offset of
# the target's GOT entry from the GOT base.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/got64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/got64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_got64_far, 1) = got_addr(got64.o, far) - _GLOBAL_OFFSET_TABLE_
# jitlink-check: *{8}got_addr(got64.o, far) = far
        .globl  test_got64_far
        .type   test_got64_far,@function
test_got64_far:
        movabsq $far@GOT, %rax
        .size   test_got64_far, .-test_got64_far

# jitlink-check: decode_operand(test_got64_data, 1) = got_addr(got64.o, data) - _GLOBAL_OFFSET_TABLE_ + 8
# jitlink-check: *{8}got_addr(got64.o, data) = data
        .globl  test_got64_data
        .type   test_got64_data,@function
test_got64_data:
        movabsq $data@GOT+8, %rdx
        .size   test_got64_data, .-test_got64_data

        .data
        .globl  data
data:
        .quad   1
        .size   data, 8
