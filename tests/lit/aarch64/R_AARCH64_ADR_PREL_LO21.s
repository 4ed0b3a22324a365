# R_AARCH64_ADR_PREL_LO21 (ADR: X = S + A - P into immhi:immlo, in bytes; X in
# [-2**20, 2**20), any alignment) -> ADRLiteral21. LLVM's ADR operands: (Rd, offset in
# bytes).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/adr_prel_lo21.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/adr_prel_lo21.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# Backward to .data (the slab puts it before .text); Rd and the opcode are kept.
# jitlink-check: decode_operand(test_adr_data, 1) = data - test_adr_data
# jitlink-check: (*{4}test_adr_data)[4:0] = 4
# jitlink-check: (*{4}test_adr_data)[31:31] = 0
# jitlink-check: (*{4}test_adr_data)[28:24] = 0x10
        .globl  test_adr_data
test_adr_data:
        adr     x4, data
        .size   test_adr_data, 4

# An odd byte (immlo carries the low two bits).
# jitlink-check: decode_operand(test_adr_odd, 1) = data - test_adr_odd + 3
        .globl  test_adr_odd
test_adr_odd:
        adr     x0, data + 3
        .size   test_adr_odd, 4

# Forward to code.
# jitlink-check: decode_operand(test_adr_forward, 1) = target - test_adr_forward + 1
        .globl  test_adr_forward
test_adr_forward:
        adr     x1, target + 1
        .size   test_adr_forward, 4

# The range limits (S = P, X = A): 2**20 - 1 and -2**20.
# jitlink-check: decode_operand(test_adr_max, 1) = 0xfffff
        .globl  test_adr_max
test_adr_max:
        adr     x0, test_adr_max + 0xfffff
        .size   test_adr_max, 4

# jitlink-check: decode_operand(test_adr_min, 1) = 0xfffffffffff00000
        .globl  test_adr_min
test_adr_min:
        adr     x0, test_adr_min - 0x100000
        .size   test_adr_min, 4

        .globl  target
        .type   target,@function
target:
        ret
        .size   target, 4

        .data
        .globl  data
data:
        .xword  7
        .size   data, 8
