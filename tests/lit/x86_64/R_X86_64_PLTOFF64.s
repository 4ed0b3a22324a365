# R_X86_64_PLTOFF64 (L - GOT + A, 64-bit): the offset of a function's PLT entry from the
# GOT base. For a function defined in the same object no PLT entry is needed and L is
# the function itself (as lld and JITLink resolve it).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pltoff64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/pltoff64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movq    far@GOTPCREL(%rip), %rax
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_pltoff, 1) = callee - _GLOBAL_OFFSET_TABLE_
        .globl  test_pltoff
        .type   test_pltoff,@function
test_pltoff:
        movabsq $callee@PLTOFF, %rax
        .size   test_pltoff, .-test_pltoff

# jitlink-check: decode_operand(test_pltoff_addend, 1) = callee - _GLOBAL_OFFSET_TABLE_ + 4
        .globl  test_pltoff_addend
        .type   test_pltoff_addend,@function
test_pltoff_addend:
        movabsq $callee@PLTOFF+4, %rax
        .size   test_pltoff_addend, .-test_pltoff_addend

        .globl  callee
        .type   callee,@function
callee:
        retq
        .size   callee, .-callee
