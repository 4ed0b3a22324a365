# GOT relaxation (pyjitlink's own behaviour: llvm-jitlink 19 links these pairs as plain GOT
# loads; the GOT and PLT optimisation proposed for JITLink, llvm/llvm-project pull request
# 188322, and lld relax them). An ADRP + LDR pair that loads a GOT entry, ADR_GOT_PAGE +
# LD64_GOT_LO12_NC on consecutive words with one register as ADRP destination, LDR base
# and LDR destination, computes the entry's value S + A instead, by AAELF64's
# "Relocation optimization", in this order of preference:
#   NOP; ADR Xn, S + A                     S + A - P(ADR) in [-2**20, 2**20)
#   ADRP Xn, S + A; ADD Xn, Xn, :lo12:S + A  Page(S + A) - Page(P(ADRP)) in [-2**32, 2**32)
#   NOP; LDR Xn, <GOT entry>               G - P(LDR) in [-2**20, 2**20) (lld's Mach-O
#                                          AdrpLdrGot optimisation hint does the same)
# else the pair stays. Each pair picks its own form; but when any Page21 or PageOffset12
# reference to an entry is no such pair, none of that entry's pairs is relaxed (AAELF64:
# all of a symbol's GOT sequences or none; code may branch between a pair's instructions,
# llvm/llvm-project issue 138254). GOT entries stay where they were. LLVM's operands:
# ADR (Rd, byte offset), ADRP (Rd, page count), ADDXri (Rd, Rn, imm12, shift), LDRXl (Rt,
# word offset), LDRXui (Rt, Rn, imm12 scaled by 8).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/got_relax.o %s
# RUN: pyjitlink -noexec -slab-allocate 2Mb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x123456789abc \
# RUN:     -abs adr_max=0x100002007 -abs adr_over=0x100002010 \
# RUN:     -abs adr_min=0xffe02018 -abs adr_under=0xffe0201f \
# RUN:     -abs page_max=0x1fff01fff -abs page_over=0x1fff02000 \
# RUN:     -check %s %t/got_relax.o

# Layout: the GOT (read-only) takes the first page, .data the second, .text the third.
# jitlink-check: section_addr(got_relax.o, $__GOT) = 0xfff00000
# jitlink-check: near_data = 0xfff01000
# jitlink-check: main = 0xfff02000

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# ADR's limits, from the pair's second word P: adr_max = P + 2**20 - 1 (NOP; ADR) and
# adr_over = P + 2**20 (ADRP; ADD), at P = 0xfff02008 and 0xfff02010.
# jitlink-check: test_ldr_adr_max = 0xfff02008
# jitlink-check: *{4}test_adrp_adr_max = 0xd503201f
# jitlink-check: decode_operand(test_ldr_adr_max, 1) = 0xfffff
# jitlink-check: decode_operand(test_ldr_adr_max, 1) = adr_max - test_ldr_adr_max
# jitlink-check: (*{4}test_ldr_adr_max)[31:31] = 0
# jitlink-check: (*{4}test_ldr_adr_max)[28:24] = 0x10
# jitlink-check: (*{4}test_ldr_adr_max)[4:0] = 1
        .globl  test_adrp_adr_max
test_adrp_adr_max:
        adrp    x1, :got:adr_max
        .size   test_adrp_adr_max, 4
        .globl  test_ldr_adr_max
test_ldr_adr_max:
        ldr     x1, [x1, :got_lo12:adr_max]
        .size   test_ldr_adr_max, 4

# jitlink-check: test_ldr_adr_over = 0xfff02010
# jitlink-check: decode_operand(test_adrp_adr_over, 1) = adr_over[63:12] - test_adrp_adr_over[63:12]
# jitlink-check: (*{4}test_adrp_adr_over)[4:0] = 2
# jitlink-check: decode_operand(test_ldr_adr_over, 2) = adr_over[11:0]
# jitlink-check: (*{4}test_ldr_adr_over)[31:22] = 0x244
# jitlink-check: (*{4}test_ldr_adr_over)[9:0] = 0x42
        .globl  test_adrp_adr_over
test_adrp_adr_over:
        adrp    x2, :got:adr_over
        .size   test_adrp_adr_over, 4
        .globl  test_ldr_adr_over
test_ldr_adr_over:
        ldr     x2, [x2, :got_lo12:adr_over]
        .size   test_ldr_adr_over, 4

