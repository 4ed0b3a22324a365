# R_AARCH64_JUMP26 (B: X = S + A - P, imm26 = X >> 2; X in [-2**27, 2**27), X % 4 == 0)
# -> Branch26PCRel, the same fixup as CALL26 on a B instead of a BL. LLVM's B has one
# operand, the signed word offset. (Jumps to externals: R_AARCH64_CALL26_stub.s and
# R_AARCH64_CALL26_bypass.s.)
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/jump26.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/jump26.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# Forward; the opcode bits (000101: B) are kept.
# jitlink-check: decode_operand(test_b_forward, 0) << 2 = target - test_b_forward
# jitlink-check: (*{4}test_b_forward)[31:26] = 0x5
        .globl  test_b_forward
test_b_forward:
        b       target
        .size   test_b_forward, 4

# Backward.
# jitlink-check: decode_operand(test_b_backward, 0) << 2 = main - test_b_backward
# jitlink-check: decode_operand(test_b_backward, 0) = 0xfffffffffffffffe
        .globl  test_b_backward
test_b_backward:
        b       main
        .size   test_b_backward, 4

# With a negative addend.
# jitlink-check: decode_operand(test_b_addend, 0) << 2 = target - test_b_addend - 4
        .globl  test_b_addend
test_b_addend:
        b       target - 4
        .size   test_b_addend, 4

# The range limits (S = P, X = A).
# jitlink-check: decode_operand(test_b_max, 0) = 0x1ffffff
        .globl  test_b_max
test_b_max:
        b       test_b_max + 0x7fffffc
        .size   test_b_max, 4

# jitlink-check: decode_operand(test_b_min, 0) = 0xfffffffffe000000
        .globl  test_b_min
test_b_min:
        b       test_b_min - 0x8000000
        .size   test_b_min, 4

# To a global function in another section of the same object.
# jitlink-check: decode_operand(test_b_other_section, 0) << 2 = other - test_b_other_section
        .globl  test_b_other_section
test_b_other_section:
        b       other
        .size   test_b_other_section, 4

        .globl  target
        .type   target,@function
target:
        ret
        .size   target, 4

        .section .text.other,"ax",@progbits
        .p2align 2
        .globl  other
        .type   other,@function
other:
        ret
        .size   other, 4
