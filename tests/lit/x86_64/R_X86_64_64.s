# R_X86_64_64 (S + A, 64-bit absolute) -> Pointer64: local and external targets,
# positive and negative addends, and 64-bit wrap-around.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs high=0x123456789abcdef0 -abs low=0x10 \
# RUN:     -check %s %t/abs64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .data
        .p2align 3
        .globl  word
        .type   word,@object
word:
        .quad   0x1111111111111111
        .size   word, 8

# S + A with A = 0.
# jitlink-check: *{8}ptr_word = word
        .globl  ptr_word
ptr_word:
        .quad   word
        .size   ptr_word, 8

# A positive addend.
# jitlink-check: *{8}ptr_word_plus = word + 24
        .globl  ptr_word_plus
ptr_word_plus:
        .quad   word + 24
        .size   ptr_word_plus, 8

# A pointer to a function in another section.
# jitlink-check: *{8}ptr_main = main
        .globl  ptr_main
ptr_main:
        .quad   main
        .size   ptr_main, 8

# An external absolute target above 4 GiB, with a negative addend.
# jitlink-check: *{8}ptr_high_minus = high - 0x10
        .globl  ptr_high_minus
ptr_high_minus:
        .quad   high - 0x10
        .size   ptr_high_minus, 8

# S + A below zero wraps modulo 2^64: 0x10 - 0x20 = 0xfffffffffffffff0.
# jitlink-check: *{8}ptr_wrap = low - 0x20
# jitlink-check: *{8}ptr_wrap = 0xfffffffffffffff0
        .globl  ptr_wrap
ptr_wrap:
        .quad   low - 0x20
        .size   ptr_wrap, 8

# The untouched neighbour keeps its bytes.
# jitlink-check: *{8}word = 0x1111111111111111
