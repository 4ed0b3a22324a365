# R_AARCH64_CALL26 / R_AARCH64_JUMP26 to an external: the stub and its GOT entry are made
# before the target's address is known; once it is, a branch whose X = S + A - P fits
# [-2**27, 2**27) goes straight to the target and bypasses the stub. The limits are checked
# at both ends.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/call26_bypass.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs near=0xf8000000 \
# RUN:     -abs edge_max=0x107f01000 -abs edge_over=0x107f01008 \
# RUN:     -abs edge_min=0xf7f0100c -abs edge_under=0xf7f0100c \
# RUN:     -check %s %t/call26_bypass.o

# Layout: the GOT (read-only) takes the first page, .text the second.
# jitlink-check: section_addr(call26_bypass.o, $__GOT) = 0xfff00000
# jitlink-check: main = 0xfff01000

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# At 0xfff01004: edge_max - P = 2**27 - 4, direct.
# jitlink-check: decode_operand(test_call_max, 0) = 0x1ffffff
        .globl  test_call_max
test_call_max:
        bl      edge_max
        .size   test_call_max, 4

# At 0xfff01008: edge_over - P = 2**27, through the stub.
# jitlink-check: decode_operand(test_call_over, 0) << 2 = stub_addr(call26_bypass.o, edge_over) - test_call_over
        .globl  test_call_over
test_call_over:
        bl      edge_over
        .size   test_call_over, 4

# At 0xfff0100c: edge_min - P = -2**27, direct.
# jitlink-check: decode_operand(test_call_min, 0) = 0xfffffffffe000000
        .globl  test_call_min
test_call_min:
        bl      edge_min
        .size   test_call_min, 4

# At 0xfff01010: edge_under - P = -2**27 - 4, through the stub.
# jitlink-check: decode_operand(test_call_under, 0) << 2 = stub_addr(call26_bypass.o, edge_under) - test_call_under
        .globl  test_call_under
test_call_under:
        bl      edge_under
        .size   test_call_under, 4

# Well inside the range, a call and a tail call.
# jitlink-check: decode_operand(test_call_near, 0) << 2 = near - test_call_near
        .globl  test_call_near
test_call_near:
        bl      near
        .size   test_call_near, 4

# jitlink-check: decode_operand(test_jump_near, 0) << 2 = near - test_jump_near
# jitlink-check: (*{4}test_jump_near)[31:26] = 0x5
        .globl  test_jump_near
test_jump_near:
        b       near
        .size   test_jump_near, 4

# The bypassed stubs still exist and still work: their GOT entries hold the targets.
# jitlink-check: *{8}got_addr(call26_bypass.o, near) = near
# jitlink-check: *{8}got_addr(call26_bypass.o, edge_max) = edge_max
# jitlink-check: (*{4}(stub_addr(call26_bypass.o, near) + 4))[21:10] = got_addr(call26_bypass.o, near)[11:3]
