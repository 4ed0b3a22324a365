# R_AARCH64_LDST16_ABS_LO12_NC (16-bit load/store (unsigned immediate): imm12 =
# ((S + A) & 0xfff) >> 1; the low 12 bits must be even) -> PageOffset12. LLVM's operands:
# (Rt, Rn, imm12) with imm12 the scaled field, so decode_operand(x, 2) = (S + A)[11:1].
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ldst16.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x12345ffe -check %s %t/ldst16.o

# Layout: .data on the first page (item at offset 0x7a2), .text on the second.
# jitlink-check: item = 0xfff007a2

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# LDRH; Rt and Rn are kept.
# jitlink-check: decode_operand(test_ldrh, 2) = item[11:1]
# jitlink-check: decode_operand(test_ldrh, 2) = 0x3d1
# jitlink-check: (*{4}test_ldrh)[4:0] = 0
# jitlink-check: (*{4}test_ldrh)[9:5] = 1
        .globl  test_ldrh
test_ldrh:
        ldrh    w0, [x1, :lo12:item]
        .size   test_ldrh, 4

# jitlink-check: decode_operand(test_strh, 2) = item[11:1]
        .globl  test_strh
test_strh:
        strh    w2, [x3, :lo12:item]
        .size   test_strh, 4

# jitlink-check: decode_operand(test_ldrsh_w, 2) = item[11:1]
        .globl  test_ldrsh_w
test_ldrsh_w:
        ldrsh   w4, [x5, :lo12:item]
        .size   test_ldrsh_w, 4

# jitlink-check: decode_operand(test_ldrsh_x, 2) = item[11:1]
        .globl  test_ldrsh_x
test_ldrsh_x:
        ldrsh   x6, [x7, :lo12:item]
        .size   test_ldrsh_x, 4

# jitlink-check: decode_operand(test_ldr_h, 2) = item[11:1]
        .globl  test_ldr_h
test_ldr_h:
        ldr     h8, [x9, :lo12:item]
        .size   test_ldr_h, 4

# jitlink-check: decode_operand(test_str_h, 2) = item[11:1]
        .globl  test_str_h
test_str_h:
        str     h10, [sp, :lo12:item]
        .size   test_str_h, 4

# An even addend, and an external whose low 12 bits are 0xffe (the largest field value).
# jitlink-check: decode_operand(test_ldrh_addend, 2) = (item + 6)[11:1]
# jitlink-check: decode_operand(test_ldrh_addend, 2) = 0x3d4
        .globl  test_ldrh_addend
test_ldrh_addend:
        ldrh    w0, [x0, :lo12:item + 6]
        .size   test_ldrh_addend, 4

# jitlink-check: decode_operand(test_ldrh_ext, 2) = 0x7ff
        .globl  test_ldrh_ext
test_ldrh_ext:
        ldrh    w0, [x0, :lo12:ext]
        .size   test_ldrh_ext, 4

        .data
        .skip   0x7a2
        .globl  item
item:
        .hword  0
        .size   item, 2
