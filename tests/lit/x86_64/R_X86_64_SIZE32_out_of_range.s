# R_X86_64_SIZE32 with Z + A = 16 - 32 < 0: does not fit the unsigned 32-bit field.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/size32_neg.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/size32_neg.o 2>&1 | FileCheck %s
#
# CHECK: relocation target "buffer" at address 0x{{[0-9a-f]+}} {{(with addend -0x20 )?}}is out of range of Size32 fixup at 0x{{[0-9a-f]+}} (main, 0x{{[0-9a-f]+}} + 0x1)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    $buffer@SIZE-32, %eax
        retq
        .size   main, .-main

        .data
        .globl  buffer
buffer:
        .zero   16
        .size   buffer, 16
