# R_AARCH64_ADR_PREL_PG_HI21_NC: as ADR_PREL_PG_HI21 without the overflow check -> Page21NC;
# the ADRP gets bits [32:12] of X = Page(S + A) - Page(P), whatever the distance.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/adrp_nc.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 \
# RUN:     -abs far_wrap=0x800000fff00000 -check %s %t/adrp_nc.o

# Layout: .data on the first page, .text on the second.
# jitlink-check: main = 0xfff01000

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# In range, the same as the checked form.
# jitlink-check: decode_operand(test_adrp_nc_data, 1) = data[63:12] - test_adrp_nc_data[63:12]
        .globl  test_adrp_nc_data
test_adrp_nc_data:
        adrp    x0, :pg_hi21_nc:data
        .size   test_adrp_nc_data, 4

# 128 TiB away: only the low 21 bits of the page count survive,
# (0x7fff00000 - 0xfff01)[20:0] = 0xff.
# jitlink-check: decode_operand(test_adrp_nc_far, 1)[20:0] = (far[63:12] - test_adrp_nc_far[63:12])[20:0]
# jitlink-check: decode_operand(test_adrp_nc_far, 1) = 0xff
        .globl  test_adrp_nc_far
test_adrp_nc_far:
        adrp    x0, :pg_hi21_nc:far
        .size   test_adrp_nc_far, 4

# The truncated page count has its sign bit set: (0x800000fff00 - 0xfff01)[20:0] =
# 0x1fffff, decoded as -1.
# jitlink-check: decode_operand(test_adrp_nc_wrap, 1) = 0xffffffffffffffff
        .globl  test_adrp_nc_wrap
test_adrp_nc_wrap:
        adrp    x0, :pg_hi21_nc:far_wrap
        .size   test_adrp_nc_wrap, 4

        .data
        .globl  data
data:
        .xword  7
        .size   data, 8
