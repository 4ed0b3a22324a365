# R_AARCH64_LDST64_ABS_LO12_NC (64-bit load/store (unsigned immediate): imm12 =
# ((S + A) & 0xfff) >> 3; the low 12 bits must be a multiple of 8) -> PageOffset12. LLVM's
# operands: (Rt, Rn, imm12) with imm12 the scaled field, so decode_operand(x, 2) =
# (S + A)[11:3]; PRFM's first operand is the prefetch op.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ldst64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x12345ff8 -check %s %t/ldst64.o

# Layout: .data on the first page (item at offset 0x7a8), .text on the second.
# jitlink-check: item = 0xfff007a8

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# LDR Xt; Rt and Rn are kept.
# jitlink-check: decode_operand(test_ldr_x, 2) = item[11:3]
# jitlink-check: decode_operand(test_ldr_x, 2) = 0xf5
# jitlink-check: (*{4}test_ldr_x)[4:0] = 0
# jitlink-check: (*{4}test_ldr_x)[9:5] = 1
        .globl  test_ldr_x
test_ldr_x:
        ldr     x0, [x1, :lo12:item]
        .size   test_ldr_x, 4

# jitlink-check: decode_operand(test_str_x, 2) = item[11:3]
        .globl  test_str_x
test_str_x:
        str     x2, [x3, :lo12:item]
        .size   test_str_x, 4

# jitlink-check: decode_operand(test_ldr_d, 2) = item[11:3]
        .globl  test_ldr_d
test_ldr_d:
        ldr     d4, [x5, :lo12:item]
        .size   test_ldr_d, 4

# jitlink-check: decode_operand(test_str_d, 2) = item[11:3]
        .globl  test_str_d
test_str_d:
        str     d6, [sp, :lo12:item]
        .size   test_str_d, 4

# PRFM PSTL2STRM (op 0b10011).
# jitlink-check: decode_operand(test_prfm, 2) = item[11:3]
# jitlink-check: decode_operand(test_prfm, 0) = 0x13
        .globl  test_prfm
test_prfm:
        prfm    pstl2strm, [x7, :lo12:item]
        .size   test_prfm, 4

# An addend that is a multiple of 8, and an external at the top of its page.
# jitlink-check: decode_operand(test_ldr_x_addend, 2) = (item + 16)[11:3]
# jitlink-check: decode_operand(test_ldr_x_addend, 2) = 0xf7
        .globl  test_ldr_x_addend
test_ldr_x_addend:
        ldr     x0, [x0, :lo12:item + 16]
        .size   test_ldr_x_addend, 4

# jitlink-check: decode_operand(test_ldr_x_ext, 2) = 0x1ff
        .globl  test_ldr_x_ext
test_ldr_x_ext:
        ldr     x0, [x0, :lo12:ext]
        .size   test_ldr_x_ext, 4

        .data
        .skip   0x7a8
        .globl  item
item:
        .xword  0
        .size   item, 8
