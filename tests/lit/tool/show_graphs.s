# -show-graphs REGEX prints, after fixups, the link graph of every linked file whose name
# matches the (unanchored) regex, in LinkGraph::dump's format; others are not printed.
# graph_a.o is linked first: its GOT at 0xfff00000, .data at 0xfff01000, .text at
# 0xfff02000 and the stub right after .text's 12 bytes. The call to helper (in the
# other graph, in range) was relaxed from the stub to a direct BranchPCRel32.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/graph_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=HELPER=1 \
# RUN:     -o %t/graph_b.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/graph_a.o %t/graph_b.o -show-graphs 'graph_a' \
# RUN:   | FileCheck %s
#
# CHECK-NOT: Link graph "{{.*}}graph_b.o"
# CHECK: Link graph "{{.*}}graph_a.o" post-fixup:
# CHECK-NOT: Link graph "{{.*}}graph_b.o"
# CHECK: section .text:
# CHECK-EMPTY:
# CHECK-NEXT: block 0xfff02000 size = 0x0000000c, align = 16, alignment-offset = 0
# CHECK-NEXT: symbols:
# CHECK-NEXT: 0xfff02000 (block + 0x00000000): size: 0x0000000c, linkage: strong, scope: default, live  -   main
# CHECK-NEXT: edges:
# CHECK-NEXT: 0xfff02002 (block + 0x00000002), addend = -0x00000004, kind = Delta32, target = counter
# CHECK-NEXT: 0xfff02007 (block + 0x00000007), addend = +0x00000000, kind = BranchPCRel32, target = helper
# CHECK: External symbols:
# CHECK-NEXT: helper
# CHECK-NOT: Link graph "{{.*}}graph_b.o"
#
# A regex matching both names prints both graphs.
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/graph_a.o %t/graph_b.o -show-graphs 'graph_[ab]\.o$' \
# RUN:   | FileCheck --check-prefix=BOTH %s
# BOTH-DAG: Link graph "{{.*}}graph_a.o" post-fixup:
# BOTH-DAG: Link graph "{{.*}}graph_b.o" post-fixup:

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
