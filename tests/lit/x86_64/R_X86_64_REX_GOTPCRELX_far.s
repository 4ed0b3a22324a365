# R_X86_64_REX_GOTPCRELX with the target beyond 2 GiB: the movq stays a GOT load.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/rex_far.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/rex_far.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{2}test_movq_far = 0x8b48
# jitlink-check: decode_operand(test_movq_far, 4) = got_addr(rex_far.o, far) - next_pc(test_movq_far)
# jitlink-check: *{8}got_addr(rex_far.o, far) = far
        .globl  test_movq_far
        .type   test_movq_far,@function
test_movq_far:
        movq    far@GOTPCREL(%rip), %rax
        .size   test_movq_far, .-test_movq_far
