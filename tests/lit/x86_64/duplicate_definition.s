# Two strong definitions of one name in one JITDylib: LLVM's duplicate-definition error.
# In different JITDylibs the same two objects link fine.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/dup_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SECOND=1 \
# RUN:     -o %t/dup_b.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/dup_a.o %t/dup_b.o 2>&1 | FileCheck %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/dup_a.o -jd other %t/dup_b.o
#
# CHECK: Duplicate definition of symbol 'twice'

        .text
.ifndef SECOND
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main
.endif

        .data
        .globl  twice
        .type   twice,@object
twice:
        .long   1
        .size   twice, 4
