# -harness FILE...: a test harness for the other inputs (the option takes every argument
# after it). A name the harness defines replaces the test object's definition (main calls
# the harness's helper), and a local symbol the harness references is exported from the
# test object (the harness jumps to its static compute).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/tested.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=HARNESS=1 \
# RUN:     -o %t/harness.o %s
# RUN: llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s %t/tested.o -harness %t/harness.o
# RUN: not llvm-jitlink -noexec %t/tested.o %t/harness.o 2>&1 | FileCheck %s
#
# Without harness mode the two definitions of helper clash.
# CHECK: Duplicate definition of symbol 'helper'
#
# jitlink-check: decode_operand(main, 0) = helper - next_pc(main)
# jitlink-check: *{1}helper = 0xb8
# jitlink-check: *{4}(helper + 1) = 1
# jitlink-check: decode_operand(probe, 0) = compute - next_pc(probe)

        .text
.ifndef HARNESS
        .globl  main
        .type   main,@function
main:
        callq   helper
        callq   compute
        retq
        .size   main, .-main
        .type   compute,@function
compute:
        movl    $5, %eax
        retq
        .size   compute, .-compute
        .globl  helper
        .type   helper,@function
helper:
        movl    $100, %eax
        retq
        .size   helper, .-helper
.else
        .globl  helper
        .type   helper,@function
helper:
        movl    $1, %eax
        retq
        .size   helper, .-helper
        .globl  probe
        .type   probe,@function
probe:
        jmp     compute
        .size   probe, .-probe
.endif
