# -show-sizes prints the total size of all blocks before pruning and after fixups.
# Before: .text 6 (call rel32 + ret) + .text.unused 2 + .data 4 = 12. The local-only
# .text.unused block is dead and pruned; the call to the far external adds a GOT
# entry (8) and a stub (6): after = 6 + 4 + 8 + 6 = 24.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/sizes.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far_fn=0x7fff00000000 %t/sizes.o -show-sizes 2>&1 \
# RUN:   | FileCheck %s
#
# CHECK: Total size of all blocks before pruning: 12
# CHECK: Total size of all blocks after fixups: 24
#
# LLVM 19's statistics options print the same numbers under a "Statistics:" heading.
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far_fn=0x7fff00000000 %t/sizes.o \
# RUN:     -pre-prune-total-block-size -post-fixup-total-block-size 2>&1 \
# RUN:   | FileCheck --check-prefix=STATS %s
#
# STATS: Statistics:
# STATS-NEXT: Total size of all blocks before pruning: 12
# STATS-NEXT: Total size of all blocks after fixups: 24

        .text
        .globl  main
        .type   main,@function
main:
        callq   far_fn@PLT
        retq
        .size   main, .-main

        .section .text.unused,"ax",@progbits
        .type   unused_local,@function
unused_local:
        retq
        retq
        .size   unused_local, .-unused_local

        .data
        .globl  counter
counter:
        .long   0
        .size   counter, 4
