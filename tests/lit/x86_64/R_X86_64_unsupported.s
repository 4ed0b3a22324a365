# A relocation type with no edge kind (R_X86_64_GOT32, the 32-bit GOT offset) fails the
# link with LLVM's "Unsupported x86-64 relocation type" error.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/got32.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/got32.o 2>&1 | FileCheck %s
#
# CHECK: Unsupported x86-64 relocation type {{.*}}R_X86_64_GOT32

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    got_word(%rip), %eax
        retq
        .size   main, .-main

        .data
        .globl  got_word
got_word:
        .reloc  ., R_X86_64_GOT32, main
        .long   0
        .size   got_word, 4
