# decode_operand and next_pc read a symbol's own bytes (its size), as LLVM's checker
# does: on a symbol without a .size they are an error ("Couldn't decode instruction"),
# the same instruction under a sized label decodes.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/sizeless.o %s
# RUN: llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s %t/sizeless.o
# RUN: not llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s -check-name=bad-check %t/sizeless.o 2>&1 \
# RUN:   | FileCheck %s
#
# jitlink-check: decode_operand(sized_call, 0) = helper - next_pc(sized_call)
# bad-check: decode_operand(main, 0) = helper - next_pc(sized_call)
# CHECK: Couldn't decode instruction at 'main'

        .text
        .globl  main
main:                               # no .size
        .globl  sized_call
sized_call:
        callq   helper
        .size   sized_call, 5
        retq

        .globl  helper
        .type   helper,@function
helper:
        retq
        .size   helper, 1
