# -show-graphs REGEX -graph-format dot prints the matching graphs as Graphviz digraphs
# instead of the text dump: one per graph, with the blocks and the edges between them.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/dot_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=HELPER=1 \
# RUN:     -o %t/dot_b.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/dot_a.o %t/dot_b.o -show-graphs 'dot_a' \
# RUN:     -graph-format dot | FileCheck %s
#
# CHECK-NOT: digraph "{{.*}}dot_b.o"
# CHECK-NOT: post-fixup:
# CHECK: {{^}}digraph "{{.*}}dot_a.o" {
# CHECK-DAG: main
# CHECK-DAG: counter
# CHECK-DAG: -> {{.*}}Delta32
# CHECK: {{^}}}
# CHECK-NOT: digraph

.ifndef HELPER
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    counter(%rip), %eax
        callq   helper@PLT
        retq
        .size   main, .-main

        .data
        .globl  counter
counter:
        .long   0
        .size   counter, 4
.else
        .text
        .globl  helper
        .p2align 4, 0x90
        .type   helper,@function
helper:
        retq
        .size   helper, .-helper
.endif
