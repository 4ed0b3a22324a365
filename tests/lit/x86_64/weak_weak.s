# Two weak definitions of one symbol: no error, and the first object's definition (in
# command-line order) is the one everybody uses.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/weak_first.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SECOND=1 \
# RUN:     -o %t/weak_second.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/weak_first.o %t/weak_second.o

.ifndef SECOND
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   second_user@PLT
        retq
        .size   main, .-main

        .data
        .weak   policy
        .type   policy,@object
policy:
        .long   0x1111
        .size   policy, 4
.else
        .text
# jitlink-check: decode_operand(second_user, 4) = policy - next_pc(second_user)
        .globl  second_user
        .type   second_user,@function
second_user:
        movl    policy(%rip), %ecx
        retq
        .size   second_user, .-second_user

        .data
        .weak   policy
        .type   policy,@object
policy:
        .long   0x2222
        .size   policy, 4
.endif

# jitlink-check: *{4}policy = 0x1111
