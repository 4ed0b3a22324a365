# Local (static) symbols with the same name in two objects are distinct: each object's
# reference reaches its own .data (checked through section_addr, since a local name is
# ambiguous), and there is no duplicate-definition error.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/locals_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SECOND=1 \
# RUN:     -o %t/locals_b.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/locals_a.o %t/locals_b.o

.ifndef SECOND
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   get_b@PLT
        retq
        .size   main, .-main

# jitlink-check: decode_operand(get_a, 4) = section_addr(locals_a.o, .data) - next_pc(get_a)
# jitlink-check: *{4}section_addr(locals_a.o, .data) = 0xaaaa
        .globl  get_a
        .type   get_a,@function
get_a:
        movl    counter(%rip), %eax
        .size   get_a, .-get_a

        .data
        .type   counter,@object
counter:
        .long   0xaaaa
        .size   counter, 4
.else
        .text
# jitlink-check: decode_operand(get_b, 4) = section_addr(locals_b.o, .data) - next_pc(get_b)
# jitlink-check: *{4}section_addr(locals_b.o, .data) = 0xbbbb
        .globl  get_b
        .type   get_b,@function
get_b:
        movl    counter(%rip), %eax
        retq
        .size   get_b, .-get_b

        .data
        .type   counter,@object
counter:
        .long   0xbbbb
        .size   counter, 4
.endif
