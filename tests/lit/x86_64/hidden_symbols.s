# Hidden symbols: inside their own object they link like any definition (a GOT load of
# one relaxes to a lea); other objects of the same JITDylib see them (hidden means "not
# exported from the dylib", as in a shared library); objects in another JITDylib that
# links this one do not.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/hidden_def.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=OUTSIDER=1 \
# RUN:     -o %t/hidden_user.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/hidden_def.o
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry outsider -check %s \
# RUN:     %t/hidden_def.o %t/hidden_user.o
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry outsider %t/hidden_def.o \
# RUN:     -jd other %t/hidden_user.o -lmain 2>&1 | FileCheck --check-prefix=OTHER-JD %s
#
# OTHER-JD: Symbols not found: [ secret ]

.ifndef OUTSIDER
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: *{2}test_hidden_load = 0x8d48
# jitlink-check: decode_operand(test_hidden_load, 4) = secret - next_pc(test_hidden_load)
        .globl  test_hidden_load
        .type   test_hidden_load,@function
test_hidden_load:
        movq    secret@GOTPCREL(%rip), %rax
        .size   test_hidden_load, .-test_hidden_load

# jitlink-check: decode_operand(test_hidden_call, 0) = secret_fn - next_pc(test_hidden_call)
        .globl  test_hidden_call
        .type   test_hidden_call,@function
test_hidden_call:
        callq   secret_fn@PLT
        .size   test_hidden_call, .-test_hidden_call

        .globl  secret_fn
        .hidden secret_fn
        .type   secret_fn,@function
secret_fn:
        retq
        .size   secret_fn, .-secret_fn

        .data
        .globl  secret
        .hidden secret
        .type   secret,@object
secret:
        .long   42
        .size   secret, 4
.else
        .text
        .globl  outsider
        .p2align 4, 0x90
        .type   outsider,@function
outsider:
        movl    secret(%rip), %eax
        retq
        .size   outsider, .-outsider
.endif
