# __start_SECT / __stop_SECT (GNU ld's names for a section's first byte and one past its
# last): bound to this graph's part of the section after allocation, never looked up; the
# section is kept whole although nothing else refers to its entries. A name whose section
# the graph lacks stays an ordinary undefined symbol.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/set.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/set.o
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym MISSING=1 \
# RUN:     -o %t/missing.o %s
# RUN: not pyjitlink -noexec %t/missing.o 2>&1 | FileCheck %s --check-prefix=MISSING
# MISSING: pyjitlink: error: {{.*}}missing.o: Symbols not found: [ __start_nosuchset ]

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        leaq    __start_myset(%rip), %rax
        leaq    __stop_myset(%rip), %rcx
        movabsq $__stop_myset, %rdx
.ifdef MISSING
        leaq    __start_nosuchset(%rip), %rax
.endif
        retq
        .size   main, .-main

# Three 8-byte entries no code refers to: all kept, the bounds around them.
# jitlink-check: __start_myset = section_addr(set.o, myset)
# jitlink-check: __stop_myset = __start_myset + 24
# jitlink-check: *{8}__start_myset = 0x1111
# jitlink-check: *{8}(__stop_myset - 8) = 0x3333
# jitlink-check: decode_operand(main, 4) = __start_myset - next_pc(main)
# jitlink-check: decode_operand(main + 7, 4) = __stop_myset - (main + 14)
# jitlink-check: decode_operand(main + 14, 1) = __stop_myset
        .section myset,"aw",@progbits
        .p2align 3
entry1:
        .quad   0x1111
entry2:
        .quad   0x2222
entry3:
        .quad   0x3333
