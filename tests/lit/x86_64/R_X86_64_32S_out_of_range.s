# R_X86_64_32S to a symbol in the slab at 0xfff00000: the address fits 32 unsigned bits
# but not a sign-extended 32-bit field, so the Pointer32Signed fixup must fail.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs32s_slab.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/abs32s_slab.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}abs32s_slab.o, section .text: relocation target "value" at address 0xfff0{{[0-9a-f]+}} {{(with addend 0x0 )?}}is out of range of Pointer32Signed fixup at 0xfff0{{[0-9a-f]+}} (main, 0xfff0{{[0-9a-f]+}} + 0x3)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movq    $value, %rax
        retq
        .size   main, .-main

        .data
        .globl  value
value:
        .quad   0
        .size   value, 8
