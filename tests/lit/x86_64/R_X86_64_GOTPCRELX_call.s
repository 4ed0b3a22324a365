# R_X86_64_GOTPCRELX on "call *foo@GOTPCREL(%rip)" with foo in range: relaxed to
# "addr32 call foo" (67 e8 rel32), as lld does (psABI B.2). The rel32 is foo - next_pc.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpcrelx_call.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xffe00000 -check %s %t/gotpcrelx_call.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# An external in range.
# jitlink-check: *{1}test_call_near = 0x67
# jitlink-check: *{1}(test_call_near + 1) = 0xe8
# jitlink-check: decode_operand(test_call_near, 0) = near - next_pc(test_call_near)
# jitlink-check: next_pc(test_call_near) = test_call_near + 6
        .globl  test_call_near
        .type   test_call_near,@function
test_call_near:
        callq   *near@GOTPCREL(%rip)
        .size   test_call_near, .-test_call_near

# A definition in the same object.
# jitlink-check: *{2}test_call_local = 0xe867
# jitlink-check: decode_operand(test_call_local, 0) = local_fn - next_pc(test_call_local)
        .globl  test_call_local
        .type   test_call_local,@function
test_call_local:
        callq   *local_fn@GOTPCREL(%rip)
        .size   test_call_local, .-test_call_local

        .globl  local_fn
        .type   local_fn,@function
local_fn:
        retq
        .size   local_fn, .-local_fn
