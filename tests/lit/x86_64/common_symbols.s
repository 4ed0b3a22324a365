# Common symbols (.comm) become zero-filled definitions. Two objects with a common of
# the same name share one definition, with no duplicate-definition error; references
# from both objects reach it.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/common_a.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=SECOND=1 \
# RUN:     -o %t/common_b.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/common_a.o %t/common_b.o

.ifndef SECOND
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   use_b@PLT
        retq
        .size   main, .-main

# jitlink-check: decode_operand(use_a, 4) = shared_buf - next_pc(use_a)
        .globl  use_a
        .type   use_a,@function
use_a:
        movl    shared_buf(%rip), %eax
        .size   use_a, .-use_a

# A common only this object has; its alignment (16) is honoured.
# jitlink-check: decode_operand(use_own, 4) = own_buf - next_pc(use_own)
# jitlink-check: own_buf[3:0] = 0
# jitlink-check: *{8}own_buf = 0
# jitlink-check: *{8}(own_buf + 56) = 0
        .globl  use_own
        .type   use_own,@function
use_own:
        leaq    own_buf(%rip), %rax
        .size   use_own, .-use_own

        .comm   shared_buf, 32, 8
        .comm   own_buf, 64, 16
.else
        .text
# jitlink-check: decode_operand(use_b, 4) = shared_buf - next_pc(use_b)
        .globl  use_b
        .type   use_b,@function
use_b:
        movl    shared_buf(%rip), %ecx
        retq
        .size   use_b, .-use_b

        .comm   shared_buf, 32, 8
.endif

# The shared common is zero-filled.
# jitlink-check: *{8}shared_buf = 0
# jitlink-check: *{8}(shared_buf + 24) = 0
