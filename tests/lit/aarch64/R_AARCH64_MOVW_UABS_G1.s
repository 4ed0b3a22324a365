# R_AARCH64_MOVW_UABS_G1 (MOVZ/MOVK with LSL #16: imm16 = (X >> 16) & 0xffff, X = S + A in
# [0, 2**32)) -> MoveWide16Checked; R_AARCH64_MOVW_UABS_G1_NC (unchecked) -> MoveWide16.
# LLVM's operands: MOVZ (Rd, imm16, shift), MOVK (Rd, tied Rd, imm16, shift).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/movw_g1.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs max32=0xffffffff \
# RUN:     -abs big=0xfedcba9876543210 -check %s %t/movw_g1.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# G1 of a slab address (below 2**32); the shift operand is 16.
# jitlink-check: decode_operand(test_movz_g1, 1) = main[31:16]
# jitlink-check: decode_operand(test_movz_g1, 1) = 0xfff0
# jitlink-check: decode_operand(test_movz_g1, 2) = 16
        .globl  test_movz_g1
test_movz_g1:
        movz    x0, #:abs_g1:main
        .size   test_movz_g1, 4

# The 32-bit MOVZ, the largest value G1 accepts.
# jitlink-check: decode_operand(test_movz_w_g1_max, 1) = 0xffff
# jitlink-check: decode_operand(test_movz_w_g1_max, 2) = 16
        .globl  test_movz_w_g1_max
test_movz_w_g1_max:
        movz    w2, #:abs_g1:max32
        .size   test_movz_w_g1_max, 4

# An addend that carries into bits [31:16]: 0xffffffff - 0xffff = 0xffff0000.
# jitlink-check: decode_operand(test_movk_g1_addend, 2) = 0xffff
        .globl  test_movk_g1_addend
test_movk_g1_addend:
        movk    x0, #:abs_g1:max32 - 0xffff
        .size   test_movk_g1_addend, 4

# G1_NC: bits [31:16] of a 64-bit value.
# jitlink-check: decode_operand(test_movk_g1_nc, 2) = 0x7654
# jitlink-check: decode_operand(test_movk_g1_nc, 3) = 16
        .globl  test_movk_g1_nc
test_movk_g1_nc:
        movk    x4, #:abs_g1_nc:big
        .size   test_movk_g1_nc, 4
