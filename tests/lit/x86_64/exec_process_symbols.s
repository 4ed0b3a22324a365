# REQUIRES: x86_64-host
#
# Externals that no input defines resolve to the host process's symbols (here libc's
# strlen), through a PLT stub: main returns strlen("hello") - 5, i.e. 0.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/process_syms.o %s
# RUN: pyjitlink %t/process_syms.o
#
# With -no-process-syms the host's strlen is not visible.
# RUN: not pyjitlink %t/process_syms.o -no-process-syms 2>&1 | FileCheck %s
# CHECK: Symbols not found: [ strlen ]

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        pushq   %rax
        leaq    greeting(%rip), %rdi
        callq   strlen@PLT
        subl    $5, %eax
        popq    %rcx
        retq
        .size   main, .-main

        .section .rodata,"a",@progbits
greeting:
        .asciz  "hello"
