# R_AARCH64_LDST32_ABS_LO12_NC (32-bit load/store (unsigned immediate): imm12 =
# ((S + A) & 0xfff) >> 2; the low 12 bits must be a multiple of 4) -> PageOffset12. LLVM's
# operands: (Rt, Rn, imm12) with imm12 the scaled field, so decode_operand(x, 2) =
# (S + A)[11:2].
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ldst32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x12345ffc -check %s %t/ldst32.o

# Layout: .data on the first page (item at offset 0x7a4), .text on the second.
# jitlink-check: item = 0xfff007a4

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# LDR Wt; Rt and Rn are kept.
# jitlink-check: decode_operand(test_ldr_w, 2) = item[11:2]
# jitlink-check: decode_operand(test_ldr_w, 2) = 0x1e9
# jitlink-check: (*{4}test_ldr_w)[4:0] = 0
# jitlink-check: (*{4}test_ldr_w)[9:5] = 1
        .globl  test_ldr_w
test_ldr_w:
        ldr     w0, [x1, :lo12:item]
        .size   test_ldr_w, 4

# jitlink-check: decode_operand(test_str_w, 2) = item[11:2]
        .globl  test_str_w
test_str_w:
        str     w2, [x3, :lo12:item]
        .size   test_str_w, 4

# jitlink-check: decode_operand(test_ldrsw, 2) = item[11:2]
        .globl  test_ldrsw
test_ldrsw:
        ldrsw   x4, [x5, :lo12:item]
        .size   test_ldrsw, 4

# jitlink-check: decode_operand(test_ldr_s, 2) = item[11:2]
        .globl  test_ldr_s
test_ldr_s:
        ldr     s6, [x7, :lo12:item]
        .size   test_ldr_s, 4

# jitlink-check: decode_operand(test_str_s, 2) = item[11:2]
        .globl  test_str_s
test_str_s:
        str     s8, [sp, :lo12:item]
        .size   test_str_s, 4

# An addend that is a multiple of 4, and an external at the top of its page.
# jitlink-check: decode_operand(test_ldr_w_addend, 2) = (item + 12)[11:2]
# jitlink-check: decode_operand(test_ldr_w_addend, 2) = 0x1ec
        .globl  test_ldr_w_addend
test_ldr_w_addend:
        ldr     w0, [x0, :lo12:item + 12]
        .size   test_ldr_w_addend, 4

# jitlink-check: decode_operand(test_ldr_w_ext, 2) = 0x3ff
        .globl  test_ldr_w_ext
test_ldr_w_ext:
        ldr     w0, [x0, :lo12:ext]
        .size   test_ldr_w_ext, 4

        .data
        .skip   0x7a4
        .globl  item
item:
        .word   0
        .size   item, 4
