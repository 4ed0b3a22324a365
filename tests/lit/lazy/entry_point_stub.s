# A lazy input's function is an entry point: a stub `jmp *slot(%rip)` whose slot, before the
# first call, holds a thunk `mov $id, %r11d; jmp *reentry(%rip)`. With -noexec nothing is
# called, so the body's object is never linked.
#
# REQUIRES: x86_64-host
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/main.o %S/Inputs/lazy_main.s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/lazy.o %s
# RUN: pyjitlink -noexec -show-linked-files -check %s %t/main.o -lazy %t/lazy.o \
# RUN:   | FileCheck %s
#
# CHECK: Linking {{.*}}main.o
# CHECK-NOT: Linking {{.*}}lazy.o
#
# The stub: ff 25 <rel32>.
# jitlink-check: *{2}lazy_fn = 0x25ff
# The slot is at stub + 6 + rel32; before the first call it points at the thunk, which
# starts with 41 bb (mov $id, %r11d).
# (A number must not be followed by a space in RuntimeDyldChecker's grammar: "6+".)
# jitlink-check: *{2}*{8}lazy_fn + 6+*{4}lazy_fn + 2 = 0xbb41
# The thunk's jump (ff 25) follows the 6-byte mov.
# (Loads are greedy: parentheses end the slot load before "+ 6".)
# jitlink-check: *{2}((*{8}(lazy_fn + 6+*{4}lazy_fn + 2)) + 6) = 0x25ff

        .text
        .globl  lazy_fn
        .p2align 4, 0x90
        .type   lazy_fn,@function
lazy_fn:
        movl    $7, %eax
        retq
        .size   lazy_fn, .-lazy_fn
