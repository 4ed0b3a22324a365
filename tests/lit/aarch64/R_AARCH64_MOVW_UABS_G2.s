# R_AARCH64_MOVW_UABS_G2 (64-bit MOVZ/MOVK with LSL #32: imm16 = (X >> 32) & 0xffff,
# X = S + A in [0, 2**48)) -> MoveWide16Checked; R_AARCH64_MOVW_UABS_G2_NC (unchecked)
# -> MoveWide16. LLVM's operands: MOVZ (Rd, imm16, shift), MOVK (Rd, tied Rd, imm16, shift).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/movw_g2.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs mid=0x123456789abc -abs max48=0xffffffffffff \
# RUN:     -abs big=0xfedcba9876543210 -check %s %t/movw_g2.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# jitlink-check: decode_operand(test_movz_g2, 1) = 0x1234
# jitlink-check: decode_operand(test_movz_g2, 2) = 32
        .globl  test_movz_g2
test_movz_g2:
        movz    x0, #:abs_g2:mid
        .size   test_movz_g2, 4

# The largest value G2 accepts.
# jitlink-check: decode_operand(test_movk_g2_max, 2) = 0xffff
# jitlink-check: decode_operand(test_movk_g2_max, 3) = 32
        .globl  test_movk_g2_max
test_movk_g2_max:
        movk    x1, #:abs_g2:max48
        .size   test_movk_g2_max, 4

# A slab address has nothing above bit 31.
# jitlink-check: decode_operand(test_movz_g2_slab, 1) = 0
        .globl  test_movz_g2_slab
test_movz_g2_slab:
        movz    x0, #:abs_g2:main
        .size   test_movz_g2_slab, 4

# G2_NC: bits [47:32] of a 64-bit value.
# jitlink-check: decode_operand(test_movk_g2_nc, 2) = 0xba98
        .globl  test_movk_g2_nc
test_movk_g2_nc:
        movk    x2, #:abs_g2_nc:big
        .size   test_movk_g2_nc, 4
