# R_X86_64_SIZE64 (Z + A, 64-bit) -> Size64, including a negative result (wraps).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/size64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/size64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# MOV64ri = dst, imm.
# jitlink-check: decode_operand(test_size64, 1) = 24
        .globl  test_size64
        .type   test_size64,@function
test_size64:
        movabsq $record@SIZE, %rax
        .size   test_size64, .-test_size64

        .data
        .p2align 3
        .globl  record
record:
        .quad   1, 2, 3
        .size   record, 24

# jitlink-check: *{8}record_size_plus = 0x1018
        .globl  record_size_plus
record_size_plus:
        .quad   record@SIZE + 0x1000
        .size   record_size_plus, 8

# 24 - 32 = -8.
# jitlink-check: *{8}record_size_minus = 0xfffffffffffffff8
        .globl  record_size_minus
record_size_minus:
        .quad   record@SIZE - 32
        .size   record_size_minus, 8
