# A check that evaluates false fails the run: the checker prints the expression and
# both sides' values, then the tool reports the check file. Rules are selected by
# -check-name (here "bad-check" rules, which are wrong on purpose).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/check_fail.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=bad-check -check %s %t/check_fail.o \
# RUN:     2>&1 | FileCheck %s
#
# The value is 42 (0x2a), the rule expects 41 (0x29).
# CHECK: Expression '*{4}answer = 41' is false: 0x2a != 0x29
# .data sits one page below .text (0xfff00000 vs 0xfff01000), so the displacement is
# answer - next_pc(main) = -0x1006, not answer - main = -0x1000; values print as 64-bit.
# CHECK: Expression 'decode_operand(main, 4) = answer - main' is false: 0xffffffffffffeffa != 0xfffffffffffff000
# CHECK: Some checks in {{.*}}check_failure.s failed
#
# The correct rules pass.
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/check_fail.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    answer(%rip), %eax
        retq
        .size   main, .-main

        .data
        .globl  answer
answer:
        .long   42
        .size   answer, 4

# bad-check: *{4}answer = 41
# bad-check: decode_operand(main, 4) = answer - main
# jitlink-check: *{4}answer = 42
# jitlink-check: decode_operand(main, 4) = answer - next_pc(main)
