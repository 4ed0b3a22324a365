# R_AARCH64_ADR_GOT_PAGE (ADRP: Page(G(GDAT(S + A))) - Page(P), X in [-2**32, 2**32))
# -> RequestGOTAndTransformToPage21, and R_AARCH64_LD64_GOT_LO12_NC (LDR Xt: imm12 =
# (G(GDAT(S + A)) & 0xfff) >> 3) -> RequestGOTAndTransformToPageOffset12: a GOT entry is made
# for the target and the ADRP + LDR pair loads it. One entry per target, shared by every
# reference. LLVM's operands: ADRP (Rd, page count), LDRXui (Rt, Rn, imm12 scaled by 8).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/got_page.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abc -check %s %t/got_page.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# An external: the pair reaches its GOT entry, which holds its address.
# jitlink-check: decode_operand(test_adrp_got_ext, 1) = got_addr(got_page.o, ext)[63:12] - test_adrp_got_ext[63:12]
# jitlink-check: decode_operand(test_ldr_got_ext, 2) = got_addr(got_page.o, ext)[11:3]
# jitlink-check: *{8}got_addr(got_page.o, ext) = ext
# jitlink-check: (*{4}test_adrp_got_ext)[4:0] = 0
# jitlink-check: (*{4}test_ldr_got_ext)[9:0] = 0x1
        .globl  test_adrp_got_ext
test_adrp_got_ext:
        adrp    x0, :got:ext
        .size   test_adrp_got_ext, 4
        .globl  test_ldr_got_ext
test_ldr_got_ext:
        ldr     x1, [x0, :got_lo12:ext]
        .size   test_ldr_got_ext, 4

# A local data definition goes through the GOT too. (In this file every LDR's destination
# differs from its base register, so no pair is a candidate for GOT relaxation, which
# R_AARCH64_GOT_relax.s tests: both tools link the same bytes.)
# jitlink-check: decode_operand(test_adrp_got_data, 1) = got_addr(got_page.o, data)[63:12] - test_adrp_got_data[63:12]
# jitlink-check: decode_operand(test_ldr_got_data, 2) = got_addr(got_page.o, data)[11:3]
# jitlink-check: *{8}got_addr(got_page.o, data) = data
        .globl  test_adrp_got_data
test_adrp_got_data:
        adrp    x2, :got:data
        .size   test_adrp_got_data, 4
        .globl  test_ldr_got_data
test_ldr_got_data:
        ldr     x5, [x2, :got_lo12:data]
        .size   test_ldr_got_data, 4

# A function's address.
# jitlink-check: decode_operand(test_ldr_got_main, 2) = got_addr(got_page.o, main)[11:3]
# jitlink-check: *{8}got_addr(got_page.o, main) = main
        .globl  test_adrp_got_main
test_adrp_got_main:
        adrp    x3, :got:main
        .size   test_adrp_got_main, 4
        .globl  test_ldr_got_main
test_ldr_got_main:
        ldr     x6, [x3, :got_lo12:main]
        .size   test_ldr_got_main, 4

# A second pair for ext shares its entry.
# jitlink-check: decode_operand(test_adrp_got_ext_again, 1) = got_addr(got_page.o, ext)[63:12] - test_adrp_got_ext_again[63:12]
# jitlink-check: decode_operand(test_ldr_got_ext_again, 2) = got_addr(got_page.o, ext)[11:3]
        .globl  test_adrp_got_ext_again
test_adrp_got_ext_again:
        adrp    x4, :got:ext
        .size   test_adrp_got_ext_again, 4
        .globl  test_ldr_got_ext_again
test_ldr_got_ext_again:
        ldr     x7, [x4, :got_lo12:ext]
        .size   test_ldr_got_ext_again, 4

# The GOT is read-only: it opens the slab, before .data.
# jitlink-check: section_addr(got_page.o, $__GOT) = 0xfff00000
# jitlink-check: data = 0xfff01000

        .data
        .p2align 3
        .globl  data
data:
        .xword  7
        .size   data, 8
