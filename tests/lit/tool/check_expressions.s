# The rule language (RuntimeDyldChecker's): binary operators + - & | << >> share one
# precedence and associate to the left; arithmetic wraps at 64 bits; [hi:lo] slices;
# *{N} loads take the whole expression to their right as the address; decode_operand
# on a symbol plus an offset; next_pc.
#
# A number immediately followed by a space and an operator does not parse in LLVM's
# checker, so the constants used as left operands come from -abs symbols.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/exprs.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs one=1 -abs four=4 -abs sixteen=16 \
# RUN:     -abs k_100=0x100 -abs k_f0=0xf0 -abs k_12=0x12 -check %s %t/exprs.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    $0x12345678, %eax
        .globl  lea_insn
lea_insn:
        leaq    word(%rip), %rcx
        .size   lea_insn, .-lea_insn
        retq
        .size   main, .-main

        .data
        .p2align 3
        .globl  word
word:
        .quad   0x8877665544332211
        .size   word, 8

# Loads of each size, little-endian.
# jitlink-check: *{1}word = 0x11
# jitlink-check: *{2}word = 0x2211
# jitlink-check: *{4}word = 0x44332211
# jitlink-check: *{8}word = 0x8877665544332211
# jitlink-check: *{2}(word + 6) = 0x8877

# A load's address extends to the right: this reads 2 bytes at word + 2.
# jitlink-check: *{2}word + 2 = 0x4433

# Left to right with equal precedence: (0x11 - 1) << 4 = 0x100 (C precedence would
# give 0x11 - 16 = 1); (0x11 | 0x100) & 0xf0 = 0x10 (C: 0x11).
# jitlink-check: (*{1}word) - one << four = 0x100
# jitlink-check: (*{1}word) | k_100 & k_f0 = 0x10
# jitlink-check: (*{4}word) >> sixteen = 0x4433

# 64-bit wrap-around: 0x11 - 0x12 = 2^64 - 1.
# jitlink-check: (*{1}word) - k_12 = 0xffffffffffffffff
# jitlink-check: ((*{1}word) - k_12)[63:63] = 1

# Slices.
# jitlink-check: (*{8}word)[63:56] = 0x88
# jitlink-check: (*{8}word)[15:8] = 0x22
# jitlink-check: word[11:0] = 0
# jitlink-check: word[31:12] = 0xfff00

# MOV32ri's immediate; then the lea 5 bytes into main, through "main + 5".
# jitlink-check: decode_operand(main, 1) = 0x12345678
# jitlink-check: next_pc(main) = main + 5
# jitlink-check: lea_insn = main + 5
# jitlink-check: decode_operand(main + 5, 4) = word - next_pc(lea_insn)
# jitlink-check: next_pc(lea_insn) = main + 12
