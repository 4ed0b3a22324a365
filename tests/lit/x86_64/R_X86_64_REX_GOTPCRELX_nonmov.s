# R_X86_64_REX_GOTPCRELX on instructions other than mov (add, cmp): only a mov load can
# become a lea, so these stay GOT accesses even though the target is close.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/rex_nonmov.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/rex_nonmov.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# ADD64rm = dst, src, base, scale, index, disp, segment: displacement is operand 5.
# jitlink-check: *{2}test_addq = 0x0348
# jitlink-check: decode_operand(test_addq, 5) = got_addr(rex_nonmov.o, data) - next_pc(test_addq)
        .globl  test_addq
        .type   test_addq,@function
test_addq:
        addq    data@GOTPCREL(%rip), %rax
        .size   test_addq, .-test_addq

# CMP64rm = src, base, scale, index, disp, segment: displacement is operand 4.
# jitlink-check: *{2}test_cmpq = 0x3b48
# jitlink-check: decode_operand(test_cmpq, 4) = got_addr(rex_nonmov.o, data) - next_pc(test_cmpq)
        .globl  test_cmpq
        .type   test_cmpq,@function
test_cmpq:
        cmpq    data@GOTPCREL(%rip), %rcx
        .size   test_cmpq, .-test_cmpq

# jitlink-check: *{8}got_addr(rex_nonmov.o, data) = data
        .data
        .globl  data
data:
        .quad   5
        .size   data, 8
