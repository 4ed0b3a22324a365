# -show-entry-es dumps the ExecutionSession after the entry point's lookup: the symbols
# of every linked object are Ready at their slab addresses (printed without zero
# padding); an input the entry point does not reach stays Never-Searched.
# Layout (one graph per object, pages from 0xfff00000): es2_main.o has its GOT (for the
# call to lib_fn) at 0xfff00000, .data at 0xfff01000 and .text at 0xfff02000; es2_lib.o
# follows at 0xfff03000.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/es2_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/es2_lib.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=UNUSED=1 \
# RUN:     -o %t/es2_unused.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/es2_main.o %t/es2_unused.o -llib \
# RUN:     -jd lib %t/es2_lib.o -show-entry-es | FileCheck %s
#
# CHECK: JITDylib "main" (ES: 0x{{[0-9a-f]+}}, State = Open)
# CHECK-NEXT: Link order: [ ("main", MatchAllSymbols), ("lib", MatchExportedSymbolsOnly), ("Process", MatchExportedSymbolsOnly) ]
# CHECK-NEXT: Symbol table:
# CHECK-NEXT:     "counter": 0xfff01000 [Data] Ready
# CHECK-NEXT:     "main": 0xfff02000 [Callable] Ready
# CHECK-NEXT:     "unused_fn": <not resolved>  [Callable] Never-Searched (Materializer 0x{{[0-9a-f]+}}, {{.*}}es2_unused.o)
# CHECK-NEXT: JITDylib "lib" (ES: 0x{{[0-9a-f]+}}, State = Open)
# CHECK-NEXT: Link order: [ ("lib", MatchAllSymbols), ("Process", MatchExportedSymbolsOnly) ]
# CHECK-NEXT: Symbol table:
# CHECK-NEXT:     "lib_fn": 0xfff03000 [Callable] Ready

.ifdef LIB
        .text
        .globl  lib_fn
        .p2align 4, 0x90
        .type   lib_fn,@function
lib_fn:
        retq
        .size   lib_fn, .-lib_fn
.else
.ifdef UNUSED
        .text
        .globl  unused_fn
        .p2align 4, 0x90
        .type   unused_fn,@function
unused_fn:
        retq
        .size   unused_fn, .-unused_fn
.else
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    counter(%rip), %eax
        callq   lib_fn@PLT
        retq
        .size   main, .-main

        .data
        .globl  counter
        .type   counter,@object
counter:
        .long   1
        .size   counter, 4
.endif
.endif
