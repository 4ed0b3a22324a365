# R_AARCH64_CALL26 (BL: X = S + A - P, imm26 = X >> 2; X in [-2**27, 2**27), X % 4 == 0)
# -> Branch26PCRel, for calls to definitions in the same graph (no stub). LLVM's BL has one
# operand, the signed word offset, so decode_operand(x, 0) << 2 must equal X modulo 2**64.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/call26.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/call26.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# Forward; the opcode bits (100101: BL) are kept.
# jitlink-check: decode_operand(test_bl_forward, 0) << 2 = callee - test_bl_forward
# jitlink-check: (*{4}test_bl_forward)[31:26] = 0x25
        .globl  test_bl_forward
test_bl_forward:
        bl      callee
        .size   test_bl_forward, 4

# Backward: a negative offset.
# jitlink-check: decode_operand(test_bl_backward, 0) << 2 = main - test_bl_backward
# jitlink-check: decode_operand(test_bl_backward, 0) = 0xfffffffffffffffe
        .globl  test_bl_backward
test_bl_backward:
        bl      main
        .size   test_bl_backward, 4

# With an addend.
# jitlink-check: decode_operand(test_bl_addend, 0) << 2 = callee - test_bl_addend + 8
        .globl  test_bl_addend
test_bl_addend:
        bl      callee + 8
        .size   test_bl_addend, 4

# The range limits, relative to the instruction itself (S = P, so X = A):
# 2**27 - 4 and -2**27.
# jitlink-check: decode_operand(test_bl_max, 0) = 0x1ffffff
        .globl  test_bl_max
test_bl_max:
        bl      test_bl_max + 0x7fffffc
        .size   test_bl_max, 4

# jitlink-check: decode_operand(test_bl_min, 0) = 0xfffffffffe000000
        .globl  test_bl_min
test_bl_min:
        bl      test_bl_min - 0x8000000
        .size   test_bl_min, 4

# A file-local function at the start of another section (named through section_addr,
# since local names are not looked up): still a direct call.
# jitlink-check: decode_operand(test_bl_local_other_section, 0) << 2 = section_addr(call26.o, .text.other) - test_bl_local_other_section
        .globl  test_bl_local_other_section
test_bl_local_other_section:
        bl      other_local
        .size   test_bl_local_other_section, 4

        .globl  callee
        .type   callee,@function
callee:
        ret
        .size   callee, 4

        .section .text.other,"ax",@progbits
        .p2align 2
        .type   other_local,@function
other_local:
        nop
        ret
        .size   other_local, 8
