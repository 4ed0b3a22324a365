# A check file in which no line carries the requested prefix fails: zero rules is not a
# pass. Here -check-name selects a prefix this file never uses.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/no_rules.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=absent-prefix -check %s %t/no_rules.o \
# RUN:     2>&1 | FileCheck %s
#
# An empty check file fails the same way.
# RUN: echo "" > %t/empty.check
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %t/empty.check %t/no_rules.o 2>&1 \
# RUN:   | FileCheck --check-prefix=EMPTY %s
#
# CHECK: Some checks in {{.*}}check_no_rules.s failed
# EMPTY: Some checks in {{.*}}empty.check failed

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{1}main = 0xc3
