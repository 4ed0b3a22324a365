# R_AARCH64_MOVW_UABS_G3 (64-bit MOVZ/MOVK with LSL #48: imm16 = X >> 48; every 64-bit X
# fits) -> MoveWide16. The four MOVW_UABS forms together build a 64-bit address.
# LLVM's operands: MOVZ (Rd, imm16, shift), MOVK (Rd, tied Rd, imm16, shift).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/movw_g3.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs big=0xfedcba9876543210 -abs one=1 -check %s %t/movw_g3.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# jitlink-check: decode_operand(test_movz_g3, 1) = 0xfedc
# jitlink-check: decode_operand(test_movz_g3, 2) = 48
        .globl  test_movz_g3
test_movz_g3:
        movz    x0, #:abs_g3:big
        .size   test_movz_g3, 4

# A negative S + A (1 - 2 = -1) has all of bits [63:48] set.
# jitlink-check: decode_operand(test_movk_g3_wrap, 2) = 0xffff
# jitlink-check: decode_operand(test_movk_g3_wrap, 3) = 48
        .globl  test_movk_g3_wrap
test_movk_g3_wrap:
        movk    x0, #:abs_g3:one - 2
        .size   test_movk_g3_wrap, 4

# movz g3; movk g2_nc; movk g1_nc; movk g0_nc: every slice of big.
# jitlink-check: decode_operand(test_seq_g3, 1) = big[63:48]
# jitlink-check: decode_operand(test_seq_g2, 2) = big[47:32]
# jitlink-check: decode_operand(test_seq_g1, 2) = big[31:16]
# jitlink-check: decode_operand(test_seq_g0, 2) = big[15:0]
# jitlink-check: (decode_operand(test_seq_g3, 1) << 48) | (decode_operand(test_seq_g2, 2) << 32) | (decode_operand(test_seq_g1, 2) << 16) | decode_operand(test_seq_g0, 2) = big
        .globl  test_seq_g3
test_seq_g3:
        movz    x9, #:abs_g3:big
        .size   test_seq_g3, 4
        .globl  test_seq_g2
test_seq_g2:
        movk    x9, #:abs_g2_nc:big
        .size   test_seq_g2, 4
        .globl  test_seq_g1
test_seq_g1:
        movk    x9, #:abs_g1_nc:big
        .size   test_seq_g1, 4
        .globl  test_seq_g0
test_seq_g0:
        movk    x9, #:abs_g0_nc:big
        .size   test_seq_g0, 4
