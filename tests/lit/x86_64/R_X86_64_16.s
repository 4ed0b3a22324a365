# R_X86_64_16 (S + A, 16-bit) -> Pointer16. The psABI requires the value to fit the
# field when zero- or sign-extended, i.e. lie in [-0x8000, 0xffff].
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs16.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs port=0x1234 -abs maxu16=0xffff \
# RUN:     -check %s %t/abs16.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# movw $imm16, %ax is MOV16ri = dst, imm.
# jitlink-check: decode_operand(test_movw, 1) = port + 2
        .globl  test_movw
        .type   test_movw,@function
test_movw:
        movw    $port+2, %ax
        .size   test_movw, .-test_movw

        .data
        .p2align 1
# jitlink-check: *{2}half_port = port
        .globl  half_port
half_port:
        .short  port
        .size   half_port, 2

# jitlink-check: *{2}half_max = 0xffff
        .globl  half_max
half_max:
        .short  maxu16
        .size   half_max, 2

# A negative value that fits sign-extended: 0x1234 - 0x2234 = -0x1000 -> 0xf000.
# jitlink-check: *{2}half_negative = 0xf000
        .globl  half_negative
half_negative:
        .short  port - 0x2234
        .size   half_negative, 2

# The neighbours are untouched.
# jitlink-check: *{2}guard = 0xa55a
        .globl  guard
guard:
        .short  0xa55a
        .size   guard, 2
