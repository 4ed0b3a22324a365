# R_AARCH64_MOVW_UABS_G0 (MOVZ/MOVK with LSL #0: imm16 = X & 0xffff, X = S + A in
# [0, 2**16)) -> MoveWide16Checked; R_AARCH64_MOVW_UABS_G0_NC (the same, unchecked)
# -> MoveWide16. LLVM's operands: MOVZ (Rd, imm16, shift), MOVK (Rd, tied Rd, imm16, shift).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/movw_g0.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs small=0x1234 -abs max16=0xffff \
# RUN:     -abs big=0xfedcba9876543210 -check %s %t/movw_g0.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# G0 (checked) on a 64-bit MOVZ; the shift stays 0 and Rd is kept.
# jitlink-check: decode_operand(test_movz_g0, 1) = 0x1234
# jitlink-check: decode_operand(test_movz_g0, 2) = 0
# jitlink-check: (*{4}test_movz_g0)[4:0] = 3
        .globl  test_movz_g0
test_movz_g0:
        movz    x3, #:abs_g0:small
        .size   test_movz_g0, 4

# The largest value G0 accepts, on a 32-bit MOVZ; an addend.
# jitlink-check: decode_operand(test_movz_w_g0_max, 1) = 0xffff
# jitlink-check: (*{4}test_movz_w_g0_max)[31:31] = 0
        .globl  test_movz_w_g0_max
test_movz_w_g0_max:
        movz    w0, #:abs_g0:max16
        .size   test_movz_w_g0_max, 4

# jitlink-check: decode_operand(test_movz_g0_addend, 1) = 0x1240
        .globl  test_movz_g0_addend
test_movz_g0_addend:
        movz    x0, #:abs_g0:small + 12
        .size   test_movz_g0_addend, 4

# G0_NC takes bits [15:0] of any value: a slab address on MOVK, a 64-bit one on MOVZ.
# jitlink-check: decode_operand(test_movk_g0_nc, 2) = main[15:0]
# jitlink-check: decode_operand(test_movk_g0_nc, 3) = 0
        .globl  test_movk_g0_nc
test_movk_g0_nc:
        movk    x0, #:abs_g0_nc:main
        .size   test_movk_g0_nc, 4

# jitlink-check: decode_operand(test_movz_g0_nc_big, 1) = 0x3210
        .globl  test_movz_g0_nc_big
test_movz_g0_nc_big:
        movz    x1, #:abs_g0_nc:big
        .size   test_movz_g0_nc_big, 4
