# .eh_frame on AArch64: the CIE and FDEs are linked with their layout intact, each FDE's
# PC-begin (R_AARCH64_PREL32 against .text) points at its function, and the CIE pointers
# still reach the CIE. Offsets (readelf --debug-dump=frames of llvm-mc's output): CIE at 0
# (20 bytes); FDE for main at 0x14 with its CIE pointer at 0x18 and PC-begin/range at
# 0x1c/0x20; FDE for second at 0x2c with CIE pointer at 0x30 and PC-begin/range at
# 0x34/0x38.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/ehframe.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/ehframe.o

# jitlink-check: *{4}section_addr(ehframe.o, .eh_frame) = 0x10
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 20) = 0x14
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 24) = 0x18
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 28) = (main - section_addr(ehframe.o, .eh_frame) - 28)[31:0]
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 32) = 12
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 48) = 0x30
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 52) = (second - section_addr(ehframe.o, .eh_frame) - 52)[31:0]
# jitlink-check: *{4}(section_addr(ehframe.o, .eh_frame) + 56) = 4

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        .cfi_startproc
        stp     x29, x30, [sp, #-16]!
        .cfi_def_cfa_offset 16
        ldp     x29, x30, [sp], #16
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   main, .-main

        .globl  second
        .type   second,@function
second:
        .cfi_startproc
        ret
        .cfi_endproc
        .size   second, .-second
