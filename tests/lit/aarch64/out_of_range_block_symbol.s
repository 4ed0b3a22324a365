# An out-of-range error names the block by its best symbol at offset 0, as LLVM's
# makeTargetOutOfRangeError does: the one with the widest scope (Default < Hidden < Local)
# and linkage. Here .text starts with the global "main" and the local mapping symbol "$x",
# and .data with the global "word" and "$d": LLVM names main and word.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/block_symbol.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 %t/block_symbol.o 2>&1 \
# RUN:   | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=DATA=1 \
# RUN:     -o %t/block_symbol_data.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 %t/block_symbol_data.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=DATA
#
# CHECK: is out of range of Page21 fixup at 0xfff00000 (main, 0xfff00000 + 0x0)
# DATA: is out of range of Pointer32 fixup at 0xfff00000 (word, 0xfff00000 + 0x0)

.ifndef DATA
        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        adrp    x0, far
        ret
        .size   main, .-main
.else
        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .globl  word
word:
        .word   far
        .size   word, 4
.endif
