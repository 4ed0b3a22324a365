# A reference that nothing defines fails the link with LLVM's "Symbols not found" error
# naming the symbol; with two missing names both are listed (in any order).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/undef_one.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=TWO=1 \
# RUN:     -o %t/undef_two.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/undef_one.o 2>&1 | FileCheck --check-prefix=ONE %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/undef_two.o 2>&1 | FileCheck --check-prefix=TWO %s
#
# ONE: Symbols not found: [ missing_fn ]
# TWO: Symbols not found: [ {{(missing_fn, missing_var|missing_var, missing_fn)}} ]

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   missing_fn@PLT
.ifdef TWO
        movq    missing_var(%rip), %rax
.endif
        retq
        .size   main, .-main