# Below: adr_min = P - 2**20 (NOP; ADR), adr_under = P - 2**20 - 1 (ADRP; ADD).
# jitlink-check: test_ldr_adr_min = 0xfff02018
# jitlink-check: *{4}test_adrp_adr_min = 0xd503201f
# jitlink-check: decode_operand(test_ldr_adr_min, 1) = 0xfffffffffff00000
# jitlink-check: decode_operand(test_ldr_adr_min, 1) = adr_min - test_ldr_adr_min
        .globl  test_adrp_adr_min
test_adrp_adr_min:
        adrp    x3, :got:adr_min
        .size   test_adrp_adr_min, 4
        .globl  test_ldr_adr_min
test_ldr_adr_min:
        ldr     x3, [x3, :got_lo12:adr_min]
        .size   test_ldr_adr_min, 4

# jitlink-check: test_ldr_adr_under = 0xfff02020
# jitlink-check: decode_operand(test_adrp_adr_under, 1) = adr_under[63:12] - test_adrp_adr_under[63:12]
# jitlink-check: decode_operand(test_ldr_adr_under, 2) = adr_under[11:0]
# jitlink-check: (*{4}test_ldr_adr_under)[31:22] = 0x244
        .globl  test_adrp_adr_under
test_adrp_adr_under:
        adrp    x4, :got:adr_under
        .size   test_adrp_adr_under, 4
        .globl  test_ldr_adr_under
test_ldr_adr_under:
        ldr     x4, [x4, :got_lo12:adr_under]
        .size   test_ldr_adr_under, 4

# ADRP's limit, from Page(P(ADRP)) = 0xfff02000: page_max's page is 2**32 - 4096 above it
# (ADRP; ADD); page_over's is 2**32 above (out of reach: NOP; LDR of the GOT entry).
# jitlink-check: test_adrp_page_max = 0xfff02024
# jitlink-check: decode_operand(test_adrp_page_max, 1) = 0xfffff
# jitlink-check: decode_operand(test_adrp_page_max, 1) = page_max[63:12] - test_adrp_page_max[63:12]
# jitlink-check: decode_operand(test_ldr_page_max, 2) = 0xfff
# jitlink-check: (*{4}test_ldr_page_max)[31:22] = 0x244
        .globl  test_adrp_page_max
test_adrp_page_max:
        adrp    x5, :got:page_max
        .size   test_adrp_page_max, 4
        .globl  test_ldr_page_max
test_ldr_page_max:
        ldr     x5, [x5, :got_lo12:page_max]
        .size   test_ldr_page_max, 4

# jitlink-check: test_adrp_page_over = 0xfff0202c
# jitlink-check: *{4}test_adrp_page_over = 0xd503201f
# jitlink-check: decode_operand(test_ldr_page_over, 1) << 2 = got_addr(got_relax.o, page_over) - test_ldr_page_over
# jitlink-check: (*{4}test_ldr_page_over)[31:24] = 0x58
# jitlink-check: (*{4}test_ldr_page_over)[4:0] = 6
# jitlink-check: *{8}got_addr(got_relax.o, page_over) = page_over
        .globl  test_adrp_page_over
test_adrp_page_over:
        adrp    x6, :got:page_over
        .size   test_adrp_page_over, 4
        .globl  test_ldr_page_over
test_ldr_page_over:
        ldr     x6, [x6, :got_lo12:page_over]
        .size   test_ldr_page_over, 4

# Definitions in the graph: data and a function within ADR's reach; the GOT relocations'
# addend picks the value (G(GDAT(S + A)): S + A itself after relaxation).
# jitlink-check: *{4}test_adrp_near = 0xd503201f
# jitlink-check: decode_operand(test_ldr_near, 1) = near_data - test_ldr_near
# jitlink-check: (*{4}test_ldr_near)[4:0] = 7
# jitlink-check: decode_operand(test_ldr_near_addend, 1) = near_data - test_ldr_near_addend + 8
# jitlink-check: decode_operand(test_ldr_main, 1) = main - test_ldr_main
        .globl  test_adrp_near
test_adrp_near:
        adrp    x7, :got:near_data
        .size   test_adrp_near, 4
        .globl  test_ldr_near
test_ldr_near:
        ldr     x7, [x7, :got_lo12:near_data]
        .size   test_ldr_near, 4
        adrp    x8, :got:near_data + 8
        .globl  test_ldr_near_addend
test_ldr_near_addend:
        ldr     x8, [x8, :got_lo12:near_data + 8]
        .size   test_ldr_near_addend, 4
        adrp    x9, :got:main
        .globl  test_ldr_main
test_ldr_main:
        ldr     x9, [x9, :got_lo12:main]
        .size   test_ldr_main, 4

