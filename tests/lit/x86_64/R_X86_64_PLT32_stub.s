# R_X86_64_PLT32 to an external that is out of range: the call goes through a PLT stub
# (jmp *GOT(%rip)) whose GOT entry holds the target.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/plt_stub.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 \
# RUN:     -check %s %t/plt_stub.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# The call targets the stub.
# jitlink-check: decode_operand(test_call_far, 0) = stub_addr(plt_stub.o, far) - next_pc(test_call_far)
        .globl  test_call_far
        .type   test_call_far,@function
test_call_far:
        callq   far@PLT
        .size   test_call_far, .-test_call_far

# A second call to the same target shares the stub.
# jitlink-check: decode_operand(test_call_far_again, 0) = stub_addr(plt_stub.o, far) - next_pc(test_call_far_again)
        .globl  test_call_far_again
        .type   test_call_far_again,@function
test_call_far_again:
        callq   far@PLT
        .size   test_call_far_again, .-test_call_far_again

# The stub is "jmp *disp32(%rip)" (ff 25), 6 bytes, whose displacement reaches the GOT
# entry; the GOT entry holds the target's address.
# jitlink-check: *{2}stub_addr(plt_stub.o, far) = 0x25ff
# jitlink-check: *{4}(stub_addr(plt_stub.o, far) + 2) = (got_addr(plt_stub.o, far) - (stub_addr(plt_stub.o, far) + 6))[31:0]
# jitlink-check: *{8}got_addr(plt_stub.o, far) = far
