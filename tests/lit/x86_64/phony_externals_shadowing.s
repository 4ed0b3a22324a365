# -phony-externals resolves only what is *otherwise* unresolved: its generator sits at the
# end of every link order (on the Process JITDylib, after dlsym), so a symbol that lib
# defines still binds to lib, and one nobody defines becomes 0.
#
# This differs on purpose from llvm-jitlink, which puts the generator on main: there it
# shadows every JITDylib main links, and in llvm-jitlink 19, where the C library comes
# from a later Process JITDylib, libc's functions too, so a program run with
# -phony-externals calls address 0. See README.md, "Differences from llvm-jitlink".
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/shadow_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/shadow_lib.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -phony-externals -check %s \
# RUN:     %t/shadow_main.o -llib -jd lib %t/shadow_lib.o

.ifndef LIB
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{8}ptr_lib_data = lib_data
# jitlink-check: *{8}ptr_nowhere = 0
        .data
        .p2align 3
        .globl  ptr_lib_data
ptr_lib_data:
        .quad   lib_data
        .size   ptr_lib_data, 8
        .globl  ptr_nowhere
ptr_nowhere:
        .quad   defined_nowhere_xyz
        .size   ptr_nowhere, 8
.else
        .data
        .globl  lib_data
lib_data:
        .long   5
        .size   lib_data, 4
.endif
