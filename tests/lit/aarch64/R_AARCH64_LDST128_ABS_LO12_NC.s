# R_AARCH64_LDST128_ABS_LO12_NC (128-bit load/store (unsigned immediate), the Q registers:
# imm12 = ((S + A) & 0xfff) >> 4; the low 12 bits must be a multiple of 16)
# -> PageOffset12. LLVM's LDRQui/STRQui operands: (Qt, Rn, imm12) with imm12 the scaled
# field, so decode_operand(x, 2) = (S + A)[11:4].
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ldst128.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x12345ff0 -check %s %t/ldst128.o

# Layout: .data on the first page (item at offset 0x7b0), .text on the second.
# jitlink-check: item = 0xfff007b0

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# LDR Qt; Qt and Rn are kept.
# jitlink-check: decode_operand(test_ldr_q, 2) = item[11:4]
# jitlink-check: decode_operand(test_ldr_q, 2) = 0x7b
# jitlink-check: (*{4}test_ldr_q)[4:0] = 0
# jitlink-check: (*{4}test_ldr_q)[9:5] = 1
        .globl  test_ldr_q
test_ldr_q:
        ldr     q0, [x1, :lo12:item]
        .size   test_ldr_q, 4

# jitlink-check: decode_operand(test_str_q, 2) = item[11:4]
        .globl  test_str_q
test_str_q:
        str     q2, [sp, :lo12:item]
        .size   test_str_q, 4

# An addend that is a multiple of 16, and an external at the top of its page.
# jitlink-check: decode_operand(test_ldr_q_addend, 2) = (item + 32)[11:4]
# jitlink-check: decode_operand(test_ldr_q_addend, 2) = 0x7d
        .globl  test_ldr_q_addend
test_ldr_q_addend:
        ldr     q3, [x0, :lo12:item + 32]
        .size   test_ldr_q_addend, 4

# jitlink-check: decode_operand(test_ldr_q_ext, 2) = 0xff
        .globl  test_ldr_q_ext
test_ldr_q_ext:
        ldr     q4, [x0, :lo12:ext]
        .size   test_ldr_q_ext, 4

        .data
        .skip   0x7b0
        .globl  item
item:
        .zero   16
        .size   item, 16
