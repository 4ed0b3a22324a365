# R_X86_64_REX_GOTPCRELX on "movq foo@GOTPCREL(%rip), %reg" (REX.W 8b) with foo in
# range: relaxed to "leaq foo(%rip), %reg" (REX.W 8d); the REX prefix is kept.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/rex_gotpcrelx.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xffe00000 -check %s %t/rex_gotpcrelx.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{1}test_movq_data = 0x48
# jitlink-check: *{1}(test_movq_data + 1) = 0x8d
# jitlink-check: decode_operand(test_movq_data, 4) = data - next_pc(test_movq_data)
        .globl  test_movq_data
        .type   test_movq_data,@function
test_movq_data:
        movq    data@GOTPCREL(%rip), %rax
        .size   test_movq_data, .-test_movq_data

# An extended register: REX.WR (4c).
# jitlink-check: *{1}test_movq_r9 = 0x4c
# jitlink-check: *{1}(test_movq_r9 + 1) = 0x8d
# jitlink-check: decode_operand(test_movq_r9, 4) = near - next_pc(test_movq_r9)
        .globl  test_movq_r9
        .type   test_movq_r9,@function
test_movq_r9:
        movq    near@GOTPCREL(%rip), %r9
        .size   test_movq_r9, .-test_movq_r9

# A function address.
# jitlink-check: decode_operand(test_movq_fn, 4) = main - next_pc(test_movq_fn)
        .globl  test_movq_fn
        .type   test_movq_fn,@function
test_movq_fn:
        movq    main@GOTPCREL(%rip), %rdi
        .size   test_movq_fn, .-test_movq_fn

        .data
        .globl  data
data:
        .quad   5
        .size   data, 8
