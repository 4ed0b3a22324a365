# R_AARCH64_ADD_ABS_LO12_NC (ADD (immediate): imm12 = (S + A) & 0xfff, no check)
# -> PageOffset12. LLVM's ADDXri/ADDWri operands: (Rd, Rn, imm12, shift).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/add_abs_lo12_nc.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abc -check %s %t/add_abs_lo12_nc.o

# Layout: .data on the first page (data at offset 0x9a0), .text on the second.
# jitlink-check: data = 0xfff009a0

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# The low 12 bits; the shift operand stays 0 and the registers are kept.
# jitlink-check: decode_operand(test_add_x, 2) = data[11:0]
# jitlink-check: decode_operand(test_add_x, 2) = 0x9a0
# jitlink-check: decode_operand(test_add_x, 3) = 0
# jitlink-check: (*{4}test_add_x)[9:5] = 1
# jitlink-check: (*{4}test_add_x)[4:0] = 0
        .globl  test_add_x
test_add_x:
        add     x0, x1, :lo12:data
        .size   test_add_x, 4

# The 32-bit form, with an addend.
# jitlink-check: decode_operand(test_add_w, 2) = (data + 5)[11:0]
# jitlink-check: (*{4}test_add_w)[31:31] = 0
        .globl  test_add_w
test_add_w:
        add     w1, w2, :lo12:data + 5
        .size   test_add_w, 4

# No overflow check: S + A crosses into the next page and keeps its low 12 bits.
# jitlink-check: decode_operand(test_add_wrap, 2) = 0x9a0
        .globl  test_add_wrap
test_add_wrap:
        add     x0, x0, :lo12:data + 0x1000
        .size   test_add_wrap, 4

# An external, from SP.
# jitlink-check: decode_operand(test_add_ext, 2) = ext[11:0]
# jitlink-check: decode_operand(test_add_ext, 2) = 0xabc
        .globl  test_add_ext
test_add_ext:
        add     x3, sp, :lo12:ext
        .size   test_add_ext, 4

# The ADRP + ADD pair computes the address.
# jitlink-check: ((decode_operand(test_pair_adrp, 1) + test_pair_adrp[63:12]) << 12) + decode_operand(test_pair_add, 2) = data
        .globl  test_pair_adrp
test_pair_adrp:
        adrp    x5, data
        .size   test_pair_adrp, 4
        .globl  test_pair_add
test_pair_add:
        add     x5, x5, :lo12:data
        .size   test_pair_add, 4

        .data
        .skip   0x9a0
        .globl  data
data:
        .xword  7
        .size   data, 8
