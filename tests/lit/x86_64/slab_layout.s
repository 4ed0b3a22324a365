# The slab layout (llvm-jitlink 19's MapperJITLinkMemoryManager): from -slab-address,
# each graph gets its R-- segment (.rodata, then the GOT), its RW- segment (.data, then
# zero-fill .bss after the content), then its R-X segment (.text, then the stubs), each
# starting on a fresh page; the next graph starts on the page after. Within a segment
# sections keep object order, blocks keep their alignment.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/layout_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SECOND=1 \
# RUN:     -o %t/layout_b.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 \
# RUN:     -check %s %t/layout_a.o %t/layout_b.o

.ifndef SECOND
# layout_a.o, linked first (it defines main): .rodata (20 bytes) at the slab start, the
# GOT after it on an 8-byte boundary; .data (3 bytes) on the next page, .bss (align 16)
# after .data's content; .text on the third page (two 5-byte calls and a 6-byte movb:
# 16 bytes), the stubs right after it, far's first (6 bytes each).
# jitlink-check: section_addr(layout_a.o, .rodata) = 0xfff00000
# jitlink-check: section_addr(layout_a.o, $__GOT) = 0xfff00018
# jitlink-check: got_addr(layout_a.o, far) = 0xfff00018
# jitlink-check: section_addr(layout_a.o, .data) = 0xfff01000
# jitlink-check: section_addr(layout_a.o, .bss) = 0xfff01010
# jitlink-check: section_addr(layout_a.o, .text) = 0xfff02000
# jitlink-check: main = 0xfff02000
# jitlink-check: stub_addr(layout_a.o, far) = 0xfff02010
# jitlink-check: stub_addr(layout_a.o, b_fn) = 0xfff02016
# jitlink-check: got_addr(layout_a.o, b_fn) = 0xfff00020
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   far@PLT
        callq   b_fn@PLT
        movb    a_data(%rip), %al
        .size   main, .-main

        .section .rodata,"a",@progbits
        .globl  a_ro
a_ro:
        .ascii  "twenty bytes of text"
        .size   a_ro, 20

        .data
        .globl  a_data
a_data:
        .byte   1, 2, 3
        .size   a_data, 3

        .bss
        .p2align 4
        .globl  a_bss
a_bss:
        .zero   32
        .size   a_bss, 32
.else
# layout_b.o (only .text and .data) starts on the page after layout_a.o's last.
# jitlink-check: section_addr(layout_b.o, .data) = 0xfff03000
# jitlink-check: section_addr(layout_b.o, .text) = 0xfff04000
# jitlink-check: b_fn = 0xfff04000
        .text
        .globl  b_fn
        .p2align 4, 0x90
        .type   b_fn,@function
b_fn:
        movl    b_data(%rip), %eax
        retq
        .size   b_fn, .-b_fn

        .data
        .globl  b_data
b_data:
        .long   7
        .size   b_data, 4
.endif
