# R_X86_64_PLT32 calls between two objects: each callee is external to the caller's graph,
# so the call first gets a stub, then is relaxed to a direct call (the objects share the
# slab, well within 2 GiB). Both objects come from this file (--defsym picks the half).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/caller.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=CALLEE=1 \
# RUN:     -o %t/callee.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/caller.o %t/callee.o

.ifndef CALLEE
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   helper@PLT
        retq
        .size   main, .-main
.else
        .text
        .globl  helper
        .p2align 4, 0x90
        .type   helper,@function
helper:
        jmp     main@PLT
        .size   helper, .-helper
.endif

# jitlink-check: decode_operand(main, 0) = helper - next_pc(main)
# jitlink-check: decode_operand(helper, 0) = main - next_pc(helper)
# jitlink-check: *{8}got_addr(caller.o, helper) = helper
# jitlink-check: *{8}got_addr(callee.o, main) = main
