# R_X86_64_PC32 (S + A - P, signed 32-bit) -> Delta32: RIP-relative loads, stores and
# leas (the fixup is at the end of the instruction, so A = -4 and the field ends up as
# target - next_pc), and a PC-relative data word.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/pc32.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# A load: movl disp(%rip), %eax is MOV32rm = dst, base, scale, index, disp, segment.
# jitlink-check: decode_operand(test_load, 4) = counter - next_pc(test_load)
        .globl  test_load
        .type   test_load,@function
test_load:
        movl    counter(%rip), %eax
        .size   test_load, .-test_load

# A store: MOV32mr = base, scale, index, disp, segment, src; the displacement is operand 3.
# jitlink-check: decode_operand(test_store, 3) = counter - next_pc(test_store)
        .globl  test_store
        .type   test_store,@function
test_store:
        movl    %ecx, counter(%rip)
        .size   test_store, .-test_store

# An addend: the field is counter + 8 - next_pc.
# jitlink-check: decode_operand(test_lea_addend, 4) = (counter + 8) - next_pc(test_lea_addend)
        .globl  test_lea_addend
        .type   test_lea_addend,@function
test_lea_addend:
        leaq    counter+8(%rip), %rsi
        .size   test_lea_addend, .-test_lea_addend

# An immediate after the displacement moves the fixup's P but not next_pc's meaning:
# cmpl $imm8, disp(%rip) puts 1 byte after the field, so A = -5.
# jitlink-check: decode_operand(test_cmp_imm, 3) = counter - next_pc(test_cmp_imm)
        .globl  test_cmp_imm
        .type   test_cmp_imm,@function
test_cmp_imm:
        cmpl    $7, counter(%rip)
        .size   test_cmp_imm, .-test_cmp_imm

# A backward reference from data to code: the field is main - P.
# jitlink-check: *{4}data_to_code = (main - data_to_code)[31:0]
        .data
        .p2align 2
        .globl  data_to_code
data_to_code:
        .long   main - .
        .size   data_to_code, 4

        .globl  counter
        .type   counter,@object
counter:
        .long   0
        .long   0
        .long   0
        .size   counter, 12
