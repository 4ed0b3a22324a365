# R_AARCH64_LD64_GOTPAGE_LO15 (LDR Xt: imm12 = (G(GDAT(S + A)) - Page(GOT)) >> 3, X in
# [0, 2**15)) -> RequestGOTAndTransformToPageOffset15, gcc -fpic's small GOT: the code
# takes the GOT's page with "adrp xN, _GLOBAL_OFFSET_TABLE_" (an ADR_PREL_PG_HI21 against
# the GOT base, which sits at the start of the GOT section) and loads entries from it.
# LLVM's LDRXui operands: (Rt, Rn, imm12 scaled by 8).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/gotpage_lo15.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abc -check %s %t/gotpage_lo15.o

# Layout: .rodata (0x18 bytes) opens the slab, the GOT follows on the same page, so Page(GOT)
# is 0xfff00000 while the entries start at 0xfff00018.
# jitlink-check: section_addr(gotpage_lo15.o, .rodata) = 0xfff00000
# jitlink-check: section_addr(gotpage_lo15.o, $__GOT) = 0xfff00018

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# The GOT base's page.
# jitlink-check: decode_operand(test_adrp_got_base, 1) = section_addr(gotpage_lo15.o, $__GOT)[63:12] - test_adrp_got_base[63:12]
        .globl  test_adrp_got_base
test_adrp_got_base:
        adrp    x1, _GLOBAL_OFFSET_TABLE_
        .size   test_adrp_got_base, 4

# Loads of the entries for an external, a local definition and a function, measured from
# the GOT's page; Rt and Rn are kept.
# jitlink-check: decode_operand(test_ldr_ext, 2) << 3 = got_addr(gotpage_lo15.o, ext) - (section_addr(gotpage_lo15.o, $__GOT)[63:12] << 12)
# jitlink-check: *{8}got_addr(gotpage_lo15.o, ext) = ext
# jitlink-check: (*{4}test_ldr_ext)[9:0] = 0x20
        .globl  test_ldr_ext
test_ldr_ext:
        ldr     x0, [x1, #:gotpage_lo15:ext]
        .size   test_ldr_ext, 4

# jitlink-check: decode_operand(test_ldr_data, 2) << 3 = got_addr(gotpage_lo15.o, data) - (section_addr(gotpage_lo15.o, $__GOT)[63:12] << 12)
# jitlink-check: *{8}got_addr(gotpage_lo15.o, data) = data
        .globl  test_ldr_data
test_ldr_data:
        ldr     x2, [x1, #:gotpage_lo15:data]
        .size   test_ldr_data, 4

# jitlink-check: decode_operand(test_ldr_main, 2) << 3 = got_addr(gotpage_lo15.o, main) - (section_addr(gotpage_lo15.o, $__GOT)[63:12] << 12)
# jitlink-check: *{8}got_addr(gotpage_lo15.o, main) = main
        .globl  test_ldr_main
test_ldr_main:
        ldr     x3, [x1, #:gotpage_lo15:main]
        .size   test_ldr_main, 4

# Shared with an ADR_GOT_PAGE + LD64_GOT_LO12_NC reference to the same target (loading into
# another register than its base, so GOT relaxation leaves it alone).
# jitlink-check: decode_operand(test_ldr_ext_lo12, 2) = got_addr(gotpage_lo15.o, ext)[11:3]
        .globl  test_adrp_ext
test_adrp_ext:
        adrp    x4, :got:ext
        .size   test_adrp_ext, 4
        .globl  test_ldr_ext_lo12
test_ldr_ext_lo12:
        ldr     x5, [x4, :got_lo12:ext]
        .size   test_ldr_ext_lo12, 4

        .section .rodata,"a",@progbits
        .globl  ro
ro:
        .zero   0x18
        .size   ro, 0x18

        .data
        .p2align 3
        .globl  data
data:
        .xword  7
        .size   data, 8