# All or none: "shared" has one good pair and one whose LDR loads into another register
# than its base, so both stay GOT loads; so does "gap", whose ADRP and LDR are not
# adjacent.
# jitlink-check: decode_operand(test_adrp_shared, 1) = got_addr(got_relax.o, shared)[63:12] - test_adrp_shared[63:12]
# jitlink-check: decode_operand(test_ldr_shared, 2) = got_addr(got_relax.o, shared)[11:3]
# jitlink-check: (*{4}test_ldr_shared)[31:22] = 0x3e5
# jitlink-check: decode_operand(test_ldr_shared_other, 2) = got_addr(got_relax.o, shared)[11:3]
# jitlink-check: decode_operand(test_adrp_gap, 1) = got_addr(got_relax.o, gap)[63:12] - test_adrp_gap[63:12]
# jitlink-check: decode_operand(test_ldr_gap, 2) = got_addr(got_relax.o, gap)[11:3]
# jitlink-check: *{8}got_addr(got_relax.o, shared) = shared
        .globl  test_adrp_shared
test_adrp_shared:
        adrp    x10, :got:shared
        .size   test_adrp_shared, 4
        .globl  test_ldr_shared
test_ldr_shared:
        ldr     x10, [x10, :got_lo12:shared]
        .size   test_ldr_shared, 4
        adrp    x11, :got:shared
        .globl  test_ldr_shared_other
test_ldr_shared_other:
        ldr     x12, [x11, :got_lo12:shared]
        .size   test_ldr_shared_other, 4
        .globl  test_adrp_gap
test_adrp_gap:
        adrp    x13, :got:gap
        .size   test_adrp_gap, 4
        nop
        .globl  test_ldr_gap
test_ldr_gap:
        ldr     x13, [x13, :got_lo12:gap]
        .size   test_ldr_gap, 4

# An unresolved weak reference keeps its null GOT entry.
# jitlink-check: decode_operand(test_ldr_weak, 2) = got_addr(got_relax.o, pyjitlink_test_weak_absent)[11:3]
# jitlink-check: *{8}got_addr(got_relax.o, pyjitlink_test_weak_absent) = 0
        .weak   pyjitlink_test_weak_absent
        adrp    x14, :got:pyjitlink_test_weak_absent
        .globl  test_ldr_weak
test_ldr_weak:
        ldr     x14, [x14, :got_lo12:pyjitlink_test_weak_absent]
        .size   test_ldr_weak, 4

# A far target, near its GOT entry: NOP; LDR literal.
# jitlink-check: *{4}test_adrp_far = 0xd503201f
# jitlink-check: decode_operand(test_ldr_far, 1) << 2 = got_addr(got_relax.o, far) - test_ldr_far
# jitlink-check: *{8}got_addr(got_relax.o, far) = far
        .globl  test_adrp_far
test_adrp_far:
        adrp    x15, :got:far
        .size   test_adrp_far, 4
        .globl  test_ldr_far
test_ldr_far:
        ldr     x15, [x15, :got_lo12:far]
        .size   test_ldr_far, 4

# More than 1 MiB of code later, the same far target's GOT entry is out of LDR's reach
# too: that pair stays a GOT load.
        .space  0x100000
# jitlink-check: decode_operand(test_adrp_far_unrelaxed, 1) = got_addr(got_relax.o, far)[63:12] - test_adrp_far_unrelaxed[63:12]
# jitlink-check: (*{4}test_adrp_far_unrelaxed)[31:31] = 1
# jitlink-check: (*{4}test_adrp_far_unrelaxed)[28:24] = 0x10
# jitlink-check: decode_operand(test_ldr_far_unrelaxed, 2) = got_addr(got_relax.o, far)[11:3]
# jitlink-check: (*{4}test_ldr_far_unrelaxed)[31:22] = 0x3e5
# jitlink-check: (*{4}test_ldr_far_unrelaxed)[9:0] = 0x210
        .globl  test_adrp_far_unrelaxed
test_adrp_far_unrelaxed:
        adrp    x16, :got:far
        .size   test_adrp_far_unrelaxed, 4
        .globl  test_ldr_far_unrelaxed
test_ldr_far_unrelaxed:
        ldr     x16, [x16, :got_lo12:far]
        .size   test_ldr_far_unrelaxed, 4

        .data
        .p2align 3
        .globl  near_data
near_data:
        .xword  1, 2
        .size   near_data, 16
        .globl  shared
shared:
        .xword  3
        .size   shared, 8
        .globl  gap
gap:
        .xword  4
        .size   gap, 8
