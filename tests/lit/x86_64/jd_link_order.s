# -jd and -l<jd>: an input goes to the JITDylib of the last -jd before it (main if none);
# -l<name> (naming a JITDylib) adds it to the link order of the JITDylib it is placed in.
# Here main links lib, so main's call to lib_fn resolves into lib.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/jd_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/jd_lib.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/jd_main.o -llib -jd lib %t/jd_lib.o
#
# Without -llib, main cannot see lib's symbols.
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/jd_main.o -jd lib %t/jd_lib.o 2>&1 \
# RUN:   | FileCheck --check-prefix=UNLINKED %s
#
# A -l placed after -jd lib belongs to lib, not to main.
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/jd_main.o -jd lib %t/jd_lib.o -llib 2>&1 \
# RUN:   | FileCheck --check-prefix=UNLINKED %s
#
# UNLINKED: Symbols not found: [ lib_fn ]

.ifndef LIB
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib_fn@PLT
        retq
        .size   main, .-main

# jitlink-check: decode_operand(main, 0) = lib_fn - next_pc(main)
.else
        .text
        .globl  lib_fn
        .p2align 4, 0x90
        .type   lib_fn,@function
lib_fn:
        retq
        .size   lib_fn, .-lib_fn
.endif
