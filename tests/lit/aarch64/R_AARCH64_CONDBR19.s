# R_AARCH64_CONDBR19 (B.cond, CBZ, CBNZ: X = S + A - P, imm19 = X >> 2; X in
# [-2**20, 2**20), X % 4 == 0) -> CondBranch19PCRel. LLVM's operands: Bcc (cond, offset),
# CBZ/CBNZ (Rt, offset), the offset in words.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/condbr19.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/condbr19.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# Forward; the condition (EQ = 0) is kept.
# jitlink-check: decode_operand(test_beq_forward, 1) << 2 = target - test_beq_forward
# jitlink-check: decode_operand(test_beq_forward, 0) = 0
        .globl  test_beq_forward
test_beq_forward:
        b.eq    target
        .size   test_beq_forward, 4

# Backward (NE = 1).
# jitlink-check: decode_operand(test_bne_backward, 1) << 2 = main - test_bne_backward
# jitlink-check: decode_operand(test_bne_backward, 1) = 0xfffffffffffffffe
# jitlink-check: decode_operand(test_bne_backward, 0) = 1
        .globl  test_bne_backward
test_bne_backward:
        b.ne    main
        .size   test_bne_backward, 4

# With an addend (GT = 12).
# jitlink-check: decode_operand(test_bgt_addend, 1) << 2 = target - test_bgt_addend + 8
# jitlink-check: decode_operand(test_bgt_addend, 0) = 12
        .globl  test_bgt_addend
test_bgt_addend:
        b.gt    target + 8
        .size   test_bgt_addend, 4

# CBZ on a W register and CBNZ on an X register; Rt (bits 4:0) and sf (bit 31) are kept.
# jitlink-check: decode_operand(test_cbz_w, 1) << 2 = target - test_cbz_w
# jitlink-check: (*{4}test_cbz_w)[4:0] = 3
# jitlink-check: (*{4}test_cbz_w)[31:24] = 0x34
        .globl  test_cbz_w
test_cbz_w:
        cbz     w3, target
        .size   test_cbz_w, 4

# jitlink-check: decode_operand(test_cbnz_x, 1) << 2 = main - test_cbnz_x
# jitlink-check: (*{4}test_cbnz_x)[4:0] = 5
# jitlink-check: (*{4}test_cbnz_x)[31:24] = 0xb5
        .globl  test_cbnz_x
test_cbnz_x:
        cbnz    x5, main
        .size   test_cbnz_x, 4

# The range limits (S = P, X = A): 2**20 - 4 and -2**20 (LO = 3, HS = 2).
# jitlink-check: decode_operand(test_bcond_max, 1) = 0x3ffff
# jitlink-check: decode_operand(test_bcond_max, 0) = 3
        .globl  test_bcond_max
test_bcond_max:
        b.lo    test_bcond_max + 0xffffc
        .size   test_bcond_max, 4

# jitlink-check: decode_operand(test_bcond_min, 1) = 0xfffffffffffc0000
# jitlink-check: decode_operand(test_bcond_min, 0) = 2
        .globl  test_bcond_min
test_bcond_min:
        b.hs    test_bcond_min - 0x100000
        .size   test_bcond_min, 4

# jitlink-check: decode_operand(test_cbz_max, 1) = 0x3ffff
        .globl  test_cbz_max
test_cbz_max:
        cbz     x0, test_cbz_max + 0xffffc
        .size   test_cbz_max, 4

# jitlink-check: decode_operand(test_cbnz_min, 1) = 0xfffffffffffc0000
        .globl  test_cbnz_min
test_cbnz_min:
        cbnz    w0, test_cbnz_min - 0x100000
        .size   test_cbnz_min, 4

        .globl  target
        .type   target,@function
target:
        ret
        .size   target, 4
