# R_X86_64_GOTOFF64 (S + A - GOT, 64-bit) -> Delta64FromGOT: a symbol's offset from the
# GOT base, as the large PIC model addresses static data.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotoff64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs zero=0 -abs far=0x7fff00000000 \
# RUN:     -check %s %t/gotoff64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movq    far@GOTPCREL(%rip), %rax
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_gotoff_data, 1) = table - _GLOBAL_OFFSET_TABLE_
        .globl  test_gotoff_data
        .type   test_gotoff_data,@function
test_gotoff_data:
        movabsq $table@GOTOFF, %rax
        .size   test_gotoff_data, .-test_gotoff_data

# jitlink-check: decode_operand(test_gotoff_addend, 1) = table - _GLOBAL_OFFSET_TABLE_ + 16
        .globl  test_gotoff_addend
        .type   test_gotoff_addend,@function
test_gotoff_addend:
        movabsq $table@GOTOFF+16, %rcx
        .size   test_gotoff_addend, .-test_gotoff_addend

# Negative (wraps): 0 - GOT.
# jitlink-check: *{8}gotoff_zero = zero - _GLOBAL_OFFSET_TABLE_
        .data
        .p2align 3
        .globl  gotoff_zero
gotoff_zero:
        .quad   zero@GOTOFF
        .size   gotoff_zero, 8

        .globl  table
table:
        .zero   32
        .size   table, 32
