# R_AARCH64_CALL26 / R_AARCH64_JUMP26 to an external beyond the branch's +-128 MiB: the
# branch goes through a stub, "adrp x16, GOT@page; ldr x16, [x16, GOT@pageoff]; br x16"
# (AAELF64 lets a linker's veneer clobber IP0 = x16), whose GOT entry holds the target.
# One stub and one GOT entry per target, shared by every call and jump to it.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/call26_stub.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -abs far_back=0x1000 \
# RUN:     -check %s %t/call26_stub.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# jitlink-check: decode_operand(test_call_far, 0) << 2 = stub_addr(call26_stub.o, far) - test_call_far
        .globl  test_call_far
test_call_far:
        bl      far
        .size   test_call_far, 4

# jitlink-check: decode_operand(test_call_far_again, 0) << 2 = stub_addr(call26_stub.o, far) - test_call_far_again
        .globl  test_call_far_again
test_call_far_again:
        bl      far
        .size   test_call_far_again, 4

# A tail call (JUMP26) shares the stub.
# jitlink-check: decode_operand(test_jump_far, 0) << 2 = stub_addr(call26_stub.o, far) - test_jump_far
# jitlink-check: (*{4}test_jump_far)[31:26] = 0x5
        .globl  test_jump_far
test_jump_far:
        b       far
        .size   test_jump_far, 4

# A target below the slab, more than 128 MiB away, gets its own stub.
# jitlink-check: decode_operand(test_call_far_back, 0) << 2 = stub_addr(call26_stub.o, far_back) - test_call_far_back
        .globl  test_call_far_back
test_call_far_back:
        bl      far_back
        .size   test_call_far_back, 4

# The GOT entries hold the targets.
# jitlink-check: *{8}got_addr(call26_stub.o, far) = far
# jitlink-check: *{8}got_addr(call26_stub.o, far_back) = far_back

# The stub for far: ADRP x16 (op 1, immlo, 10000, immhi, Rd 16) to the GOT entry's page...
# jitlink-check: (*{4}stub_addr(call26_stub.o, far))[31:31] = 1
# jitlink-check: (*{4}stub_addr(call26_stub.o, far))[28:24] = 0x10
# jitlink-check: (*{4}stub_addr(call26_stub.o, far))[4:0] = 16
# jitlink-check: (*{4}stub_addr(call26_stub.o, far))[30:29] = (got_addr(call26_stub.o, far)[63:12] - stub_addr(call26_stub.o, far)[63:12])[1:0]
# jitlink-check: (*{4}stub_addr(call26_stub.o, far))[23:5] = (got_addr(call26_stub.o, far)[63:12] - stub_addr(call26_stub.o, far)[63:12])[20:2]
# ... LDR x16, [x16, #imm12 * 8] (0xf9400210 | imm12 << 10) with the entry's page offset...
# jitlink-check: (*{4}(stub_addr(call26_stub.o, far) + 4))[31:22] = 0x3e5
# jitlink-check: (*{4}(stub_addr(call26_stub.o, far) + 4))[9:0] = 0x210
# jitlink-check: (*{4}(stub_addr(call26_stub.o, far) + 4))[21:10] = got_addr(call26_stub.o, far)[11:3]
# ... and BR x16.
# jitlink-check: *{4}(stub_addr(call26_stub.o, far) + 8) = 0xd61f0200

# The same shape for far_back's stub, 12 bytes further.
# jitlink-check: stub_addr(call26_stub.o, far_back) = stub_addr(call26_stub.o, far) + 12
# jitlink-check: (*{4}stub_addr(call26_stub.o, far_back))[23:5] = (got_addr(call26_stub.o, far_back)[63:12] - stub_addr(call26_stub.o, far_back)[63:12])[20:2]
# jitlink-check: (*{4}(stub_addr(call26_stub.o, far_back) + 4))[21:10] = got_addr(call26_stub.o, far_back)[11:3]
# jitlink-check: *{4}(stub_addr(call26_stub.o, far_back) + 8) = 0xd61f0200
