# R_AARCH64_GOT_LD_PREL19 (LDR Xt (literal): X = G(GDAT(S + A)) - P, imm19 = X >> 2; X in
# [-2**20, 2**20)) -> RequestGOTAndTransformToLDRLiteral19, gcc -mcmodel=tiny's
# "ldr xN, :got:sym": one instruction loads the GOT entry. LLVM's LDRXl operands: (Rt,
# offset in words).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/got_ld_prel19.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abc -check %s %t/got_ld_prel19.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# An external (the GOT precedes .text: a negative offset); Rt is kept.
# jitlink-check: decode_operand(test_ldr_got_ext, 1) << 2 = got_addr(got_ld_prel19.o, ext) - test_ldr_got_ext
# jitlink-check: *{8}got_addr(got_ld_prel19.o, ext) = ext
# jitlink-check: (*{4}test_ldr_got_ext)[31:24] = 0x58
# jitlink-check: (*{4}test_ldr_got_ext)[4:0] = 6
        .globl  test_ldr_got_ext
test_ldr_got_ext:
        ldr     x6, :got:ext
        .size   test_ldr_got_ext, 4

# A local definition, and a second reference to ext sharing its entry.
# jitlink-check: decode_operand(test_ldr_got_data, 1) << 2 = got_addr(got_ld_prel19.o, data) - test_ldr_got_data
# jitlink-check: *{8}got_addr(got_ld_prel19.o, data) = data
        .globl  test_ldr_got_data
test_ldr_got_data:
        ldr     x0, :got:data
        .size   test_ldr_got_data, 4

# jitlink-check: decode_operand(test_ldr_got_ext_again, 1) << 2 = got_addr(got_ld_prel19.o, ext) - test_ldr_got_ext_again
        .globl  test_ldr_got_ext_again
test_ldr_got_ext_again:
        ldr     x1, :got:ext
        .size   test_ldr_got_ext_again, 4

        .data
        .p2align 3
        .globl  data
data:
        .xword  7
        .size   data, 8
