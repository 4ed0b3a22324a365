# -weak_library FILE / -weak-l NAME: a weak link against the library a TextAPI stub
# describes (newest llvm-jitlink's emulation): every symbol the stub lists resolves to
# null. A stub that lists nothing, or none found for -weak-l, is an error.
# (llvm-jitlink 19 lacks these options.)
#
# RUN: rm -rf %t && mkdir -p %t/stubs
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/weak_user.o %s
# RUN: cp %S/Inputs/libweakdep.tbd %t/stubs/libweakdep.tbd
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s -weak_library %S/Inputs/libweakdep.tbd \
# RUN:     %t/weak_user.o
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s -L%t/stubs -weak-lweakdep %t/weak_user.o
# RUN: not pyjitlink -noexec %t/weak_user.o 2>&1 | FileCheck --check-prefix=NONE %s
# RUN: not pyjitlink -noexec -weak-lmissing %t/weak_user.o 2>&1 \
# RUN:   | FileCheck --check-prefix=MISSING %s
# RUN: not pyjitlink -noexec -weak_library %s %t/weak_user.o 2>&1 \
# RUN:   | FileCheck --check-prefix=NOTSTUB %s
#
# jitlink-check: *{8}fn_ptr = 0
# jitlink-check: *{8}var_ptr = 0
# NONE: Symbols not found: [ weak_fn, weak_var ]
# MISSING: While linking main, could not find library for -weak-lmissing
# NOTSTUB: not a TextAPI stub (no symbols listed)

        .text
        .globl  main
        .type   main,@function
main:
        xorl    %eax, %eax
        retq
        .size   main, .-main

        .data
        .globl  fn_ptr
fn_ptr:
        .quad   weak_fn
        .size   fn_ptr, 8
        .globl  var_ptr
var_ptr:
        .quad   weak_var
        .size   var_ptr, 8
