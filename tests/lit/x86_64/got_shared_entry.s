# One GOT entry per target, whatever asks for it: a GOT load (GOTPCREL), a 64-bit GOT
# offset (GOT64), a PC-relative 64-bit GOT reference (GOTPCREL64) and the PLT stub of
# a call all use the same entry for "far"; another target gets its own entry.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -relax-relocations=false \
# RUN:     -filetype=obj -o %t/got_shared.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -abs other=0x7fff00001000 \
# RUN:     -check %s %t/got_shared.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(use_load, 4) = got_addr(got_shared.o, far) - next_pc(use_load)
        .globl  use_load
        .type   use_load,@function
use_load:
        movq    far@GOTPCREL(%rip), %rax
        .size   use_load, .-use_load

# jitlink-check: decode_operand(use_got64, 1) = got_addr(got_shared.o, far) - _GLOBAL_OFFSET_TABLE_
        .globl  use_got64
        .type   use_got64,@function
use_got64:
        movabsq $far@GOT, %rax
        .size   use_got64, .-use_got64

# jitlink-check: decode_operand(use_call, 0) = stub_addr(got_shared.o, far) - next_pc(use_call)
# jitlink-check: *{4}(stub_addr(got_shared.o, far) + 2) = (got_addr(got_shared.o, far) - (stub_addr(got_shared.o, far) + 6))[31:0]
        .globl  use_call
        .type   use_call,@function
use_call:
        callq   far@PLT
        .size   use_call, .-use_call

# jitlink-check: decode_operand(use_other, 4) = got_addr(got_shared.o, other) - next_pc(use_other)
        .globl  use_other
        .type   use_other,@function
use_other:
        movq    other@GOTPCREL(%rip), %rcx
        .size   use_other, .-use_other

# jitlink-check: *{8}got_addr(got_shared.o, far) = far
# jitlink-check: *{8}got_addr(got_shared.o, other) = other
# jitlink-check: *{8}pc64_got = got_addr(got_shared.o, far) - pc64_got
        .data
        .p2align 3
        .globl  pc64_got
pc64_got:
        .reloc  ., R_X86_64_GOTPCREL64, far
        .quad   0
        .size   pc64_got, 8
