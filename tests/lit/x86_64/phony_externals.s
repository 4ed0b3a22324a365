# -phony-externals resolves every otherwise-unresolved external to address 0: a call
# (0 is beyond 2 GiB from the slab, so it stays on its stub), a GOT load and a pointer.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/phony.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -phony-externals -check %s %t/phony.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/phony.o 2>&1 | FileCheck %s
#
# CHECK: Symbols not found: [ {{.*}}undefined_fn{{.*}} ]

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_phony_call, 0) = stub_addr(phony.o, undefined_fn) - next_pc(test_phony_call)
# jitlink-check: *{8}got_addr(phony.o, undefined_fn) = 0
        .globl  test_phony_call
        .type   test_phony_call,@function
test_phony_call:
        callq   undefined_fn@PLT
        .size   test_phony_call, .-test_phony_call

# jitlink-check: decode_operand(test_phony_load, 4) = got_addr(phony.o, undefined_var) - next_pc(test_phony_load)
# jitlink-check: *{8}got_addr(phony.o, undefined_var) = 0
        .globl  test_phony_load
        .type   test_phony_load,@function
test_phony_load:
        movq    undefined_var@GOTPCREL(%rip), %rax
        .size   test_phony_load, .-test_phony_load

# jitlink-check: *{8}ptr_phony = 0x10
        .data
        .p2align 3
        .globl  ptr_phony
ptr_phony:
        .quad   undefined_other + 0x10
        .size   ptr_phony, 8
