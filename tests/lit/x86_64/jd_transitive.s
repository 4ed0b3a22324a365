# Link orders chain: main links lib1 and lib1 links lib2 (-l placed after -jd lib1),
# so main -> lib1_fn -> lib2_fn resolves. main itself does not see lib2: a -l<jd> adds
# only that JITDylib, not what it links.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/chain_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB1=1 \
# RUN:     -o %t/chain_lib1.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB2=1 \
# RUN:     -o %t/chain_lib2.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SKIP=1 \
# RUN:     -o %t/chain_skip.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/chain_main.o -llib1 \
# RUN:     -jd lib1 %t/chain_lib1.o -llib2 -jd lib2 %t/chain_lib2.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/chain_skip.o -llib1 \
# RUN:     -jd lib1 %t/chain_lib1.o -llib2 -jd lib2 %t/chain_lib2.o 2>&1 \
# RUN:   | FileCheck --check-prefix=SKIP %s
#
# SKIP: Symbols not found: [ lib2_fn ]

        .text
.ifdef LIB1
        .globl  lib1_fn
        .p2align 4, 0x90
        .type   lib1_fn,@function
lib1_fn:
        jmp     lib2_fn@PLT
        .size   lib1_fn, .-lib1_fn
# jitlink-check: decode_operand(lib1_fn, 0) = lib2_fn - next_pc(lib1_fn)
.else
.ifdef LIB2
        .globl  lib2_fn
        .p2align 4, 0x90
        .type   lib2_fn,@function
lib2_fn:
        retq
        .size   lib2_fn, .-lib2_fn
.else
.ifdef SKIP
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib2_fn@PLT
        retq
        .size   main, .-main
.else
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib1_fn@PLT
        retq
        .size   main, .-main
# jitlink-check: decode_operand(main, 0) = lib1_fn - next_pc(main)
.endif
.endif
.endif
