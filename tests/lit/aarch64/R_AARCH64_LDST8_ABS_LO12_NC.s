# R_AARCH64_LDST8_ABS_LO12_NC (8-bit load/store (unsigned immediate): imm12 =
# (S + A) & 0xfff, no check) -> PageOffset12, which reads the access size from the
# instruction. LLVM's operands: (Rt, Rn, imm12).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ldst8.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1234567f -check %s %t/ldst8.o

# Layout: .data on the first page (item at offset 0x7a3), .text on the second.
# jitlink-check: item = 0xfff007a3

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# LDRB; Rt and Rn are kept.
# jitlink-check: decode_operand(test_ldrb, 2) = item[11:0]
# jitlink-check: decode_operand(test_ldrb, 2) = 0x7a3
# jitlink-check: (*{4}test_ldrb)[4:0] = 0
# jitlink-check: (*{4}test_ldrb)[9:5] = 1
        .globl  test_ldrb
test_ldrb:
        ldrb    w0, [x1, :lo12:item]
        .size   test_ldrb, 4

# STRB, LDRSB to W and X, and the SIMD&FP B-register load and store.
# jitlink-check: decode_operand(test_strb, 2) = item[11:0]
        .globl  test_strb
test_strb:
        strb    w2, [x3, :lo12:item]
        .size   test_strb, 4

# jitlink-check: decode_operand(test_ldrsb_w, 2) = item[11:0]
        .globl  test_ldrsb_w
test_ldrsb_w:
        ldrsb   w4, [x5, :lo12:item]
        .size   test_ldrsb_w, 4

# jitlink-check: decode_operand(test_ldrsb_x, 2) = item[11:0]
        .globl  test_ldrsb_x
test_ldrsb_x:
        ldrsb   x6, [x7, :lo12:item]
        .size   test_ldrsb_x, 4

# jitlink-check: decode_operand(test_ldr_b, 2) = item[11:0]
        .globl  test_ldr_b
test_ldr_b:
        ldr     b8, [x9, :lo12:item]
        .size   test_ldr_b, 4

# jitlink-check: decode_operand(test_str_b, 2) = item[11:0]
        .globl  test_str_b
test_str_b:
        str     b10, [sp, :lo12:item]
        .size   test_str_b, 4

# Any byte offset goes: an addend of 1, and an external.
# jitlink-check: decode_operand(test_ldrb_addend, 2) = (item + 1)[11:0]
# jitlink-check: decode_operand(test_ldrb_addend, 2) = 0x7a4
        .globl  test_ldrb_addend
test_ldrb_addend:
        ldrb    w0, [x0, :lo12:item + 1]
        .size   test_ldrb_addend, 4

# jitlink-check: decode_operand(test_ldrb_ext, 2) = 0x67f
        .globl  test_ldrb_ext
test_ldrb_ext:
        ldrb    w0, [x0, :lo12:ext]
        .size   test_ldrb_ext, 4

        .data
        .skip   0x7a3
        .globl  item
item:
        .byte   0
        .size   item, 1
