# A weak definition and a strong one in different objects: the strong definition wins
# (whichever comes first on the command line), references from both objects reach it,
# and there is no duplicate-definition error.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/weak_def.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=STRONG=1 \
# RUN:     -o %t/strong_def.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/weak_def.o %t/strong_def.o
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/strong_def.o %t/weak_def.o

.ifndef STRONG
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   strong_user@PLT
        retq
        .size   main, .-main

# jitlink-check: decode_operand(weak_user, 4) = setting - next_pc(weak_user)
        .globl  weak_user
        .type   weak_user,@function
weak_user:
        movl    setting(%rip), %eax
        .size   weak_user, .-weak_user

        .data
        .weak   setting
        .type   setting,@object
setting:
        .long   1
        .size   setting, 4
.else
        .text
# jitlink-check: decode_operand(strong_user, 4) = setting - next_pc(strong_user)
        .globl  strong_user
        .type   strong_user,@function
strong_user:
        movl    setting(%rip), %ecx
        retq
        .size   strong_user, .-strong_user

        .data
        .globl  setting
        .type   setting,@object
setting:
        .long   2
        .size   setting, 4
.endif

# The value is the strong definition's.
# jitlink-check: *{4}setting = 2
