# R_AARCH64_ADR_PREL_PG_HI21 (ADRP: X = Page(S + A) - Page(P), Page(x) = x & ~0xfff;
# immhi:immlo = X >> 12; X in [-2**32, 2**32)) -> Page21. LLVM's ADRP operands: (Rd, signed
# page count), so decode_operand(x, 1) = (S + A)[63:12] - P[63:12] modulo 2**64.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/adr_prel_pg_hi21.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789 -abs zero=0 \
# RUN:     -abs page_max=0x1fff00fff -check %s %t/adr_prel_pg_hi21.o

# Layout: .data (no read-only section) on the first page, .text on the second.
# jitlink-check: data = 0xfff00000
# jitlink-check: main = 0xfff01000

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# One page back; Rd and the opcode bits are kept.
# jitlink-check: decode_operand(test_adrp_data, 1) = data[63:12] - test_adrp_data[63:12]
# jitlink-check: decode_operand(test_adrp_data, 1) = 0xffffffffffffffff
# jitlink-check: (*{4}test_adrp_data)[4:0] = 7
# jitlink-check: (*{4}test_adrp_data)[31:31] = 1
# jitlink-check: (*{4}test_adrp_data)[28:24] = 0x10
        .globl  test_adrp_data
test_adrp_data:
        adrp    x7, data
        .size   test_adrp_data, 4

# The page of S + A, not of S: data + 0xfff is still on data's page, data + 0x1000 on the
# next one (which is this instruction's page).
# jitlink-check: decode_operand(test_adrp_last_byte, 1) = (data + 0xfff)[63:12] - test_adrp_last_byte[63:12]
# jitlink-check: decode_operand(test_adrp_last_byte, 1) = 0xffffffffffffffff
        .globl  test_adrp_last_byte
test_adrp_last_byte:
        adrp    x0, data + 0xfff
        .size   test_adrp_last_byte, 4

# jitlink-check: decode_operand(test_adrp_next_page, 1) = 0
        .globl  test_adrp_next_page
test_adrp_next_page:
        adrp    x0, data + 0x1000
        .size   test_adrp_next_page, 4

# An external beyond 32 bits, still within 4 GiB: ext = 0x1_2345_6789, 0x123456 - 0xfff01
# pages ahead.
# jitlink-check: decode_operand(test_adrp_ext, 1) = ext[63:12] - test_adrp_ext[63:12]
# jitlink-check: decode_operand(test_adrp_ext, 1) = 0x23555
        .globl  test_adrp_ext
test_adrp_ext:
        adrp    x1, ext
        .size   test_adrp_ext, 4

# The range limits from page 0xfff01000: page_max's page 0x1_fff0_0000 is 2**32 - 4096
# ahead; zero - 0xff000 (page 0xffff_ffff_fff0_1000) is 2**32 behind.
# jitlink-check: decode_operand(test_adrp_max, 1) = 0xfffff
        .globl  test_adrp_max
test_adrp_max:
        adrp    x0, page_max
        .size   test_adrp_max, 4

# jitlink-check: decode_operand(test_adrp_min, 1) = 0xfffffffffff00000
        .globl  test_adrp_min
test_adrp_min:
        adrp    x0, zero - 0xff000
        .size   test_adrp_min, 4

        .data
        .globl  data
data:
        .xword  7
        .size   data, 8
