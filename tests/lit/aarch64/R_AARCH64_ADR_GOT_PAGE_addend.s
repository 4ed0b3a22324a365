# AAELF64's GOT relocations address G(GDAT(S + A)): the addend picks a GOT entry holding
# S + A, it is not added to the entry's address. "ext" and "ext + 8" get two entries, laid
# out in the order of first use; got_addr(file, ext) names the one holding ext itself.
# (Each LDR's destination differs from its base, so GOT relaxation leaves the pairs alone.)
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/got_addend.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x123456789abc -check %s %t/got_addend.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# jitlink-check: *{8}got_addr(got_addend.o, ext) = ext
# jitlink-check: decode_operand(test_ldr_got_plain, 2) = got_addr(got_addend.o, ext)[11:3]
        .globl  test_adrp_got_plain
test_adrp_got_plain:
        adrp    x0, :got:ext
        .size   test_adrp_got_plain, 4
        .globl  test_ldr_got_plain
test_ldr_got_plain:
        ldr     x2, [x0, :got_lo12:ext]
        .size   test_ldr_got_plain, 4

# The second entry, right after the first, holds ext + 8.
# jitlink-check: decode_operand(test_adrp_got_addend, 1) = (got_addr(got_addend.o, ext) + 8)[63:12] - test_adrp_got_addend[63:12]
# jitlink-check: decode_operand(test_ldr_got_addend, 2) = (got_addr(got_addend.o, ext) + 8)[11:3]
# jitlink-check: *{8}(got_addr(got_addend.o, ext) + 8) = ext + 8
        .globl  test_adrp_got_addend
test_adrp_got_addend:
        adrp    x1, :got:ext + 8
        .size   test_adrp_got_addend, 4
        .globl  test_ldr_got_addend
test_ldr_got_addend:
        ldr     x3, [x1, :got_lo12:ext + 8]
        .size   test_ldr_got_addend, 4
