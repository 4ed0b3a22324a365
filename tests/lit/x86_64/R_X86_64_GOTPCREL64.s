# R_X86_64_GOTPCREL64 (G + GOT + A - P, 64-bit) -> RequestGOTAndTransformToDelta64: the
# large-code-model PC-relative offset of a GOT entry. llvm-mc has no operator for it, so
# .reloc emits it.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpcrel64.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/gotpcrel64.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        # .reloc alone does not put an undefined symbol in the symbol table.
        movabsq $far, %rax
        retq
        .size   main, .-main

        .data
        .p2align 3
# jitlink-check: *{8}off_far = got_addr(gotpcrel64.o, far) - off_far
# jitlink-check: *{8}got_addr(gotpcrel64.o, far) = far
        .globl  off_far
off_far:
        .reloc  ., R_X86_64_GOTPCREL64, far
        .quad   0
        .size   off_far, 8

# With an addend; a GOT entry for a local definition. The GOT lies below .data, so the
# value is negative (a 64-bit wrap-around).
# jitlink-check: *{8}off_local = got_addr(gotpcrel64.o, main) - off_local + 8
# jitlink-check: *{8}got_addr(gotpcrel64.o, main) = main
        .globl  off_local
off_local:
        .reloc  ., R_X86_64_GOTPCREL64, main + 8
        .quad   0
        .size   off_local, 8
