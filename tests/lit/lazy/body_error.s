# A lazy body that cannot link (it calls a symbol nobody defines) ends the program at the
# first call, with one error line naming the function and the cause, and status 1.
#
# REQUIRES: x86_64-host
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/main.o %S/Inputs/lazy_main.s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/broken.o %s
# RUN: not pyjitlink %t/main.o -lazy %t/broken.o 2>&1 | FileCheck %s
#
# CHECK: pyjitlink: error: {{.*}}broken.o: lazy call to 'lazy_fn' failed: Symbols not found: [ missing_fn_xyz ]

        .text
        .globl  lazy_fn
        .p2align 4, 0x90
        .type   lazy_fn,@function
lazy_fn:
        jmp     missing_fn_xyz@PLT
        .size   lazy_fn, .-lazy_fn
