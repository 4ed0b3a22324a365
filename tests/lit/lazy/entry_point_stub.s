# A lazy input's function is an entry point: a stub `jmp *slot(%rip)` whose slot, before the
# first call, holds a thunk `push $id; jmp *reentry(%rip)` (no register touched). With -noexec nothing is
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
# starts with 68 (push $imm32).
# (A number must not be followed by a space in RuntimeDyldChecker's grammar: "6+".)
# jitlink-check: *{1}*{8}lazy_fn + 6+*{4}lazy_fn + 2 = 0x68
# The thunk's jump (ff 25) follows the 5-byte push.
# (Loads are greedy: parentheses end the slot load before "+ 5".)
# jitlink-check: *{2}((*{8}(lazy_fn + 6+*{4}lazy_fn + 2)) + 5) = 0x25ff

        .text
        .globl  lazy_fn
        .p2align 4, 0x90
        .type   lazy_fn,@function
lazy_fn:
        movl    $7, %eax
        retq
        .size   lazy_fn, .-lazy_fn
