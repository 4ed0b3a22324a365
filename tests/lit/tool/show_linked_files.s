# -show-linked-files prints "Linking <graph name>" as each graph starts linking: the
# entry point's object first, then what it pulls in; an input nothing references is
# never linked, and an archive member appears only when it is needed.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/lf_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/lf_lib.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=UNUSED=1 \
# RUN:     -o %t/lf_unused.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=MEMBER=1 \
# RUN:     -o %t/lf_member.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=UNUSED_MEMBER=1 \
# RUN:     -o %t/lf_unused_member.o %s
# RUN: llvm-ar rcs %t/liblf.a %t/lf_member.o %t/lf_unused_member.o
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/lf_main.o %t/lf_unused.o %t/lf_lib.o %t/liblf.a \
# RUN:     -show-linked-files | FileCheck %s
#
# CHECK-NOT: lf_unused
# CHECK: Linking {{.*}}lf_main.o
# CHECK-NOT: lf_unused
# CHECK-DAG: Linking {{.*}}lf_lib.o
# CHECK-DAG: Linking {{.*}}lf_member.o
# CHECK-NOT: lf_unused

        .text
.ifdef LIB
        .globl  lib_fn
        .p2align 4, 0x90
        .type   lib_fn,@function
lib_fn:
        retq
        .size   lib_fn, .-lib_fn
.endif
.ifdef UNUSED
        .globl  unused_fn
        .type   unused_fn,@function
unused_fn:
        retq
        .size   unused_fn, .-unused_fn
.endif
.ifdef MEMBER
        .globl  member_fn
        .type   member_fn,@function
member_fn:
        retq
        .size   member_fn, .-member_fn
.endif
.ifdef UNUSED_MEMBER
        .globl  unused_member_fn
        .type   unused_member_fn,@function
unused_member_fn:
        retq
        .size   unused_member_fn, .-unused_member_fn
.endif
.ifndef LIB
.ifndef UNUSED
.ifndef MEMBER
.ifndef UNUSED_MEMBER
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib_fn@PLT
        callq   member_fn@PLT
        retq
        .size   main, .-main
.endif
.endif
.endif
.endif
