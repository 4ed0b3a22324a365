# -show-init-es dumps the ExecutionSession before the entry point is looked up: every
# JITDylib in creation order (Process first, then main, then -jd ones), its link order,
# and its symbols sorted by name, all still unresolved with their materializer (the
# object's path, or <Absolute Symbols> for -abs). Flags show Callable/Data, Weak and
# Hidden.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/es_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/es_lib.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs abs_sym=0x1234 %t/es_main.o -llib \
# RUN:     -jd lib %t/es_lib.o -show-init-es | FileCheck %s
#
# CHECK: JITDylib "Process" (ES: 0x[[ES:[0-9a-f]+]], State = Open)
# CHECK-NEXT: Link order: [ ("Process", MatchAllSymbols) ]
# CHECK-NEXT: Symbol table:
# CHECK-NEXT: JITDylib "main" (ES: 0x[[ES]], State = Open)
# CHECK-NEXT: Link order: [ ("main", MatchAllSymbols), ("lib", MatchExportedSymbolsOnly), ("Process", MatchExportedSymbolsOnly) ]
# CHECK-NEXT: Symbol table:
# CHECK-NEXT:     "abs_sym": <not resolved>  [Data] Never-Searched (Materializer 0x{{[0-9a-f]+}}, <Absolute Symbols>)
# CHECK-NEXT:     "counter": <not resolved>  [Data] Never-Searched (Materializer 0x[[MU:[0-9a-f]+]], {{.*}}es_main.o)
# CHECK-NEXT:     "hidden_fn": <not resolved>  [Callable][Hidden] Never-Searched (Materializer 0x[[MU]], {{.*}}es_main.o)
# CHECK-NEXT:     "main": <not resolved>  [Callable] Never-Searched (Materializer 0x[[MU]], {{.*}}es_main.o)
# CHECK-NEXT:     "weak_data": <not resolved>  [Data][Weak] Never-Searched (Materializer 0x[[MU]], {{.*}}es_main.o)
# CHECK-NEXT: JITDylib "lib" (ES: 0x[[ES]], State = Open)
# CHECK-NEXT: Link order: [ ("lib", MatchAllSymbols), ("Process", MatchExportedSymbolsOnly) ]
# CHECK-NEXT: Symbol table:
# CHECK-NEXT:     "lib_fn": <not resolved>  [Callable] Never-Searched (Materializer 0x{{[0-9a-f]+}}, {{.*}}es_lib.o)

.ifndef LIB
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib_fn@PLT
        callq   hidden_fn
        movl    weak_data(%rip), %eax
        retq
        .size   main, .-main

        .globl  hidden_fn
        .hidden hidden_fn
        .type   hidden_fn,@function
hidden_fn:
        retq
        .size   hidden_fn, .-hidden_fn

        .data
        .globl  counter
        .type   counter,@object
counter:
        .long   1
        .size   counter, 4

        .weak   weak_data
        .type   weak_data,@object
weak_data:
        .long   2
        .size   weak_data, 4
.else
        .text
        .globl  lib_fn
        .p2align 4, 0x90
        .type   lib_fn,@function
lib_fn:
        retq
        .size   lib_fn, .-lib_fn
.endif
