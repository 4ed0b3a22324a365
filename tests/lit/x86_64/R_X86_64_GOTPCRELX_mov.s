# R_X86_64_GOTPCRELX on a mov without REX prefix (movl foo@GOTPCREL(%rip), %eax): relaxed
# to "lea foo(%rip), %eax" (opcode 8b -> 8d), displacement foo - next_pc.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpcrelx_mov.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xffe00000 -check %s %t/gotpcrelx_mov.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{1}test_movl_data = 0x8d
# jitlink-check: decode_operand(test_movl_data, 4) = data - next_pc(test_movl_data)
        .globl  test_movl_data
        .type   test_movl_data,@function
test_movl_data:
        movl    data@GOTPCREL(%rip), %eax
        .size   test_movl_data, .-test_movl_data

# jitlink-check: *{1}test_movl_near = 0x8d
# jitlink-check: decode_operand(test_movl_near, 4) = near - next_pc(test_movl_near)
        .globl  test_movl_near
        .type   test_movl_near,@function
test_movl_near:
        movl    near@GOTPCREL(%rip), %ecx
        .size   test_movl_near, .-test_movl_near

        .data
        .globl  data
data:
        .long   5
        .size   data, 4
