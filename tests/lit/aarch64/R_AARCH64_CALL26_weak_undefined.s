# A BL or B to a weak reference that stays undefined (address 0): AAELF64 ("Call and Jump
# relocations") asks platforms without dynamic pre-emption to make the call a branch to
# the next instruction, as lld does. Data references to it see 0.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/call26_weak.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/call26_weak.o

        .weak   pyjitlink_test_weak_absent

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# jitlink-check: decode_operand(test_bl_weak, 0) = 1
        .globl  test_bl_weak
test_bl_weak:
        bl      pyjitlink_test_weak_absent
        .size   test_bl_weak, 4

# jitlink-check: decode_operand(test_b_weak, 0) = 1
        .globl  test_b_weak
test_b_weak:
        b       pyjitlink_test_weak_absent
        .size   test_b_weak, 4

        .data
        .p2align 3
# jitlink-check: *{8}weak_pointer = 0
        .globl  weak_pointer
weak_pointer:
        .xword  pyjitlink_test_weak_absent
        .size   weak_pointer, 8
