# R_X86_64_GOTPC64 (GOT + A - P, 64-bit): the large-model PIC idiom
#   pic_base: leaq pic_base(%rip), %rbx
#             movabsq $_GLOBAL_OFFSET_TABLE_-pic_base, %r11
# where the assembler folds "P - pic_base" into the addend.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpc64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/gotpc64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .globl  pic_base
        .type   pic_base,@function
pic_base:
        leaq    pic_base(%rip), %rbx
        .size   pic_base, .-pic_base

# MOV64ri = dst, imm.
# jitlink-check: decode_operand(test_gotpc64, 1) = _GLOBAL_OFFSET_TABLE_ - pic_base
        .globl  test_gotpc64
        .type   test_gotpc64,@function
test_gotpc64:
        movabsq $_GLOBAL_OFFSET_TABLE_-pic_base, %r11
        .size   test_gotpc64, .-test_gotpc64

# Without the subtraction: GOT + A - P with A = 2 (the immediate's offset) is the GOT
# relative to the instruction.
# jitlink-check: decode_operand(test_gotpc64_insn, 1) = _GLOBAL_OFFSET_TABLE_ - test_gotpc64_insn
        .globl  test_gotpc64_insn
        .type   test_gotpc64_insn,@function
test_gotpc64_insn:
        movabsq $_GLOBAL_OFFSET_TABLE_, %r11
        .size   test_gotpc64_insn, .-test_gotpc64_insn

# A GOT entry exists, so the base is the GOT section's start.
# jitlink-check: _GLOBAL_OFFSET_TABLE_ = section_addr(gotpc64.o, $__GOT)
        .globl  test_got_entry
        .type   test_got_entry,@function
test_got_entry:
        movq    far@GOTPCREL(%rip), %rax
        .size   test_got_entry, .-test_got_entry
