# R_AARCH64_LD_PREL_LO19 (LDR (literal): X = S + A - P, imm19 = X >> 2; X in
# [-2**20, 2**20), X % 4 == 0) -> LDRLiteral19. LLVM's operands: (Rt, offset in words);
# PRFM (literal): (prefetch op, offset).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ld_prel_lo19.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/ld_prel_lo19.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# A 64-bit load, forward to a literal pool after the code; Rt and the opcode are kept.
# jitlink-check: decode_operand(test_ldr_x, 1) << 2 = pool - test_ldr_x
# jitlink-check: (*{4}test_ldr_x)[31:24] = 0x58
# jitlink-check: (*{4}test_ldr_x)[4:0] = 9
        .globl  test_ldr_x
test_ldr_x:
        ldr     x9, pool
        .size   test_ldr_x, 4

# A 32-bit load of the second word, with an addend.
# jitlink-check: decode_operand(test_ldr_w, 1) << 2 = pool - test_ldr_w + 4
# jitlink-check: (*{4}test_ldr_w)[31:24] = 0x18
        .globl  test_ldr_w
test_ldr_w:
        ldr     w1, pool + 4
        .size   test_ldr_w, 4

# LDRSW, and SIMD&FP loads (S, D, Q) backward to read-only data in another section.
# jitlink-check: decode_operand(test_ldrsw, 1) << 2 = pool - test_ldrsw
# jitlink-check: (*{4}test_ldrsw)[31:24] = 0x98
        .globl  test_ldrsw
test_ldrsw:
        ldrsw   x2, pool
        .size   test_ldrsw, 4

# jitlink-check: decode_operand(test_ldr_s, 1) << 2 = ro - test_ldr_s
# jitlink-check: (*{4}test_ldr_s)[31:24] = 0x1c
        .globl  test_ldr_s
test_ldr_s:
        ldr     s3, ro
        .size   test_ldr_s, 4

# jitlink-check: decode_operand(test_ldr_d, 1) << 2 = ro - test_ldr_d
# jitlink-check: (*{4}test_ldr_d)[31:24] = 0x5c
        .globl  test_ldr_d
test_ldr_d:
        ldr     d4, ro
        .size   test_ldr_d, 4

# jitlink-check: decode_operand(test_ldr_q, 1) << 2 = ro - test_ldr_q
# jitlink-check: (*{4}test_ldr_q)[31:24] = 0x9c
        .globl  test_ldr_q
test_ldr_q:
        ldr     q5, ro
        .size   test_ldr_q, 4

# PRFM PLDL1KEEP (op 0).
# jitlink-check: decode_operand(test_prfm, 1) << 2 = pool - test_prfm
# jitlink-check: decode_operand(test_prfm, 0) = 0
        .globl  test_prfm
test_prfm:
        prfm    pldl1keep, pool
        .size   test_prfm, 4

# The range limits (S = P, X = A): 2**20 - 4 and -2**20.
# jitlink-check: decode_operand(test_ldr_max, 1) = 0x3ffff
        .globl  test_ldr_max
test_ldr_max:
        ldr     x0, test_ldr_max + 0xffffc
        .size   test_ldr_max, 4

# jitlink-check: decode_operand(test_ldr_min, 1) = 0xfffffffffffc0000
        .globl  test_ldr_min
test_ldr_min:
        ldr     w0, test_ldr_min - 0x100000
        .size   test_ldr_min, 4

        .p2align 3
        .globl  pool
pool:
        .xword  0x1122334455667788
        .size   pool, 8

        .section .rodata,"a",@progbits
        .p2align 4
        .globl  ro
ro:
        .xword  1, 2
        .size   ro, 16
