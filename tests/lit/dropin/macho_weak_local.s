# N_WEAK_DEF on a symbol that is not external: weak linkage, local scope (as LLVM's Mach-O
# builder reads it), and the object links. A weak local definition takes part in no
# symbol resolution, so the same name in another object is no duplicate.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj -o %t/weak_local.o %s
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj --defsym=OTHER=1 \
# RUN:     -o %t/other.o %s
# RUN: llvm-jitlink -noexec %t/weak_local.o -show-graphs=weak_local \
# RUN:   | FileCheck %s
# RUN: llvm-jitlink -noexec %t/weak_local.o %t/other.o
#
# CHECK: linkage: weak, scope: local, live  -   _shared_helper
# CHECK: linkage: strong, scope: default, live  -   _main

        .section __TEXT,__text,regular,pure_instructions
        .weak_definition _shared_helper
        .p2align 4, 0x90
_shared_helper:
        movl    $7, %eax
        retq

.ifndef OTHER
        .globl  _main
        .p2align 4, 0x90
_main:
        jmp     _shared_helper
.else
        .globl  _other
_other:
        jmp     _shared_helper
.endif

        .subsections_via_symbols
