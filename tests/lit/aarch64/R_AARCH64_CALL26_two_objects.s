# R_AARCH64_CALL26 / R_AARCH64_JUMP26 between two objects: each callee is external to the
# caller's graph, so the branch first gets a stub, then goes straight to the callee (the
# objects share the slab, well within 128 MiB). Both objects come from this file
# (--defsym picks the half).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/caller.o %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CALLEE=1 \
# RUN:     -o %t/callee.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/caller.o %t/callee.o

.ifndef CALLEE
        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        bl      helper
        ret
        .size   main, .-main
.else
        .text
        .globl  helper
        .p2align 2
        .type   helper,@function
helper:
        b       main
        .size   helper, .-helper
.endif

# jitlink-check: decode_operand(main, 0) << 2 = helper - main
# jitlink-check: decode_operand(helper, 0) << 2 = main - helper
# jitlink-check: *{8}got_addr(caller.o, helper) = helper
# jitlink-check: *{8}got_addr(callee.o, main) = main
# jitlink-check: *{4}(stub_addr(caller.o, helper) + 8) = 0xd61f0200
