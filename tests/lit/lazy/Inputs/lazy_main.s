# main calls lazy_fn once and returns its result (7) as the exit status.
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        pushq   %rax
        callq   lazy_fn@PLT
        popq    %rcx
        retq
        .size   main, .-main
