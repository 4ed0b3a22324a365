# Errors print as "pyjitlink: error: <file>: <message>" on stderr, one line, exit code 1,
# with LLVM's message text: here an undefined symbol (the file is the object that needs
# it) and a duplicate definition (the file is the object that defines it again).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/needs_missing.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=DUP=1 \
# RUN:     -o %t/defines_again.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/needs_missing.o 2>&1 >/dev/null \
# RUN:   | FileCheck --check-prefix=UNDEF %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/needs_missing.o %t/defines_again.o 2>&1 >/dev/null \
# RUN:   | FileCheck --check-prefix=DUP %s
#
# UNDEF: {{^}}pyjitlink: error: {{.*}}needs_missing.o: Symbols not found: [ not_defined_anywhere ]{{$}}
# UNDEF-NOT: {{.}}
# DUP: {{^}}pyjitlink: error: {{.*}}defines_again.o: Duplicate definition of symbol 'main'{{.*$}}
# DUP-NOT: {{.}}

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
.ifndef DUP
        callq   not_defined_anywhere@PLT
.endif
        retq
        .size   main, .-main
