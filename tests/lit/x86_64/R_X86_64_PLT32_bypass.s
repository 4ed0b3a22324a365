# R_X86_64_PLT32 to an external that turns out to be within 2 GiB: a stub and GOT entry
# are made (the target is unknown when they are built), then the call is relaxed to a
# direct call that bypasses the stub.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/plt_bypass.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xffe00000 \
# RUN:     -check %s %t/plt_bypass.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_call_near, 0) = near - next_pc(test_call_near)
        .globl  test_call_near
        .type   test_call_near,@function
test_call_near:
        callq   near@PLT
        .size   test_call_near, .-test_call_near

# The stub still exists and still works: its GOT entry holds the target.
# jitlink-check: *{8}got_addr(plt_bypass.o, near) = near
# jitlink-check: *{4}(stub_addr(plt_bypass.o, near) + 2) = (got_addr(plt_bypass.o, near) - (stub_addr(plt_bypass.o, near) + 6))[31:0]
