# A minimal object for tests that only need something valid to link: main returns 0.
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        xorl    %eax, %eax
        retq
        .size   main, .-main
