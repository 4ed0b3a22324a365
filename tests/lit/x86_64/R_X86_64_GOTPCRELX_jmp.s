# R_X86_64_GOTPCRELX on "jmp *foo@GOTPCREL(%rip)" with foo in range: relaxed to
# "jmp foo; nop" (e9 rel32 90). The rel32 now ends one byte earlier, so it is
# foo - (insn + 5), and next_pc of the relaxed jmp is insn + 5.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpcrelx_jmp.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xffe00000 -check %s %t/gotpcrelx_jmp.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{1}test_jmp_near = 0xe9
# jitlink-check: *{1}(test_jmp_near + 5) = 0x90
# jitlink-check: next_pc(test_jmp_near) = test_jmp_near + 5
# jitlink-check: decode_operand(test_jmp_near, 0) = near - next_pc(test_jmp_near)
        .globl  test_jmp_near
        .type   test_jmp_near,@function
test_jmp_near:
        jmpq    *near@GOTPCREL(%rip)
        .size   test_jmp_near, .-test_jmp_near

# jitlink-check: *{1}test_jmp_local = 0xe9
# jitlink-check: decode_operand(test_jmp_local, 0) = local_fn - next_pc(test_jmp_local)
        .globl  test_jmp_local
        .type   test_jmp_local,@function
test_jmp_local:
        jmpq    *local_fn@GOTPCREL(%rip)
        .size   test_jmp_local, .-test_jmp_local

        .globl  local_fn
        .type   local_fn,@function
local_fn:
        retq
        .size   local_fn, .-local_fn
