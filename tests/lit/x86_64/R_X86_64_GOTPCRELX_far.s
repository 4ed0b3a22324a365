# R_X86_64_GOTPCRELX with a target beyond 2 GiB (and beyond 4 GiB): nothing can be
# relaxed. call, jmp and mov keep their opcodes and go through the GOT entry.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpcrelx_far.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00001000 -check %s %t/gotpcrelx_far.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# CALL64m and JMP64m have the five memory operands only: the displacement is operand 3.
# jitlink-check: *{2}test_call_far = 0x15ff
# jitlink-check: decode_operand(test_call_far, 3) = got_addr(gotpcrelx_far.o, far) - next_pc(test_call_far)
        .globl  test_call_far
        .type   test_call_far,@function
test_call_far:
        callq   *far@GOTPCREL(%rip)
        .size   test_call_far, .-test_call_far

# jitlink-check: *{2}test_jmp_far = 0x25ff
# jitlink-check: decode_operand(test_jmp_far, 3) = got_addr(gotpcrelx_far.o, far) - next_pc(test_jmp_far)
        .globl  test_jmp_far
        .type   test_jmp_far,@function
test_jmp_far:
        jmpq    *far@GOTPCREL(%rip)
        .size   test_jmp_far, .-test_jmp_far

# jitlink-check: *{1}test_movl_far = 0x8b
# jitlink-check: decode_operand(test_movl_far, 4) = got_addr(gotpcrelx_far.o, far) - next_pc(test_movl_far)
        .globl  test_movl_far
        .type   test_movl_far,@function
test_movl_far:
        movl    far@GOTPCREL(%rip), %eax
        .size   test_movl_far, .-test_movl_far

# jitlink-check: *{8}got_addr(gotpcrelx_far.o, far) = far
