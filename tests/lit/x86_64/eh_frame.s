# .eh_frame: the CIE and FDEs are linked with their layout intact, each FDE's PC-begin
# (R_X86_64_PC32 against .text) points at its function, and the CIE pointers still
# reach the CIE. Offsets (from llvm-mc's output): CIE at 0 (24 bytes); FDE for main at
# 0x18 with its CIE pointer at 0x1c and PC-begin/range at 0x20/0x24; FDE for second at
# 0x30 with CIE pointer at 0x34 and PC-begin/range at 0x38/0x3c.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/ehframe.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/ehframe.o

# jitlink-check: *{4}section_addr(ehframe.o, .eh_frame) = 0x14
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 28) = 0x1c
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 32) = (main - section_addr(ehframe.o, .eh_frame) - 32)[31:0]
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 36) = 3
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 52) = 0x34
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 56) = (second - section_addr(ehframe.o, .eh_frame) - 56)[31:0]
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 60) = 1

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        .cfi_startproc
        pushq   %rbp
        .cfi_def_cfa_offset 16
        popq    %rbp
        .cfi_def_cfa_offset 8
        retq
        .cfi_endproc
        .size   main, .-main

        .globl  second
        .type   second,@function
second:
        .cfi_startproc
        retq
        .cfi_endproc
        .size   second, .-second
