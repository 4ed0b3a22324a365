# R_X86_64_SIZE32 (Z + A, 32-bit) -> Size32: Z is the symbol's size from .size.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/size32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/size32.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# buffer is 48 bytes: movl $imm32, %eax is MOV32ri = dst, imm.
# jitlink-check: decode_operand(test_size32, 1) = 48
        .globl  test_size32
        .type   test_size32,@function
test_size32:
        movl    $buffer@SIZE, %eax
        .size   test_size32, .-test_size32

# jitlink-check: decode_operand(test_size32_addend, 1) = 58
        .globl  test_size32_addend
        .type   test_size32_addend,@function
test_size32_addend:
        movl    $buffer@SIZE+10, %eax
        .size   test_size32_addend, .-test_size32_addend

# The size of a function: test_size32 is 5 bytes (b8 imm32).
# jitlink-check: decode_operand(test_size32_fn, 1) = 5
        .globl  test_size32_fn
        .type   test_size32_fn,@function
test_size32_fn:
        movl    $test_size32@SIZE, %ecx
        .size   test_size32_fn, .-test_size32_fn

        .data
        .globl  buffer
buffer:
        .zero   48
        .size   buffer, 48
