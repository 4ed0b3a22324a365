# -show-relocated-section-contents prints each linked graph's sections after fixups,
# sorted by address, 16 bytes to a line, each line headed by its 16-byte-aligned
# address (no zero padding); bytes before the first symbol of a line are blanks.
# Expected bytes are worked out by hand from the slab layout: .rodata at 0xfff00000,
# .data at 0xfff01000, .bss after .data's 4 bytes aligned to 8 (0xfff01008), .text at
# 0xfff02000. The movl's displacement is counter - next_pc = 0xfff01000 - 0xfff02006
# = -0x1006 = fa ef ff ff.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/relocated.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/relocated.o -show-relocated-section-contents \
# RUN:   | FileCheck --strict-whitespace --match-full-lines %s
#
#      CHECK:Relocated section contents for {{.*}}relocated.o:
# CHECK-NEXT:.rodata content:
# CHECK-NEXT:0xfff00000: 88 77 66 55 44 33 22 11
# CHECK-NEXT:.data content:
# CHECK-NEXT:0xfff01000: 2a 00 00 00
# CHECK-NEXT:.bss content:
# CHECK-NEXT:0xfff01000:                         00 00 00 00 00 00 00 00
# CHECK-NEXT:.text content:
# CHECK-NEXT:0xfff02000: 8b 05 fa ef ff ff c3
# CHECK-NOT:{{.}}

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    counter(%rip), %eax
        retq
        .size   main, .-main

        .section .rodata,"a",@progbits
        .p2align 3
        .globl  ro
ro:
        .quad   0x1122334455667788
        .size   ro, 8

        .data
        .p2align 2
        .globl  counter
counter:
        .long   42
        .size   counter, 4

        .bss
        .p2align 3
        .globl  zeros
zeros:
        .zero   8
        .size   zeros, 8
