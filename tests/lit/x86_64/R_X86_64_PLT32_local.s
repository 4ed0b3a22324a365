# R_X86_64_PLT32 (L + A - P) to functions defined in the same object -> BranchPCRel32:
# no stub is needed, the call goes straight to the callee (global or local).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/plt_local.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/plt_local.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# CALL64pcrel32 has one operand, the displacement from the next instruction.
# jitlink-check: decode_operand(test_call_global, 0) = callee - next_pc(test_call_global)
        .globl  test_call_global
        .type   test_call_global,@function
test_call_global:
        callq   callee@PLT
        .size   test_call_global, .-test_call_global

# A tail call (jmp rel32) through PLT32 as well; the assembler must not shorten it.
# jitlink-check: decode_operand(test_tail_call, 0) = callee - next_pc(test_tail_call)
        .globl  test_tail_call
        .type   test_tail_call,@function
test_tail_call:
        jmp     callee@PLT
        .size   test_tail_call, .-test_tail_call

# A call to a function in another section of the same object (a backward branch is
# negative: the slice keeps the test honest about sign-extension).
# jitlink-check: decode_operand(test_call_other_section, 0) = other_section_fn - next_pc(test_call_other_section)
# jitlink-check: decode_operand(other_section_fn, 0)[63:32] = 0xffffffff
        .globl  test_call_other_section
        .type   test_call_other_section,@function
test_call_other_section:
        callq   other_section_fn@PLT
        .size   test_call_other_section, .-test_call_other_section

        .globl  callee
        .type   callee,@function
callee:
        retq
        .size   callee, .-callee

        .section .text.other,"ax",@progbits
        .globl  other_section_fn
        .type   other_section_fn,@function
other_section_fn:
        callq   main@PLT
        retq
        .size   other_section_fn, .-other_section_fn
