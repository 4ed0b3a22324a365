# R_AARCH64_TSTBR14 (TBZ, TBNZ: X = S + A - P, imm14 = X >> 2; X in [-2**15, 2**15),
# X % 4 == 0) -> TestAndBranch14PCRel. LLVM's TBZ/TBNZ operands: (Rt, bit, offset), the
# offset in words.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/tstbr14.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/tstbr14.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# Forward; the bit number (b5:b40 = 3) and Rt are kept.
# jitlink-check: decode_operand(test_tbz_forward, 2) << 2 = target - test_tbz_forward
# jitlink-check: decode_operand(test_tbz_forward, 1) = 3
# jitlink-check: (*{4}test_tbz_forward)[4:0] = 2
        .globl  test_tbz_forward
test_tbz_forward:
        tbz     w2, #3, target
        .size   test_tbz_forward, 4

# Backward, bit 63 (b5 = 1: the bit number is kept across the imm14 field).
# jitlink-check: decode_operand(test_tbnz_backward, 2) << 2 = main - test_tbnz_backward
# jitlink-check: decode_operand(test_tbnz_backward, 1) = 63
        .globl  test_tbnz_backward
test_tbnz_backward:
        tbnz    x7, #63, main
        .size   test_tbnz_backward, 4

# With an addend.
# jitlink-check: decode_operand(test_tbz_addend, 2) << 2 = target - test_tbz_addend + 12
        .globl  test_tbz_addend
test_tbz_addend:
        tbz     x1, #40, target + 12
        .size   test_tbz_addend, 4

# The range limits (S = P, X = A): 2**15 - 4 and -2**15.
# jitlink-check: decode_operand(test_tbz_max, 2) = 0x1fff
        .globl  test_tbz_max
test_tbz_max:
        tbz     w0, #0, test_tbz_max + 0x7ffc
        .size   test_tbz_max, 4

# jitlink-check: decode_operand(test_tbnz_min, 2) = 0xffffffffffffe000
        .globl  test_tbnz_min
test_tbnz_min:
        tbnz    w0, #31, test_tbnz_min - 0x8000
        .size   test_tbnz_min, 4

        .globl  target
        .type   target,@function
target:
        ret
        .size   target, 4
