# -check may be given several times: every file's rules must hold, and a failure names
# the file it came from. Rules may continue onto the next line with a trailing '\'.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/multi.o %s
# RUN: echo "# jitlink-check: *{4}second_word = 0x22" > %t/good.check
# RUN: echo "# jitlink-check: *{4}second_word = 0x23" > %t/bad.check
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s -check %t/good.check %t/multi.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s -check %t/bad.check %t/multi.o 2>&1 \
# RUN:   | FileCheck %s
#
# CHECK: Expression '*{4}second_word = 0x23' is false: 0x22 != 0x23
# CHECK: Some checks in {{.*}}bad.check failed

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        leaq    second_word(%rip), %rax
        retq
        .size   main, .-main

# A continued rule.
# jitlink-check: decode_operand(main, 4) = \
# jitlink-check:     second_word - next_pc(main)
        .data
        .globl  first_word
first_word:
        .long   0x11
        .size   first_word, 4
        .globl  second_word
second_word:
        .long   0x22
        .size   second_word, 4
# jitlink-check: *{4}first_word = 0x11
