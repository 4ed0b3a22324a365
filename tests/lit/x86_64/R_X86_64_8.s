# R_X86_64_8 (S + A, 8-bit) -> Pointer8: the value must lie in [-0x80, 0xff].
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs8.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs tag=0x5a -check %s %t/abs8.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# movb $imm8, %al is MOV8ri = dst, imm.
# jitlink-check: decode_operand(test_movb, 1) = tag
        .globl  test_movb
        .type   test_movb,@function
test_movb:
        movb    $tag, %al
        .size   test_movb, .-test_movb

        .data
# jitlink-check: *{1}byte_tag = tag + 0x10
        .globl  byte_tag
byte_tag:
        .byte   tag + 0x10
        .size   byte_tag, 1

# 0x5a - 0xda = -0x80, the most negative value that fits: 0x80.
# jitlink-check: *{1}byte_min = 0x80
        .globl  byte_min
byte_min:
        .byte   tag - 0xda
        .size   byte_min, 1

# jitlink-check: *{1}byte_guard = 0xcc
        .globl  byte_guard
byte_guard:
        .byte   0xcc
        .size   byte_guard, 1
