# R_X86_64_32 (S + A, zero-extended 32-bit) -> Pointer32. The slab at 0xfff00000 lies
# below 4 GiB, so every address in it fits (but would not fit a signed field).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs top=0xffffffff -check %s %t/abs32.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# movl $imm32, %eax is MOV32ri = dst, imm.
# jitlink-check: decode_operand(test_mov_imm, 1) = table
        .globl  test_mov_imm
        .type   test_mov_imm,@function
test_mov_imm:
        movl    $table, %eax
        .size   test_mov_imm, .-test_mov_imm

# jitlink-check: decode_operand(test_mov_imm_addend, 1) = table + 12
        .globl  test_mov_imm_addend
        .type   test_mov_imm_addend,@function
test_mov_imm_addend:
        movl    $table+12, %edx
        .size   test_mov_imm_addend, .-test_mov_imm_addend

        .data
        .p2align 2
        .globl  table
table:
        .long   0, 0, 0, 0
        .size   table, 16

# jitlink-check: *{4}word_main = main
        .globl  word_main
word_main:
        .long   main
        .size   word_main, 4

# The largest value the field takes, from an absolute symbol.
# jitlink-check: *{4}word_top = 0xffffffff
        .globl  word_top
word_top:
        .long   top
        .size   word_top, 4
