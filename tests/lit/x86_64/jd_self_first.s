# A JITDylib searches itself before the JITDylibs it links: main and lib both define
# "choice" (no duplicate error across JITDylibs); main's reference gets main's own
# definition and lib's reference gets lib's.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/self_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/self_lib.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/self_main.o -llib -jd lib %t/self_lib.o

.ifndef LIB
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   lib_fn@PLT
        retq
        .size   main, .-main

# "choice" is named twice, so the checks use each object's .data address.
# jitlink-check: decode_operand(main_use, 4) = section_addr(self_main.o, .data) - next_pc(main_use)
# jitlink-check: *{4}section_addr(self_main.o, .data) = 1
        .globl  main_use
        .type   main_use,@function
main_use:
        movl    choice(%rip), %eax
        .size   main_use, .-main_use

        .data
        .globl  choice
choice:
        .long   1
        .size   choice, 4
.else
        .text
        .globl  lib_fn
        .p2align 4, 0x90
        .type   lib_fn,@function
lib_fn:
        movl    choice(%rip), %eax
        retq
        .size   lib_fn, .-lib_fn

# jitlink-check: decode_operand(lib_fn, 4) = section_addr(self_lib.o, .data) - next_pc(lib_fn)
# jitlink-check: *{4}section_addr(self_lib.o, .data) = 2
        .data
        .globl  choice
choice:
        .long   2
        .size   choice, 4
.endif
